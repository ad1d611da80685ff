"""A browser opening a feed shows a readable page rather than raw XML: every feed names an XSL
stylesheet in its own language, which says what the feed is and how to follow it and lists its
entries. Each recommendation has a feed of its own, linked from its page."""

import re

import pytest
from django.urls import reverse
from lxml import etree

from recommendations.models import Status
from recommendations.services.archive import archive
from tests import factories
from tests.helpers import Client

pytestmark = pytest.mark.django_db

PROCESSING_INSTRUCTION = re.compile(rb'<\?xml-stylesheet type="text/xsl" href="([^"]+)"\?>')


@pytest.fixture
def item():
    topic = factories.TopicFactory(code="AI")
    organisation = factories.OrganisationFactory(slug="jbce")
    item = factories.RecommendationFactory(
        reference="AI-1", topic=topic, organisations=[organisation]
    )
    factories.ProgressUpdateFactory(
        recommendation=item, text="A joint testbed call is planned.", status=Status.PLANNED
    )
    other = factories.RecommendationFactory(reference="AI-2", topic=topic)
    factories.ProgressUpdateFactory(recommendation=other, text="Another item moved.")
    return item


def feeds():
    return [
        "/feed/",
        "/topics/AI/feed/",
        "/organisations/jbce/feed/",
        "/recommendations/AI-1/feed/",
    ]


def shown_in_a_browser(client, address):
    """The page a browser draws from the feed at `address`, by its own stylesheet."""
    feed = client.get(address)
    assert feed.status_code == 200, address
    (href,) = PROCESSING_INSTRUCTION.findall(feed.content)
    stylesheet = client.get(href.decode())
    assert stylesheet.status_code == 200
    assert stylesheet["Content-Type"].startswith("text/xsl")
    transform = etree.XSLT(etree.fromstring(stylesheet.content))
    page = transform(etree.fromstring(feed.content))
    return href.decode(), str(page)


def test_every_feed_names_its_stylesheet_before_the_feed_starts(item):
    for address in feeds():
        content = Client().get(address).content
        assert content.index(b"<?xml-stylesheet") < content.index(b"<feed"), address


def test_a_browser_shows_the_feed_as_a_page_that_says_how_to_follow_it(item):
    for address in feeds():
        href, page = shown_in_a_browser(Client(), address)

        assert href == "/feed.xsl"
        assert '<html lang="en">' in page, address
        assert "How to follow it" in page
        assert "feed reader" in page
        assert f"http://testserver{address}" in page  # the address to copy
        assert "AI-1: Planned" in page
        assert 'href="http://testserver/recommendations/AI-1/#update-' in page


def test_a_japanese_feed_is_shown_in_japanese(item):
    href, page = shown_in_a_browser(Client(), "/ja/recommendations/AI-1/feed/")

    assert href == "/ja/feed.xsl"
    assert '<html lang="ja">' in page
    assert "フォローの仕方" in page
    assert "How to follow it" not in page


def test_a_recommendations_feed_holds_its_own_updates_only(item):
    _href, page = shown_in_a_browser(Client(), "/recommendations/AI-1/feed/")

    assert "A joint testbed call is planned." in page
    assert "Another item moved." not in page
    assert "Progress on AI-1" in page


def test_the_recommendation_page_links_its_feed(item):
    page = Client().get(item.get_absolute_url()).content.decode()
    feed = reverse("recommendations:recommendation_feed", args=["AI-1"])

    assert re.search(
        rf'<link rel="alternate" type="application/atom\+xml" [^>]*href="{feed}">', page
    )
    assert f'<a href="{feed}">Follow the progress of this recommendation (Atom feed)</a>' in page


def test_an_archived_recommendation_has_no_feed(item):
    archive(recommendations=[item], author=None, reason="Merged into AI-2.")

    assert Client().get("/recommendations/AI-1/feed/").status_code == 404


def test_the_stylesheet_may_be_kept_by_a_shared_cache(item):
    response = Client().get("/feed.xsl")

    assert "public" in response["Cache-Control"]
    assert not response.cookies


def test_a_browser_is_sent_the_feed_as_xml_and_a_feed_reader_as_atom(item):
    browser_accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    reader = Client().get("/feed/", headers={"accept": "application/atom+xml"})
    browser = Client().get("/feed/", headers={"accept": browser_accept})

    # Chromium shows application/atom+xml as plain text, never applying the stylesheet.
    assert reader["Content-Type"].startswith("application/atom+xml")
    assert browser["Content-Type"].startswith("application/xml")
    assert browser.content == reader.content
    assert "Accept" in browser["Vary"] and "Accept" in reader["Vary"]
