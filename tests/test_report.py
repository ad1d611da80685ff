"""The Council status report's content: statuses as of a date from the recorded history, the
changes since the last Council, the summary counts and the order of the printed report."""

import datetime

import pytest
from django.utils import timezone

from recommendations.models import Status
from recommendations.reporting import query
from recommendations.reporting.options import ReportForm, ReportOptions, error_messages
from recommendations.reporting.report import build_report
from tests import factories
from tests.helpers import change, recorded_on

MAY_1 = datetime.date(2024, 5, 1)
JUNE_1 = datetime.date(2024, 6, 1)
JULY_1 = datetime.date(2024, 7, 1)


def statuses(report):
    return {row.reference: row.status for row in report.rows}


@pytest.fixture
def moved_twice(db):
    """Recorded on 1 April 2024, planned on 1 May, in progress on 1 June."""
    recommendation = recorded_on(datetime.date(2024, 4, 1), reference="AI-1", number="1")
    change(recommendation, Status.PLANNED, MAY_1, text="Work plan agreed.")
    change(recommendation, Status.IN_PROGRESS, JUNE_1, text="Joint working group set up.")
    return recommendation


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("as_of", "expected_status", "expected_date"),
    [
        (datetime.date(2024, 4, 15), Status.NOT_ASSESSED, datetime.date(2024, 4, 1)),
        (datetime.date(2024, 5, 20), Status.PLANNED, MAY_1),
        (datetime.date(2024, 6, 30), Status.IN_PROGRESS, JUNE_1),
    ],
)
def test_report_shows_the_status_recorded_on_the_as_of_date(
    moved_twice, as_of, expected_status, expected_date
):
    [row] = build_report(ReportOptions(as_of=as_of)).rows

    assert row.status == expected_status
    assert row.status_date == expected_date


@pytest.mark.django_db
def test_a_change_made_on_the_as_of_day_counts_for_that_day(moved_twice):
    assert statuses(build_report(ReportOptions(as_of=JUNE_1))) == {"AI-1": Status.IN_PROGRESS}
    assert statuses(build_report(ReportOptions(as_of=MAY_1))) == {"AI-1": Status.PLANNED}


@pytest.mark.django_db
def test_latest_update_is_the_last_one_dated_on_or_before_the_as_of_date(moved_twice):
    [row] = build_report(ReportOptions(as_of=datetime.date(2024, 5, 31))).rows

    assert row.latest_update == "Work plan agreed."
    assert row.latest_update_date == MAY_1


@pytest.mark.django_db
def test_recommendation_recorded_after_the_as_of_date_is_left_out(moved_twice):
    recorded_on(JULY_1, reference="AI-2", number="2", topic=moved_twice.topic)

    assert set(statuses(build_report(ReportOptions(as_of=JUNE_1)))) == {"AI-1"}
    assert set(statuses(build_report(ReportOptions(as_of=JULY_1)))) == {"AI-1", "AI-2"}


@pytest.mark.django_db
def test_changes_since_list_from_and_to_with_the_explaining_update(moved_twice):
    topic = moved_twice.topic
    recorded_on(datetime.date(2024, 4, 1), topic=topic, reference="AI-2", number="2")

    report = build_report(ReportOptions(as_of=JUNE_1, since=datetime.date(2024, 4, 30)))

    [changed] = report.changes
    assert changed.reference == "AI-1"
    assert (changed.since_status, changed.status) == (Status.NOT_ASSESSED, Status.IN_PROGRESS)
    assert changed.change_text == "Joint working group set up."
    assert changed.change_date == JUNE_1


@pytest.mark.django_db
def test_changes_before_the_since_date_are_not_listed(moved_twice):
    report = build_report(ReportOptions(as_of=datetime.date(2024, 5, 20), since=MAY_1))

    assert report.changes == []


@pytest.mark.django_db
def test_public_report_explains_changes_with_public_updates_only(db):
    recommendation = recorded_on(datetime.date(2024, 4, 1))
    change(recommendation, Status.STALLED, MAY_1, text="SECRET-REASON", visibility="internal")

    public = build_report(ReportOptions(as_of=JUNE_1, since=datetime.date(2024, 4, 2)))
    internal = build_report(
        ReportOptions(as_of=JUNE_1, since=datetime.date(2024, 4, 2), internal=True)
    )

    [public_change] = public.changes
    assert public_change.status == Status.STALLED
    assert public_change.change_text == ""
    assert public_change.latest_update == ""
    assert internal.changes[0].change_text == "SECRET-REASON"
    assert internal.changes[0].latest_update == "SECRET-REASON"


