"""Writers of the Council status report: CSV, XLSX and PDF, all from `reports.report_rows()`.

CSV and XLSX stream: rows are written as they come from the database, chunk by chunk, so a large
export never holds every recommendation in memory. Text that a spreadsheet would run as a formula
is neutralised; HTML in user text is escaped by the templates the PDF is printed from.
"""

import csv
import datetime
import io
import logging
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from django.contrib import admin
from django.contrib.staticfiles import finders
from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from recommendations.models import Recommendation, Status
from recommendations.permissions import can_view_internal
from recommendations.reports import Report, ReportOptions, ReportRow, TopicSection, report_rows

# A spreadsheet runs a cell that starts with one of these as a formula (tab and carriage return
# can smuggle one in after them), so such text is prefixed with an apostrophe and stays text.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

CSV_COLUMNS = [
    "reference",
    "topic",
    "recommendation",
    "organisations",
    "owner",
    "co_owners",
    "status",
    "status_date",
    "latest_update",
    "latest_update_date",
    "visibility",
    # Appended, so the columns before keep their places for those who read them by position.
    "eu_status",
    "japan_status",
]
INTERNAL_CSV_COLUMNS = ["classification", *CSV_COLUMNS, "notes"]
LIST_SEPARATOR = "; "

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_DATE_FORMAT = "yyyy-mm-dd"


def internal_mark() -> str:
    return _("INTERNAL – officials only, not for publication")


def neutralise(value):
    """Text a spreadsheet would evaluate, made inert; other values pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def filename(options: ReportOptions, extension: str, stem: str = "council-report") -> str:
    suffix = "-internal" if options.internal else ""
    return f"{stem}-{options.as_of:%Y-%m-%d}{suffix}.{extension}"


# CSV ----------------------------------------------------------------------------------------


def csv_record(row: ReportRow, *, internal: bool) -> list:
    record = [
        row.reference,
        row.topic.code,
        row.recommendation,
        LIST_SEPARATOR.join(row.organisations),
        row.lead_owner.code,
        LIST_SEPARATOR.join(owner.code for owner in row.co_owners),
        row.status,
        row.status_date.isoformat() if row.status_date else "",
        row.latest_update,
        row.latest_update_date.isoformat() if row.latest_update_date else "",
        row.latest_update_visibility,
        row.eu_status,
        row.japan_status,
    ]
    if internal:
        record = ["INTERNAL", *record, row.notes]
    return [neutralise(value) for value in record]


class _Line:
    """A file-like object whose write() hands the line back, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[ReportRow], *, internal: bool) -> Iterator[str]:
    """The CSV text line by line; the byte order mark lets Excel read Japanese text as UTF-8."""
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow(INTERNAL_CSV_COLUMNS if internal else CSV_COLUMNS)
    for row in rows:
        yield writer.writerow(csv_record(row, internal=internal))


def write_csv(rows: Iterable[ReportRow], target: IO[str], *, internal: bool) -> None:
    for line in csv_lines(rows, internal=internal):
        target.write(line)


def csv_response(rows: Iterable[ReportRow], *, name: str, internal: bool):
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in csv_lines(rows, internal=internal)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# XLSX ---------------------------------------------------------------------------------------

WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
BOLD = Font(bold=True)


def _xlsx_cell(sheet, value, *, wrap: bool = False, bold: bool = False, indent: int = 0):
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        # Control characters are not allowed in the file format: openpyxl would refuse the row.
        value = neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, datetime.date):
        cell.number_format = XLSX_DATE_FORMAT
    cell.alignment = Alignment(wrap_text=wrap, vertical="top", indent=indent)
    if bold:
        cell.font = BOLD
    return cell


