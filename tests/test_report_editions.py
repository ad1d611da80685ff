"""The report's editions as a reader opens them: the PDF's outline, metadata and tagging (read
with pypdf), the Japanese edition, the XLSX's summary totals, print setup and drop-downs, and the
Word edition's headings and rows."""

import datetime
import gc
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from recommendations.models import Council, Recommendation, Side, Status
from recommendations.reporting import pdf_export
from recommendations.reporting.docx_export import write_docx
from recommendations.reporting.options import ReportOptions
from recommendations.reporting.pdf_export import write_pdf
from recommendations.reporting.pdf_print import cycles_collected_after
from recommendations.reporting.xlsx_export import write_xlsx
from recommendations.services.statuses import set_statuses
from tests import factories
from tests.helpers import change, recorded_on

APRIL_1 = datetime.date(2024, 4, 1)
MAY_1 = datetime.date(2024, 5, 1)
JUNE_1 = datetime.date(2024, 6, 1)


@pytest.fixture
def two_topics(db):
    """Two topics, one item moved in May with the official's words, one with Japanese text."""
    factories.CouncilFactory(number=2, place="Brussels", date=datetime.date(2024, 4, 30))
    ai = factories.TopicFactory(
        code="AI", name="Artificial Intelligence", name_ja="人工知能", position=1
    )
    cyber = factories.TopicFactory(code="CYBER", name="Cybersecurity", position=2)
    moved = recorded_on(
        APRIL_1, topic=ai, reference="AI-1", number="1", text="Drive the G7 process."
    )
    change(moved, Status.IN_PROGRESS, MAY_1, text="Code of conduct published.")
    recorded_on(
        APRIL_1,
        topic=cyber,
        reference="CYBER-1",
        number="1",
        text="Share threat information.",
        text_ja="脅威情報を共有する。",
    )
    return moved


def pdf_reader(options) -> PdfReader:
    target = io.BytesIO()
    write_pdf(options, target)
    return PdfReader(io.BytesIO(target.getvalue()))


