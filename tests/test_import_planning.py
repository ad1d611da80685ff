"""Planning an import: what a row changes, judged again when the preview is confirmed."""

import io

import pytest
from django.urls import reverse

from recommendations.models import ProgressUpdate, Side, Status
from recommendations.services.statuses import set_statuses
from tests import factories

IMPORT = reverse("admin:recommendations_recommendation_import_updates")


def csv_file(text, name="updates.csv"):
    upload = io.BytesIO(text.encode())
    upload.name = name
    return upload


@pytest.fixture
def item(db):
    meti = factories.OwnerFactory(code="METI", side=Side.JAPAN)
    topic = factories.TopicFactory(code="AI")
    return factories.RecommendationFactory(topic=topic, number="1", lead_owner=meti)


@pytest.fixture
def official(item):
    return factories.OfficialFactory(owner=item.lead_owner).user


@pytest.mark.django_db
def test_a_change_someone_else_made_first_refuses_the_confirmation(client, item, official):
    client.force_login(official)
    preview = client.post(IMPORT, {"file": csv_file("reference,status\nAI-1,planned\n")})
    assert [change.reference for change in preview.context["changes"]] == ["AI-1"]
    # Another official records the very status the file sets, before this one confirms.
    set_statuses(recommendation=item, sides={Side.JAPAN: Status.PLANNED}, author=None)

    response = client.post(IMPORT, {"token": preview.context["token"], "confirm": "1"})

    assert response.status_code == 200
    assert "AI-1 was changed by someone else after the preview" in response.content.decode()
    # Only the other official's update: the confirmation applied nothing of its own.
    assert ProgressUpdate.objects.count() == 1
