import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from recommendations.choices import TranslationStatus
from recommendations.models import Organisation, Recommendation
from recommendations.services import translations
from tests import factories

REPORT = json.loads((Path(settings.BASE_DIR) / "fixtures" / "report.json").read_text())
PRINTED = {
    row["fields"]["reference"]: row["fields"]
    for row in REPORT
    if row["model"] == "recommendations.recommendation"
}


def load_report() -> str:
    out = StringIO()
    call_command("load_report", stdout=out)
    return out.getvalue()


def translated(**kwargs) -> Recommendation:
    """An item carrying the secretariat's provisional translation, as load_report leaves it."""
    item = factories.RecommendationFactory(**kwargs)
    translations.load_provisional(
        recommendation=item, title_ja="", text_ja="生成AIに関する日EU間の規制の整合性を促進する。"
    )
    return item


@pytest.mark.django_db
def test_every_printed_recommendation_has_a_provisional_japanese_text_and_title():
    load_report()

    items = Recommendation.objects.all()

    assert items.count() == len(PRINTED) == 70
    for item in items:
        assert item.text_ja and item.text_ja != item.text, item.reference
        assert bool(item.title_ja) == bool(PRINTED[item.reference].get("title")), item.reference
        assert item.translation_status == TranslationStatus.PROVISIONAL, item.reference
    assert Recommendation.objects.get(reference="AI-3").text_ja == (
        "生成AIに関する日EU間の規制の整合性を促進する。"
    )


@pytest.mark.django_db
def test_the_printed_state_in_history_already_holds_the_provisional_translation():
    load_report()

    record = Recommendation.objects.get(reference="AI-3").history.get()

    assert record.text_ja_status == TranslationStatus.PROVISIONAL
    assert "生成AI" in record.text_ja


@pytest.mark.django_db
def test_organisations_get_their_own_japanese_name_and_the_others_keep_english_only():
    load_report()

    assert Organisation.objects.get(acronym="JBCE").name_ja == "在欧日系ビジネス協議会"
    assert Organisation.objects.get(acronym="NEC").name_ja == "日本電気株式会社"
    assert Organisation.objects.get(acronym="DIGITALEUROPE").name_ja == ""


@pytest.mark.django_db
def test_loading_the_report_twice_changes_nothing_the_second_time():
    load_report()
    before = list(Recommendation.objects.values())
    records = Recommendation.history.count()

    second = load_report()

    assert "nothing changed" in second
    assert list(Recommendation.objects.values()) == before
    assert Recommendation.history.count() == records


@pytest.mark.django_db
def test_loading_the_report_again_keeps_a_confirmed_correction():
    load_report()
    item = Recommendation.objects.get(reference="AI-3")
    item.text_ja = "生成AIに関する日EUの規制の相互運用性を促進する。"
    translations.apply_edit(
        recommendation=item, editor=factories.SuperuserFactory(), changed=["text_ja"], confirm=False
    )
    item.save()

    load_report()

    item.refresh_from_db()
    assert item.text_ja == "生成AIに関する日EUの規制の相互運用性を促進する。"
    assert item.translation_status == TranslationStatus.CONFIRMED


@pytest.mark.django_db
def test_a_tracker_loaded_before_the_translation_gets_it_on_the_next_load():
    load_report()
    Recommendation.objects.update(title_ja="", text_ja="", text_ja_status=TranslationStatus.NONE)
    Organisation.objects.update(name_ja="")

    output = load_report()

    assert "Filled in 70 provisional Japanese translations" in output
    item = Recommendation.objects.get(reference="AI-3")
    assert item.translation_status == TranslationStatus.PROVISIONAL
    assert item.history.first().history_change_reason == translations.LOADED_REASON


@pytest.mark.django_db
def test_confirming_records_who_and_when_and_changes_the_label():
    item = translated()
    official = factories.OfficialFactory(owner=item.lead_owner).user

    translations.apply_edit(recommendation=item, editor=official, changed=[], confirm=True)
    item.save()

    item.refresh_from_db()
    assert item.text_ja_confirmed_by == official
    assert item.text_ja_confirmed_at is not None
    assert item.get_translation_status_display() == "Translation confirmed"
    assert item.history.first().text_ja_status == TranslationStatus.CONFIRMED


@pytest.mark.django_db
def test_an_official_of_another_owner_cannot_confirm():
    item = translated()
    stranger = factories.OfficialFactory().user

    with pytest.raises(translations.PermissionDenied):
        translations.apply_edit(recommendation=item, editor=stranger, changed=[], confirm=True)


@pytest.mark.django_db
def test_changing_the_english_text_flags_the_translation_out_of_date():
    item = translated()
    untouched = translated()

    item.text = item.text + " Including robotics."
    translations.apply_edit(
        recommendation=item, editor=factories.SuperuserFactory(), changed=["text"], confirm=False
    )
    item.save()

    item.refresh_from_db()
    assert item.translation_status == TranslationStatus.OUT_OF_DATE
    assert item.get_translation_status_display() == "Original updated: translation to be checked"
    assert list(Recommendation.objects.translation_out_of_date()) == [item]
    assert untouched.translation_status == TranslationStatus.PROVISIONAL


@pytest.mark.django_db
def test_an_english_text_changed_behind_the_services_back_still_shows_out_of_date():
    item = translated()
    Recommendation.objects.filter(pk=item.pk).update(text="Another text.")

    item.refresh_from_db()

    assert item.translation_status == TranslationStatus.OUT_OF_DATE