@pytest.mark.django_db
def test_notes_appear_in_the_internal_report_only(db):
    recorded_on(datetime.date(2024, 4, 1), notes="Check with METI first.")

    [public_row] = build_report(ReportOptions(as_of=MAY_1)).rows
    [internal_row] = build_report(ReportOptions(as_of=MAY_1, internal=True)).rows

    assert public_row.notes == ""
    assert internal_row.notes == "Check with METI first."


@pytest.mark.django_db
def test_items_first_recorded_in_the_period_are_counted_as_new_not_as_changed(db):
    recorded_on(MAY_1, status=Status.PLANNED)

    report = build_report(ReportOptions(as_of=JUNE_1, since=datetime.date(2024, 4, 1)))

    assert report.changes == []
    assert report.added == 1


@pytest.mark.django_db
def test_summary_counts_by_status_topic_and_lead_owner(db):
    ai, cyber = (
        factories.TopicFactory(name="AI", position=1),
        factories.TopicFactory(name="Cyber", position=2),
    )
    dg, meti = factories.OwnerFactory(name="DG Connect"), factories.OwnerFactory(name="METI")
    day = datetime.date(2024, 4, 1)
    recorded_on(day, topic=ai, lead_owner=dg, status=Status.PLANNED)
    recorded_on(day, topic=ai, lead_owner=meti, status=Status.PLANNED)
    recorded_on(day, topic=cyber, lead_owner=meti, status=Status.COMPLETED)

    summary = build_report(ReportOptions(as_of=MAY_1)).summary

    assert summary.total == 3
    assert summary.overall == {Status.PLANNED: 2, Status.COMPLETED: 1}
    planned, completed = list(Status).index(Status.PLANNED), list(Status).index(Status.COMPLETED)
    topics = {
        name: (counts[planned], counts[completed], total)
        for name, counts, total in summary.topic_table
    }
    assert topics == {"AI": (2, 0, 2), "Cyber": (0, 1, 1)}
    owners = {
        name: (counts[planned], counts[completed], total)
        for name, counts, total in summary.owner_table
    }
    assert owners == {"DG Connect": (1, 0, 1), "METI": (1, 1, 2)}


@pytest.mark.django_db
def test_summary_bars_are_as_long_as_their_counts(db):
    day = datetime.date(2024, 4, 1)
    for status in [Status.PLANNED, Status.PLANNED, Status.COMPLETED]:
        recorded_on(day, status=status)

    bars = {bar["status"]: bar for bar in build_report(ReportOptions(as_of=MAY_1)).summary.bars()}

    assert bars[Status.PLANNED]["width"] == 2 * bars[Status.COMPLETED]["width"] > 0
    assert bars[Status.DROPPED]["width"] == 0


@pytest.mark.django_db
def test_rows_follow_the_report_order_with_sub_items_under_their_parent(db):
    first, second = (
        factories.TopicFactory(position=1, code="GEN"),
        factories.TopicFactory(position=2, code="CYBER"),
    )
    day = datetime.date(2024, 4, 1)
    parent = recorded_on(day, topic=second, reference="CYBER-1", number="1", sequence=10)
    recorded_on(day, topic=second, reference="CYBER-2", number="2", sequence=20)
    recorded_on(day, topic=second, reference="CYBER-1a", number="1a", sequence=30, parent=parent)
    recorded_on(day, topic=first, reference="GEN-1", number="1", sequence=10)

    report = build_report(ReportOptions(as_of=MAY_1))

    assert [row.reference for row in report.rows] == ["GEN-1", "CYBER-1", "CYBER-1a", "CYBER-2"]
    assert [section.topic.code for section in report.sections] == ["GEN", "CYBER"]
    assert [row.is_sub_item for row in report.rows] == [False, False, True, False]


