import datetime
import io
import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from recommendations.models import Organisation, Recommendation
from recommendations.reporting.csv_export import write_csv
from recommendations.reporting.docx_export import write_docx
from recommendations.reporting.options import ReportOptions
from recommendations.reporting.pdf_export import write_pdf
from recommendations.reporting.query import report_rows
from recommendations.reporting.xlsx_export import write_xlsx
from recommendations.rules.choices import TranslationStatus
from recommendations.services import translations
from tests import factories

ENGLISH = "Promote regulatory alignment between the EU and Japan on generative AI."
JAPANESE = "生成AIに関する日EU間の規制の整合性を促進する。"

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
    kwargs.setdefault("text", ENGLISH)
    item = factories.RecommendationFactory(**kwargs)
    translations.load_provisional(recommendation=item, title_ja="", text_ja=JAPANESE)
    return item


def confirm(item: Recommendation) -> None:
    translations.apply_edit(
        recommendation=item, editor=factories.SuperuserFactory(), changed=[], confirm=True
    )
    item.save()


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


# What readers of /ja/ see ------------------------------------------------------------------


@pytest.mark.django_db
def test_japanese_item_page_shows_the_japanese_its_status_and_the_english_one_click_away(client):
    item = translated()

    response = client.get(f"/ja/recommendations/{item.reference}/")

    content = response.content.decode()
    assert JAPANESE in content
    assert "暫定訳" in content
    details = content[content.index("<details") : content.index("</details>")]
    assert ENGLISH in details
    assert "日本語訳はまだありません" not in content


@pytest.mark.django_db
def test_english_item_page_shows_the_english_without_a_translation_status(client):
    item = translated()

    content = client.get(f"/recommendations/{item.reference}/").content.decode()

    assert ENGLISH in content and "暫定訳" not in content and "Provisional" not in content


@pytest.mark.django_db
def test_a_confirmed_translation_is_labelled_confirmed_on_the_list(client):
    item = translated()
    confirm(item)

    content = client.get("/ja/recommendations/").content.decode()

    assert JAPANESE in content
    assert "確認済み" in content and "暫定訳" not in content


@pytest.mark.django_db
def test_a_translation_of_a_changed_english_text_is_labelled_to_be_checked(client):
    item = translated()
    Recommendation.objects.filter(pk=item.pk).update(text="Promote interoperability.")

    content = client.get(f"/ja/recommendations/{item.reference}/").content.decode()

    assert "原文更新のため要確認" in content


@pytest.mark.django_db
def test_the_api_says_whether_the_japanese_is_provisional_or_confirmed(client):
    provisional, confirmed = translated(), translated()
    confirm(confirmed)

    first = client.get(f"/api/recommendations/{provisional.reference}/").json()
    second = client.get(f"/api/recommendations/{confirmed.reference}/").json()

    assert (first["text_ja"], first["text_ja_status"]) == (JAPANESE, "provisional")
    assert second["text_ja_status"] == "confirmed"


@pytest.mark.django_db
def test_the_japanese_feed_names_the_item_by_its_japanese_text(client):
    item = translated()
    factories.ProgressUpdateFactory(recommendation=item, status="")

    content = client.get("/ja/feed/").content.decode()

    assert JAPANESE[:20] in content and "暫定訳" in content


def japanese_report(write) -> io.BytesIO:
    target = io.BytesIO()
    with translation.override("ja"):
        write(ReportOptions(as_of=datetime.date.today()), target)
    target.seek(0)
    return target


@pytest.mark.django_db
def test_the_japanese_pdf_prints_the_japanese_text_as_provisional():
    # With an update, so that it has a row of its own: the PDF folds items with none into a
    # line of references per topic.
    item = translated()
    factories.ProgressUpdateFactory(recommendation=item, date=datetime.date(2024, 5, 1))

    pages = PdfReader(japanese_report(write_pdf)).pages
    letters = "".join("".join(page.extract_text() for page in pages).split())

    assert JAPANESE in letters and "暫定訳" in letters


@pytest.mark.django_db
def test_the_japanese_workbook_has_the_japanese_text_as_provisional_beside_the_english():
    translated()

    book = load_workbook(japanese_report(write_xlsx))
    cells = [
        str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
    ]

    assert f"{JAPANESE}（暫定訳）" in cells
    assert ENGLISH in cells


@pytest.mark.django_db
def test_the_japanese_word_report_has_the_japanese_text_as_provisional():
    translated()

    document = Document(japanese_report(write_docx))
    text = "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )

    assert f"{JAPANESE}（暫定訳）" in text


@pytest.mark.django_db
def test_the_csv_carries_the_japanese_and_its_status_after_the_english_columns():
    translated()
    target = io.StringIO()

    write_csv(report_rows(ReportOptions(as_of=datetime.date.today())), target, internal=False)

    header, row = target.getvalue().lstrip("\ufeff").splitlines()[:2]
    # The sides' responses and stalled reasons follow, appended after them.
    assert ",recommendation_ja,translation_status,eu_response," in header
    assert f",{JAPANESE},provisional,no_response,no_response," in row


# Names in Japanese ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_japanese_organisation_page_names_it_in_its_own_japanese(client):
    jbce = factories.OrganisationFactory(
        acronym="JBCE", name="Japan Business Council in Europe", name_ja="在欧日系ビジネス協議会"
    )
    factories.RecommendationFactory(organisations=[jbce])

    content = client.get(f"/ja/organisations/{jbce.slug}/").content.decode()

    assert "<h1>在欧日系ビジネス協議会 (JBCE)</h1>" in content
    assert "在欧日系ビジネス協議会は、" in content
    assert "Japan Business Council in Europe" not in content


@pytest.mark.django_db
def test_an_organisation_without_a_japanese_name_keeps_its_own_name(client):
    digitaleurope = factories.OrganisationFactory(acronym="DIGITALEUROPE", name="DIGITALEUROPE")
    factories.RecommendationFactory(organisations=[digitaleurope])

    content = client.get(f"/ja/organisations/{digitaleurope.slug}/").content.decode()

    assert "DIGITALEUROPEは、" in content


@pytest.mark.django_db
def test_the_japanese_item_page_names_dg_connect_in_japanese(client):
    item = translated()

    content = client.get(f"/ja/recommendations/{item.reference}/").content.decode()

    assert "欧州委員会 通信ネットワーク・コンテンツ・技術総局（DG CONNECT）が報告" in content
    assert "DG Connect が報告" not in content
