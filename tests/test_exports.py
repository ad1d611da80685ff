"""The report's files, opened and read back as a reader's spreadsheet or PDF viewer would."""

import csv
import datetime
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.utils.formats import date_format
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from recommendations.models import Recommendation, Status, Visibility
from recommendations.reporting import pdf_export
from recommendations.reporting.csv_export import write_csv
from recommendations.reporting.docx_export import write_docx
from recommendations.reporting.options import ReportOptions
from recommendations.reporting.pdf_export import write_pdf
from recommendations.reporting.query import report_rows
from recommendations.reporting.xlsx_export import write_xlsx
from tests import factories
from tests.helpers import change, recorded_on

APRIL_1 = datetime.date(2024, 4, 1)
MAY_1 = datetime.date(2024, 5, 1)
JUNE_1 = datetime.date(2024, 6, 1)
HEADER = (
    "reference,topic,recommendation,organisations,owner,co_owners,status,status_date,latest_update"
)


def read_csv(text: str) -> list[dict]:
    assert text.startswith("\ufeff"), "Excel needs the byte order mark to read UTF-8"
    return list(csv.DictReader(io.StringIO(text[1:])))


def csv_text(options, base=None) -> str:
    target = io.StringIO()
    write_csv(report_rows(options, base), target, internal=options.internal)
    return target.getvalue()


def xlsx_book(options, base=None):
    target = io.BytesIO()
    write_xlsx(options, target, base)
    target.seek(0)
    return load_workbook(target)


def pdf_text(options) -> str:
    target = io.BytesIO()
    write_pdf(options, target)
    target.seek(0)
    return "\n".join(page.extract_text() for page in PdfReader(target).pages)


def sheet_rows(sheet) -> list[dict]:
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.fixture
def workshop(db):
    """Three recommendations with Japanese text, one moved in May; one internal update."""
    topic = factories.TopicFactory(code="AI", name="Artificial Intelligence", position=1)
    lead, co_owner = (
        factories.OwnerFactory(code="DG-CONNECT", name="DG Connect"),
        factories.OwnerFactory(code="MIC"),
    )
    jbce = factories.OrganisationFactory(acronym="JBCE")
    first = recorded_on(
        APRIL_1,
        topic=topic,
        reference="AI-1",
        number="1",
        text="Drive forward the Hiroshima G7 process.",
        text_ja="広島AIプロセスを推進する。",
        lead_owner=lead,
        co_owners=[co_owner],
        organisations=[jbce],
        notes="Ask METI for the <b>timeline</b>.",
    )
    change(first, Status.IN_PROGRESS, MAY_1, text="Code of conduct <em>published</em>.")
    factories.ProgressUpdateFactory(
        recommendation=first, date=MAY_1, text="INTERNAL-ONLY", visibility=Visibility.INTERNAL
    )
    recorded_on(APRIL_1, topic=topic, reference="AI-2", number="2", lead_owner=lead)
    recorded_on(
        APRIL_1, topic=topic, reference="AI-3", number="3", lead_owner=lead, status="planned"
    )
    return first


# CSV ----------------------------------------------------------------------------------------


def test_csv_has_the_agreed_header_and_one_row_per_recommendation(workshop):
    text = csv_text(ReportOptions(as_of=JUNE_1))

    assert text.lstrip("\ufeff").startswith(HEADER)
    rows = read_csv(text)
    assert [row["reference"] for row in rows] == ["AI-1", "AI-2", "AI-3"]
    first = rows[0]
    assert first["topic"] == "AI"
    assert first["organisations"] == "JBCE"
    assert (first["owner"], first["co_owners"]) == ("DG-CONNECT", "MIC")
    assert (first["status"], first["status_date"]) == ("in_progress", "2024-05-01")
    assert first["latest_update"] == "Code of conduct <em>published</em>."
    assert first["visibility"] == "public"


def test_csv_keeps_japanese_text_readable_as_utf8(workshop):
    factories.RecommendationFactory(
        reference="AI-9", number="9", text="生成AIの規制整合", topic=workshop.topic
    )

    raw = csv_text(ReportOptions(as_of=datetime.date.today())).encode("utf-8")

    assert raw.startswith(b"\xef\xbb\xbf")
    assert "生成AIの規制整合" in raw.decode("utf-8-sig")


def test_public_csv_carries_neither_internal_updates_nor_notes(workshop):
    text = csv_text(ReportOptions(as_of=JUNE_1))

    assert "INTERNAL-ONLY" not in text
    assert "timeline" not in text
    assert "notes" not in text.splitlines()[0]


