"""The API's documentation page in a real browser (Debian's Chromium driven by Playwright): it
renders from local files under the site's Content Security Policy, with no violation."""

import pytest
from playwright.sync_api import expect

from tests.factories import RecommendationFactory, TopicFactory
from tests.helpers import open_page


@pytest.fixture
def page(browser, live_server):
    page = open_page(browser, live_server.url, locale="en-GB")
    context = page.context
    page.requested = []
    page.on("request", lambda request: page.requested.append(request.url))
    yield page
    context.close()


def test_api_docs_render_from_local_files_with_no_policy_violation(page, live_server):
    TopicFactory(code="AI")
    RecommendationFactory(reference="AI-3")

    response = page.goto("/api/docs/")

    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("open data API")
    # The operations are listed from the schema the page fetched.
    expect(page.get_by_text("/api/recommendations/{reference}/")).to_be_visible()
    page.get_by_text("/api/recommendations/{reference}/").click()
    expect(page.get_by_text("as_of").first).to_be_visible()
    assert page.console_errors == []
    assert all(url.startswith(live_server.url) for url in page.requested), page.requested


def test_api_docs_lead_back_to_the_tracker(page, live_server):
    page.goto("/api/docs/")

    page.get_by_role("link", name="Back to the tracker").click()

    expect(page).to_have_url(f"{live_server.url}/")
