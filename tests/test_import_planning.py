"""Planning an import: what a row changes, judged again when the preview is confirmed."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from recommendations.imports import ImportRejected, LeftAlone, apply, plan
from recommendations.models import ProgressUpdate, Recommendation, Side, Status
from recommendations.services.archive import archive, restore
from recommendations.services.statuses import set_statuses
from recommendations.timeline import describe
from tests import factories

IMPORT = reverse("admin:recommendations_recommendation_import_updates")


def csv_file(text, name="updates.csv"):
    upload = io.BytesIO(text.encode())
    upload.name = name
    return upload


@pytest.fixture
def item(db):
    meti = factories.OwnerFactory(code="METI", side=Side.JAPAN)
    topic = factories.TopicFactory(code="AI")
    return factories.RecommendationFactory(topic=topic, number="1", lead_owner=meti)


@pytest.fixture
def official(item):
    return factories.OfficialFactory(owner=item.lead_owner).user


@pytest.mark.django_db
def test_a_change_someone_else_made_first_refuses_the_confirmation(client, item, official):
    client.force_login(official)
    preview = client.post(IMPORT, {"file": csv_file("reference,status\nAI-1,planned\n")})
    assert [change.reference for change in preview.context["changes"]] == ["AI-1"]
    # Another official records the very status the file sets, before this one confirms.
    set_statuses(recommendation=item, sides={Side.JAPAN: Status.PLANNED}, author=None)

    response = client.post(IMPORT, {"token": preview.context["token"], "confirm": "1"})

    assert response.status_code == 200
    assert "AI-1 was changed by someone else after the preview" in response.content.decode()
    # Only the other official's update: the confirmation applied nothing of its own.
    assert ProgressUpdate.objects.count() == 1


# Each row judged: the file below comes from the secretariat's command line (no user) or from
# one METI official, against three items of METI, MIC and an archived one of METI.

SINCE = datetime.date(2024, 5, 1)


@pytest.fixture
def tracker(item):
    mic = factories.OwnerFactory(code="MIC", side=Side.JAPAN)
    other = factories.RecommendationFactory(
        topic=item.topic, number="2", lead_owner=mic, status_date=SINCE
    )
    archived = factories.RecommendationFactory(
        topic=item.topic, number="3", lead_owner=item.lead_owner, status_date=SINCE
    )
    archive(recommendations=[archived], author=None)
    Recommendation.objects.filter(pk=item.pk).update(status_date=SINCE)
    factories.ProgressUpdateFactory(recommendation=item, text="Sandbox opened.", date=SINCE)
    return {"AI-1": item, "AI-2": other, "AI-3": archived}


def planned(text, user=None):
    return plan(filename="updates.csv", content=text.encode(), user=user)


def refusals(text, user=None):
    """(row, column, message) of each error the file is refused with."""
    with pytest.raises(ImportRejected) as rejected:
        planned(text, user)
    return [(error.row, error.column, error.message) for error in rejected.value.errors]


@pytest.mark.django_db
def test_a_change_to_another_owners_item_is_refused_with_every_change_it_would_make(
    tracker, official
):
    assert refusals("reference,status,latest_update\nAI-2,planned,Budget agreed.\n", official) == [
        (
            2,
            "status",
            "You may not change AI-2: your organisation does not own it. This row would change "
            "status from “Not yet assessed” to “Planned”; latest_update from “—” to "
            "“Budget agreed.”.",
        )
    ]


@pytest.mark.django_db
def test_a_change_to_an_archived_item_is_refused_even_for_the_secretariat(tracker):
    assert refusals("reference,status\nAI-3,completed\n") == [
        (
            2,
            "status",
            "AI-3 is archived. This row would change status from “Not yet assessed” to "
            "“Completed”.",
        )
    ]


@pytest.mark.django_db
def test_rows_that_change_nothing_are_left_alone_and_say_why(tracker, official):
    result = planned(
        "reference,status\nAI-3,not_assessed\nAI-2,not_assessed\nAI-1,not_assessed\n", official
    )

    assert result.changes == []
    assert [(left.row, left.reference, left.why) for left in result.left_alone] == [
        (2, "AI-3", LeftAlone.ARCHIVED),
        (3, "AI-2", LeftAlone.NOT_YOURS),
        (4, "AI-1", LeftAlone.UNCHANGED),
    ]


@pytest.mark.django_db
def test_a_date_alone_is_refused_with_the_date_it_should_keep(tracker):
    assert refusals(
        "reference,status,status_date,latest_update_date\n"
        "AI-1,not_assessed,2024-05-02,2024-05-03\n"
        "AI-2,not_assessed,2024-05-01,2024-05-03\n"
    ) == [
        (
            2,
            "status_date",
            "A date changes nothing by itself: it dates a new status or progress update, and "
            "this row has neither. Leave it as it was (2024-05-01).",
        ),
        (
            2,
            "latest_update_date",
            "A date changes nothing by itself: it dates a new status or progress update, and "
            "this row has neither. Leave it as it was (2024-05-01).",
        ),
        (
            3,
            "latest_update_date",
            "A date changes nothing by itself: it dates a new status or progress update, and "
            "this row has neither. Leave it empty.",
        ),
    ]


@pytest.mark.django_db
def test_a_date_in_the_future_is_refused(tracker, official):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    assert refusals(f"reference,status,status_date\nAI-1,planned,{tomorrow}\n", official) == [
        (2, "status_date", f"{tomorrow} is in the future; record a status once it holds.")
    ]


@pytest.mark.django_db
def test_a_status_is_dated_by_its_own_date_and_an_update_alone_by_the_updates(tracker, official):
    header = "reference,status,status_date,latest_update,latest_update_date\n"

    [status] = planned(f"{header}AI-1,planned,2024-06-01,Budget agreed.,2024-06-02\n", official)
    [update] = planned(f"{header}AI-1,not_assessed,,Budget agreed.,2024-06-02\n", official)

    assert (status.status_date, update.status_date) == (
        datetime.date(2024, 6, 1),
        datetime.date(2024, 6, 2),
    )


@pytest.mark.django_db
def test_a_change_without_a_date_is_recorded_as_of_today(tracker, official):
    [status] = planned("reference,status\nAI-1,planned\n", official)
    [update] = planned("reference,status,latest_update\nAI-1,not_assessed,Report sent.\n", official)

    assert (status.status_date, update.status_date) == (timezone.localdate(),) * 2


@pytest.mark.django_db
def test_each_bad_reference_is_refused_on_its_own_row(tracker, official):
    assert refusals(
        "reference,status\nAI-1,planned\n,planned\nAI-9,planned\nAI-1,stalled\n", official
    ) == [
        (3, "reference", "The reference is empty."),
        (4, "reference", "No recommendation has the reference “AI-9”."),
        (5, "reference", "AI-1 is also on row 2; give each item one row."),
    ]


@pytest.mark.django_db
def test_the_secretariats_overall_status_against_the_sides_needs_a_reason(tracker):
    assert refusals("reference,status\nAI-1,completed\n") == [
        (
            2,
            "status",
            "The EU and Japan sides give “Not yet assessed”; an overall status of “Completed” "
            "overrides them and needs a reason. Fill in override_reason.",
        )
    ]
    [change] = planned("reference,status,override_reason\nAI-1,completed,Council agreed.\n")

    assert (change.sides, change.overall, change.reason) == ({}, "completed", "Council agreed.")
    assert change.outcome.status == Status.COMPLETED


@pytest.mark.django_db
def test_the_secretariat_sets_a_side_and_the_overall_status_follows(tracker):
    [change] = planned(
        "reference,status,eu_status,japan_status\nAI-1,not_assessed,planned,not_assessed\n"
    )

    assert (change.sides, change.overall, change.reason) == ({Side.EU: Status.PLANNED}, None, "")
    assert change.outcome.status == Status.PLANNED


@pytest.mark.django_db
def test_an_officials_export_sheet_may_set_only_their_own_side(tracker, official):
    assert refusals(
        "reference,status,eu_status,japan_status,override_reason\n"
        "AI-1,completed,planned,not_assessed,Because.\n",
        official,
    ) == [
        (
            2,
            "eu_status",
            "You may set only the Japan side; leave this as it is (“Not yet assessed”).",
        ),
        (2, "override_reason", "Only the secretariat overrides the overall status."),
        (
            2,
            "status",
            "The overall status follows the EU and Japan sides; set your side in japan_status "
            "and leave status as it is.",
        ),
    ]
    [change] = planned(
        "reference,status,eu_status,japan_status\nAI-1,in_progress,not_assessed,completed\n",
        official,
    )

    assert (change.sides, change.overall, change.reason) == (
        {Side.JAPAN: Status.COMPLETED},
        None,
        "",
    )
    assert change.outcome.status == Status.IN_PROGRESS


@pytest.mark.django_db
def test_the_latest_public_update_sent_back_as_internal_is_recorded_internally(tracker, official):
    header = "reference,status,latest_update,visibility\n"

    assert planned(f"{header}AI-1,not_assessed,Sandbox opened.,public\n", official).changes == []
    [change] = planned(f"{header}AI-1,not_assessed,Sandbox opened.,internal\n", official)

    assert (change.text, change.visibility, change.moves) == ("Sandbox opened.", "internal", False)


@pytest.mark.django_db
def test_an_update_dated_after_today_is_not_the_latest_the_export_showed(tracker, official):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    item = tracker["AI-1"]
    factories.ProgressUpdateFactory(recommendation=item, text="Earlier.", date="2024-04-01")
    factories.ProgressUpdateFactory(recommendation=item, text="Next year.", date=tomorrow)

    result = planned(
        "reference,status,latest_update\nAI-1,not_assessed,Sandbox opened.\n", official
    )

    assert [left.reference for left in result.unchanged] == ["AI-1"]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_trackers_own_sentence_for_an_update_reads_as_unchanged(tracker, official, language):
    item = tracker["AI-1"]
    set_statuses(recommendation=item, sides={Side.JAPAN: Status.PLANNED}, author=None)
    with translation.override(language):
        sentence = describe("change", {Side.JAPAN: Status.PLANNED}, Status.PLANNED)

    result = planned(f"reference,status,latest_update\nAI-1,planned,{sentence}\n", official)

    assert [left.reference for left in result.unchanged] == ["AI-1"]
    assert planned("reference,status,latest_update\nAI-1,planned,Other words.\n", official).changes


@pytest.mark.django_db
def test_an_older_download_of_the_secretariats_sheet_records_nothing(tracker):
    """Downloaded, then the item moved (here by the secretariat itself): the overall status and
    date the file shows are ones the item had, so they say nothing now."""
    set_statuses(recommendation=tracker["AI-2"], sides={Side.EU: Status.PLANNED}, author=None)

    result = planned("reference,status,status_date\nAI-2,not_assessed,2024-05-01\n")

    assert (result.changes, [left.reference for left in result.unchanged]) == ([], ["AI-2"])


@pytest.mark.django_db
def test_a_date_beside_an_overall_status_that_changes_nothing_is_refused(tracker, official):
    """An official's export sheet may write the overall status the sides give: on an item whose
    overall status was set before the sides were tracked, that moves nothing, so the date beside
    it would date nothing."""
    Recommendation.objects.filter(pk=tracker["AI-1"].pk).update(status=Status.PLANNED)

    assert refusals(
        "reference,status,japan_status,status_date\nAI-1,not_assessed,not_assessed,2024-05-02\n",
        official,
    ) == [
        (
            2,
            "status_date",
            "A date changes nothing by itself: it dates a new status or progress update, and "
            "this row has neither. Leave it as it was (2024-05-01).",
        )
    ]


@pytest.mark.django_db
def test_every_confirmation_refused_as_changed_since_is_listed_by_row(tracker):
    """Two rows previewed as changes: the first was then made by someone else (now it changes
    nothing), the second's item was saved since. Both are named, in the file's order."""
    text = (
        "reference,status,eu_status,latest_update\n"
        "AI-1,planned,planned,\n"
        "AI-2,not_assessed,not_assessed,Budget agreed.\n"
    )
    preview = planned(text)
    versions = {change.reference: change.recommendation.version for change in preview.changes}
    set_statuses(recommendation=tracker["AI-1"], sides={Side.EU: Status.PLANNED}, author=None)
    archive(recommendations=[tracker["AI-2"]], author=None)
    restore(recommendations=[tracker["AI-2"]], author=None)

    with pytest.raises(ImportRejected) as rejected:
        apply(filename="updates.csv", content=text.encode(), expected_versions=versions)

    assert [(error.row, error.column, error.message) for error in rejected.value.errors] == [
        (2, "reference", "AI-1 was changed by someone else after the preview."),
        (3, "reference", "AI-2 was changed by someone else after the preview."),
    ]
    assert not ProgressUpdate.objects.filter(recommendation=tracker["AI-2"]).exists()


@pytest.mark.django_db
def test_a_refused_row_names_each_date_reason_and_visibility_it_would_change(tracker, official):
    Recommendation.objects.filter(pk=tracker["AI-2"].pk).update(
        status_override_reason="Ministers agreed."
    )
    factories.ProgressUpdateFactory(
        recommendation=tracker["AI-3"], text="Pilot closed.", date=SINCE
    )

    assert refusals(
        "reference,status,status_date,latest_update,latest_update_date,visibility,override_reason\n"
        "AI-2,planned,2024-06-01,Budget agreed.,2024-06-02,public,\n"
        "AI-3,not_assessed,,Pilot closed.,,internal,Council agreed.\n",
        official,
    ) == [
        (
            2,
            "status",
            "You may not change AI-2: your organisation does not own it. This row would change "
            "status from “Not yet assessed” to “Planned”; status_date from “—” to "
            "“2024-06-01”; latest_update from “—” to “Budget agreed.”; latest_update_date from "
            "“—” to “2024-06-02”.",
        ),
        (
            3,
            "override_reason",
            "AI-3 is archived. This row would change override_reason from “—” to “Council "
            "agreed.”; visibility from “public” to “internal”.",
        ),
    ]


@pytest.mark.django_db
def test_an_officials_plain_sheet_compares_its_status_with_their_own_side(tracker, official):
    """The EU side has already planned AI-1, so its overall status is Planned; the Japan side
    has not: a METI official's Planned is a change of their side."""
    set_statuses(recommendation=tracker["AI-1"], sides={Side.EU: Status.PLANNED}, author=None)

    [change] = planned("reference,status\nAI-1,planned\n", official)

    assert change.sides == {Side.JAPAN: Status.PLANNED}
    assert (change.outcome.japan_status, change.outcome.status) == (Status.PLANNED,) * 2