def test_internal_csv_is_marked_on_every_row_and_carries_notes(workshop):
    rows = read_csv(csv_text(ReportOptions(as_of=JUNE_1, internal=True)))

    assert all(row["classification"] == "INTERNAL" for row in rows)
    assert rows[0]["latest_update"] == "INTERNAL-ONLY"
    assert rows[0]["visibility"] == "internal"
    assert rows[0]["notes"] == "Ask METI for the <b>timeline</b>."


@pytest.mark.parametrize("text", ["=HYPERLINK(1)", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_csv_neutralises_text_a_spreadsheet_would_run(workshop, text):
    factories.RecommendationFactory(reference="AI-8", number="8", text=text, topic=workshop.topic)

    rows = read_csv(csv_text(ReportOptions(as_of=datetime.date.today())))

    [row] = [row for row in rows if row["reference"] == "AI-8"]
    assert row["recommendation"] == "'" + text


# XLSX ---------------------------------------------------------------------------------------


def test_xlsx_has_a_summary_and_a_recommendations_sheet(workshop):
    book = xlsx_book(ReportOptions(as_of=JUNE_1, since=APRIL_1))

    assert book.sheetnames[:2] == ["Summary", "Recommendations"]
    summary_text = [cell for row in book["Summary"].iter_rows(values_only=True) for cell in row]
    assert "Status of the follow-up of the stakeholder workshop recommendations" in summary_text
    assert f"As of {date_format(JUNE_1)}" in summary_text
    rows = list(book["Summary"].iter_rows(values_only=True))
    start = rows.index(("Status", "Overall", "EU side", "Japan side", *rows[0][4:]))
    counts = {row[0]: row[1] for row in rows[start + 1 : start + 9] if row[1]}
    assert counts == {"In progress": 1, "Planned": 1, "Not yet assessed": 1, "Total": 3}


def test_xlsx_recommendations_sheet_is_ready_to_filter_and_read(workshop):
    sheet = xlsx_book(ReportOptions(as_of=JUNE_1))["Recommendations"]

    assert sheet.freeze_panes == "B2"
    # The thirteen columns of the report, then the sides' responses, stalled reasons and the
    # steps that would unblock them, the responses' dates and each side's next step, then the
    # organisations' approved views.
    assert sheet.auto_filter.ref == "A1:AH4"
    # 60 characters, plus the few points of padding the file format stores with a width.
    assert sheet.column_dimensions["C"].width == pytest.approx(60, abs=1)
    assert sheet["C2"].alignment.wrap_text
    assert sheet["I2"].is_date
    assert sheet["I2"].value.date() == MAY_1
    rows = sheet_rows(sheet)
    assert [row["Reference"] for row in rows] == ["AI-1", "AI-2", "AI-3"]
    assert rows[0]["Recommendation (Japanese)"] == "広島AIプロセスを推進する。"
    assert rows[0]["Status"] == "In progress"


def test_xlsx_lists_the_changes_since_with_their_explanation(workshop):
    sheet = xlsx_book(ReportOptions(as_of=JUNE_1, since=APRIL_1))["Changes"]

    [row] = sheet_rows(sheet)

    assert (row["Reference"], row["From"], row["To"]) == ("AI-1", "Not yet assessed", "In progress")
    # In the official's words, without the sentences the tracker adds to say what moved.
    assert row["Explanation"] == "Code of conduct <em>published</em>."


def test_internal_xlsx_is_marked_on_its_sheets_and_printed_pages(workshop):
    book = xlsx_book(ReportOptions(as_of=JUNE_1, internal=True))

    assert book.sheetnames[:2] == ["Summary (internal)", "Recommendations (internal)"]
    assert book["Summary (internal)"]["A1"].value.startswith("INTERNAL")
    sheet = book["Recommendations (internal)"]
    assert sheet.oddHeader.center.text.startswith("INTERNAL")
    assert sheet_rows(sheet)[0]["Internal notes"] == "Ask METI for the <b>timeline</b>."


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-1", "@cmd", "\t=1"])
def test_xlsx_neutralises_formulas_so_they_stay_text(workshop, text):
    factories.RecommendationFactory(reference="AI-8", number="8", text=text, topic=workshop.topic)

    sheet = xlsx_book(ReportOptions(as_of=datetime.date.today()))["Recommendations"]

    [row] = [row for row in sheet.iter_rows(min_row=2) if row[0].value == "AI-8"]
    assert row[2].value == "'" + text
    assert row[2].data_type == "s"


def test_xlsx_drops_control_characters_the_format_cannot_hold(workshop):
    factories.RecommendationFactory(
        reference="AI-8", number="8", text="bell\x07 here", topic=workshop.topic
    )

    sheet = xlsx_book(ReportOptions(as_of=datetime.date.today()))["Recommendations"]

    assert "bell here" in [row[2] for row in sheet.iter_rows(values_only=True)]


# PDF and agreement between the formats ----------------------------------------------------


def test_pdf_prints_the_title_council_and_japanese_text(workshop):
    text = pdf_text(ReportOptions(as_of=JUNE_1, since=APRIL_1))

    assert "Status of the follow-up of the stakeholder workshop recommendations" in text
    assert f"As of {date_format(JUNE_1)}" in text
    assert f"Changed since {date_format(APRIL_1)}" in text
    assert "広島AIプロセスを推進する。" in text
    assert "INTERNAL" not in text and "timeline" not in text


def test_pdf_shows_html_in_updates_as_text(workshop):
    # Words, whatever the lines the PDF wrapped them into.
    text = " ".join(pdf_text(ReportOptions(as_of=JUNE_1)).split())

    assert "Code of conduct <em>published</em>." in text


def test_internal_pdf_is_marked_on_every_page(workshop):
    for index in range(40):
        recorded_on(
            APRIL_1, topic=workshop.topic, reference=f"AI-{index + 10}", number=str(index + 10)
        )
    target = io.BytesIO()
    write_pdf(ReportOptions(as_of=JUNE_1, internal=True), target)

    pages = PdfReader(io.BytesIO(target.getvalue())).pages

    assert len(pages) > 3
    assert all("INTERNAL – officials only" in page.extract_text() for page in pages)
    # Whatever the lines the PDF wrapped the note into (it may break after "</").
    letters = "".join("".join(page.extract_text() for page in pages).split())
    assert "AskMETIforthe<b>timeline</b>." in letters


def test_pdf_printed_in_parts_holds_every_reference_once_in_report_order(workshop, monkeypatch):
    # Parts of 3 rows: the first topic fills the first part, the second's 8 rows span three.
    monkeypatch.setattr(pdf_export, "PDF_CHUNK_ROWS", 3)
    second = factories.TopicFactory(code="DATA", name="Data flows", position=2)
    for index in range(8):
        recorded_on(APRIL_1, topic=second, reference=f"DF-{index + 1}", number=str(index + 1))
    target = io.BytesIO()
    write_pdf(ReportOptions(as_of=JUNE_1, since=APRIL_1, internal=True), target)
    pages = PdfReader(io.BytesIO(target.getvalue())).pages
    text = "\n".join(page.extract_text() for page in pages)

    expected = ["AI-1", "AI-2", "AI-3", *(f"DF-{index}" for index in range(1, 9))]
    # A row starts a line; items with no update are listed by reference in one line a topic.
    found = re.findall(r"(?<![\w-])((?:AI|DF)-\d+)(?![\w-])", text)
    # The changes table lists AI-1 once before the rows; each item then appears once, in order.
    assert found == ["AI-1", *expected]
    # The first part ends with AI-3, the last of its topic: the next starts on a new topic.
    assert "Data flows (continued)" in text
    assert "Artificial Intelligence (continued)" not in text
    assert "DIGITAL PARTNERSHIP" in pages[0].extract_text()
    assert all("INTERNAL – officials only" in page.extract_text() for page in pages)
    # Every page after the cover is headed, each part's first one too.
    assert all("As of 1 June 2024" in page.extract_text() for page in pages[1:])
    # Pages numbered across the parts, as one document.
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1].extract_text()
    assert f"Page 1 of {len(pages)}" in pages[0].extract_text()


def test_csv_xlsx_docx_and_pdf_hold_the_same_references_and_statuses(workshop):
    options = ReportOptions(as_of=JUNE_1)
    from_csv = {
        row["reference"]: str(Status(row["status"]).label) for row in read_csv(csv_text(options))
    }
    from_xlsx = {
        row["Reference"]: row["Status"] for row in sheet_rows(xlsx_book(options)["Recommendations"])
    }
    docx = io.BytesIO()
    write_docx(options, docx)
    # The Word status cell: the overall status first, its date after it, then each side's.
    from_docx = {
        row.cells[0].text: row.cells[3].text.splitlines()[0].split(" (")[0]
        for table in Document(io.BytesIO(docx.getvalue())).tables[-1:]
        for row in table.rows[1:]
    }
    text = pdf_text(options)

    assert (
        from_csv
        == from_xlsx
        == from_docx
        == {
            "AI-1": "In progress",
            "AI-2": "Not yet assessed",
            "AI-3": "Planned",
        }
    )
    # Each item of the PDF, a row or a reference in the line of those with no update, runs from
    # its reference (its last mention: the rows come last) to the next; its status is there.
    starts = [
        [found.start() for found in re.finditer(rf"(?<![\w-]){reference}(?![\w-])", text)][-1]
        for reference in from_csv
    ]
    assert starts == sorted(starts)
    segments = [
        text[start:end] for start, end in zip(starts, [*starts[1:], len(text)], strict=True)
    ]
    for (reference, status), segment in zip(from_csv.items(), segments, strict=True):
        assert segment.startswith(reference)
        assert status in segment
        # The EU and Japan side columns print theirs too.
        item = Recommendation.objects.get(reference=reference)
        sides = {str(Status(item.eu_status).label), str(Status(item.japan_status).label)}
        assert {str(label) for label in Status.labels if str(label) in segment} == {status} | sides


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [2, 25])
def test_streamed_csv_runs_the_same_queries_whatever_the_rows(django_assert_num_queries, rows):
    for _ in range(rows):
        item = factories.RecommendationFactory(
            co_owners=[factories.OwnerFactory()], organisations=[factories.OrganisationFactory()]
        )
        factories.NextStepFactory.create_batch(2, recommendation=item)

    # Topics, owners and organisations (a few dozen rows, read once), the recommendations, then
    # for each chunk of them their organisation links, their co-owner links, their steps and
    # the Councils' uptakes of them (which the summary counts).
    with django_assert_num_queries(8):
        text = csv_text(ReportOptions(as_of=datetime.date.today()))

    assert len(read_csv(text)) == rows


