""" "No recent update" has one definition, `Recommendation.objects.with_stale(today)`: the admin's
list and filter, an official's home and the report's summary all count the same items."""

import datetime

import pytest

from recommendations.admin.home import own_items
from recommendations.models import Recommendation
from recommendations.reporting.options import ReportOptions
from recommendations.reporting.report import build_report
from tests import factories

TODAY = datetime.date(2025, 5, 1)
LONG_AGO = datetime.date(2025, 1, 2)


@pytest.fixture
def items(db, settings):
    settings.STALE_AFTER_WEEKS = 4
    council = factories.CouncilFactory(number=3, date=datetime.date(2025, 6, 30))  # cutoff 2 June
    owner = factories.OwnerFactory(code="METI")
    topic = factories.TopicFactory(code="AI")
    made = {
        name: factories.RecommendationFactory(
            topic=topic, sequence=number, lead_owner=owner, status_date=LONG_AGO
        )
        for number, name in enumerate(["untouched", "side reported", "internal note"], 1)
    }
    Recommendation.objects.filter(pk=made["side reported"].pk).update(
        eu_status_date=datetime.date(2025, 6, 3)
    )
    factories.ProgressUpdateFactory(
        recommendation=made["internal note"], date=datetime.date(2025, 6, 5), visibility="internal"
    )
    return council, owner, made


def stale_references(queryset) -> set[str]:
    return {row.reference for row in queryset if row.stale}


def test_a_side_reporting_or_an_internal_update_keeps_an_item_off_every_admin_stale_list(items):
    _council, owner, made = items

    rows = Recommendation.objects.with_stale(TODAY)
    listed, cutoff = own_items(owner, TODAY)

    assert stale_references(rows) == {made["untouched"].reference}
    assert set(Recommendation.objects.stale(TODAY)) == {made["untouched"]}
    # An official's home flags the same items, against the same cutoff.
    assert cutoff == datetime.date(2025, 6, 2)
    assert {item.reference for item in listed if item.stale} == {made["untouched"].reference}


def test_the_report_counts_the_stale_items_by_the_same_rule_with_what_its_reader_may_see(items):
    council, _owner, made = items
    today = datetime.date.today()

    public = build_report(ReportOptions(as_of=today, council=council))
    internal = build_report(ReportOptions(as_of=today, council=council, internal=True))

    assert public.stale_before == datetime.date(2025, 6, 2)
    # The side's date counts; an internal update counts only where it may be read.
    assert public.summary.stale == 2
    assert internal.summary.stale == 1
    assert {row.reference for row in internal.rows if row.stale} == {made["untouched"].reference}
