"""The report as an XLSX workbook, written in openpyxl's write-only mode as the rows stream by."""

import datetime
import tempfile
from collections.abc import Iterable

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from recommendations.choices import Status
from recommendations.reporting.files import internal_mark, neutralise
from recommendations.reporting.options import ReportOptions
from recommendations.reporting.query import ReportRow, report_rows
from recommendations.reporting.report import Report

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_DATE_FORMAT = "yyyy-mm-dd"


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


def _heading_row(sheet, headings: Iterable[str | Promise]) -> list:
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
