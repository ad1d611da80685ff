"""Editions that say what they are: a corrected edition's cover, running heads and page carry its
number, its day and "Corrected edition of …: reason", in English and Japanese; the PDF lists a
topic's items with no update in one line; every public page leads to the published reports."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from recommendations.models import Edition
from recommendations.rules.choices import Side
from recommendations.services.rounds import open_round
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

TODAY = timezone.localdate()


@pytest.fixture
def corrected():
    council = factories.CouncilFactory(number=3, date=TODAY + datetime.timedelta(days=30))
    eu = factories.OwnerFactory(code="CNECT", side=Side.EU)
    topic = factories.TopicFactory(code="AI")
    for number in (1, 2, 3):
        factories.RecommendationFactory(reference=f"AI-{number}", lead_owner=eu, topic=topic)
    open_round(council=council, deadline=TODAY, author=None)
    call_command("publish_report", "--council", "3")
    call_command("publish_report", "--council", "3", "--reason", "AI-2 owner corrected")
    return Edition.objects.get(number=2)


def pdf_pages(edition: Edition, language: str) -> list[str]:
    stored = edition.files.get(name="report.pdf", language=language)
    reader = PdfReader(io.BytesIO(stored.file.open("rb").read()))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def test_a_corrected_edition_says_so_on_its_cover_and_running_heads_in_english(corrected):
    pages = pdf_pages(corrected, "en")

    assert "Edition 2 (corrected), published" in pages[0]
    assert "Corrected edition of edition 1: AI-2 owner corrected" in pages[0]
    assert all("Edition 2 (corrected)" in page for page in pages[1:])


def test_a_corrected_edition_says_so_on_its_cover_and_running_heads_in_japanese(corrected):
    pages = pdf_pages(corrected, "ja")

    assert "第2版（訂正版）" in pages[0]
    assert "第1版の訂正版：AI-2 owner corrected" in pages[0]
    assert all("第2版（訂正版）" in page for page in pages[1:])


def test_a_first_edition_says_its_number_and_no_correction(corrected):
    first = pdf_pages(Edition.objects.get(number=1), "en")

    assert "Edition 1, published" in first[0]
    assert "Corrected edition" not in " ".join(first)


def test_the_editions_page_says_what_a_correction_corrects_in_both_languages(corrected, client):
    english = client.get("/reports/3/2/").content.decode()
    japanese = client.get("/ja/reports/3/2/").content.decode()

    assert "Corrected edition of edition 1: AI-2 owner corrected" in english
    assert "第1版の訂正版：AI-2 owner corrected" in japanese


def test_the_pdf_lists_a_topics_items_with_no_update_in_one_line(corrected):
    text = " ".join(pdf_pages(corrected, "en"))

    assert text.count("No update yet.") == 1
    assert "No update yet. AI-1 (Not yet assessed), AI-2 (Not yet assessed), AI-3" in text


@pytest.mark.parametrize("path", ["/", "/report/", "/recommendations/"])
def test_every_public_page_links_to_the_published_reports(client, path):
    factories.RecommendationFactory(reference="AI-1")

    assert 'href="/reports/"' in client.get(path).content.decode()
