"""The report as an XLSX workbook, written by XlsxWriter as the rows stream by.

XlsxWriter's constant-memory mode writes each row to disk as soon as the next one starts, so
memory stays flat in the number of rows; its cells take their look from their column's format
(set once per column) instead of carrying a style object each, which keeps a styled row about
as cheap as a plain one (docs/performance.md).
"""

import datetime
import tempfile
from collections.abc import Iterable, Sequence
from typing import IO, Any

import xlsxwriter
from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from recommendations.models import Owner, Topic
from recommendations.reporting.files import internal_mark
from recommendations.reporting.options import ReportOptions
from recommendations.reporting.query import report_rows
from recommendations.reporting.report import Report, local_date
from recommendations.reporting.rows import ReportRow
from recommendations.rules.cells import neutralise
from recommendations.rules.choices import Response, StalledReason, Status, StepState

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_DATE_FORMAT = "yyyy-mm-dd"
# As in the CSV: a name may hold a comma ("Ministry of Economy, Trade and Industry").
LIST_SEPARATOR = "; "
A4 = 9  # the spreadsheet's paper size code


class _Formats:
    """The workbook's cell formats: every cell is aligned to the top of its row, so that a row
    of long wrapped texts still reads across."""

    def __init__(self, workbook: xlsxwriter.Workbook):
        self.top = workbook.add_format({"valign": "top"})
        self.wrap = workbook.add_format({"valign": "top", "text_wrap": True})
        self.date = workbook.add_format({"valign": "top", "num_format": XLSX_DATE_FORMAT})
        self.bold = workbook.add_format({"valign": "top", "bold": True})
        self.indented = workbook.add_format({"valign": "top", "indent": 1})


def _write(
    sheet: Worksheet, row: int, column: int, value: Any, cell_format: Format | None = None
) -> None:
    """Write one value as what it is: text (made safe), a date or a number; nothing for empty
    values. Without `cell_format` the cell takes its column's."""
    if value is None or value == "":
        return
    if isinstance(value, str | Promise):
        # Control characters are not allowed in the file format; text that a spreadsheet would
        # run as a formula is made inert, as in the CSV.
        sheet.write_string(
            row, column, neutralise(ILLEGAL_CHARACTERS_RE.sub("", str(value))), cell_format
        )
    elif isinstance(value, datetime.date):
        sheet.write_datetime(row, column, value, cell_format)
    else:
        sheet.write_number(row, column, value, cell_format)


class _Sheet:
    """A worksheet written row after row, as constant-memory mode requires, set up to print."""

    def __init__(
        self, workbook: xlsxwriter.Workbook, formats: _Formats, title: str, internal: bool
    ):
        self.sheet = workbook.add_worksheet(f"{title} ({_('internal')})" if internal else title)
        self.formats = formats
        self.row = 0
        if internal:
            # Printed on top of every page of the sheet ("&" starts a code in a header).
            self.sheet.set_header("&C" + internal_mark().replace("&", "&&"))
        # Printed across: landscape, as wide as one page, as many pages down as it takes.
        self.sheet.set_landscape()
        self.sheet.set_paper(A4)
        self.sheet.fit_to_pages(1, 0)
        # &P and &N are the spreadsheet's own page number and count.
        self.sheet.set_footer(
            "&R" + _("Page %(number)s of %(total)s") % {"number": "&P", "total": "&N"}
        )

    def widths(self, widths: Sequence[int], formats: Sequence[Format] | None = None) -> None:
        """Column widths in characters, and the format a column's cells take unless told."""
        for column, width in enumerate(widths):
            self.sheet.set_column(column, column, width, formats[column] if formats else None)

    def append(self, values: Iterable = (), cell_format: Format | None = None) -> None:
        for column, value in enumerate(values):
            _write(self.sheet, self.row, column, value, cell_format)
        self.row += 1

    def heading(self, values: Iterable) -> None:
        self.append(values, self.formats.bold)

    def count_table(
        self, title: str, heading: str, table: list[tuple[str, list[int], int]], report: Report
    ) -> None:
        """A titled table of counts by status, its total row under it."""
        self.heading([title])
        self.heading([heading, *(status.label for status in Status), _("Total")])
        for name, counts, total in table:
            self.append([name, *counts, total])
        self.heading([_("Total"), *report.summary.totals, report.summary.total])
        self.append()


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
    # Appended, so the columns before keep their places (the import reads them by heading).
    columns += [
        (_("EU response"), 18, False),
        (_("Japan response"), 18, False),
        (_("EU response rationale"), 40, True),
        (_("Japan response rationale"), 40, True),
        (_("EU side stalled because"), 18, False),
        (_("EU side stalled: details"), 30, True),
        (_("Japan side stalled because"), 18, False),
        (_("Japan side stalled: details"), 30, True),
        (_("EU side unblocked by"), 30, True),
        (_("Japan side unblocked by"), 30, True),
        (_("EU response date"), 12, False),
        (_("Japan response date"), 12, False),
        (_("EU next step"), 40, True),
        (_("EU next step target"), 12, False),
        (_("EU next step state"), 12, False),
        (_("EU next step slipped because"), 30, True),
        (_("Japan next step"), 40, True),
        (_("Japan next step target"), 12, False),
        (_("Japan next step state"), 12, False),
        (_("Japan next step slipped because"), 30, True),
        (_("Stakeholder view"), 20, True),
    ]
    return columns


