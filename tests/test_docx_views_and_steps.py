"""The Word edition carries what the other formats carry: the "Stakeholder view" column once an
item has an approved view (with the count per view; one awaiting moderation is not shown), and
the step that would unblock a stalled side, in "Stalled, and why" and beside the item's status."""

import io

import pytest
from django.utils import timezone, translation
from docx import Document

from recommendations.models import StakeholderView
from recommendations.reporting.docx_export import write_docx
from recommendations.reporting.options import ReportOptions
from recommendations.rules.choices import Side, StalledReason, Status
from recommendations.services.statuses import set_statuses
from tests import factories

pytestmark = pytest.mark.django_db


def word_edition(language: str = "en") -> Document:
    target = io.BytesIO()
    with translation.override(language):
        write_docx(ReportOptions(as_of=timezone.localdate()), target)
    return Document(io.BytesIO(target.getvalue()))


def table_headed(document: Document, heading: str):
    """The first table whose first row starts with or contains `heading`."""
    for table in document.tables:
        if heading in [cell.text for cell in table.rows[0].cells]:
            return table
    raise AssertionError(f"no table headed {heading!r}")


def row_of(table, reference: str) -> list[str]:
    for row in table.rows:
        if row.cells[0].text == reference:
            return [cell.text for cell in row.cells]
    raise AssertionError(f"no row for {reference}")


def approved_view(item, acronym: str, answer: str) -> StakeholderView:
    """An approved view of one of the organisations that made `item`."""
    organisation = factories.OrganisationFactory(acronym=acronym)
    item.organisations.add(organisation)
    return StakeholderView.objects.create(
        recommendation=item,
        organisation=organisation,
        answer=answer,
        public_answer=answer,
        state=StakeholderView.State.APPROVED,
        approved_at=timezone.now(),
    )


def headings_of(document: Document) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]


def test_the_items_table_has_a_stakeholder_view_column_once_a_view_is_approved():
    topic = factories.TopicFactory(name="Data")
    viewed = factories.RecommendationFactory(reference="DATA-1", topic=topic)
    awaiting = factories.RecommendationFactory(reference="DATA-2", topic=topic)
    approved_view(viewed, "JBCE", StakeholderView.Answer.PARTLY)
    approved_view(viewed, "DE", StakeholderView.Answer.FULLY)
    pending = approved_view(awaiting, "FR", StakeholderView.Answer.NO)
    StakeholderView.objects.filter(pk=pending.pk).update(
        public_answer="", state=StakeholderView.State.PENDING, approved_at=None
    )

    document = word_edition()

    items = table_headed(document, "Stakeholder view")
    assert items.rows[0].cells[-1].text == "Stakeholder view"
    assert row_of(items, "DATA-1")[-1] == "DE: Fully\nJBCE: Partly"
    assert row_of(items, "DATA-2")[-1] == "None yet"  # a view awaiting moderation is not shown
    counts = table_headed(document, "Partly")
    assert [cell.text for cell in counts.rows[1].cells] == ["1", "1", "0", "0", "2"]


def test_the_japanese_word_edition_names_the_column_and_the_views_in_japanese():
    viewed = factories.RecommendationFactory(reference="DATA-1")
    approved_view(viewed, "JBCE", StakeholderView.Answer.NOT_YET)

    document = word_edition("ja")

    items = table_headed(document, "ステークホルダーの見解")
    assert row_of(items, "DATA-1")[-1].startswith("JBCE: ")
    assert row_of(items, "DATA-1")[-1] != "JBCE: Not yet"


def test_a_stalled_side_shows_the_step_that_would_unblock_it():
    step = factories.NextStepFactory(
        recommendation__reference="CLOUD-3", side=Side.EU, text="Adopt the budget line"
    )
    set_statuses(
        recommendation=step.recommendation,
        author=None,
        sides={Side.EU: Status.STALLED},
        answers={"eu_stalled_reason": StalledReason.BUDGET, "eu_stalled_step": step},
    )

    document = word_edition()

    assert "Stalled, and why" in headings_of(document)
    stalled = table_headed(document, "Why")
    assert [cell.text for cell in stalled.rows[1].cells] == [
        "Budget",
        "CLOUD-3 (EU: unblocked by: Adopt the budget line)",
    ]
    status = row_of(table_headed(document, "Latest update"), "CLOUD-3")[3]
    assert "EU – Budget: unblocked by: Adopt the budget line" in status
