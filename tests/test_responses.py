"""Each side's formal response to a recommendation (accepted, … not accepted, with a rationale
and a date) and why a stalled side is stalled: who may set them, what is refused, and where they
show."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from recommendations.models import Recommendation
from recommendations.reporting.options import ReportOptions
from recommendations.reporting.report import build_report
from recommendations.rules.choices import Response, Side, StalledReason, Status
from recommendations.services.statuses import bulk_set_statuses, set_statuses
from tests import factories
from tests.helpers import CHANGELIST, bulk_status, post_change_form

DAY = datetime.date(2026, 3, 2)


def eu_official():
    return factories.OfficialFactory(owner=factories.OwnerFactory(code="CNECT", side=Side.EU))


def japan_official():
    return factories.OfficialFactory(owner=factories.OwnerFactory(code="METI", side=Side.JAPAN))


@pytest.mark.django_db
def test_every_item_starts_with_no_response_from_either_side():
    item = factories.RecommendationFactory()

    assert item.eu_response == Response.NO_RESPONSE
    assert item.japan_response == Response.NO_RESPONSE
    assert item.get_eu_response_display() == "No response yet"


@pytest.mark.django_db
def test_an_official_records_their_sides_response_in_one_history_row_and_one_version_step():
    official = eu_official()
    item = factories.RecommendationFactory(lead_owner=official.owner)
    history = item.history.count()

    set_statuses(
        recommendation=item,
        author=official.user,
        answers={"eu_response": Response.ACCEPTED_IN_PRINCIPLE, "eu_response_rationale": "Yes."},
        on=DAY,
    )

    item.refresh_from_db()
    assert item.eu_response == Response.ACCEPTED_IN_PRINCIPLE
    assert item.eu_response_date == DAY
    assert item.eu_status == Status.NOT_ASSESSED
    assert item.history.count() == history + 1
    assert item.version == 2
    assert item.history.first().history_user == official.user


@pytest.mark.django_db
def test_an_official_may_not_set_the_other_sides_response():
    official = eu_official()
    item = factories.RecommendationFactory(lead_owner=official.owner)

    with pytest.raises(PermissionDenied, match="Japan response"):
        set_statuses(
            recommendation=item,
            author=official.user,
            answers={"japan_response": Response.ACCEPTED},
        )

    item.refresh_from_db()
    assert item.japan_response == Response.NO_RESPONSE


@pytest.mark.django_db
def test_the_secretariat_records_both_sides_responses(secretariat_user):
    item = factories.RecommendationFactory()

    set_statuses(
        recommendation=item,
        author=secretariat_user,
        answers={"eu_response": Response.ACCEPTED, "japan_response": Response.UNDER_CONSIDERATION},
    )

    item.refresh_from_db()
    assert (item.eu_response, item.japan_response) == ("accepted", "under_consideration")


@pytest.mark.django_db
@pytest.mark.parametrize("response", [Response.NOT_ACCEPTED, Response.NOTED])
def test_a_response_that_plans_no_action_is_refused_without_its_rationale(response):
    item = factories.RecommendationFactory()

    with pytest.raises(ValidationError) as refused:
        set_statuses(recommendation=item, author=None, answers={"japan_response": response})

    assert "needs its rationale" in str(refused.value.message_dict["japan_response_rationale"])
    item.refresh_from_db()
    assert item.japan_response == Response.NO_RESPONSE


@pytest.mark.django_db
def test_not_accepted_is_an_answer_and_leaves_the_status_alone():
    item = factories.RecommendationFactory()

    set_statuses(
        recommendation=item,
        author=None,
        answers={
            "japan_response": Response.NOT_ACCEPTED,
            "japan_response_rationale": "Covered by existing law.",
        },
    )

    item.refresh_from_db()
    assert item.japan_response == Response.NOT_ACCEPTED
    assert item.japan_status == Status.NOT_ASSESSED
    assert item.status == Status.NOT_ASSESSED


@pytest.mark.django_db
def test_an_unknown_response_is_refused():
    item = factories.RecommendationFactory()

    with pytest.raises(ValidationError, match="not a known response"):
        set_statuses(recommendation=item, author=None, answers={"eu_response": "maybe"})


@pytest.mark.django_db
def test_setting_a_side_to_stalled_is_refused_without_a_reason():
    item = factories.RecommendationFactory()

    with pytest.raises(ValidationError) as refused:
        set_statuses(recommendation=item, author=None, sides={Side.EU: Status.STALLED})

    assert "eu_stalled_reason" in refused.value.message_dict
    item.refresh_from_db()
    assert item.eu_status == Status.NOT_ASSESSED


@pytest.mark.django_db
def test_a_stall_for_another_reason_needs_its_detail():
    item = factories.RecommendationFactory()

    with pytest.raises(ValidationError) as refused:
        set_statuses(
            recommendation=item,
            author=None,
            sides={Side.JAPAN: Status.STALLED},
            answers={"japan_stalled_reason": StalledReason.OTHER},
        )

    assert "japan_stalled_detail" in refused.value.message_dict


@pytest.mark.django_db
def test_a_side_stalled_with_its_reason_keeps_it_until_it_moves_on():
    item = factories.RecommendationFactory()
    set_statuses(
        recommendation=item,
        author=None,
        sides={Side.EU: Status.STALLED},
        answers={"eu_stalled_reason": StalledReason.BUDGET},
    )
    item.refresh_from_db()
    assert item.eu_stalled_reason == StalledReason.BUDGET

    set_statuses(recommendation=item, author=None, sides={Side.EU: Status.IN_PROGRESS})

    item.refresh_from_db()
    assert item.eu_stalled_reason == ""
    assert item.eu_stalled_detail == ""


@pytest.mark.django_db
def test_the_bulk_change_to_stalled_needs_a_reason_for_every_item():
    items = factories.RecommendationFactory.create_batch(2)

    with pytest.raises(ValidationError):
        bulk_set_statuses(recommendations=items, author=None, sides={Side.EU: Status.STALLED})
    bulk_set_statuses(
        recommendations=items,
        author=None,
        sides={Side.EU: Status.STALLED},
        answers={"eu_stalled_reason": StalledReason.LEGISLATION},
    )

    assert set(Recommendation.objects.values_list("eu_stalled_reason", flat=True)) == {
        StalledReason.LEGISLATION
    }


# The admin change form ------------------------------------------------------------------


@pytest.mark.django_db
def test_an_official_records_their_response_in_the_admin_change_form(client):
    official = japan_official()
    item = factories.RecommendationFactory(lead_owner=official.owner)
    client.force_login(official.user)

    response = post_change_form(
        client,
        item,
        japan_response=Response.NOT_ACCEPTED,
        japan_response_rationale="Already covered by the APPI.",
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.japan_response == Response.NOT_ACCEPTED
    assert item.japan_response_rationale == "Already covered by the APPI."
    assert item.history.count() == 2


@pytest.mark.django_db
def test_the_admin_form_says_a_not_accepted_needs_its_rationale(client):
    official = japan_official()
    item = factories.RecommendationFactory(lead_owner=official.owner)
    client.force_login(official.user)

    response = post_change_form(client, item, japan_response=Response.NOT_ACCEPTED)

    assert response.status_code == 200
    assert "needs its rationale" in response.content.decode()
    item.refresh_from_db()
    assert item.japan_response == Response.NO_RESPONSE


@pytest.mark.django_db
def test_an_official_cannot_edit_the_other_sides_response_in_the_admin(client):
    official = eu_official()
    item = factories.RecommendationFactory(lead_owner=official.owner)
    client.force_login(official.user)

    post_change_form(client, item, japan_response=Response.ACCEPTED)

    item.refresh_from_db()
    assert item.japan_response == Response.NO_RESPONSE


@pytest.mark.django_db
def test_the_admin_form_asks_why_a_side_is_stalled(client):
    official = eu_official()
    item = factories.RecommendationFactory(lead_owner=official.owner)
    client.force_login(official.user)

    refused = post_change_form(client, item, eu_status=Status.STALLED)
    saved = post_change_form(
        client, item, eu_status=Status.STALLED, eu_stalled_reason=StalledReason.OTHER_SIDE
    )

    assert "choose a reason" in refused.content.decode()
    assert saved.status_code == 302
    item.refresh_from_db()
    assert (item.eu_status, item.eu_stalled_reason) == (Status.STALLED, "other_side")


@pytest.mark.django_db
def test_the_bulk_action_refuses_stalled_without_a_reason_and_records_it_with_one(admin_client):
    items = factories.RecommendationFactory.create_batch(2)

    refused = admin_client.post(
        CHANGELIST, bulk_status(items, target=Side.JAPAN, status=Status.STALLED)
    )
    admin_client.post(
        CHANGELIST,
        bulk_status(
            items, target=Side.JAPAN, status=Status.STALLED, stalled_reason=StalledReason.CAPACITY
        ),
    )

    assert "choose a reason" in refused.content.decode()
    assert list(Recommendation.objects.values_list("japan_stalled_reason", flat=True)) == [
        "capacity",
        "capacity",
    ]


# Where responses show -------------------------------------------------------------------


@pytest.mark.django_db
def test_the_public_list_filters_by_either_sides_response(client):
    refused = factories.RecommendationFactory(
        japan_response=Response.NOT_ACCEPTED, japan_response_rationale="Out of scope."
    )
    accepted = factories.RecommendationFactory(eu_response=Response.ACCEPTED)

    either = client.get("/recommendations/", {"response": "not_accepted"}).content.decode()
    eu = client.get("/recommendations/", {"eu_response": "accepted"}).content.decode()

    assert refused.reference in either and accepted.reference not in either
    assert accepted.reference in eu and refused.reference not in eu


@pytest.mark.django_db
def test_the_item_page_shows_each_sides_response_rationale_and_date(client):
    item = factories.RecommendationFactory(
        japan_response=Response.NOT_ACCEPTED,
        japan_response_rationale="Covered by existing law.",
        japan_response_date=DAY,
    )

    page = client.get(item.get_absolute_url()).content.decode()

    assert "Not accepted" in page
    assert "Covered by existing law." in page
    assert "No response yet" in page


@pytest.mark.django_db
def test_the_api_gives_each_sides_response_and_rationale(client):
    item = factories.RecommendationFactory(
        eu_response=Response.NOTED, eu_response_rationale="Kept under review."
    )

    data = client.get(f"/api/recommendations/{item.reference}/").json()

    assert data["eu_response"] == "noted"
    assert data["eu_response_rationale"] == "Kept under review."
    assert data["japan_response"] == "no_response"


# The Council report ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_report_has_a_response_column_a_summary_per_owner_and_stalled_items_by_reason(client):
    meti = factories.OwnerFactory(code="METI", name="METI", side=Side.JAPAN)
    item = factories.RecommendationFactory(
        lead_owner=meti,
        japan_response=Response.NOT_ACCEPTED,
        japan_response_rationale="Covered by existing law.",
        eu_status=Status.STALLED,
        status=Status.STALLED,
        eu_stalled_reason=StalledReason.POLITICAL,
    )
    factories.RecommendationFactory(lead_owner=meti, japan_response=Response.ACCEPTED)

    page = client.get("/report/").content.decode()

    assert "Formal responses by lead owner and side" in page
    assert "Japan: Not accepted" in page
    assert "Covered by existing law." in page
    assert "Stalled, and why" in page
    assert f"{item.reference} (EU)" in page
    report = build_report(ReportOptions(as_of=timezone.localdate()))
    table = dict(((owner, side), counts) for owner, side, counts in report.summary.response_table)
    labels = report.summary.response_labels
    japan = dict(zip(labels, table[("METI", "Japan")], strict=True))
    assert (japan["Accepted"], japan["Not accepted"], japan["No response yet"]) == (1, 1, 0)