class _Words:
    """The labels and names every row repeats, each put in the active language once per
    workbook rather than once per cell (a translation lookup costs as much as writing a cell)."""

    def __init__(self) -> None:
        self.statuses = {status.value: str(status.label) for status in Status}
        self.answers = {"": "", **{a.value: str(a.label) for a in [*Response, *StalledReason]}}
        self.steps = {"": "", **{state.value: str(state.label) for state in StepState}}
        self._names: dict[tuple[type, int], str] = {}

    def name(self, thing: Topic | Owner) -> str:
        key = (type(thing), thing.pk)
        if key not in self._names:
            self._names[key] = thing.localised_name
        return self._names[key]


def _xlsx_values(row: ReportRow, words: _Words, internal: bool) -> list:
    statuses = words.statuses
    values = [
        row.reference,
        words.name(row.topic),
        row.recommendation,
        _japanese_cell(row),
        LIST_SEPARATOR.join(row.organisations),
        words.name(row.lead_owner),
        LIST_SEPARATOR.join(words.name(owner) for owner in row.co_owners),
        statuses[row.status],
        row.status_date,
        statuses[row.eu_status],
        statuses[row.japan_status],
        row.latest_update,
        row.latest_update_date,
    ]
    if internal:
        values += [row.latest_update_visibility, row.notes]
    answers = words.answers
    values += [
        answers[row.eu_response],
        answers[row.japan_response],
        row.eu_response_rationale,
        row.japan_response_rationale,
        answers[row.eu_stalled_reason],
        row.eu_stalled_detail,
        answers[row.japan_stalled_reason],
        row.japan_stalled_detail,
        row.eu_stalled_step_text,
        row.japan_stalled_step_text,
        row.eu_response_date,
        row.japan_response_date,
        row.eu_next_step,
        row.eu_next_step_target,
        words.steps[row.eu_next_step_state],
        row.eu_next_step_slip_reason,
        row.japan_next_step,
        row.japan_next_step_target,
        words.steps[row.japan_next_step_state],
        row.japan_next_step_slip_reason,
        row.stakeholder_view_text,
    ]
    return values


def _japanese_cell(row: ReportRow) -> str:
    """The Japanese beside the English original, with its translation's status for Japanese
    readers (an English workbook keeps the bare translation, as before)."""
    if not row.shows_japanese:
        return row.text_ja
    return f"{row.localised_heading_and_text}（{row.translation_label}）"


def _status_validation(sheet: Worksheet, count: int, headings: list[str]) -> None:
    """A drop-down of the statuses, by their labels in this edition's language (the import
    reads labels in any language), on the status columns of the rows written."""
    last = max(count, 1) + 1
    ranges = [
        f"{letter}2:{letter}{last}"
        for letter in (
            xl_col_to_name(headings.index(heading))
            for heading in (_("Status"), _("EU side"), _("Japan side"))
        )
    ]
    sheet.data_validation(
        ranges[0],
        {
            "validate": "list",
            "source": [str(status.label) for status in Status],
            "ignore_blank": True,
            "error_title": _("Not a status"),
            "error_message": _("Choose one of the statuses in the list."),
            # One rule over the three columns.
            "multi_range": " ".join(ranges),
        },
    )


