"""The reporting round in Debian's Chromium: an official goes from their admin home to their
outstanding items and confirms one unchanged; the secretariat follows the round on its page and
closes it after a confirmation. A failing test leaves a screenshot in test-artifacts/."""

import datetime

import pytest
from django.utils import timezone

from recommendations.models import ReportingRound, Side
from recommendations.rules.choices import Status
from recommendations.services.rounds import open_round
from tests import factories
from tests.conftest import ARTIFACTS
from tests.helpers import Client
from tests.test_admin_language import labels
from tests.test_admin_language_browser import shown_labels


@pytest.fixture
def reporting(transactional_db):
    today = timezone.localdate()
    council = factories.CouncilFactory(number=3, date=today + datetime.timedelta(days=60))
    eu = factories.OwnerFactory(code="CNECT", name="DG Connect", side=Side.EU)
    jp = factories.OwnerFactory(code="METI", name="METI", side=Side.JAPAN)
    official = factories.OfficialFactory(owner=eu, user__username="anna")
    # Assessed, so that each side can be confirmed unchanged.
    assessed = {"eu_status": Status.PLANNED, "japan_status": Status.PLANNED}
    factories.RecommendationFactory(reference="AI-1", lead_owner=eu, **assessed)
    factories.RecommendationFactory(reference="AI-2", lead_owner=eu, co_owners=[jp], **assessed)
    factories.RecommendationFactory(reference="AI-3", lead_owner=jp, **assessed)
    reporting_round = open_round(
        council=council, deadline=today + datetime.timedelta(days=14), author=None
    )
    return official.user, factories.SuperuserFactory(), reporting_round


def test_an_official_goes_from_home_to_the_outstanding_items_and_confirms_one(open_as, reporting):
    official, _secretariat, _round = reporting
    page = open_as(official)
    page.goto("/admin/")
    panel = page.locator("#round-panel")
    assert "Your items: 0 of 2 reported." in panel.inner_text()

    with page.expect_navigation():
        panel.get_by_role("link", name="See the 2 outstanding items").click()
    assert page.locator("#result_list tbody th a").all_inner_texts() == ["AI-1", "AI-2"]

    with page.expect_navigation():
        page.get_by_role("link", name="AI-1").click()
    with page.expect_navigation():
        page.locator("#confirm-unchanged").click()
    assert "confirmed on 1 recommendation" in page.locator(".messagelist").inner_text()

    page.goto("/admin/")
    assert "Your items: 1 of 2 reported." in page.locator("#round-panel").inner_text()
    assert page.console_errors == []


def test_the_secretariat_follows_the_round_and_closes_it_after_confirming(open_as, reporting):
    _official, secretariat, reporting_round = reporting
    page = open_as(secretariat)
    page.goto("/admin/")
    with page.expect_navigation():
        page.locator("#round-panel").get_by_role("link", name="Follow the round").click()

    summary = page.locator(".round-summary").inner_text()
    assert "0 of 3 items have a report from at least one side due;" in summary
    assert "0 from every side due." in summary
    meti = page.locator('#round-owners tr[data-owner="METI"]')
    assert meti.locator("td.due").inner_text() == "2"
    assert page.locator("#round-outstanding tbody th").all_inner_texts() == ["AI-1", "AI-2", "AI-3"]

    with page.expect_navigation():
        page.get_by_role("link", name="Close the round").click()
    reporting_round.refresh_from_db()
    assert reporting_round.is_open
    with page.expect_navigation():
        page.get_by_role("button", name="Yes, close the round").click()
    assert not ReportingRound.objects.open().exists()
    assert page.console_errors == []


def test_the_round_page_fits_a_phone_with_its_tables_in_their_own_boxes(open_as, reporting):
    _official, secretariat, reporting_round = reporting
    page = open_as(secretariat, {"width": 390, "height": 800})

    page.goto(f"/admin/recommendations/reportinground/{reporting_round.pk}/change/")

    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the round page scrolls sideways by {overflow}px"
    assert page.locator("#round-owners").is_visible()


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 800}, {"width": 390, "height": 844}]
)
def test_the_secretariat_reads_the_round_page_in_japanese(open_as, reporting, viewport):
    _official, secretariat, reporting_round = reporting
    url = f"/admin/recommendations/reportinground/{reporting_round.pk}/progress/"
    client = Client()
    client.force_login(secretariat)
    # Every label the page shows in English, to be met nowhere on the Japanese one.
    shown = client.get(url)
    assert shown.status_code == 200, shown
    english = labels(shown.content.decode())
    assert english
    page = open_as(secretariat, viewport)

    page.goto(f"/ja{url}")
    page.screenshot(path=ARTIFACTS / f"round-ja-{viewport['width']}.png", full_page=True)

    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.locator("#round-owners").is_visible()
    assert sorted(english & shown_labels(page)) == []