def _xlsx_columns(internal: bool) -> list[tuple[str, int, bool]]:
    """(heading, width in characters, wrapped) of the Recommendations sheet."""
    columns = [
        (_("Reference"), 12, False),
        (_("Topic"), 22, True),
        (_("Recommendation"), 60, True),
        (_("Recommendation (Japanese)"), 40, True),
        (_("Organisations"), 20, True),
        (_("Lead owner"), 18, True),
        (_("Co-owners"), 20, True),
        (_("Status"), 16, False),
        (_("Status since"), 12, False),
        (_("EU side"), 16, False),
        (_("Japan side"), 16, False),
        (_("Latest update"), 60, True),
        (_("Update date"), 12, False),
    ]
    if internal:
        columns += [(_("Update visibility"), 12, False), (_("Internal notes"), 60, True)]
    return columns


def _xlsx_values(row: ReportRow, internal: bool) -> list:
    values = [
        row.reference,
        row.topic.name,
        row.recommendation,
        row.text_ja,
        ", ".join(row.organisations),
        row.lead_owner.name,
        ", ".join(owner.name for owner in row.co_owners),
        row.status_label,
        row.status_date,
        row.eu_status_label,
        row.japan_status_label,
        row.latest_update,
        row.latest_update_date,
    ]
    if internal:
        values += [row.latest_update_visibility, row.notes]
    return values


def _sheet(workbook, title: str, internal: bool):
    sheet = workbook.create_sheet(f"{title} ({_('internal')})" if internal else title)
    if internal:
        # Printed on top of every page of the sheet.
        sheet.oddHeader.center.text = internal_mark()
        sheet.evenHeader.center.text = internal_mark()
    return sheet


def _heading_row(sheet, headings: Iterable[str]) -> list:
    return [_xlsx_cell(sheet, heading, bold=True) for heading in headings]


def _count_table(sheet, title: str, table) -> None:
    sheet.append([_xlsx_cell(sheet, title, bold=True)])
    sheet.append(_heading_row(sheet, ["", *(status.label for status in Status), _("Total")]))
    for name, counts, total in table:
        sheet.append([_xlsx_cell(sheet, name), *counts, total])
    sheet.append([])


def write_xlsx(options: ReportOptions, target, base: QuerySet | None = None, **row_options):
    """Write the report workbook to `target` (a path or a binary file); returns the Report
    with its summary and changes (its rows were streamed to the file, not kept)."""
    internal = options.internal
    report = Report(options=options, generated_at=timezone.localtime())
    workbook = Workbook(write_only=True)
    summary = _sheet(workbook, _("Summary"), internal)
    summary.column_dimensions["A"].width = 40
    for letter in "BCDEFGHI":
        summary.column_dimensions[letter].width = 14
    sheet = _sheet(workbook, _("Recommendations"), internal)
    changes = _sheet(workbook, _("Changes"), internal) if options.since else None

    # Freezing, widths and the like are written before the first row in write-only mode.
    columns = _xlsx_columns(internal)
    sheet.freeze_panes = "B2"
    for index, (_heading, width, _wrap) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append(_heading_row(sheet, [heading for heading, _width, _wrap in columns]))
    count = 0
    for row in report_rows(options, base, **row_options):
        report.add(row, keep=False)
        values = _xlsx_values(row, internal)
        sheet.append(
            [
                _xlsx_cell(
                    sheet, value, wrap=wrap, indent=1 if index == 0 and row.is_sub_item else 0
                )
                for index, (value, (_heading, _width, wrap)) in enumerate(
                    zip(values, columns, strict=True)
                )
            ]
        )
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"

    for line in _title_lines(report):
        summary.append([_xlsx_cell(summary, line, bold=True)])
    summary.append([])
    summary.append(_heading_row(summary, [_("Status"), _("Recommendations")]))
    for status, total in zip(Status, report.summary.totals, strict=True):
        summary.append([_xlsx_cell(summary, status.label), total])
    summary.append([_xlsx_cell(summary, _("Total"), bold=True), report.summary.total])
    summary.append([])
    _count_table(summary, _("By topic"), report.summary.topic_table)
    _count_table(summary, _("By lead owner"), report.summary.owner_table)

    if changes is not None:
        for index, width in enumerate([12, 22, 18, 18, 12, 60], start=1):
            changes.column_dimensions[get_column_letter(index)].width = width
        changes.freeze_panes = "A2"
        changes.append(
            _heading_row(
                changes,
                [_("Reference"), _("Topic"), _("From"), _("To"), _("Date"), _("Explanation")],
            )
        )
        for row in report.changes:
            changes.append(
                [
                    _xlsx_cell(changes, row.reference),
                    _xlsx_cell(changes, row.topic.name, wrap=True),
                    _xlsx_cell(changes, row.since_status_label),
                    _xlsx_cell(changes, row.status_label),
                    _xlsx_cell(changes, row.change_date),
                    _xlsx_cell(changes, row.change_text, wrap=True),
                ]
            )
    workbook.save(target)
    return report