# The command --------------------------------------------------------------------------------


@pytest.mark.parametrize("format", ["csv", "xlsx", "pdf", "html", "docx"])
def test_export_report_command_writes_each_format(workshop, tmp_path, format):
    output = tmp_path / f"report.{format}"

    call_command("export_report", "--format", format, "--as-of", "2024-06-01", "-o", str(output))

    data = output.read_bytes()
    if format == "csv":
        assert [row["reference"] for row in read_csv(data.decode())] == ["AI-1", "AI-2", "AI-3"]
    elif format == "xlsx":
        rows = sheet_rows(load_workbook(output)["Recommendations"])
        assert [row["Status"] for row in rows] == ["In progress", "Not yet assessed", "Planned"]
    elif format == "pdf":
        assert "AI-3" in "".join(page.extract_text() for page in PdfReader(output).pages)
    elif format == "docx":
        rows = Document(output).tables[-1].rows[1:]
        assert [row.cells[0].text for row in rows] == ["AI-1", "AI-2", "AI-3"]
    else:
        html = data.decode()
        assert "Status of the follow-up" in html and "AI-3" in html
        assert "&lt;em&gt;published&lt;/em&gt;" in html


def test_export_report_command_writes_the_internal_version_when_asked(workshop, tmp_path):
    output = tmp_path / "report.csv"

    call_command("export_report", "--format", "csv", "--internal", "-o", str(output))

    assert "Ask METI for the <b>timeline</b>." in output.read_text(encoding="utf-8-sig")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--as-of", "2024-13-40"], "As of (as_of): Enter a real date as YYYY-MM-DD"),
        (["--as-of", "2024-05-01", "--since", "2024-06-01"], "must not be after the as-of"),
        (["--as-of", "2999-01-01"], "is in the future"),
        (["--council", "99"], "For the Council (council): There is no Council with that number."),
    ],
)
def test_export_report_command_refuses_bad_choices_clearly(tmp_path, arguments, message):
    output = tmp_path / "report.csv"

    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("export_report", "--format", "csv", *arguments, "-o", str(output))

    assert not output.exists()


