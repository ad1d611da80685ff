"""Atom feeds of public progress updates, for stakeholders' feed readers."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from recommendations.models import Status, Visibility
from tests.factories import (
    OrganisationFactory,
    ProgressUpdateFactory,
    RecommendationFactory,
    TopicFactory,
)

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(response):
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)  # noqa: S314 - our own feed, not untrusted input
    return [
        {
            "title": entry.find(f"{ATOM}title").text,
            "summary": entry.find(f"{ATOM}summary").text,
            "link": entry.find(f"{ATOM}link").get("href"),
        }
        for entry in feed.findall(f"{ATOM}entry")
    ]


@pytest.mark.django_db
def test_feed_lists_public_updates_newest_first_with_links(client):
    recommendation = RecommendationFactory(reference="AI-3")
    ProgressUpdateFactory(
        recommendation=recommendation,
        date=datetime.date(2025, 1, 1),
        text="Workshop held.",
    )
    ProgressUpdateFactory(
        recommendation=recommendation,
        date=datetime.date(2025, 6, 1),
        text="Now under way.",
        status=Status.IN_PROGRESS,
    )

    items = entries(client.get(reverse("recommendations:feed")))

    assert [item["summary"] for item in items] == ["Now under way.", "Workshop held."]
    assert items[0]["title"] == "AI-3: In progress"
    assert items[0]["link"].startswith("http://testserver/recommendations/AI-3/#update-")


@pytest.mark.django_db
def test_feed_leaves_out_internal_updates(client):
    ProgressUpdateFactory(text="Public news.")
    ProgressUpdateFactory(text="INTERNAL-UPDATE-5150", visibility=Visibility.INTERNAL)

    response = client.get(reverse("recommendations:feed"))

    assert [item["summary"] for item in entries(response)] == ["Public news."]
    assert b"INTERNAL-UPDATE-5150" not in response.content


@pytest.mark.django_db
def test_topic_feed_holds_only_that_topics_updates(client):
    topic = TopicFactory(code="AI")
    ProgressUpdateFactory(recommendation=RecommendationFactory(topic=topic), text="On AI.")
    ProgressUpdateFactory(text="On something else.")

    items = entries(client.get(reverse("recommendations:topic_feed", args=["AI"])))

    assert [item["summary"] for item in items] == ["On AI."]


@pytest.mark.django_db
def test_organisation_feed_holds_only_updates_on_what_it_recommended(client):
    jbce = OrganisationFactory(slug="jbce")
    ProgressUpdateFactory(
        recommendation=RecommendationFactory(organisations=[jbce]), text="For JBCE."
    )
    ProgressUpdateFactory(text="For others.")

    items = entries(client.get(reverse("recommendations:organisation_feed", args=["jbce"])))

    assert [item["summary"] for item in items] == ["For JBCE."]


@pytest.mark.django_db
def test_feed_escapes_html_in_update_text(client):
    ProgressUpdateFactory(text="<b>bold</b> & <script>x</script>")

    response = client.get(reverse("recommendations:feed"))

    # The summary is HTML to feed readers: the markup must arrive as text, not as tags.
    assert b"<script>" not in response.content
    summary = entries(response)[0]["summary"]
    assert summary == "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;x&lt;/script&gt;"


@pytest.mark.django_db
def test_feed_entries_keep_line_breaks_and_link_the_evidence(client):
    ProgressUpdateFactory(
        text="Agreed.\nNext meeting in May.", evidence_url="https://example.org/minutes?a=1&b=2"
    )

    summary = entries(client.get(reverse("recommendations:feed")))[0]["summary"]

    assert summary == (
        'Agreed.<br>Next meeting in May.<br><a href="https://example.org/minutes?a=1&amp;b=2">'
        "Evidence</a>"
    )


@pytest.mark.django_db
def test_feed_for_unknown_topic_is_not_found(client):
    assert client.get(reverse("recommendations:topic_feed", args=["NOPE"])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [2, 30])
def test_feeds_run_the_same_queries_whatever_the_rows(client, django_assert_num_queries, rows):
    topic = TopicFactory(code="AI")
    organisation = OrganisationFactory(slug="jbce")
    for _ in range(rows):
        recommendation = RecommendationFactory(topic=topic, organisations=[organisation])
        ProgressUpdateFactory(recommendation=recommendation)

    with django_assert_num_queries(2):  # data version; updates with their recommendation, topic
        everything = client.get(reverse("recommendations:feed"))
    with django_assert_num_queries(3):  # data version; topic; its updates
        by_topic = client.get(reverse("recommendations:topic_feed", args=["AI"]))
    with django_assert_num_queries(3):  # data version; organisation; its updates
        by_organisation = client.get(reverse("recommendations:organisation_feed", args=["jbce"]))

    for feed in (everything, by_topic, by_organisation):
        assert feed.status_code == 200
        assert feed.content.decode().count("<entry>") == rows
