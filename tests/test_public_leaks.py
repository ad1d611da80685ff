"""Internal progress updates and internal notes reach no public page and no feed, in either
language. One recognisable text is planted everywhere and looked for on every public address."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from recommendations.models import Status, Visibility
from tests.factories import (
    OrganisationFactory,
    ProgressUpdateFactory,
    RecommendationFactory,
    TopicFactory,
)

INTERNAL_UPDATE = "INTERNAL-UPDATE-ZX81"
INTERNAL_NOTE = "INTERNAL-NOTE-QL42"


@pytest.fixture
def planted(db):
    topic = TopicFactory(code="AI", name_ja="人工知能")
    organisation = OrganisationFactory(slug="jbce")
    recommendation = RecommendationFactory(
        topic=topic, organisations=[organisation], notes=INTERNAL_NOTE, status=Status.STALLED
    )
    ProgressUpdateFactory(recommendation=recommendation, text="Public progress.")
    ProgressUpdateFactory(
        recommendation=recommendation,
        text=INTERNAL_UPDATE,
        evidence_url="https://example.org/internal-evidence",
        status=Status.STALLED,
        visibility=Visibility.INTERNAL,
    )
    return recommendation


def public_addresses(recommendation):
    topic = recommendation.topic.code
    return [
        reverse("recommendations:home"),
        reverse("recommendations:list"),
        reverse("recommendations:list") + "?ordering=-last_update",
        recommendation.get_absolute_url(),
        reverse("recommendations:organisation", args=["jbce"]),
        reverse("recommendations:topic", args=[topic]),
        reverse("recommendations:feed"),
        reverse("recommendations:topic_feed", args=[topic]),
        reverse("recommendations:organisation_feed", args=["jbce"]),
    ]


@pytest.mark.parametrize("language", ["en", "ja"])
def test_no_public_page_or_feed_shows_internal_updates_or_notes(client, planted, language):
    for address in public_addresses(planted):
        url = address if language == "en" else f"/ja{address}"
        response = client.get(url)

        assert response.status_code == 200, url
        content = response.content.decode()
        assert INTERNAL_UPDATE not in content, url
        assert INTERNAL_NOTE not in content, url
        assert "internal-evidence" not in content, url


def test_search_does_not_find_items_by_their_internal_texts(client, planted):
    for secret in (INTERNAL_UPDATE, INTERNAL_NOTE):
        response = client.get(reverse("recommendations:list"), {"q": secret})

        assert list(response.context["page"]) == []


@pytest.mark.parametrize("language", ["en", "ja"])
def test_archived_recommendations_leave_every_public_page_and_feed(client, planted, language):
    archived = RecommendationFactory(
        topic=planted.topic,
        organisations=list(planted.organisations.all()),
        number="900z",  # a letter no factory number carries, so it never collides
        text="ARCHIVED-TEXT-6502",
        archived_at=timezone.now(),
    )
    ProgressUpdateFactory(recommendation=archived, text="ARCHIVED-UPDATE-6510")
    prefix = "" if language == "en" else "/ja"
    archived_page = f"{prefix}{archived.get_absolute_url()}"

    for address in public_addresses(planted):
        content = client.get(f"{prefix}{address}").content.decode()

        assert "ARCHIVED-TEXT-6502" not in content, address
        assert "ARCHIVED-UPDATE-6510" not in content, address
        assert archived.reference not in content, address
    # Its own address says it was archived (410), and nothing of what it said.
    gone = client.get(archived_page)
    assert gone.status_code == 410
    assert "ARCHIVED-TEXT-6502" not in gone.content.decode()
    assert "ARCHIVED-UPDATE-6510" not in gone.content.decode()
    cache.clear()  # a fresh rendering of the dashboard, to read what it counted
    assert client.get(reverse("recommendations:home")).context["total"] == 1
