"""A first visit in the reader's language: the English dashboard carries a one-line offer of
Japanese, in Japanese, hidden until a static script finds that the browser prefers Japanese. The
page is the same for every visitor, so it stays cacheable; /ja/ carries no offer."""

import re

import pytest
from django.contrib.staticfiles import finders

from tests import factories

pytestmark = pytest.mark.django_db

OFFER = re.compile(r'<p class="language-offer"[^>]*>.*?</p>', re.DOTALL)


@pytest.fixture(autouse=True)
def item():
    factories.RecommendationFactory(reference="AI-1")


def test_the_english_dashboard_carries_a_hidden_offer_of_japanese_in_japanese(client):
    page = client.get("/").content.decode()

    (offer,) = OFFER.findall(page)
    assert " hidden>" in offer and 'lang="ja"' in offer
    assert '<a href="/ja/" hreflang="ja">日本語で表示する</a>' in offer
    assert '<script src="/static/recommendations/language-offer.js" defer></script>' in page
    assert finders.find("recommendations/language-offer.js")


def test_the_japanese_dashboard_offers_nothing(client):
    page = client.get("/ja/").content.decode()

    assert OFFER.findall(page) == []
    assert "language-offer.js" not in page


def test_a_browser_preferring_japanese_gets_the_same_cached_english_page_without_a_redirect(
    client,
):
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    japanese = client.get("/", HTTP_ACCEPT_LANGUAGE="ja,en;q=0.5")

    assert japanese.status_code == 200
    # The very same page, which a shared cache can give both.
    assert japanese.content == english.content
    assert not japanese.cookies
    assert 'lang="en"' in japanese.content.decode()
