"""A published edition in both languages: every format stored in English and in Japanese with
its own digest, each language's pages listing and serving its own files and linking the other,
and the Japanese files read back in Japanese."""

import datetime
import hashlib
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from recommendations.models import EditionFile
from recommendations.rules.choices import Side
from recommendations.services.rounds import open_round
from tests import factories

# Every test here publishes, storing files in a folder of its own.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

TODAY = timezone.localdate()
FORMATS = ["report.csv", "report.docx", "report.html", "report.pdf", "report.xlsx"]


@pytest.fixture
def published():
    council = factories.CouncilFactory(number=3, date=TODAY + datetime.timedelta(days=30))
    topic = factories.TopicFactory(code="AI", name="Artificial Intelligence", name_ja="人工知能")
    owner = factories.OwnerFactory(code="METI", name="METI", name_ja="経済産業省", side=Side.JAPAN)
    item = factories.RecommendationFactory(
        reference="AI-1",
        topic=topic,
        lead_owner=owner,
        text="Share threat information.",
        text_ja="脅威情報を共有する。",
    )
    # With an update, the item has a row of its own in the PDF, its text and owner in it (the
    # items with none are listed by reference).
    factories.ProgressUpdateFactory(recommendation=item, text="Talks began.")
    open_round(council=council, deadline=TODAY, author=None)
    call_command("publish_report", "--council", "3")
    return council


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def stored(name: str, language: str) -> EditionFile:
    return EditionFile.objects.get(name=name, language=language)


def test_every_format_is_published_in_each_language_with_its_own_digest(published):
    for name in FORMATS:
        english, japanese = stored(name, "en"), stored(name, "ja")
        assert english.sha256 != japanese.sha256, name
        for record in (english, japanese):
            content = record.file.open("rb").read()
            assert hashlib.sha256(content).hexdigest() == record.sha256


def test_the_japanese_page_lists_and_serves_the_japanese_files(published, client):
    page = client.get("/ja/reports/3/").content.decode()

    for name in FORMATS:
        assert f'href="/ja/reports/3/{name}"' in page
        assert stored(name, "ja").sha256 in page
        assert stored(name, "en").sha256 not in page
    pdf = client.get("/ja/reports/3/report.pdf")
    assert hashlib.sha256(body(pdf)).hexdigest() == stored("report.pdf", "ja").sha256
    assert "council-3-edition-1-report-ja.pdf" in pdf["Content-Disposition"]
    english = client.get("/reports/3/report.pdf")
    assert hashlib.sha256(body(english)).hexdigest() == stored("report.pdf", "en").sha256
    assert client.get("/reports/3/report.docx").status_code == 200


def test_each_language_of_an_edition_links_the_other(published, client):
    english = client.get("/reports/3/").content.decode()
    japanese = client.get("/ja/reports/3/").content.decode()
    listing = client.get("/ja/reports/").content.decode()

    assert 'href="/ja/reports/3/" hreflang="ja" lang="ja">日本語版</a>' in english
    assert 'href="/reports/3/" hreflang="en" lang="en">The English edition</a>' in japanese
    assert 'href="/ja/reports/3/1/report.pdf"' in listing
    assert 'href="/reports/" hreflang="en"' in listing


def test_the_japanese_files_read_back_in_japanese(published, client):
    pdf = PdfReader(io.BytesIO(body(client.get("/ja/reports/3/report.pdf"))))
    pdf_text = "".join("".join(page.extract_text().split()) for page in pdf.pages)
    assert pdf.trailer["/Root"]["/Lang"] == "ja"
    assert "脅威情報を共有する。" in pdf_text and "人工知能" in pdf_text
    assert "経済産業省" in pdf_text and "概要" in pdf_text

    word = Document(io.BytesIO(body(client.get("/ja/reports/3/report.docx"))))
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    cells = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    assert "概要" in headings and "人工知能" in headings
    assert any("脅威情報を共有する。" in cell for cell in cells)
    assert "経済産業省" in cells

    book = load_workbook(io.BytesIO(body(client.get("/ja/reports/3/report.xlsx"))))
    assert "概要" in book.sheetnames
    values = [str(cell) for sheet in book for row in sheet.values for cell in row]
    assert any("脅威情報を共有する。" in value for value in values)
    assert "経済産業省" in values

    english = Document(io.BytesIO(body(client.get("/reports/3/report.docx"))))
    assert "Summary" in [p.text for p in english.paragraphs]