@pytest.mark.django_db
def test_a_row_whose_statuses_resolve_to_the_items_own_is_left_alone_on_its_row(tracker, official):
    Recommendation.objects.filter(pk=tracker["AI-1"].pk).update(status=Status.PLANNED)

    result = planned(
        "reference,status,japan_status\nAI-2,not_assessed,not_assessed\n"
        "AI-1,not_assessed,not_assessed\n",
        official,
    )

    assert result.changes == []
    assert [(left.row, left.reference, left.why) for left in result.left_alone] == [
        (2, "AI-2", LeftAlone.NOT_YOURS),
        (3, "AI-1", LeftAlone.UNCHANGED),
    ]


@pytest.mark.django_db
def test_a_status_dated_today_is_recorded_as_of_today(tracker, official):
    today = timezone.localdate()

    [change] = planned(f"reference,status,status_date\nAI-1,planned,{today}\n", official)

    assert change.status_date == today


@pytest.mark.django_db
def test_an_update_alone_is_dated_by_its_own_date_even_beside_an_edited_status_date(
    tracker, official
):
    [update] = planned(
        "reference,status,status_date,latest_update,latest_update_date\n"
        "AI-1,not_assessed,2024-06-01,Budget agreed.,2024-06-02\n",
        official,
    )

    assert (update.moves, update.status_date) == (False, datetime.date(2024, 6, 2))


@pytest.mark.django_db
def test_errors_are_listed_by_row_whichever_check_found_them(tracker, official):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    assert refusals(
        f"reference,status,status_date\nAI-1,planned,{tomorrow}\nAI-9,planned,\n", official
    ) == [
        (2, "status_date", f"{tomorrow} is in the future; record a status once it holds."),
        (3, "reference", "No recommendation has the reference “AI-9”."),
    ]
