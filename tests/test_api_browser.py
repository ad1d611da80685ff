"""The API's documentation page in a real browser (Debian's Chromium driven by Playwright): it
renders from local files under the site's Content Security Policy, with no violation."""

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.factories import RecommendationFactory, TopicFactory

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    # A style or script the Content Security Policy blocks shows up as a console error.
    page.console_errors = []
    page.on(
        "console",
        lambda message: message.type == "error" and page.console_errors.append(message.text),
    )
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