def pdf_text(reader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


# PDF ----------------------------------------------------------------------------------------


def test_pdf_has_one_bookmark_per_topic_after_the_summary(two_topics):
    reader = pdf_reader(ReportOptions(as_of=JUNE_1, since=APRIL_1))

    titles = [entry.title for entry in reader.outline]
    assert titles[0] == "Summary"
    assert titles[-2:] == ["Artificial Intelligence", "Cybersecurity"]


def test_pdf_carries_title_author_and_language_and_is_tagged(two_topics):
    reader = pdf_reader(ReportOptions(as_of=JUNE_1))

    assert reader.metadata.title.startswith(
        "Status of the follow-up of the stakeholder workshop recommendations"
    )
    assert reader.metadata.author == "EU–Japan Digital Partnership secretariat"
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "en"
    # A tagged PDF: a structure tree a screen reader follows, and the mark that says so.
    assert "/StructTreeRoot" in catalog
    assert catalog["/MarkInfo"]["/Marked"]


def structure(reader) -> list:
    """The structure elements of a tagged PDF in reading order, as (element, parent) pairs."""
    elements = []
    root = reader.trailer["/Root"]["/StructTreeRoot"]
    stack = [(kid, None) for kid in reversed(root["/K"])]
    while stack:
        reference, parent = stack.pop()
        element = reference.get_object()
        elements.append((element, parent))
        kids = element.get("/K", [])
        kids = kids if isinstance(kids, list) else [kids]
        stack += [
            (kid, reference)
            for kid in reversed(kids)
            if isinstance(kid, IndirectObject) and "/S" in kid.get_object()
        ]
    return elements


def test_pdf_printed_in_parts_is_tagged_as_one_document(two_topics, monkeypatch):
    whole = pdf_reader(ReportOptions(as_of=JUNE_1))
    # One row a part: the front and two parts, joined.
    monkeypatch.setattr(pdf_export, "PDF_CHUNK_ROWS", 1)
    joined = pdf_reader(ReportOptions(as_of=JUNE_1))

    catalog = joined.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"]
    elements = structure(joined)
    # Every element hangs from its parent and sits on a page of this file.
    pages = {page.indirect_reference.idnum for page in joined.pages}
    for element, parent in elements[1:]:
        assert element.raw_get("/P").idnum == parent.idnum
        assert "/Pg" not in element or element.raw_get("/Pg").idnum in pages
    # Each page ties its marked content to the elements through a key of its own.
    keys = [page["/StructParents"] for page in joined.pages]
    numbers = catalog["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    assert sorted(keys) == list(range(len(joined.pages))) == numbers[::2][: len(keys)]

    # The rows and cells of every part are tagged as a single print tags them.
    def roles(reader):
        return Counter(str(element["/S"]) for element, _parent in structure(reader))

    assert roles(joined)["/TR"] == roles(whole)["/TR"]
    assert roles(joined)["/TD"] == roles(whole)["/TD"]
    # The numbers stamped on the joined pages are artifacts, outside the structure.
    last = joined.pages[-1].get_contents().get_data()
    assert last.rstrip().endswith(b"EMC\nQ") and b"/Artifact" in last[-2000:]


def test_pdf_past_the_tagged_rows_is_joined_untagged_yet_numbered_and_bookmarked(
    two_topics, monkeypatch
):
    # A joined structure tree costs memory by the row: past PDF_TAGGED_ROWS it is left out.
    monkeypatch.setattr(pdf_export, "PDF_CHUNK_ROWS", 1)
    monkeypatch.setattr(pdf_export, "PDF_TAGGED_ROWS", 1)
    reader = pdf_reader(ReportOptions(as_of=JUNE_1))

    assert "/StructTreeRoot" not in reader.trailer["/Root"]
    assert [entry.title for entry in reader.outline][-2:] == [
        "Artificial Intelligence",
        "Cybersecurity",
    ]
    total = len(reader.pages)
    assert f"Page {total} of {total}" in reader.pages[-1].extract_text()


def test_pdf_printing_holds_the_cycle_collector_back_and_turns_it_on_again(two_topics):
    # Held back while WeasyPrint lays the report out (docs/performance.md); a server must not
    # be left without it, whether the print succeeds or fails.
    pdf_reader(ReportOptions(as_of=JUNE_1))
    assert gc.isenabled()

    with pytest.raises(RuntimeError), cycles_collected_after():
        assert not gc.isenabled()
        raise RuntimeError("printing failed")
    assert gc.isenabled()


def test_pdf_cover_summary_and_running_heads(two_topics):
    council = Council.objects.get(number=2)
    reader = pdf_reader(ReportOptions(as_of=JUNE_1, since=APRIL_1, council=council))
    pages = [page.extract_text() for page in reader.pages]

    assert "Digital Partnership Council no. 2, Brussels" in pages[0]
    assert "Public" in pages[0]
    assert "Summary" in pages[1] and "Progress by topic" in pages[1]
    # Every page after the cover is headed with the as-of date and numbered "page X of Y".
    for number, text in enumerate(pages[1:], start=2):
        assert "As of 1 June 2024" in text
        assert f"Page {number} of {len(pages)}" in text


def test_pdf_quotes_the_official_not_the_generated_sentences(two_topics):
    text = " ".join(pdf_text(pdf_reader(ReportOptions(as_of=JUNE_1))).split())

    assert "Code of conduct published." in text
    assert "Overall status now" not in text
    assert "No update yet." in text


def test_pdf_gives_agreeing_sides_one_line_and_diverging_sides_one_each(two_topics):
    set_statuses(
        recommendation=two_topics, sides={Side.EU: Status.COMPLETED}, author=None, on=MAY_1
    )
    # An item with an update has a row of its own (the PDF lists the others by reference).
    cyber = Recommendation.objects.get(reference="CYBER-1")
    factories.ProgressUpdateFactory(recommendation=cyber, date=MAY_1, text="Talks began.")

    text = " ".join(pdf_text(pdf_reader(ReportOptions(as_of=JUNE_1))).split())

    assert "Both sides: Not yet assessed" in text  # CYBER-1
    assert "EU: Completed Japan: In progress" in text  # AI-1
    assert "Both sides: In progress" not in text


def test_pdf_lists_each_change_on_a_line_with_its_date_in_a_column(two_topics):
    reader = pdf_reader(ReportOptions(as_of=JUNE_1, since=APRIL_1))
    changes = next(
        page.extract_text() for page in reader.pages if "Changed since" in page.extract_text()
    )

    assert "Reference Topic From To Date Explanation" in changes
    assert "1 May 2024 Code of conduct published." in " ".join(changes.split())


# Japanese edition ---------------------------------------------------------------------------


def test_japanese_pdf_from_the_command_speaks_japanese(two_topics, tmp_path):
    output = tmp_path / "report.pdf"
    # An item with an update has a row of its own, with its text (the PDF lists the others by
    # reference).
    cyber = Recommendation.objects.get(reference="CYBER-1")
    factories.ProgressUpdateFactory(recommendation=cyber, date=MAY_1, text="Talks began.")

    call_command(
        "export_report", "--format", "pdf", "--language", "ja", "--as-of", "2024-06-01",
        "-o", str(output),
    )  # fmt: skip

    reader = PdfReader(output)
    text = pdf_text(reader)
    assert reader.trailer["/Root"]["/Lang"] == "ja"
    assert "2024年6月1日" in text
    assert "人工知能" in text and "実施中" in text
    # The Japanese text where officials entered one, the English where they did not.
    assert "脅威情報を共有する。" in text and "Share threat information." not in text
    assert "Drive the G7 process." in text


def test_japanese_report_page_and_files_under_ja(client, two_topics):
    page = client.get("/ja/report/", {"as_of": "2024-06-01"})
    xlsx = client.get("/ja/report.xlsx", {"as_of": "2024-06-01"})

    assert "2024年6月1日" in page.content.decode()
    assert xlsx.status_code == 200, xlsx.content.decode()
    book = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    assert "概要" in book.sheetnames
    summary = [cell for row in book["概要"].iter_rows(values_only=True) for cell in row if cell]
    assert any("2024年6月1日" in str(cell) for cell in summary)


# XLSX ---------------------------------------------------------------------------------------


def xlsx_book(options):
    target = io.BytesIO()
    write_xlsx(options, target)
    target.seek(0)
    return load_workbook(target)


def test_xlsx_summary_tables_have_headings_and_totals_under_them(two_topics):
    rows = list(xlsx_book(ReportOptions(as_of=JUNE_1))["Summary"].iter_rows(values_only=True))

    heading = rows.index(("Topic", *(str(label) for label in Status.labels), "Total"))
    table = rows[heading + 1 : heading + 4]
    assert [row[0] for row in table] == ["Artificial Intelligence", "Cybersecurity", "Total"]
    assert table[-1][-1] == 2


def test_xlsx_prints_landscape_one_page_wide_with_the_heading_row_repeated(two_topics):
    sheet = xlsx_book(ReportOptions(as_of=JUNE_1))["Recommendations"]

    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    # One page wide is the file format's default, which a writer may leave unsaid.
    assert (sheet.page_setup.fitToWidth or 1, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.print_title_rows == "$1:$1"


def test_xlsx_offers_the_statuses_as_a_drop_down_on_the_status_columns(two_topics):
    sheet = xlsx_book(ReportOptions(as_of=JUNE_1))["Recommendations"]

    [validation] = sheet.data_validations.dataValidation
    assert validation.type == "list"
    assert validation.formula1.strip('"').split(",") == [str(label) for label in Status.labels]
    headings = [cell.value for cell in sheet[1]]
    columns = {headings[cells.min_col - 1] for cells in validation.sqref.ranges}
    assert columns == {"Status", "EU side", "Japan side"}


def test_xlsx_joins_lists_as_the_csv_does(db):
    recorded_on(
        APRIL_1,
        organisations=[
            factories.OrganisationFactory(acronym="ADRA"),
            factories.OrganisationFactory(acronym="JBCE"),
        ],
    )

    sheet = xlsx_book(ReportOptions(as_of=JUNE_1))["Recommendations"]

    assert sheet["E2"].value == "ADRA; JBCE"


# Word ---------------------------------------------------------------------------------------


def docx_document(options):
    target = io.BytesIO()
    write_docx(options, target)
    return Document(io.BytesIO(target.getvalue()))


def test_docx_has_the_reports_headings_and_one_row_per_item(two_topics):
    document = docx_document(ReportOptions(as_of=JUNE_1, since=APRIL_1))

    headings = [
        p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))
    ]
    assert headings[0].startswith("Status of the follow-up")
    assert headings[1] == "Summary"
    assert headings[-2:] == ["Artificial Intelligence", "Cybersecurity"]
    ai_table, cyber_table = document.tables[-2:]
    assert [row.cells[0].text for row in ai_table.rows] == ["Reference", "AI-1"]
    assert "In progress" in ai_table.rows[1].cells[3].text
    assert ai_table.rows[1].cells[4].text.endswith("Code of conduct published.")
    # The sides' line, then each side's formal response.
    assert "Both sides: In progress" in ai_table.rows[1].cells[3].text.splitlines()
    changes_table = document.tables[-3]
    assert [cell.text for cell in changes_table.rows[0].cells] == [
        "Reference",
        "Topic",
        "From",
        "To",
        "Date",
        "Explanation",
    ]
    assert [cell.text for cell in changes_table.rows[1].cells][-2:] == [
        "1 May 2024",
        "Code of conduct published.",
    ]
    assert [row.cells[0].text for row in cyber_table.rows] == ["Reference", "CYBER-1"]
    assert document.core_properties.title.startswith("Status of the follow-up")
    assert document.core_properties.language == "en"


def test_docx_download_and_command(client, two_topics, tmp_path):
    response = client.get(reverse("recommendations:report_docx"), {"as_of": "2024-06-01"})
    output = tmp_path / "report.docx"
    call_command("export_report", "--format", "docx", "--as-of", "2024-06-01", "-o", str(output))

    assert "council-report-2024-06-01.docx" in response["Content-Disposition"]
    for document in (Document(io.BytesIO(b"".join(response.streaming_content))), Document(output)):
        assert [row.cells[0].text for row in document.tables[-1].rows] == ["Reference", "CYBER-1"]
