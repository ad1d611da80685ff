"""Due and overdue: a step past its target date and not done is overdue, and so is the item that
has one. One definition, read by the list's filters and the API; internal steps never leave the
admin."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from recommendations.models import NextStep, Recommendation
from recommendations.rules.choices import Side, StepState, Visibility
from tests import factories

LIST = reverse("recommendations:list")
TODAY = timezone.localdate()
PAST = TODAY - datetime.timedelta(days=10)
SOON = TODAY + datetime.timedelta(days=20)
LATER = TODAY + datetime.timedelta(days=200)


def step(item, target, **fields):
    return factories.NextStepFactory(recommendation=item, target_date=target, **fields)


@pytest.mark.django_db
def test_a_step_past_its_target_and_not_done_is_overdue_and_a_done_one_is_not():
    item = factories.RecommendationFactory()
    late = step(item, PAST)
    step(item, PAST, state=StepState.DONE, done_on=PAST)
    step(item, SOON)

    assert list(NextStep.objects.overdue(TODAY)) == [late]
    assert late.is_overdue(TODAY)
    assert NextStep.objects.on_time(TODAY).count() == 2


@pytest.mark.django_db
def test_a_slipped_step_is_overdue_by_its_new_date_not_its_first():
    item = factories.RecommendationFactory()
    step(item, SOON, first_target_date=PAST, state=StepState.SLIPPED, slip_reason="Budget")

    assert not NextStep.objects.overdue(TODAY).exists()
    assert not Recommendation.objects.overdue(TODAY).exists()


@pytest.mark.django_db
def test_the_list_filters_overdue_items(client):
    late = factories.RecommendationFactory(number="1")
    step(late, PAST)
    on_time = factories.RecommendationFactory(number="2")
    step(on_time, SOON)

    overdue = client.get(LIST, {"overdue": "true"})
    not_overdue = client.get(LIST, {"overdue": "false"})

    assert [item.pk for item in overdue.context["page"]] == [late.pk]
    assert late.pk not in [item.pk for item in not_overdue.context["page"]]
    assert on_time.pk in [item.pk for item in not_overdue.context["page"]]


@pytest.mark.django_db
def test_the_list_filters_items_with_a_step_due_before_a_day(client):
    soon = factories.RecommendationFactory(number="1")
    step(soon, SOON)
    later = factories.RecommendationFactory(number="2")
    step(later, LATER)
    done = factories.RecommendationFactory(number="3")
    step(done, SOON, state=StepState.DONE, done_on=TODAY)

    response = client.get(LIST, {"due_before": (SOON + datetime.timedelta(1)).isoformat()})

    assert [item.pk for item in response.context["page"]] == [soon.pk]


@pytest.mark.django_db
def test_an_internal_overdue_step_does_not_make_the_public_item_overdue(client):
    item = factories.RecommendationFactory()
    step(item, PAST, visibility=Visibility.INTERNAL, text="Internal deadline")

    listed = client.get(LIST, {"overdue": "true"})
    data = client.get(f"/api/recommendations/{item.reference}/").json()

    assert list(listed.context["page"]) == []
    assert data["overdue"] is False
    assert data["next_steps"] == []
    assert "Internal deadline" not in str(data)


@pytest.mark.django_db
def test_the_api_gives_each_public_step_with_its_dates_and_state_and_whether_the_item_is_overdue(
    client,
):
    item = factories.RecommendationFactory()
    step(item, PAST, side=Side.JAPAN, text="Guidelines")
    step(
        item,
        LATER,
        first_target_date=SOON,
        state=StepState.SLIPPED,
        slip_reason="Budget",
        text="Call",
    )

    data = client.get(f"/api/recommendations/{item.reference}/").json()

    assert data["overdue"] is True
    assert [s["text"] for s in data["next_steps"]] == ["Call", "Guidelines"]
    call = data["next_steps"][0]
    assert call["target_date"] == LATER.isoformat()
    assert call["first_target_date"] == SOON.isoformat()
    assert call["state"] == "slipped"
    assert call["done_on"] is None
    listed = client.get("/api/recommendations/", {"overdue": "true"}).json()
    assert [row["reference"] for row in listed["results"]] == [item.reference]


@pytest.mark.django_db
def test_the_dashboard_counts_each_owners_steps_on_time_and_overdue(client):
    cnect = factories.OwnerFactory(code="CNECT", name="DG Connect", side=Side.EU)
    meti = factories.OwnerFactory(code="METI", name="METI", side=Side.JAPAN)
    item = factories.RecommendationFactory(lead_owner=cnect, co_owners=[meti])
    step(item, PAST, side=Side.EU)
    step(item, SOON, side=Side.EU)
    step(item, SOON, side=Side.JAPAN)
    step(item, PAST, side=Side.JAPAN, state=StepState.DONE, done_on=PAST)
    step(item, PAST, side=Side.JAPAN, visibility=Visibility.INTERNAL)

    content = client.get("/").content.decode()

    assert "<strong>DG Connect</strong>: 1 next step on time," in content
    assert "?owner=CNECT&amp;overdue=true" in content
    assert ">1 overdue</a>" in content
    assert "<strong>METI</strong>: 2 next steps on time,\n" in content
    assert "0 overdue</li>" in content


@pytest.mark.django_db
def test_the_report_opens_with_overdue_steps_and_those_due_before_the_council():
    from recommendations.reporting.options import ReportOptions
    from recommendations.reporting.report import build_report

    council = factories.CouncilFactory(date=TODAY + datetime.timedelta(days=30))
    owner = factories.OwnerFactory(code="CNECT", name="DG Connect", side=Side.EU)
    item = factories.RecommendationFactory(lead_owner=owner)
    step(item, PAST, text="Late call")
    step(
        item,
        SOON,
        text="Guidelines due",
        first_target_date=TODAY,
        state=StepState.SLIPPED,
        slip_reason="x",
    )
    step(item, LATER, text="Far away")
    step(item, PAST, text="Internal one", visibility=Visibility.INTERNAL)

    report = build_report(ReportOptions(as_of=TODAY, council=council))

    assert [(s.text, s.overdue) for s in report.due_steps] == [
        ("Late call", True),
        ("Guidelines due", False),
    ]
    assert report.due_steps[1].has_slipped
    assert report.step_table == [("DG Connect", 2, 1)]
    internal = build_report(ReportOptions(as_of=TODAY, council=council, internal=True))
    assert [s.text for s in internal.due_steps] == ["Late call", "Internal one", "Guidelines due"]


def word_texts(options) -> list[str]:
    import io

    from docx import Document

    from recommendations.reporting.docx_export import write_docx

    target = io.BytesIO()
    write_docx(options, target)
    document = Document(io.BytesIO(target.getvalue()))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return [paragraph.text for paragraph in document.paragraphs] + cells


@pytest.mark.django_db
def test_the_word_edition_opens_with_the_overdue_steps_and_gives_each_sides_response():
    from recommendations.reporting.options import ReportOptions
    from recommendations.rules.choices import Response

    council = factories.CouncilFactory(date=TODAY + datetime.timedelta(days=30))
    item = factories.RecommendationFactory(
        eu_response=Response.NOT_ACCEPTED,
        eu_response_rationale="Covered by the Data Act.",
        eu_response_date=datetime.date(2026, 3, 2),
    )
    step(item, PAST, text="Late call")

    texts = word_texts(ReportOptions(as_of=TODAY, council=council))

    assert "Overdue, and due before the Council" in texts
    assert "Late call" in texts
    assert "Overdue" in texts
    status_cell = next(text for text in texts if "EU response:" in text)
    assert "EU response: Not accepted (2 March 2026): Covered by the Data Act." in status_cell
    assert "Japan response: No response yet" in status_cell
    assert "Formal responses by lead owner and side" in texts


@pytest.mark.django_db
def test_the_officials_admin_home_lists_their_sides_open_steps_overdue_first(client):
    official = factories.OfficialFactory(
        owner=factories.OwnerFactory(code="CNECT", name="DG Connect", side=Side.EU)
    )
    item = factories.RecommendationFactory(lead_owner=official.owner)
    step(item, SOON, text="Guidelines due soon")
    step(item, PAST, text="Late call", visibility=Visibility.INTERNAL)
    step(item, PAST, text="Done already", state=StepState.DONE, done_on=PAST)
    step(item, PAST, side=Side.JAPAN, text="Japan's step")
    step(factories.RecommendationFactory(), PAST, text="Someone else's")
    client.force_login(official.user)

    content = client.get("/admin/").content.decode()

    assert "Your EU next steps" in content
    assert "1 step is past its target date: it comes first." in content
    assert content.index("Late call") < content.index("Guidelines due soon")
    for absent in ("Done already", "Japan's step", "Someone else's"):
        assert absent not in content


@pytest.mark.django_db
def test_the_rounds_call_lists_each_officials_due_and_overdue_steps(settings):
    from django.core import mail
    from django.test import TestCase

    from recommendations.services.rounds import open_round

    settings.MAILER_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    council = factories.CouncilFactory(number=3, date=TODAY + datetime.timedelta(days=60))
    eu = factories.OwnerFactory(code="CNECT", name="DG Connect", side=Side.EU)
    jp = factories.OwnerFactory(code="METI", name="METI", side=Side.JAPAN)
    factories.OfficialFactory(owner=eu, user__username="anna")
    factories.OfficialFactory(owner=jp, user__username="hana", language="ja")
    item = factories.RecommendationFactory(reference="AI-1", lead_owner=eu, co_owners=[jp])
    step(item, PAST, text="Late call")
    step(item, SOON, text="Guidelines")
    step(item, TODAY + datetime.timedelta(days=300), text="After the Council")
    step(item, PAST, side=Side.JAPAN, text="日本のステップ")

    with TestCase.captureOnCommitCallbacks(execute=True):
        open_round(
            council=council, deadline=TODAY + datetime.timedelta(days=20), author=None, today=TODAY
        )

    by_recipient = {message.to[0]: message for message in mail.outbox}
    anna = by_recipient["anna@example.org"].body
    assert "Your next steps overdue, or due before the Council:" in anna
    assert anna.index("AI-1: Late call — overdue since") < anna.index("AI-1: Guidelines — due")
    assert "After the Council" not in anna and "日本のステップ" not in anna
    hana = by_recipient["hana@example.org"].body
    assert "日本のステップ" in hana and "期限超過" in hana
    assert "Late call" not in hana
