"""Where an item stood on a day is one queryset method, `Recommendation.objects.as_of(day)`,
which the report and the API both read: the same statuses, the same dates, the same items."""

import datetime

import pytest
from django.db.models import F

from recommendations.models import Recommendation, Status
from recommendations.reporting.options import ReportOptions
from recommendations.reporting.query import report_rows
from tests.helpers import change, recorded_on

APRIL_1 = datetime.date(2024, 4, 1)
MAY_1 = datetime.date(2024, 5, 1)
MAY_15 = datetime.date(2024, 5, 15)
JUNE_1 = datetime.date(2024, 6, 1)


@pytest.fixture
def items(db):
    moved = recorded_on(APRIL_1, reference="AI-1", sequence=1)
    change(moved, Status.PLANNED, MAY_1)
    change(moved, Status.COMPLETED, JUNE_1)
    later = recorded_on(JUNE_1, reference="AI-2", sequence=2, topic=moved.topic)
    return moved, later


def test_as_of_reads_each_status_and_side_date_as_it_stood_and_leaves_out_later_items(items):
    moved, later = items

    [row] = Recommendation.objects.as_of(MAY_15)

    assert row == moved
    assert (row.as_of_status, row.as_of_eu_status, row.as_of_japan_status) == (
        Status.PLANNED,
        Status.PLANNED,
        Status.PLANNED,
    )
    assert (row.as_of_status_date, row.as_of_eu_status_date) == (MAY_1, MAY_1)
    # Before either side reported, a side's date was empty: a recorded NULL, not "no history".
    [first] = Recommendation.objects.filter(pk=moved.pk).as_of(APRIL_1 + datetime.timedelta(1))
    assert (first.as_of_status, first.as_of_eu_status_date) == (Status.NOT_ASSESSED, None)


def test_as_of_today_reads_the_present_values(items):
    moved, later = items

    rows = Recommendation.objects.as_of(datetime.date.today()).order_by("reference")

    assert [(row.reference, row.as_of_status) for row in rows] == [
        ("AI-1", Status.COMPLETED),
        ("AI-2", Status.NOT_ASSESSED),
    ]
    assert all(row.as_of_status == row.status for row in rows)


def test_as_of_is_the_same_for_the_report_and_the_api(client, items):
    report = {
        row.reference: (row.status, row.status_date, row.eu_status, row.japan_status)
        for row in report_rows(ReportOptions(as_of=MAY_15))
    }
    api = {
        item["reference"]: (
            item["status"],
            datetime.date.fromisoformat(item["status_date"]),
            item["eu_status"],
            item["japan_status"],
        )
        for item in client.get("/api/recommendations/?as_of=2024-05-15").json()["results"]
    }
    stood = {
        row.reference: (
            row.as_of_status,
            row.as_of_status_date,
            row.as_of_eu_status,
            row.as_of_japan_status,
        )
        for row in Recommendation.objects.public().as_of(MAY_15)
    }

    assert report == api == stood == {"AI-1": (Status.PLANNED, MAY_1, "planned", "planned")}


def test_an_item_without_recorded_history_shows_its_present_values(db, items):
    moved, _later = items
    Recommendation.history.filter(id=moved.pk).delete()

    [row] = Recommendation.objects.filter(pk=moved.pk).as_of(MAY_15)

    assert row.as_of_status == Status.COMPLETED
    assert row.as_of_eu_status_date == Recommendation.objects.values_list(
        F("eu_status_date"), flat=True
    ).get(pk=moved.pk)
