"""The bilateral status: each side reports, the overall status follows by the stated rule,
divergent and stale items are flagged, and each government sets only its own side."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from recommendations.models import ProgressUpdate, Recommendation, Side, Status
from recommendations.reporting.csv_export import write_csv
from recommendations.reporting.options import ReportOptions
from recommendations.reporting.query import report_rows
from recommendations.rules import permissions
from recommendations.rules.bilateral import (
    Outcome,
    OverrideNeedsReason,
    awaited_side,
    derived_status,
    is_divergent,
    resolve,
    stale_cutoff,
    step,
)
from recommendations.services.statuses import set_statuses
from tests import factories
from tests.helpers import CHANGELIST, Client, change_url, open_change_form, post_change_form

S = Status
ORDER = [S.NOT_ASSESSED, S.PLANNED, S.IN_PROGRESS, S.ONGOING, S.COMPLETED, S.STALLED, S.DROPPED]
# Row: the EU side; column: the Japan side, in ORDER. Written out by hand, so the rule in
# bilateral.derived_status is checked against the table the README states, not against itself.
NA, PL, IP, ON, CO, ST, DR = ORDER
RULE_TABLE = [
    [NA, PL, IP, IP, IP, ST, NA],
    [PL, PL, IP, IP, IP, ST, PL],
    [IP, IP, IP, IP, IP, ST, IP],
    [IP, IP, IP, ON, ON, ST, ON],
    [IP, IP, IP, ON, CO, ST, CO],
    [ST, ST, ST, ST, ST, ST, ST],
    [NA, PL, IP, ON, CO, ST, DR],
]
PAIRS = [
    (eu, japan, RULE_TABLE[i][j]) for i, eu in enumerate(ORDER) for j, japan in enumerate(ORDER)
]
# The same rows and columns, by hand from the README's rule: a side not yet assessed has not
# spoken, so nothing diverges from it; otherwise the scale planned 1 < in progress 2 < ongoing =
# completed 3, stalled and dropped counting as 0. X where the sides diverge.
X, o = True, False
DIVERGENCE_TABLE = [
    [o, o, o, o, o, o, o],  # EU not yet assessed
    [o, o, o, X, X, o, o],  # EU planned
    [o, o, o, o, o, X, X],  # EU in progress
    [o, X, o, o, o, X, X],  # EU ongoing
    [o, X, o, o, o, X, X],  # EU completed
    [o, o, X, X, X, o, o],  # EU stalled
    [o, o, X, X, X, o, o],  # EU dropped
]
DIVERGENCE = [
    (eu, japan, DIVERGENCE_TABLE[i][j])
    for i, eu in enumerate(ORDER)
    for j, japan in enumerate(ORDER)
]


@pytest.fixture
def dg_connect(db):
    return factories.OwnerFactory(code="DG-CONNECT", name="DG Connect", side=Side.EU)


@pytest.fixture
def meti(db):
    return factories.OwnerFactory(code="METI", name="METI", side=Side.JAPAN)


@pytest.fixture
def mic(db):
    return factories.OwnerFactory(code="MIC", name="MIC", side=Side.JAPAN)


def logged_in(official):
    client = Client()
    client.force_login(official.user)
    return client


# The rule -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("eu", "japan", "overall"), PAIRS)
def test_overall_status_follows_the_stated_rule_for_every_pair_of_sides(eu, japan, overall):
    assert derived_status(eu, japan) == overall


def test_the_rule_does_not_care_which_side_is_which():
    for eu, japan, overall in PAIRS:
        assert derived_status(japan, eu) == overall


@pytest.mark.parametrize(("eu", "japan", "divergent"), DIVERGENCE)
def test_sides_more_than_one_step_apart_diverge(eu, japan, divergent):
    assert is_divergent(eu, japan) is divergent


@pytest.mark.django_db
def test_divergent_queryset_matches_the_rule_for_every_pair():
    for eu, japan, _divergent in DIVERGENCE:
        factories.RecommendationFactory(eu_status=eu, japan_status=japan)

    found = set(Recommendation.objects.divergent().values_list("eu_status", "japan_status"))
    in_step = set(Recommendation.objects.divergent(False).values_list("eu_status", "japan_status"))

    assert found == {(eu, japan) for eu, japan, divergent in DIVERGENCE if divergent}
    assert in_step == {(eu, japan) for eu, japan, divergent in DIVERGENCE if not divergent}


@pytest.mark.parametrize(
    ("eu", "japan", "awaited"),
    [
        (S.NOT_ASSESSED, S.IN_PROGRESS, Side.EU),
        (S.COMPLETED, S.NOT_ASSESSED, Side.JAPAN),
        (S.DROPPED, S.NOT_ASSESSED, Side.JAPAN),
        (S.NOT_ASSESSED, S.NOT_ASSESSED, None),
        (S.PLANNED, S.COMPLETED, None),
    ],
)
def test_an_item_awaits_the_side_that_has_not_reported_while_the_other_has(eu, japan, awaited):
    assert awaited_side(eu, japan) == awaited


@pytest.mark.django_db
def test_awaiting_queryset_matches_the_rule_for_every_pair():
    for eu, japan, _divergent in DIVERGENCE:
        factories.RecommendationFactory(eu_status=eu, japan_status=japan)

    for side in (Side.EU, Side.JAPAN):
        found = set(Recommendation.objects.awaiting(side).values_list("eu_status", "japan_status"))
        expected = {(eu, japan) for eu, japan, _d in DIVERGENCE if awaited_side(eu, japan) == side}
        assert found == expected
        assert len(found) == len(ORDER) - 1


# Setting a side ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_setting_a_side_records_who_and_when_and_moves_the_overall_status_with_an_update(meti):
    official = factories.OfficialFactory(owner=meti)
    recommendation = factories.RecommendationFactory(lead_owner=meti)
    version = recommendation.version

    update = set_statuses(
        recommendation=recommendation,
        sides={Side.JAPAN: S.IN_PROGRESS},
        author=official.user,
        text="Guidelines drafted.",
        on=datetime.date(2024, 9, 1),
    )

    recommendation.refresh_from_db()
    assert recommendation.japan_status == S.IN_PROGRESS
    assert recommendation.japan_status_date == datetime.date(2024, 9, 1)
    assert recommendation.japan_status_by == official.user
    assert recommendation.eu_status == S.NOT_ASSESSED
    assert recommendation.status == S.IN_PROGRESS
    assert recommendation.status_date == datetime.date(2024, 9, 1)
    assert recommendation.version == version + 1
    assert update.status == S.IN_PROGRESS
    assert update.text.startswith("Guidelines drafted.")
    assert "Japan side: “In progress”." in update.message
    assert "Overall status now “In progress”." in update.message


@pytest.mark.django_db
def test_a_side_change_that_leaves_the_overall_status_records_an_update_without_a_status():
    recommendation = factories.RecommendationFactory(
        eu_status=S.STALLED, japan_status=S.NOT_ASSESSED, status=S.STALLED
    )

    update = set_statuses(recommendation=recommendation, sides={Side.JAPAN: S.PLANNED}, author=None)

    recommendation.refresh_from_db()
    assert recommendation.status == S.STALLED
    assert update.status == ""
    assert "Overall status" not in update.message


@pytest.mark.django_db
def test_an_override_by_the_secretariat_keeps_the_overall_status_when_a_side_moves():
    recommendation = factories.RecommendationFactory(
        status=S.COMPLETED, status_override_reason="Agreed at the second Council."
    )

    set_statuses(recommendation=recommendation, sides={Side.EU: S.PLANNED}, author=None)

    recommendation.refresh_from_db()
    assert recommendation.eu_status == S.PLANNED
    assert recommendation.status == S.COMPLETED


@pytest.mark.django_db
def test_history_records_every_side_change_with_its_author(meti, dg_connect):
    eu_official = factories.OfficialFactory(owner=dg_connect)
    jp_official = factories.OfficialFactory(owner=meti)
    recommendation = factories.RecommendationFactory(lead_owner=dg_connect, co_owners=[meti])

    set_statuses(
        recommendation=recommendation, sides={Side.EU: S.COMPLETED}, author=eu_official.user
    )
    set_statuses(
        recommendation=recommendation, sides={Side.JAPAN: S.PLANNED}, author=jp_official.user
    )

    records = list(recommendation.history.order_by("history_date", "history_id"))
    assert [(r.eu_status, r.japan_status, r.history_user) for r in records[-2:]] == [
        (S.COMPLETED, S.NOT_ASSESSED, eu_official.user),
        (S.COMPLETED, S.PLANNED, jp_official.user),
    ]
    assert records[-1].status == S.IN_PROGRESS


@pytest.mark.django_db
def test_an_unknown_side_or_status_is_refused_and_nothing_changes():
    recommendation = factories.RecommendationFactory()

    with pytest.raises(ValidationError, match="not a side"):
        set_statuses(recommendation=recommendation, sides={"joint": S.PLANNED}, author=None)
    with pytest.raises(ValidationError, match="not a known status"):
        set_statuses(recommendation=recommendation, sides={Side.EU: "done"}, author=None)

    recommendation.refresh_from_db()
    assert (recommendation.eu_status, recommendation.version) == (S.NOT_ASSESSED, 1)
    assert not ProgressUpdate.objects.exists()


# Who may set which side --------------------------------------------------------------------


@pytest.mark.django_db
def test_each_government_may_set_only_its_own_side_of_its_own_items(dg_connect, meti, mic):
    shared = factories.RecommendationFactory(lead_owner=dg_connect, co_owners=[meti])
    eu_official = factories.OfficialFactory(owner=dg_connect).user
    meti_official = factories.OfficialFactory(owner=meti).user
    mic_official = factories.OfficialFactory(owner=mic).user
    secretariat = factories.SuperuserFactory()

    assert permissions.can_set_side(eu_official, shared, Side.EU)
    assert not permissions.can_set_side(eu_official, shared, Side.JAPAN)
    assert permissions.can_set_side(meti_official, shared, Side.JAPAN)
    assert not permissions.can_set_side(meti_official, shared, Side.EU)
    assert not permissions.can_set_side(mic_official, shared, Side.JAPAN)
    assert permissions.can_set_side(secretariat, shared, Side.EU)
    assert permissions.can_set_side(secretariat, shared, Side.JAPAN)


@pytest.mark.django_db
def test_official_cannot_set_a_side_on_an_archived_item_or_when_anonymous(meti):
    recommendation = factories.RecommendationFactory(lead_owner=meti, archived_at=timezone.now())
    official = factories.OfficialFactory(owner=meti).user

    assert not permissions.can_set_side(official, recommendation, Side.JAPAN)
    assert not permissions.can_set_side(None, recommendation, Side.JAPAN)


@pytest.mark.django_db
def test_japanese_official_sets_the_japan_side_in_the_admin_form(meti):
    official = factories.OfficialFactory(owner=meti)
    recommendation = factories.RecommendationFactory(lead_owner=meti)

    response = post_change_form(logged_in(official), recommendation, japan_status="ongoing")

    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.japan_status == S.ONGOING
    assert recommendation.japan_status_by == official.user
    assert recommendation.status == S.IN_PROGRESS
    assert recommendation.updates.get().message.endswith("Overall status now “In progress”.")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("owner", "own_field", "other_field"),
    [("meti", "japan_status", "eu_status"), ("dg_connect", "eu_status", "japan_status")],
)
def test_an_official_cannot_set_the_other_side_even_by_posting_it(
    request, owner, own_field, other_field
):
    owner = request.getfixturevalue(owner)
    official = factories.OfficialFactory(owner=owner)
    recommendation = factories.RecommendationFactory(lead_owner=owner)
    client = logged_in(official)

    page = client.get(change_url(recommendation)).content.decode()
    assert f'name="{own_field}"' in page
    assert f'name="{other_field}"' not in page
    assert 'name="status_override_reason"' not in page

    post_change_form(client, recommendation, **{other_field: "completed"})

    recommendation.refresh_from_db()
    assert getattr(recommendation, other_field) == S.NOT_ASSESSED


@pytest.mark.django_db
def test_a_stale_form_cannot_overwrite_a_side_set_since(meti):
    official = factories.OfficialFactory(owner=meti)
    recommendation = factories.RecommendationFactory(lead_owner=meti)
    client = logged_in(official)
    data = open_change_form(client, recommendation)
    set_statuses(recommendation=recommendation, sides={Side.JAPAN: S.COMPLETED}, author=None)

    data["japan_status"] = ["planned"]
    response = client.post(change_url(recommendation), data)

    assert response.status_code == 200
    assert "Not saved" in response.content.decode()
    recommendation.refresh_from_db()
    assert recommendation.japan_status == S.COMPLETED


@pytest.mark.django_db
def test_secretariat_lifting_an_override_hands_the_status_back_to_the_sides(admin_client):
    recommendation = factories.RecommendationFactory(
        eu_status=S.COMPLETED,
        japan_status=S.COMPLETED,
        status=S.IN_PROGRESS,
        status_override_reason="Awaiting the Council's confirmation.",
    )

    response = post_change_form(admin_client, recommendation, status_override_reason="")

    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.status == S.COMPLETED


# Staleness ----------------------------------------------------------------------------------


def test_the_stale_cutoff_counts_the_weeks_back_from_the_next_council(settings):
    settings.STALE_AFTER_WEEKS = 8
    today = datetime.date(2025, 3, 1)

    assert stale_cutoff(datetime.date(2025, 5, 26), today) == datetime.date(2025, 3, 31)
    assert stale_cutoff(None, today) == datetime.date(2025, 1, 4)


@pytest.mark.django_db
def test_items_with_no_update_in_the_weeks_before_the_next_council_are_stale(settings):
    settings.STALE_AFTER_WEEKS = 4
    factories.CouncilFactory(number=2, date=datetime.date(2025, 1, 10))
    factories.CouncilFactory(number=3, date=datetime.date(2025, 6, 30))
    today = datetime.date(2025, 5, 1)  # cutoff: 2 June 2025
    old = factories.RecommendationFactory(status_date=datetime.date(2025, 4, 1))
    side_set = factories.RecommendationFactory(
        status_date=datetime.date(2025, 4, 1), eu_status_date=datetime.date(2025, 6, 2)
    )
    internal_note = factories.RecommendationFactory(status_date=datetime.date(2025, 4, 1))
    factories.ProgressUpdateFactory(
        recommendation=internal_note, date=datetime.date(2025, 6, 5), visibility="internal"
    )

    stale = set(Recommendation.objects.stale(today))
    fresh = set(Recommendation.objects.stale(today, stale=False))

    assert stale == {old}
    assert fresh == {side_set, internal_note}


@pytest.mark.django_db
def test_an_officials_own_stale_items_come_first_in_the_admin_and_can_be_filtered(
    settings, meti, mic
):
    settings.STALE_AFTER_WEEKS = 8
    today = timezone.localdate()
    factories.CouncilFactory(
        number=5, date=today + datetime.timedelta(days=30)
    )  # cutoff: 26 days ago
    official = factories.OfficialFactory(owner=meti)
    recent = today - datetime.timedelta(days=3)
    long_ago = today - datetime.timedelta(days=100)
    own_fresh = factories.RecommendationFactory(lead_owner=meti, status_date=recent, sequence=1)
    others_stale = factories.RecommendationFactory(lead_owner=mic, status_date=long_ago, sequence=2)
    own_stale = factories.RecommendationFactory(
        topic=own_fresh.topic, lead_owner=mic, co_owners=[meti], status_date=long_ago, sequence=3
    )
    client = logged_in(official)

    listed = list(client.get(CHANGELIST).context["cl"].result_list)
    filtered = set(client.get(CHANGELIST, {"stale": "1"}).context["cl"].result_list)

    assert listed[0] == own_stale
    assert set(listed) == {own_fresh, others_stale, own_stale}
    assert filtered == {others_stale, own_stale}


# Showing it ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_recommendation_page_shows_both_sides_and_flags_divergence(client):
    recommendation = factories.RecommendationFactory(
        eu_status=S.COMPLETED,
        eu_status_date=datetime.date(2024, 10, 1),
        japan_status=S.PLANNED,
        status=S.IN_PROGRESS,
    )

    content = client.get(recommendation.get_absolute_url()).content.decode()

    assert "EU side" in content and "Japan side" in content
    assert "since 1 October 2024" in content
    assert "The EU and Japan sides diverge" in content


@pytest.mark.django_db
def test_one_sides_first_report_is_not_a_divergence_but_awaits_the_other_side(client, meti):
    recommendation = factories.RecommendationFactory(lead_owner=meti)
    set_statuses(recommendation=recommendation, sides={Side.JAPAN: S.IN_PROGRESS}, author=None)

    page = client.get(recommendation.get_absolute_url()).content.decode()
    listed = client.get(reverse("recommendations:list"))
    divergent = client.get(reverse("recommendations:list"), {"divergent": "1"})
    awaiting_eu = client.get(reverse("recommendations:list"), {"awaiting": "eu"})
    awaiting_japan = client.get(reverse("recommendations:list"), {"awaiting": "jp"})
    dashboard = client.get(reverse("recommendations:home")).content.decode()

    assert "diverge:" not in page
    assert "Awaiting the EU side: the Japan side has reported, the EU side not yet." in page
    assert "Sides diverge" not in listed.content.decode()
    assert "Awaiting the EU side" in listed.content.decode()
    assert list(divergent.context["page"]) == []
    assert list(awaiting_eu.context["page"]) == [recommendation]
    assert list(awaiting_japan.context["page"]) == []
    assert "0 recommendations whose EU and Japan sides diverge" in dashboard
    assert "1 recommendation awaiting the EU side" in dashboard
    assert "0 recommendations awaiting the Japan side" in dashboard


@pytest.mark.django_db
def test_once_both_sides_have_reported_far_apart_the_item_diverges(client, meti, dg_connect):
    recommendation = factories.RecommendationFactory(lead_owner=meti)
    set_statuses(recommendation=recommendation, sides={Side.JAPAN: S.COMPLETED}, author=None)
    set_statuses(recommendation=recommendation, sides={Side.EU: S.PLANNED}, author=None)

    page = client.get(recommendation.get_absolute_url()).content.decode()

    assert "The EU and Japan sides diverge" in page
    assert "Awaiting" not in page


@pytest.mark.django_db
def test_recommendation_page_does_not_flag_sides_in_step(client):
    recommendation = factories.RecommendationFactory(
        eu_status=S.COMPLETED, japan_status=S.IN_PROGRESS
    )

    content = client.get(recommendation.get_absolute_url()).content.decode()

    assert "diverge" not in content


@pytest.mark.django_db
def test_public_list_filters_divergent_items_and_shows_sides(client):
    divergent = factories.RecommendationFactory(eu_status=S.COMPLETED, japan_status=S.PLANNED)
    in_step = factories.RecommendationFactory(eu_status=S.PLANNED, japan_status=S.PLANNED)
    url = reverse("recommendations:list")

    only_divergent = client.get(url, {"divergent": "1"})
    only_in_step = client.get(url, {"divergent": "0"})

    assert list(only_divergent.context["page"]) == [divergent]
    assert list(only_in_step.context["page"]) == [in_step]
    assert "Sides diverge" in only_divergent.content.decode()
    assert client.get(url, {"divergent": "maybe"}).status_code == 400


@pytest.mark.django_db
def test_admin_filters_divergent_items(admin_client):
    divergent = factories.RecommendationFactory(eu_status=S.ONGOING, japan_status=S.PLANNED)
    factories.RecommendationFactory()

    result = admin_client.get(CHANGELIST, {"divergent": "1"}).context["cl"].result_list

    assert list(result) == [divergent]


@pytest.mark.django_db
def test_dashboard_counts_divergent_items_and_links_to_them(client):
    factories.RecommendationFactory.create_batch(2, eu_status=S.COMPLETED, japan_status=S.PLANNED)
    factories.RecommendationFactory(
        eu_status=S.COMPLETED, japan_status=S.PLANNED, archived_at=timezone.now()
    )
    factories.RecommendationFactory()

    content = client.get(reverse("recommendations:home")).content.decode()

    assert "2 recommendations whose EU and Japan sides diverge" in content
    assert "?divergent=1" in content


@pytest.mark.django_db
def test_report_csv_appends_both_sides_after_the_required_columns():
    factories.RecommendationFactory(reference="AI-1", eu_status=S.COMPLETED, japan_status=S.PLANNED)
    target = io.StringIO()

    write_csv(report_rows(ReportOptions(as_of=timezone.localdate())), target, internal=False)

    header, row = target.getvalue().lstrip("\ufeff").splitlines()
    assert header.startswith(
        "reference,topic,recommendation,organisations,owner,co_owners,status,status_date,"
        "latest_update"
    )
    columns = header.split(",")
    assert columns[columns.index("visibility") + 1 :][:2] == ["eu_status", "japan_status"]
    assert ",completed,planned," in row


@pytest.mark.django_db
def test_report_shows_the_sides_as_they_stood_on_the_report_date():
    recommendation = factories.RecommendationFactory()
    set_statuses(recommendation=recommendation, sides={Side.EU: S.COMPLETED}, author=None)
    past = timezone.localdate() - datetime.timedelta(days=400)
    recommendation.history.update(history_date=timezone.now() - datetime.timedelta(days=500))
    latest = recommendation.history.order_by("-history_id").first()
    latest.history_date = timezone.now()
    latest.save()

    then = next(report_rows(ReportOptions(as_of=past)))
    now = next(report_rows(ReportOptions(as_of=timezone.localdate())))

    assert then.eu_status == S.NOT_ASSESSED
    assert now.eu_status == S.COMPLETED


@pytest.mark.django_db
def test_report_page_has_side_columns(client):
    factories.RecommendationFactory(eu_status=S.COMPLETED, japan_status=S.PLANNED)

    content = client.get(reverse("recommendations:report")).content.decode()

    assert "EU side" in content and "Japan side" in content
    assert "Sides diverge" in content


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [2, 30])
def test_pages_with_sides_run_the_same_queries_whatever_the_rows(
    client, django_assert_num_queries, rows
):
    for recommendation in factories.RecommendationFactory.create_batch(
        rows, eu_status=S.COMPLETED, japan_status=S.PLANNED
    ):
        factories.ProgressUpdateFactory(recommendation=recommendation)
    one = Recommendation.objects.first()

    # data version; count; page; organisations of the page; topic, owner and organisation
    # choices for the form — the sides are columns of the row, divergence a WHERE clause
    with django_assert_num_queries(7):
        listed = client.get(reverse("recommendations:list"), {"divergent": "1"})
    assert listed.status_code == 200
    assert listed.content.decode().count('<th scope="row"><a href=') == min(rows, 25)
    # the data version (once, for the page and its counts alike: the count was 13 while the
    # counts read it again); Councils; counts by status (divergence counted in the same query),
    # by topic, by owner; topics; owners; latest updates; organisations; the open reporting
    # round; the next steps counted by lead owner and by co-owner — no "changed since the last
    # Council" count, as there is no last Council
    with django_assert_num_queries(12):
        home = client.get(reverse("recommendations:home"))
    assert home.status_code == 200
    assert f"{rows} recommendations whose EU and Japan sides diverge" in home.content.decode()
    # data version; the item with its topic and lead owner; organisations; co-owners; sub-items;
    # public updates; the organisations' approved views; the Councils' uptakes of it
    with django_assert_num_queries(8):
        detail = client.get(one.get_absolute_url())
    assert detail.status_code == 200
    assert f"<h1>{one.reference}" in detail.content.decode()


def item_with(eu=NA, japan=NA, status=NA, reason=""):
    """An item's statuses as `resolve` reads them; nothing is saved."""
    return factories.RecommendationFactory.build(
        eu_status=eu, japan_status=japan, status=status, status_override_reason=reason
    )


