"""The API's documentation on a phone, in a real browser (Debian's Chromium driven by
Playwright): nothing is wider than the screen, so nothing scrolls sideways, with the operations
closed and with one opened."""

import pytest
from playwright.sync_api import expect

from tests.factories import OrganisationFactory, RecommendationFactory, TopicFactory
from tests.helpers import open_page

SHOTS = "/tmp/shots-api"


@pytest.fixture
def docs(db):
    TopicFactory(code="AI")
    RecommendationFactory(reference="AI-3", organisations=[OrganisationFactory(slug="jbce")])


def overflow(page) -> int:
    """How many pixels the page is wider than its window."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("width", [390, 1280])
def test_api_docs_fit_the_screen_without_scrolling_sideways(browser, live_server, docs, width):
    page = open_page(
        browser, live_server.url, locale="en-GB", viewport={"width": width, "height": 844}
    )
    try:
        page.goto("/api/docs/")
        expect(page.locator(".swagger-ui .info .title")).to_contain_text("open data API")
        expect(page.get_by_text("/api/recommendations/{reference}/")).to_be_visible()
        page.screenshot(path=f"{SHOTS}/api-docs-{width}.png", full_page=True)
        assert overflow(page) == 0

        page.locator(".opblock-summary", has_text="/api/recommendations/").first.click()
        expect(page.get_by_text("Try it out").first).to_be_visible()
        page.screenshot(path=f"{SHOTS}/api-docs-{width}-open.png", full_page=True)
        assert overflow(page) == 0
        assert page.console_errors == []
    finally:
        page.context.close()
