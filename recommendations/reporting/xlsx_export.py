"""The report as an XLSX workbook, written in openpyxl's write-only mode as the rows stream by."""

import datetime
import tempfile
from collections.abc import Iterable
from copy import copy
from weakref import WeakKeyDictionary

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
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from recommendations.choices import Status
from recommendations.reporting.files import internal_mark, neutralise
from recommendations.reporting.options import ReportOptions
from recommendations.reporting.query import ReportRow, report_rows
from recommendations.reporting.report import Report, local_date, owner_name

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_DATE_FORMAT = "yyyy-mm-dd"
# As in the CSV: a name may hold a comma ("Ministry of Economy, Trade and Industry").
LIST_SEPARATOR = "; "


_STYLES: WeakKeyDictionary = WeakKeyDictionary()
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
    key = (wrap, bold, indent, isinstance(value, datetime.date))
    styles = _styles_of(sheet)
    if key in styles:
        # Setting a style looks it up in the workbook's tables by hashing it, for every cell:
        # the row's cells copy the indexes found for the first cell styled the same way.
        cell._style = copy(styles[key])  # type: ignore[attr-defined]  # StyleArray, not in the stubs
        return cell
    if key[3]:
        cell.number_format = XLSX_DATE_FORMAT
    cell.alignment = Alignment(wrap_text=wrap, vertical="top", indent=indent)
    if bold:
        cell.font = BOLD
    styles[key] = copy(cell._style)  # type: ignore[attr-defined]
    return cell


def _styles_of(sheet) -> dict:
    """The style indexes found so far in `sheet`'s workbook, by (wrap, bold, indent, date):
    indexes into that workbook's own tables, so they are kept per workbook."""
    return _STYLES.setdefault(sheet.parent, {})


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
        row.topic.localised_name,
        row.recommendation,
        row.text_ja,
        LIST_SEPARATOR.join(row.organisations),
        owner_name(row.lead_owner),
        LIST_SEPARATOR.join(owner_name(owner) for owner in row.co_owners),
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
    # Printed across: landscape, as wide as one page, as many pages down as it takes.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    # &P and &N are the spreadsheet's own page number and count.
    sheet.oddFooter.right.text = _("Page %(number)s of %(total)s") % {"number": "&P", "total": "&N"}
    return sheet


def _heading_row(sheet, headings: Iterable[str | Promise]) -> list:
    return [_xlsx_cell(sheet, heading, bold=True) for heading in headings]


def _count_table(sheet, title: str, heading: str, table, report: Report) -> None:
    """A titled table of counts by status, its total row under it."""
    sheet.append([_xlsx_cell(sheet, title, bold=True)])
    sheet.append(_heading_row(sheet, [heading, *(status.label for status in Status), _("Total")]))
    for name, counts, total in table:
        sheet.append([_xlsx_cell(sheet, name), *counts, total])
    sheet.append(
        [
            _xlsx_cell(sheet, _("Total"), bold=True),
            *(_xlsx_cell(sheet, count, bold=True) for count in report.summary.totals),
            _xlsx_cell(sheet, report.summary.total, bold=True),
        ]
    )
    sheet.append([])


def _status_validation(count: int, columns: list[tuple[str, int, bool]]) -> DataValidation:
    """A drop-down of the statuses, by their labels in this edition's language (the import
    reads labels in any language), on the status columns of the rows written."""
    labels = ",".join(str(status.label) for status in Status)
    validation = DataValidation(
        type="list",
        formula1=f'"{labels}"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("Not a status"),
        error=_("Choose one of the statuses in the list."),
    )
    headings = [str(heading) for heading, _width, _wrap in columns]
    for heading in (_("Status"), _("EU side"), _("Japan side")):
        letter = get_column_letter(headings.index(heading) + 1)
        validation.add(f"{letter}2:{letter}{max(count, 1) + 1}")
    return validation


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
    sheet.print_title_rows = "1:1"
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
    sheet.data_validations.append(_status_validation(count, columns))

    counted = report.summary
    for line in _title_lines(report):
        summary.append([_xlsx_cell(summary, line, bold=True)])
    summary.append([])
    summary.append(
        [_xlsx_cell(summary, _("Recommendations by status, overall and per side"), bold=True)]
    )
    summary.append(
        _heading_row(summary, [_("Status"), _("Overall"), _("EU side"), _("Japan side")])
    )
    for status in Status:
        summary.append(
            [
                _xlsx_cell(summary, status.label),
                counted.overall[status],
                counted.eu[status],
                counted.japan[status],
            ]
        )
    summary.append(
        [_xlsx_cell(summary, _("Total"), bold=True)]
        + [_xlsx_cell(summary, counted.total, bold=True)] * 3
    )
    summary.append([])
    _count_table(summary, _("Progress by topic"), _("Topic"), counted.topic_table, report)
    _count_table(summary, _("By lead owner"), _("Lead owner"), counted.owner_table, report)

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
                    _xlsx_cell(changes, row.topic.localised_name, wrap=True),
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
    lines.append(_("As of %(date)s") % {"date": local_date(options.as_of)})
    if options.since:
        lines.append(_("Changes since %(date)s") % {"date": local_date(options.since)})
    lines.append(
        _("Generated %(when)s")
        % {"when": f"{local_date(report.generated_at)} {report.generated_at:%H:%M}"}
    )
    return lines


def xlsx_response(options: ReportOptions, *, name: str, base=None, **row_options):
    # Written to an anonymous temporary file, then streamed from disk: the workbook is never
    # held in memory whole, and the file disappears when the response closes it.
    target = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    write_xlsx(options, target, base, **row_options)
    target.seek(0)
    return FileResponse(target, as_attachment=True, filename=name, content_type=XLSX_CONTENT_TYPE)
