"""Officials of an item's owners confirm or correct its provisional Japanese text in the change
form, recorded with who and when, in one history record."""

import pytest

from recommendations.models import Recommendation
from recommendations.rules.choices import TranslationStatus
from recommendations.services import translations
from tests import factories
from tests.helpers import change_url, post_change_form

PROVISIONAL = "生成AIに関する日EU間の規制の相互運用性を促進する。"
CORRECTED = "生成AIに関する日EUの規制の相互運用性を促進すること。"

pytestmark = pytest.mark.django_db


@pytest.fixture
def item() -> Recommendation:
    recommendation = factories.RecommendationFactory(text="Promote interoperability of AI rules.")
    translations.load_provisional(recommendation=recommendation, title_ja="", text_ja=PROVISIONAL)
    return recommendation


@pytest.fixture
def official(client, item):
    official = factories.OfficialFactory(owner=item.lead_owner, user__first_name="Hana")
    client.force_login(official.user)
    return official


def test_an_official_confirms_the_provisional_translation_of_an_item_they_own(
    client, item, official
):
    before = item.history.count()

    response = post_change_form(client, item, confirm_translation="on")

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.text_ja_status == TranslationStatus.CONFIRMED
    assert item.text_ja_confirmed_by == official.user
    assert item.text_ja_confirmed_at is not None
    assert item.text_ja == PROVISIONAL
    assert item.history.count() == before + 1
    page = client.get(change_url(item)).content.decode()
    assert "Translation confirmed: Hana" in page


def test_an_official_correcting_the_japanese_text_confirms_the_correction(client, item, official):
    post_change_form(client, item, text_ja=CORRECTED)

    item.refresh_from_db()
    assert item.text_ja == CORRECTED
    assert item.text_ja_status == TranslationStatus.CONFIRMED
    assert item.text_ja_confirmed_by == official.user


def test_saving_without_touching_the_translation_leaves_it_provisional(client, item, official):
    post_change_form(client, item, notes="Call with METI on Friday.")

    item.refresh_from_db()
    assert item.notes == "Call with METI on Friday."
    assert item.text_ja_status == TranslationStatus.PROVISIONAL
    assert item.text_ja_confirmed_by is None


def test_an_official_of_another_owner_cannot_confirm_it(client, item):
    stranger = factories.OfficialFactory()
    client.force_login(stranger.user)

    response = client.post(change_url(item), {"confirm_translation": "on"})

    assert response.status_code == 403
    item.refresh_from_db()
    assert item.text_ja_status == TranslationStatus.PROVISIONAL


def test_the_japanese_admin_names_the_translation_and_its_status(client, item, official):
    client.cookies["django_language"] = "ja"
    official.language = "ja"
    official.save()

    page = client.get(change_url(item), headers={"accept-language": "ja"}).content.decode()

    assert "日本語訳" in page
    assert "暫定訳" in page
