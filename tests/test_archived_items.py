"""An archived item is gone on purpose, not missing: its address answers 410 Gone with the date
it was archived and the public reason the secretariat gave, and links to the list; it still
appears on no other public page."""

import datetime
import re

import pytest
from django.urls import reverse

from recommendations.models import Recommendation
from recommendations.services.archive import archive, restore
from tests import factories
from tests.helpers import Client

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:recommendations_recommendation_changelist")
REASON = "Printed twice in the workshop report: followed up as BRT-6."


@pytest.fixture
def archived():
    item = factories.RecommendationFactory(reference="BRT-7", text="A duplicate item.")
    archive(recommendations=[item], author=None, reason=REASON)
    on_the_day = datetime.datetime(2027, 3, 3, 10, tzinfo=datetime.UTC)
    Recommendation.objects.filter(pk=item.pk).update(archived_at=on_the_day)
    item.refresh_from_db()
    return item


def test_an_archived_items_address_says_when_and_why_it_was_archived(archived):
    response = Client().get("/recommendations/BRT-7/")
    page = response.content.decode()

    assert response.status_code == 410
    assert "BRT-7 was archived" in page
    assert "archived on 3 March 2027" in page
    assert REASON in page
    assert f'href="{reverse("recommendations:list")}"' in page
    assert "No recommendation has the reference" not in page
    assert "A duplicate item." not in page


def test_the_japanese_address_says_it_in_japanese(archived):
    response = Client().get("/ja/recommendations/BRT-7/")
    page = response.content.decode()

    assert response.status_code == 410
    assert "2027年3月3日" in page
    assert "アーカイブ" in page
    assert REASON in page
    assert 'href="/ja/recommendations/"' in page


def test_an_unknown_reference_is_still_not_found(archived):
    response = Client().get("/recommendations/BRT-99/")

    assert response.status_code == 404
    assert "No recommendation has the reference “BRT-99”." in response.content.decode()


def test_an_archived_item_appears_on_no_other_public_page(archived):
    for address in ["/", "/recommendations/", "/report/", "/feed/", "/ja/recommendations/"]:
        page = Client().get(address).content.decode()
        assert "BRT-7" not in page, address


def test_a_restored_item_is_back_without_its_reason(archived):
    restore(recommendations=[archived], author=None)

    response = Client().get("/recommendations/BRT-7/")

    assert response.status_code == 200
    archived.refresh_from_db()
    assert archived.archived_reason == ""


def test_archiving_in_the_admin_asks_for_the_public_reason(admin_client):
    item = factories.RecommendationFactory(reference="BRT-7")
    selection = {"action": "archive_action", "_selected_action": [item.pk], "apply": "1"}

    confirmation = admin_client.post(
        CHANGELIST, {k: v for k, v in selection.items() if k != "apply"}
    )
    without_reason = admin_client.post(CHANGELIST, {**selection, "reason": "  "})
    with_reason = admin_client.post(CHANGELIST, {**selection, "reason": REASON})

    assert re.search(r'<textarea name="reason"[^>]*required', confirmation.content.decode())
    assert without_reason.status_code == 200
    assert "Give the reason the public will read." in without_reason.content.decode()
    assert with_reason.status_code == 302
    item.refresh_from_db()
    assert item.archived_at is not None
    assert item.archived_reason == REASON
    assert not Recommendation.objects.public().filter(pk=item.pk).exists()
    assert REASON in Client().get("/recommendations/BRT-7/").content.decode()
