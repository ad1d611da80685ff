"""What a stakeholder does in a real browser (Debian's Chromium driven by Playwright): filter,
open, follow links, switch language. A failing test leaves a screenshot in test-artifacts/."""

import re

import pytest
from playwright.sync_api import expect

from recommendations.models import Side, Status, Visibility
from tests import factories
from tests.helpers import ARTIFACTS, open_page

INTERNAL_NOTE = "INTERNAL-NOTE-BROWSER-3141"
INTERNAL_UPDATE = "INTERNAL-UPDATE-BROWSER-2718"


@pytest.fixture
def page(browser, live_server, request):
    page = open_page(browser, live_server.url, timeout=10_000, locale="en-GB")
    context = page.context
    yield page
    report = getattr(request.node, "report_call", None)
    if report is None or report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"{request.node.name}.png", full_page=True)
    context.close()


@pytest.fixture
def workshop(transactional_db):
    """A small tracker: two topics, a Japanese and a European stakeholder, one internal note."""
    ai = factories.TopicFactory(code="AI", name="Artificial Intelligence", name_ja="人工知能")
    chips = factories.TopicFactory(code="SEMI", name="Semiconductors", name_ja="半導体")
    jbce = factories.OrganisationFactory(
        slug="jbce", acronym="JBCE", name="Japan Business Council in Europe", side=Side.JAPAN
    )
    esia = factories.OrganisationFactory(
        slug="esia", acronym="ESIA", name="European Semiconductors"
    )
    planned = factories.RecommendationFactory(
        topic=ai,
        number="3",
        text="Cooperate on trustworthy AI.",
        status=Status.PLANNED,
        organisations=[jbce],
        lead_owner=factories.OwnerFactory(code="METI", name="METI", side=Side.JAPAN),
        notes=INTERNAL_NOTE,
    )
    factories.ProgressUpdateFactory(recommendation=planned, text="Roadmap agreed.")
    factories.ProgressUpdateFactory(
        recommendation=planned, text=INTERNAL_UPDATE, visibility=Visibility.INTERNAL
    )
    factories.RecommendationFactory(topic=ai, number="4", text="Share AI safety research.")
    factories.RecommendationFactory(
        topic=chips,
        number="1",
        text="Map supply chains.",
        status=Status.PLANNED,
        organisations=[esia],
    )
    return planned


def test_reader_filters_the_list_by_topic_and_status_and_the_address_follows(page, workshop):
    page.goto("/recommendations/")
    page.get_by_label("Topic").select_option(label="Artificial Intelligence")
    page.get_by_label("Status").select_option(label="Planned")
    page.get_by_role("button", name="Show").click()

    expect(page).to_have_url(re.compile(r"[?&]topic=AI&status=planned"))
    rows = page.locator("table.recommendations tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("AI-3")
    expect(page.get_by_role("status")).to_have_text("1 recommendation matches.")


def test_reader_opens_a_recommendation_from_the_list_and_follows_its_organisation(page, workshop):
    page.goto("/recommendations/")
    page.get_by_role("link", name="AI-3", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("AI-3")
    expect(page.locator(".timeline")).to_contain_text("Roadmap agreed.")
    page.get_by_role("link", name="JBCE", exact=True).click()

    expect(page).to_have_url(re.compile(r"/organisations/jbce/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Japan Business Council in Europe (JBCE)"
    )
    expect(page.locator("table.recommendations")).to_contain_text("AI-3")


def test_dashboard_bar_segment_opens_the_matching_filtered_list(page, workshop):
    page.goto("/")
    page.locator("section[aria-labelledby=by-topic] table").get_by_role(
        "link", name=re.compile("^Planned")
    ).first.click()

    expect(page).to_have_url(re.compile(r"/recommendations/\?topic=AI&status=planned$"))
    expect(page.locator("table.recommendations tbody tr")).to_have_count(1)


def test_reader_switches_to_japanese_and_keeps_the_page(page, workshop):
    page.goto("/recommendations/?status=planned")
    page.get_by_role("link", name="日本語").click()

    expect(page).to_have_url(re.compile(r"/ja/recommendations/\?status=planned$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("提言一覧")
    expect(page.get_by_role("status")).to_have_text("該当する提言は2件です。")
    page.get_by_role("link", name="ダッシュボード").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ワークショップ提言の進捗状況")
    expect(page.get_by_role("heading", name="分野別の進捗")).to_be_visible()

    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Where the workshop recommendations stand"
    )


def test_no_internal_note_or_update_is_visible_where_a_reader_goes(page, workshop):
    for address in [
        "/",
        "/recommendations/",
        "/recommendations/AI-3/",
        "/organisations/jbce/",
        "/topics/AI/",
        "/ja/recommendations/AI-3/",
    ]:
        page.goto(address)
        text = page.locator("body").inner_text()

        assert "Roadmap agreed." in text or "AI-3" in text, address
        assert INTERNAL_NOTE not in text, address
        assert INTERNAL_UPDATE not in text, address

    # Every page renders under the Content Security Policy without a blocked style or script.
    assert page.console_errors == []