def _title_lines(report: Report) -> list[str]:
    options = report.options
    lines = []
    if options.internal:
        lines.append(internal_mark())
    lines.append(str(report.title))
    if report.council_line:
        lines.append(report.council_line)
    lines.append(_("As of %(date)s") % {"date": options.as_of.isoformat()})
    if options.since:
        lines.append(_("Changes since %(date)s") % {"date": options.since.isoformat()})
    lines.append(_("Generated %(when)s") % {"when": report.generated_at.strftime("%Y-%m-%d %H:%M")})
    return lines


def xlsx_response(options: ReportOptions, *, name: str, base=None, **row_options):
    # Written to an anonymous temporary file, then streamed from disk: the workbook is never
    # held in memory whole, and the file disappears when the response closes it.
    target = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    write_xlsx(options, target, base, **row_options)
    target.seek(0)
    return FileResponse(target, as_attachment=True, filename=name, content_type=XLSX_CONTENT_TYPE)


# HTML and PDF -------------------------------------------------------------------------------

PDF_STYLESHEETS = ["recommendations/tracker.css", "recommendations/report.css"]

# WeasyPrint logs each layout step, and each screen-only rule of the site's stylesheet it skips,
# for every PDF: noise in the server log. Errors still come through.
logging.getLogger("weasyprint").setLevel(logging.ERROR)


def render_document(report: Report, *, rows_only: bool = False, in_parts: bool = False) -> str:
    """The report as a standalone HTML document, for print and PDF; `rows_only` leaves out the
    title page, summary and changes (a later part of a PDF printed in parts), `in_parts` says
    the rows are printed in other parts, out of reach of a link."""
    return render_to_string(
        "recommendations/report_document.html",
        {"report": report, "rows_only": rows_only, "in_parts": in_parts},
    )


def render_standalone_html(report: Report) -> str:
    """The printable report as one file that opens anywhere, its stylesheets carried inside.

    A file handed round by e-mail is never served under the site's Content Security Policy, and
    links to /static/ would not resolve from a disk, so here alone the styles are embedded.
    """
    css = "\n".join(
        Path(finders.find(path)).read_text(encoding="utf-8") for path in PDF_STYLESHEETS
    )
    return render_document(report).replace("</head>", f"<style>\n{css}\n</style>\n</head>", 1)


# WeasyPrint holds the whole layout of a document in memory (about 500 MiB for 1000
# recommendations), so the PDF is printed in parts of this many rows and the parts joined.
PDF_CHUNK_ROWS = 200


