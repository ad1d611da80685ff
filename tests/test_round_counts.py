"""Counts that say what they count: the round page and the dashboard give the items with a report
from at least one side due beside those with one from every side due; "confirmed unchanged" is
counted apart from "reported with an update"; the bars carry a legend and outstanding is not
drawn green; an owner nobody can be called for is flagged before the round opens and after."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from recommendations.rules.choices import Side, Status
from recommendations.services.rounds import confirm_unchanged, open_round
from recommendations.services.statuses import set_statuses
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DEADLINE = TODAY + datetime.timedelta(days=10)
ASSESSED = {"eu_status": Status.PLANNED, "japan_status": Status.PLANNED}


@pytest.fixture
def world():
    """DG Connect and METI with an official each, the Digital Agency with none; four items:
    two bilateral (CNECT with METI), one of CNECT alone, one of the Digital Agency."""
    council = factories.CouncilFactory(number=3, date=TODAY + datetime.timedelta(days=60))
    eu = factories.OwnerFactory(code="CNECT", name="DG Connect", side=Side.EU)
    jp = factories.OwnerFactory(code="METI", name="METI", side=Side.JAPAN)
    agency = factories.OwnerFactory(code="DA", name="Digital Agency", side=Side.JAPAN)
    anna = factories.OfficialFactory(owner=eu, user__username="anna")
    hana = factories.OfficialFactory(owner=jp, user__username="hana")
    both = [
        factories.RecommendationFactory(
            reference=f"AI-{n}", lead_owner=eu, co_owners=[jp], **ASSESSED
        )
        for n in (1, 2)
    ]
    alone = factories.RecommendationFactory(reference="AI-3", lead_owner=eu, **ASSESSED)
    factories.RecommendationFactory(reference="DA-1", lead_owner=agency, **ASSESSED)
    return {"council": council, "anna": anna, "hana": hana, "both": both, "alone": alone}


def opened(world):
    return open_round(council=world["council"], deadline=DEADLINE, author=None)


def reported(world):
    """AI-1: both sides report (EU with a status, Japan by confirming). AI-2: only Japan, by
    confirming. AI-3 and DA-1: nothing yet."""
    first, second = world["both"]
    set_statuses(
        recommendation=first, author=world["anna"].user, sides={Side.EU: Status.IN_PROGRESS}
    )
    confirm_unchanged(recommendations=[first, second], author=world["hana"].user)


def test_the_round_page_gives_items_reported_by_one_side_and_by_every_side(admin_client, world):
    reporting_round = opened(world)
    reported(world)

    page = admin_client.get(reporting_round.get_absolute_url()).content.decode()

    assert "2 of 4 items have a report from at least one side due;" in page
    assert "1 from every side due." in page


def test_the_public_dashboard_gives_both_figures(client, world):
    opened(world)
    reported(world)

    page = client.get("/").content.decode()

    assert "2 of 4 items have a report from at least one side due;" in page
    assert "1 from every side due." in page


def test_confirmed_unchanged_is_counted_apart_from_reported_with_an_update(admin_client, world):
    reporting_round = opened(world)
    reported(world)

    page = admin_client.get(reporting_round.get_absolute_url()).content.decode()

    cnect = page.split('<tr data-owner="CNECT">')[1].split("</tr>")[0]
    meti = page.split('<tr data-owner="METI">')[1].split("</tr>")[0]
    # CNECT: three due, one reported with a status, none confirmed, two outstanding.
    assert '<td class="updated">1</td>' in cnect and '<td class="confirmed">0</td>' in cnect
    assert '<td class="outstanding">2</td>' in cnect
    # METI: two due, both only confirmed unchanged: not "reported" twice over.
    assert '<td class="updated">0</td>' in meti and '<td class="confirmed">2</td>' in meti
    assert '<td class="outstanding">0</td>' in meti


def test_the_bars_have_a_legend_and_outstanding_is_not_drawn_as_a_green_meter(admin_client, world):
    reporting_round = opened(world)
    reported(world)

    page = admin_client.get(reporting_round.get_absolute_url()).content.decode()

    # A <meter> at its maximum is drawn green whatever it counts.
    assert "<meter" not in page
    legend = page.split('class="round-legend"')[1].split("</ul>")[0]
    assert "Reported with an update" in legend and "Confirmed unchanged" in legend
    assert "Outstanding" in legend
    cnect = page.split('<tr data-owner="CNECT">')[1].split("</tr>")[0]
    assert 'aria-label="1 reported with an update, 0 confirmed unchanged, 2 outstanding"' in cnect
    assert '<rect class="round-segment outstanding" x="33.3%" y="0" width="66.7%"' in cnect


def test_an_owner_with_no_active_official_is_flagged_before_the_round_opens(admin_client, world):
    page = admin_client.get("/admin/recommendations/reportinground/add/").content.decode()

    warning = page.split('class="messagelist round-uncalled"')[1].split("</ul>")[0]
    assert "Digital Agency (1 item)" in warning
    assert "DG Connect" not in warning and "METI" not in warning


def test_open_round_says_who_nobody_was_called_for(world):
    out = io.StringIO()

    call_command("open_round", "--council", "3", "--deadline", DEADLINE.isoformat(), stdout=out)

    assert "Nobody was called for Digital Agency (1 item(s))" in out.getvalue()


def test_the_round_page_flags_the_owner_nobody_was_called_for(admin_client, world):
    reporting_round = opened(world)

    page = admin_client.get(reporting_round.get_absolute_url()).content.decode()

    warning = page.split('class="messagelist round-uncalled"')[1].split("</ul>")[0]
    assert "Digital Agency (1 item)" in warning
    agency = page.split('<tr data-owner="DA">')[1].split("</tr>")[0]
    assert "nobody called" in agency
