"""The offer of Japanese as a phone shows it (390 px): to a browser that prefers Japanese, one
line at the top of the English dashboard that leads to /ja/; to one that prefers English,
nothing; and never a redirect. Driven in Chromium, under the site's Content Security Policy."""

import pytest

from tests import factories
from tests.helpers import open_page

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def dashboard(transactional_db):
    factories.RecommendationFactory(reference="AI-1")


def test_a_browser_preferring_japanese_is_offered_japanese_in_one_line(
    browser, live_server, dashboard
):
    page = open_page(browser, live_server.url, viewport=PHONE, locale="ja-JP")
    page.goto("/")

    offer = page.get_by_role("link", name="日本語で表示する")
    offer.wait_for(state="visible")
    assert page.url == f"{live_server.url}/"
    box = offer.bounding_box()
    assert box is not None and box["height"] < 40
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.console_errors == []
    offer.click()
    page.wait_for_url(f"{live_server.url}/ja/")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.get_by_role("link", name="日本語で表示する").count() == 0
    page.context.close()


def test_a_browser_preferring_english_sees_no_offer(browser, live_server, dashboard):
    page = open_page(browser, live_server.url, viewport=PHONE, locale="en-GB")
    page.goto("/")
    page.wait_for_load_state("load")

    assert page.get_by_role("link", name="日本語で表示する").is_hidden()
    assert page.console_errors == []
    page.context.close()