def test_a_side_that_moves_takes_the_overall_status_with_it():
    outcome = resolve(item_with(eu=PL, japan=PL, status=PL), sides={Side.JAPAN: CO})

    assert outcome == Outcome(eu_status=PL, japan_status=CO, status=IP, override_reason="")


def test_resolving_nothing_keeps_the_sides_and_brings_the_overall_status_in_line():
    outcome = resolve(item_with(eu=ST, japan=CO, status=CO))

    assert outcome == Outcome(eu_status=ST, japan_status=CO, status=ST, override_reason="")


def test_an_overall_status_other_than_the_sides_give_needs_a_reason():
    with pytest.raises(OverrideNeedsReason) as refused:
        resolve(item_with(eu=PL, japan=NA, status=PL), overall=CO, reason="   ")

    assert str(refused.value) == (
        "The EU and Japan sides give “Planned”; an overall status of “Completed” overrides "
        "them and needs a reason."
    )


def test_an_override_keeps_its_reason_without_the_spaces_around_it():
    outcome = resolve(
        item_with(eu=PL, status=PL), sides={Side.EU: IP}, overall=CO, reason="  Council said.  "
    )

    assert outcome == Outcome(
        eu_status=IP, japan_status=NA, status=CO, override_reason="Council said."
    )


def test_an_overall_status_the_sides_give_needs_no_reason():
    outcome = resolve(item_with(eu=PL, status=PL), sides={Side.JAPAN: PL}, overall=PL)

    assert outcome == Outcome(eu_status=PL, japan_status=PL, status=PL, override_reason="")


def test_the_items_own_reason_allows_a_new_override_and_holds_the_status_when_sides_move():
    item = item_with(eu=PL, status=CO, reason=" Agreed at the second Council. ")

    assert resolve(item, overall=ON) == Outcome(PL, NA, ON, "Agreed at the second Council.")
    assert resolve(item, sides={Side.EU: ST}) == Outcome(
        ST, NA, CO, "Agreed at the second Council."
    )


def test_a_reason_of_only_spaces_on_the_item_holds_nothing():
    outcome = resolve(item_with(eu=PL, status=CO, reason="   "), sides={Side.JAPAN: PL})

    assert outcome == Outcome(eu_status=PL, japan_status=PL, status=PL, override_reason="")


@pytest.mark.parametrize(
    ("status", "step_number"),
    [(NA, 0), (PL, 1), (IP, 2), (ON, 3), (CO, 3), (ST, 0), (DR, 0)],
)
def test_a_stopped_side_is_as_far_along_as_one_not_started(status, step_number):
    assert step(status) == step_number
