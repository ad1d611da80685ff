"""Internal progress updates and internal notes reach no public page and no feed, in either
language. One recognisable text is planted everywhere and looked for on every public address."""

import pytest
from django.urls import reverse

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