def _css_string(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _margin_css(report: Report) -> str:
    """The running heads of every part, set here rather than taken from the first page: a part
    of rows alone has no title or banner to copy them from. Page numbers are stamped on the
    joined file, as no part knows where it starts or how many pages follow."""
    mark = _css_string(internal_mark()) if report.options.internal else "none"
    return (
        f"@page {{ @top-center {{ content: {mark}; }}"
        f" @bottom-left {{ content: {_css_string(report.title)}; }}"
        " @bottom-right { content: none; } }"
    )


def _print(html: str, stylesheets) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf(stylesheets=stylesheets)


def _number_pages(writer) -> None:
    """Stamp "page / pages" on each page from a blank document printed with the same margins."""
    from pypdf import PdfReader
    from weasyprint import CSS

    total = len(writer.pages)
    css = CSS(
        string=(
            "@page { size: A4 landscape; margin: 16mm 14mm;"
            ' font-family: "Noto Sans", "DejaVu Sans", sans-serif;'
            " @bottom-right { content: counter(page) ' / ' counter(pages);"
            " color: #555; font-size: 8pt; } }"
            " div { break-after: page; }"
        )
    )
    blank = "<html><body>" + "<div></div>" * total + "</body></html>"
    # The blank pages weigh next to nothing, whatever their number.
    numbers = PdfReader(io.BytesIO(_print(blank, [css]))).pages
    for page, number in zip(writer.pages, numbers, strict=True):
        page.merge_page(number)


def write_pdf(options: ReportOptions, target, base: QuerySet | None = None) -> Report:
    """Write the report as PDF to `target` (a path or a binary file); returns the Report with
    its summary and changes.

    The rows are printed PDF_CHUNK_ROWS at a time as they stream from the database, the title
    page, summary and changes last (they need every row counted), and the parts joined with the
    front first, so memory stays bounded however many recommendations there are.
    """
    # Imported here: WeasyPrint loads Pango when imported, which only the PDF needs.
    from pypdf import PdfReader, PdfWriter
    from weasyprint import CSS

    report = Report(options=options, generated_at=timezone.localtime())
    stylesheets = [CSS(filename=finders.find(path)) for path in PDF_STYLESHEETS]
    stylesheets.append(CSS(string=_margin_css(report)))
    with tempfile.TemporaryDirectory() as folder:
        parts: list[Path] = []

        def print_part(sections: list[TopicSection]) -> None:
            part = Report(options=options, generated_at=report.generated_at, sections=sections)
            path = Path(folder) / f"part-{len(parts):05d}.pdf"
            path.write_bytes(_print(render_document(part, rows_only=True), stylesheets))
            parts.append(path)

        sections: list[TopicSection] = []
        printed_topic = None  # the topic the last part ended in, to go on with "(continued)"
        count = 0
        for row in report_rows(options, base):
            report.add(row, keep=False)
            if not sections or sections[-1].topic.pk != row.topic.pk:
                continued = not sections and printed_topic == row.topic.pk
                sections.append(TopicSection(topic=row.topic, continued=continued))
            sections[-1].rows.append(row)
            count += 1
            if count == PDF_CHUNK_ROWS:
                print_part(sections)
                printed_topic, sections, count = row.topic.pk, [], 0
        if sections:
            print_part(sections)

        writer = PdfWriter()
        front = render_document(report, in_parts=True)
        writer.append(PdfReader(io.BytesIO(_print(front, stylesheets))))
        for path in parts:
            writer.append(PdfReader(path))
        _number_pages(writer)
        writer.write(target)
    return report


def pdf_response(options: ReportOptions, *, name: str) -> FileResponse:
    # Joined into an anonymous temporary file and streamed from disk, like the XLSX.
    target = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    write_pdf(options, target)
    target.seek(0)
    return FileResponse(target, as_attachment=True, filename=name, content_type="application/pdf")


# Admin actions ------------------------------------------------------------------------------


def _selected(queryset: QuerySet) -> QuerySet:
    # The changelist's queryset carries the admin's own annotations; the report starts afresh
    # from the selected primary keys.
    return Recommendation.objects.filter(pk__in=queryset.values("pk"))


def _admin_options(request) -> ReportOptions:
    # Officials in the admin already see internal updates and notes: their export carries them,
    # marked as internal.
    return ReportOptions(as_of=timezone.localdate(), internal=can_view_internal(request.user))


@admin.action(description=gettext_lazy("Export selected as XLSX"))
def export_selected_xlsx(modeladmin, request, queryset):
    options = _admin_options(request)
    return xlsx_response(
        options, name=filename(options, "xlsx", "recommendations"), base=_selected(queryset)
    )


@admin.action(description=gettext_lazy("Export selected as CSV"))
def export_selected_csv(modeladmin, request, queryset):
    options = _admin_options(request)
    rows = report_rows(options, _selected(queryset))
    return csv_response(
        rows, name=filename(options, "csv", "recommendations"), internal=options.internal
    )
