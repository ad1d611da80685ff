"""The API's documentation on a phone, in a real browser (Debian's Chromium driven by
Playwright): nothing is wider than the screen, so nothing scrolls sideways, with the operations
closed and with one opened; the screenshots stay in test-artifacts/ to be looked at."""

import pytest
from playwright.sync_api import expect

from tests.factories import OrganisationFactory, RecommendationFactory, TopicFactory
from tests.helpers import ARTIFACTS, open_page


@pytest.fixture
def docs(db):
    TopicFactory(code="AI")
    RecommendationFactory(reference="AI-3", organisations=[OrganisationFactory(slug="jbce")])


def overflow(page) -> int:
    """How many pixels the page is wider than its window."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_api_docs_fit_a_phone_and_a_desktop_without_scrolling_sideways(browser, live_server, docs):
    for width in (1280, 390):
        look_at_the_docs(browser, live_server, width)


def look_at_the_docs(browser, live_server, width: int) -> None:
    page = open_page(
        browser, live_server.url, locale="en-GB", viewport={"width": width, "height": 844}
    )
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        page.goto("/api/docs/")
        expect(page.locator(".swagger-ui .info .title")).to_contain_text("open data API")
        expect(page.get_by_text("/api/recommendations/{reference}/")).to_be_visible()
        page.screenshot(path=ARTIFACTS / f"api-docs-{width}.png", full_page=True)
        assert overflow(page) == 0

        page.locator(".opblock-summary", has_text="/api/recommendations/").first.click()
        expect(page.get_by_text("Try it out").first).to_be_visible()
        page.screenshot(path=ARTIFACTS / f"api-docs-{width}-open.png", full_page=True)
        assert overflow(page) == 0
        assert page.console_errors == []
    finally:
        page.context.close()
