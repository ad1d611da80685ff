"""The Japanese report's headings break between phrases, never inside a word, in the PDF and on
the page, and its brackets sit against the text as Japanese sets them."""

import datetime
import io

import pytest
from django.utils import translation
from pypdf import PdfReader

from recommendations.reporting.options import ReportOptions
from recommendations.reporting.pdf_export import write_pdf
from recommendations.templatetags.phrases import split_phrases
from tests import factories

pytestmark = pytest.mark.django_db

JUNE_1 = datetime.date(2024, 6, 1)


@pytest.fixture
def council():
    factories.RecommendationFactory(reference="AI-1")
    return factories.CouncilFactory(number=3, place="", date=None)


def japanese_pdf_lines(council) -> list[str]:
    target = io.BytesIO()
    with translation.override("ja"):
        write_pdf(ReportOptions(as_of=JUNE_1, council=council), target)
    first_page = PdfReader(io.BytesIO(target.getvalue())).pages[0].extract_text()
    return [line.strip() for line in first_page.splitlines()]


def test_the_japanese_pdf_title_breaks_between_phrases(council):
    lines = japanese_pdf_lines(council)

    assert "ステークホルダー・ワークショップ提言の" in lines
    assert "フォローアップ状況" in lines


def test_a_council_still_to_be_placed_and_dated_has_its_bracket_against_it(council):
    lines = japanese_pdf_lines(council)

    assert any("協議会（開催地と日付は未定）" in line for line in lines), lines


def test_the_japanese_report_page_keeps_each_phrase_of_its_title_together(client, council):
    page = client.get("/ja/report/", {"as_of": "2024-06-01"}).content.decode()

    assert '<span class="phrase">フォローアップ状況</span>' in page
    english = client.get("/report/", {"as_of": "2024-06-01"}).content.decode()
    assert "Status of the follow-up of the stakeholder workshop recommendations</h1>" in english


def test_phrases_end_after_particles_and_middle_dots_never_inside_a_word():
    assert split_phrases("データ流通と信頼性のある自由な流通（DFFT）") == [
        "データ流通と",
        "信頼性のある",
        "自由な",
        "流通（DFFT）",
    ]
    assert split_phrases("人工知能") == ["人工知能"]
    assert split_phrases("Cross-border data flows") == ["Cross-border data flows"]