def _recommendations(
    sheet: _Sheet, rows: Iterable[ReportRow], report: Report, *, counting: bool
) -> None:
    internal = report.options.internal
    formats = sheet.formats
    columns = _xlsx_columns(internal)
    headings = [str(heading) for heading, _width, _wrap in columns]
    date_columns = {
        _("Status since"),
        _("Update date"),
        _("EU response date"),
        _("Japan response date"),
        _("EU next step target"),
        _("Japan next step target"),
    }
    sheet.widths(
        [width for _heading, width, _wrap in columns],
        [
            formats.date if heading in date_columns else formats.wrap if wrap else formats.top
            for heading, _width, wrap in columns
        ],
    )
    sheet.sheet.freeze_panes(1, 1)
    sheet.sheet.repeat_rows(0)
    sheet.heading(headings)
    worksheet = sheet.sheet
    words = _Words()
    for row in rows:
        if counting:
            report.add(row, keep=False)
        values = _xlsx_values(row, words, internal)
        _write(worksheet, sheet.row, 0, values[0], formats.indented if row.is_sub_item else None)
        for column in range(1, len(values)):
            _write(worksheet, sheet.row, column, values[column])
        sheet.row += 1
    count = sheet.row - 1
    worksheet.autofilter(0, 0, count, len(columns) - 1)
    _status_validation(worksheet, count, headings)


def _summary(sheet: _Sheet, report: Report) -> None:
    counted = report.summary
    sheet.widths([40, *[14] * 8])
    for line in _title_lines(report):
        sheet.heading([line])
    sheet.append()
    sheet.heading([_("Recommendations by status, overall and per side")])
    sheet.heading([_("Status"), _("Overall"), _("EU side"), _("Japan side")])
    for status in Status:
        sheet.append(
            [status.label, counted.overall[status], counted.eu[status], counted.japan[status]]
        )
    sheet.heading([_("Total"), *[counted.total] * 3])
    sheet.append()
    sheet.count_table(_("Progress by topic"), _("Topic"), counted.topic_table, report)
    sheet.count_table(_("By lead owner"), _("Lead owner"), counted.owner_table, report)
    sheet.heading([_("Responses by lead owner")])
    sheet.heading([_("Lead owner"), _("Side"), *(response.label for response in Response)])
    for name, side, counts in counted.response_table:
        sheet.append([name, side, *counts])
    sheet.append()
    sheet.heading([_("Stakeholder views")])
    sheet.heading([label for label, _count in counted.stakeholder_table] + [_("Total")])
    sheet.append(
        [count for _label, count in counted.stakeholder_table] + [counted.stakeholder_total]
    )
    sheet.append()


def _changes(sheet: _Sheet, report: Report) -> None:
    formats = sheet.formats
    sheet.widths(
        [12, 22, 18, 18, 12, 60],
        [formats.top, formats.wrap, formats.top, formats.top, formats.date, formats.wrap],
    )
    sheet.sheet.freeze_panes(1, 0)
    sheet.heading([_("Reference"), _("Topic"), _("From"), _("To"), _("Date"), _("Explanation")])
    for row in report.changes:
        sheet.append(
            [
                row.reference,
                row.topic.localised_name,
                row.since_status_label,
                row.status_label,
                row.change_date,
                row.change_text,
            ]
        )


def write_xlsx(
    options: ReportOptions,
    target: str | IO[bytes],
    base: QuerySet | None = None,
    **row_options: bool,
) -> Report:
    """Write the report workbook to `target` (a path or a binary file); returns the Report
    with its summary and changes (its rows were streamed to the file, not kept)."""
    report = Report(options=options, generated_at=timezone.localtime())
    _workbook(report, report_rows(options, base, **row_options), target, counting=True)
    return report


def write_report_xlsx(report: Report, target: str | IO[bytes]) -> None:
    """Write a report already built (`build_report`) as the workbook: its rows and counts as
    they are, not read again."""
    _workbook(report, report.rows, target, counting=False)


def _workbook(
    report: Report, rows: Iterable[ReportRow], target: str | IO[bytes], *, counting: bool
) -> None:
    """The workbook of `rows` under `report`'s title; `counting` adds each row to its summary."""
    options = report.options
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True, "remove_timezone": True})
    formats = _Formats(workbook)
    # The sheets in reading order; the summary is written last, once every row is counted.
    summary = _Sheet(workbook, formats, _("Summary"), options.internal)
    recommendations = _Sheet(workbook, formats, _("Recommendations"), options.internal)
    changes = _Sheet(workbook, formats, _("Changes"), options.internal) if options.since else None
    _recommendations(recommendations, rows, report, counting=counting)
    _summary(summary, report)
    if changes is not None:
        _changes(changes, report)
    workbook.close()


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


def xlsx_response(
    options: ReportOptions, *, name: str, base: QuerySet | None = None, **row_options: bool
) -> FileResponse:
    # Written to an anonymous temporary file, then streamed from disk: the workbook is never
    # held in memory whole, and the file disappears when the response closes it.
    target = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    write_xlsx(options, target, base, **row_options)
    target.seek(0)
    return FileResponse(target, as_attachment=True, filename=name, content_type=XLSX_CONTENT_TYPE)
