"""Subscribing from an item's page on a phone (390 px), in Japanese: the link leads to the form,
the form is filled and sent, and the page says a confirmation mail is on its way. Driven in
Chromium, under the site's Content Security Policy."""

from pathlib import Path

import pytest

from recommendations.models import Subscription
from tests import factories
from tests.helpers import open_page

PHONE = {"width": 390, "height": 844}
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture
def item(transactional_db, settings):
    settings.MAILER_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return factories.RecommendationFactory(reference="CYBER-2")


def test_a_reader_subscribes_in_japanese_from_the_items_page_on_a_phone(browser, live_server, item):
    page = open_page(browser, live_server.url, viewport=PHONE, locale="ja-JP")
    page.goto("/ja/recommendations/CYBER-2/")
    page.get_by_role("link", name="この提言のメール通知を受け取る").click()
    page.wait_for_url("**/ja/alerts/subscribe/?item=CYBER-2")

    assert page.get_by_role("radio", name="日本語").is_checked()
    page.get_by_label("メールアドレス").fill("reader@example.org")
    page.get_by_role("radio", name="1日1回").check()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "alerts-subscribe-ja-390.png"), full_page=True)
    page.get_by_role("button", name="登録する").click()

    page.get_by_role("heading", name="受信トレイを確認してください").wait_for()
    assert page.console_errors == []
    subscription = Subscription.objects.get()
    assert (subscription.language, subscription.frequency) == ("ja", "daily")
    assert subscription.confirmed_at is None
    page.context.close()