@pytest.mark.django_db
def test_report_rows_carry_organisations_and_owners(db):
    lead, co_owner = factories.OwnerFactory(name="DG Connect"), factories.OwnerFactory(name="MIC")
    recorded_on(
        datetime.date(2024, 4, 1),
        lead_owner=lead,
        co_owners=[co_owner],
        organisations=[
            factories.OrganisationFactory(acronym="JBCE"),
            factories.OrganisationFactory(acronym="ADRA"),
        ],
    )

    [row] = build_report(ReportOptions(as_of=MAY_1)).rows

    assert row.organisations == ["ADRA", "JBCE"]
    assert row.lead_owner == lead
    assert row.co_owners == [co_owner]


@pytest.mark.django_db
# More rows than a streamed file's chunk: the report kept whole (the page, the Word edition) is
# read as one chunk.
@pytest.mark.parametrize("rows", [2, 6])
def test_report_runs_the_same_queries_whatever_the_rows(
    django_assert_num_queries, monkeypatch, rows
):
    # A streamed file's chunk of five rows, so that six are more than one chunk.
    monkeypatch.setattr(query, "CHUNK_SIZE", 5)
    day = datetime.date(2024, 4, 1)
    for _ in range(rows):
        recommendation = recorded_on(
            day,
            co_owners=[factories.OwnerFactory()],
            organisations=[factories.OrganisationFactory()],
        )
        factories.ProgressUpdateFactory.create_batch(3, recommendation=recommendation, date=day)
        factories.NextStepFactory.create_batch(
            2, recommendation=recommendation, side=recommendation.lead_owner.side
        )

    # topics, owners and organisations (read once), recommendations with their as-of state and
    # updates, their organisation links, their co-owner links, their next steps, the Councils'
    # uptakes of them (one query a chunk, for the summary's count); the steps overdue or due,
    # the steps by lead owner and by co-owner (with the owners' names)
    with django_assert_num_queries(11):
        report = build_report(ReportOptions(as_of=MAY_1, since=day))

    assert report.summary.total == rows


# Choosing the report -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("as_of", "since", "council"),
    [
        # After the 2nd Council: changes since it, for the undated 3rd.
        ("2024-06-01", datetime.date(2024, 4, 30), 3),
        # Before the 2nd Council: changes since the 1st, for the 2nd.
        ("2024-04-20", datetime.date(2023, 7, 3), 2),
    ],
)
def test_since_defaults_to_the_last_council_before_the_as_of_date(db, as_of, since, council):
    factories.CouncilFactory(number=1, date=datetime.date(2023, 7, 3))
    factories.CouncilFactory(number=2, date=datetime.date(2024, 4, 30))
    factories.CouncilFactory(number=3, date=None, place="")

    form = ReportForm({"as_of": as_of})
    assert form.is_valid()
    options = form.options()

    assert options.since == since
    assert options.council.number == council


@pytest.mark.django_db
def test_a_chosen_council_sets_the_default_since_to_the_council_before_it(db):
    factories.CouncilFactory(number=1, date=datetime.date(2023, 7, 3))
    second = factories.CouncilFactory(number=2, date=datetime.date(2024, 4, 30))

    form = ReportForm({"as_of": "2024-06-01", "council": "2"})
    assert form.is_valid()
    options = form.options()

    assert options.council == second
    assert options.since == datetime.date(2023, 7, 3)


@pytest.mark.django_db
def test_without_dates_the_report_is_as_of_today(db):
    form = ReportForm({})
    assert form.is_valid()

    assert form.options().as_of == timezone.localdate()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"as_of": "2024-13-40"}, "as_of", "Enter a real date as YYYY-MM-DD"),
        ({"as_of": "17/04/2024"}, "as_of", "Enter a real date as YYYY-MM-DD"),
        ({"since": "yesterday"}, "since", "Enter a real date as YYYY-MM-DD"),
        (
            {"as_of": "2024-05-01", "since": "2024-06-01"},
            "since",
            "must not be after the as-of date",
        ),
        ({"as_of": "2999-01-01"}, "as_of", "is in the future"),
        ({"council": "99"}, "council", "There is no Council with that number."),
    ],
)
def test_bad_report_choices_are_refused_with_a_message_naming_the_field(db, data, field, message):
    form = ReportForm(data)

    assert not form.is_valid()
    assert message in " ".join(form.errors[field])
    assert any(f"({field})" in line for line in error_messages(form))
