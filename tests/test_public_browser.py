"""Every public page read on a desktop (1280 px) and a phone (390 px), in English and Japanese:
no sideways scrolling, the statuses explained, the language switch in the same place. Each page
is kept as a screenshot in test-artifacts/ to be looked at."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import timezone

from recommendations.models import Side, Status
from recommendations.services.editions import publish_edition
from recommendations.services.rounds import open_round
from recommendations.services.statuses import set_statuses
from tests import factories
from tests.helpers import ARTIFACTS, open_page

# The rules of WCAG 2.1 levels A and AA, the level EN 301 549 asks of public bodies' sites.
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
WIDTHS = [1280, 390]


@pytest.fixture
def tracker(transactional_db, settings, tmp_path):
    """Long names in both languages, an item awaiting the EU side and one never updated, and
    the report published for Council no. 3."""
    settings.MEDIA_ROOT = tmp_path
    ai = factories.TopicFactory(code="AI", name="Artificial Intelligence", name_ja="人工知能")
    jbce = factories.OrganisationFactory(
        slug="jbce", acronym="JBCE", name="Japan Business Council in Europe", side=Side.JAPAN
    )
    connect = factories.OwnerFactory(
        code="DG-CONNECT",
        name="DG Connect",
        name_ja="欧州委員会 通信ネットワーク・コンテンツ・技術総局",
        government_ja="欧州委員会",
    )
    meti = factories.OwnerFactory(
        code="METI", name="METI", name_ja="経済産業省", government_ja="日本国政府", side=Side.JAPAN
    )
    awaiting = factories.RecommendationFactory(
        topic=ai,
        number="3",
        title="Trustworthy and human-centric artificial intelligence",
        title_ja="信頼できる人間中心の人工知能",
        text="Cooperate on trustworthy AI " * 8,
        text_ja="信頼できるAIについて協力する。" * 8,
        organisations=[jbce],
        lead_owner=meti,
        co_owners=[connect],
    )
    set_statuses(recommendation=awaiting, sides={Side.JAPAN: Status.IN_PROGRESS}, author=None)
    factories.RecommendationFactory(topic=ai, number="4", lead_owner=connect, organisations=[jbce])
    today = timezone.localdate()
    council = factories.CouncilFactory(number=3, date=today + datetime.timedelta(days=30))
    open_round(council=council, deadline=today + datetime.timedelta(days=7), author=None)
    publish_edition(council=council, author=None)
    return awaiting


def public_pages(item):
    return [
        ("dashboard", reverse("recommendations:home")),
        ("list", reverse("recommendations:list")),
        ("item", item.get_absolute_url()),
        ("topic", item.topic.get_absolute_url()),
        ("organisations", reverse("recommendations:organisations")),
        ("organisation", reverse("recommendations:organisation", args=["jbce"])),
        ("report", reverse("recommendations:report")),
        ("editions", reverse("recommendations:reports")),
        ("edition", reverse("recommendations:edition_current", args=[3])),
    ]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("prefix", ["", "/ja"])
def test_every_public_page_fits_the_screen_without_sideways_scrolling(
    browser, live_server, tracker, width, prefix
):
    page = open_page(browser, live_server.url, viewport={"width": width, "height": 900})
    ARTIFACTS.mkdir(exist_ok=True)
    switch_positions = set()
    for name, path in public_pages(tracker):
        page.goto(f"{prefix}{path}")
        page.screenshot(
            path=ARTIFACTS / f"public-{name}-{prefix.strip('/') or 'en'}-{width}.png",
            full_page=True,
        )
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{prefix}{path} scrolls sideways by {overflow}px at {width}px"
        box = page.locator(".language-switcher a").bounding_box()
        switch_positions.add((round(box["x"]), round(box["y"])))
    assert len(switch_positions) == 1, switch_positions
    assert page.console_errors == []
    page.context.close()


@pytest.mark.parametrize("prefix", ["", "/ja"])
def test_the_legend_and_the_awaited_side_show_on_a_phone(browser, live_server, tracker, prefix):
    page = open_page(browser, live_server.url, viewport={"width": 390, "height": 900})

    page.goto(f"{prefix}{tracker.get_absolute_url()}")

    assert page.locator(".legend").is_visible()
    assert page.locator(".legend dd").first.is_visible()
    assert page.locator(".flag-awaiting").is_visible()
    assert page.locator(".flag-divergent").count() == 0
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("prefix", ["", "/ja"])
def test_every_public_page_passes_the_wcag_21_aa_rules_of_axe_core(
    browser, live_server, tracker, width, prefix
):
    page = open_page(browser, live_server.url, viewport={"width": width, "height": 900})
    axe = Axe()
    reports = {}
    for name, path in public_pages(tracker):
        page.goto(f"{prefix}{path}")
        results = axe.run(page, options=WCAG_21_AA)
        if results.violations_count:
            reports[name] = results.generate_report()
    page.context.close()

    assert reports == {}


@pytest.mark.parametrize("prefix", ["", "/ja"])
def test_on_a_phone_the_filters_fold_behind_one_control_and_the_results_come_first(
    browser, live_server, tracker, prefix
):
    page = open_page(browser, live_server.url, viewport={"width": 390, "height": 844})
    shots = ARTIFACTS
    shots.mkdir(exist_ok=True)

    page.goto(f"{prefix}/recommendations/")
    page.screenshot(path=shots / f"list-filters-folded-{prefix.strip('/') or 'en'}-390.png")
    first_result = page.locator("table.recommendations tbody tr").first.bounding_box()
    assert page.locator(".filters-fold > summary").is_visible()
    assert not page.locator("#id_q").is_visible()
    assert first_result["y"] < 844, first_result  # the first result on the first screen

    page.locator(".filters-fold > summary").click()
    assert page.locator("#id_q").is_visible()

    page.goto(f"{prefix}/recommendations/?status=in_progress")
    assert page.locator("#id_status").is_visible()  # open while a filter is set
    assert page.console_errors == []
    page.context.close()


def test_on_a_desktop_the_filters_show_without_a_control(browser, live_server, tracker):
    page = open_page(browser, live_server.url, viewport={"width": 1280, "height": 900})

    page.goto("/recommendations/")

    assert page.locator("#id_q").is_visible()
    assert not page.locator(".filters-fold > summary").is_visible()
    page.context.close()


@pytest.mark.parametrize("prefix", ["", "/ja"])
def test_a_feed_opened_in_the_browser_reads_as_a_page_that_says_how_to_follow_it(
    browser, live_server, tracker, prefix
):
    page = open_page(browser, live_server.url, viewport={"width": 390, "height": 844})

    page.goto(f"{prefix}{tracker.get_absolute_url()}feed/")
    page.screenshot(path=ARTIFACTS / f"feed-{prefix.strip('/') or 'en'}-390.png", full_page=True)

    assert page.locator("h1").inner_text() == ("Progress on AI-3" if not prefix else "AI-3の進捗")
    assert (
        page.locator(".feed-address").inner_text().endswith(f"{prefix}/recommendations/AI-3/feed/")
    )
    assert page.locator(".feed-entries li").count() == 1
    # Chromium announces that it will stop applying XSLT in a banner of its own, whose inline
    # styles and handler the Content Security Policy refuses; the stylesheet has neither, so
    # anything else would be the page's own error.
    banner = ("Applying inline style violates", "Executing inline event handler violates")
    assert [e for e in page.console_errors if not e.startswith(banner)] == []
    page.context.close()
