"""The Word edition's key figures: each count in a sentence of its language, with the counter
word Japanese puts after it."""

import datetime
import io

import pytest
from django.utils import translation
from docx import Document

from recommendations.models import Status
from recommendations.reporting.docx_export import write_docx
from recommendations.reporting.options import ReportOptions
from tests import factories
from tests.helpers import change, recorded_on

APRIL_1 = datetime.date(2024, 4, 1)
MAY_1 = datetime.date(2024, 5, 1)
JUNE_1 = datetime.date(2024, 6, 1)

pytestmark = pytest.mark.django_db


@pytest.fixture
def moved():
    """Two items recorded in April, one moved in May."""
    topic = factories.TopicFactory(code="AI", name="Artificial Intelligence", name_ja="人工知能")
    item = recorded_on(APRIL_1, topic=topic, reference="AI-1", number="1")
    recorded_on(APRIL_1, topic=topic, reference="AI-2", number="2")
    change(item, Status.IN_PROGRESS, MAY_1, text="Code of conduct published.")


def key_figures(language: str) -> list[str]:
    target = io.BytesIO()
    with translation.override(language):
        write_docx(ReportOptions(as_of=JUNE_1, since=APRIL_1), target)
    document = Document(io.BytesIO(target.getvalue()))
    return [p.text for p in document.paragraphs if p.style.name == "List Bullet"]


def test_the_japanese_word_edition_counts_with_a_counter_word(moved):
    figures = key_figures("ja")

    assert figures[0] == "提言2件"
    assert figures[1] == "2024年4月1日以降に状況が変わった提言1件"
    assert all(figure.endswith("件") for figure in figures)


def test_the_english_word_edition_counts_in_english(moved):
    figures = key_figures("en")

    assert figures[0] == "2 recommendations"
    assert figures[1] == "1 changed status since 1 April 2024"