@pytest.mark.django_db
def test_export_report_command_says_when_it_cannot_write(tmp_path):
    with pytest.raises(CommandError, match="Cannot write"):
        call_command(
            "export_report", "--format", "csv", "-o", str(tmp_path / "missing" / "report.csv")
        )


# Admin actions ------------------------------------------------------------------------------


def test_admin_exports_the_selected_recommendations_as_csv(workshop, admin_client):
    second = Recommendation.objects.get(reference="AI-2")

    response = admin_client.post(
        "/admin/recommendations/recommendation/",
        {"action": "export_selected_csv", "_selected_action": [workshop.pk, second.pk]},
    )

    assert response.status_code == 200
    rows = read_csv(b"".join(response.streaming_content).decode())
    assert [row["reference"] for row in rows] == ["AI-1", "AI-2"]
    # Officials in the admin see notes anyway: their export carries them, marked internal.
    assert rows[0]["classification"] == "INTERNAL"


def test_admin_exports_the_selected_recommendations_as_xlsx(workshop, admin_client):
    response = admin_client.post(
        "/admin/recommendations/recommendation/",
        {"action": "export_selected_xlsx", "_selected_action": [workshop.pk]},
    )

    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert [row["Reference"] for row in sheet_rows(book["Recommendations (internal)"])] == ["AI-1"]
