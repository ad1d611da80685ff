"""Reading an uploaded spreadsheet: the table of a CSV file or of a workbook's recommendations
sheet, its columns under the names the CSV export gives them, and each cell as what it says.

The files come back from the exports (recommendations.reporting) in either language: the CSV
with column codes, the XLSX with headings and status labels translated, so both are read here in
every language the site speaks.
"""

import csv
import dataclasses
import datetime
import functools
import io
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from recommendations.imports import workbook
from recommendations.imports.steps import HEADINGS as STEP_HEADINGS
from recommendations.imports.steps import StepCells, read_steps
from recommendations.imports.workbook import shown
from recommendations.rules.cells import FORMULA_TRIGGERS
from recommendations.rules.choices import (
    RESPONSE_FIELDS,
    SIDE_FIELDS,
    STALLED_FIELDS,
    Response,
    StalledReason,
    Status,
    Visibility,
)
from recommendations.timeline import without_confirmed_mark

MAX_FILE_BYTES = 1024 * 1024
MAX_ROWS = 2000
REQUIRED_COLUMNS = ["reference", "status"]
# The XLSX export's headings (reporting/xlsx_export.py) and the CSV columns they are; the other
# headings (topic, text, owners, notes) are not imported.
XLSX_HEADINGS = {
    gettext_noop("Reference"): "reference",
    gettext_noop("Status"): "status",
    gettext_noop("Status since"): "status_date",
    gettext_noop("EU side"): "eu_status",
    gettext_noop("Japan side"): "japan_status",
    gettext_noop("Latest update"): "latest_update",
    gettext_noop("Update date"): "latest_update_date",
    gettext_noop("Update visibility"): "visibility",
    gettext_noop("EU response"): "eu_response",
    gettext_noop("Japan response"): "japan_response",
    gettext_noop("EU response rationale"): "eu_response_rationale",
    gettext_noop("Japan response rationale"): "japan_response_rationale",
    gettext_noop("EU side stalled because"): "eu_stalled_reason",
    gettext_noop("EU side stalled: details"): "eu_stalled_detail",
    gettext_noop("Japan side stalled because"): "japan_stalled_reason",
    gettext_noop("Japan side stalled: details"): "japan_stalled_detail",
    gettext_noop("EU response date"): "eu_response_date",
    gettext_noop("Japan response date"): "japan_response_date",
    gettext_noop("EU side unblocked by"): "eu_stalled_step",
    gettext_noop("Japan side unblocked by"): "japan_stalled_step",
    **STEP_HEADINGS,
}
# The text cells of each side's answers: an empty cell says the text is empty.
ANSWER_TEXT_COLUMNS = (
    "eu_response_rationale",
    "japan_response_rationale",
    "eu_stalled_detail",
    "japan_stalled_detail",
)
# The step that would unblock each side, named by its text (imports/answers.py finds it).
STEP_TEXT_COLUMNS = ("eu_stalled_step", "japan_stalled_step")
XLSX_SHEET = gettext_noop("Recommendations")
# A date written by a spreadsheet set to Japanese (2024/06/01) is as unambiguous as ISO's.
SLASHED_DATE = re.compile(r"^\d{4}/\d{1,2}/\d{1,2}$")
CSV_MARKS = re.compile(r'[",\r\n]')


@dataclass(frozen=True)
class RowError:
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = _("row %(row)s") % {"row": self.row} if self.row else _("file")
        return (
            f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"
        )


class ImportRejected(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("; ".join(str(error) for error in errors))

    @property
    def refused_rows(self) -> int:
        return len({error.row for error in self.errors if error.row})


def file_error(message: str) -> ImportRejected:
    return ImportRejected([RowError(row=None, column="", message=message)])


@functools.cache
def _translations(messages: tuple[str, ...]) -> dict[str, str]:
    """Each message in every language of the site, normalised as _key() does, → the message."""
    found: dict[str, str] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            found |= {_key(_(message)): message for message in messages}
    return found


@functools.cache
def _statuses() -> dict[str, str]:
    """Each status by its code and by its label in every language, as _key() reads a cell."""
    found = {status.value: status.value for status in Status}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            found |= {_key(str(status.label)): status.value for status in Status}
    return found


def heading(column: str) -> str:
    """The column's heading in the export of the language in use ("japan_status" → "日本側"),
    so help and errors name it as the reader's sheet does; a column the export does not head
    (override_reason) by its own name."""
    for english, name in XLSX_HEADINGS.items():
        if name == column:
            return _(english)
    return column


@functools.cache
def _answers() -> dict[str, str]:
    """Each response and stalled reason by its code and its label in every language."""
    choices = [*Response, *StalledReason]
    found = {choice.value: choice.value for choice in choices}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            found |= {_key(str(choice.label)): choice.value for choice in choices}
    return found


def _key(value: str) -> str:
    return " ".join(value.split()).casefold()


def _column(header: object) -> str:
    """Column names as the CSV export writes them; the XLSX export's headings, in English or
    Japanese ("Status since", "状況の設定日"), read as the CSV's (status_date)."""
    name = _key(text(header))
    heading = _translations(tuple(XLSX_HEADINGS)).get(name)
    return XLSX_HEADINGS[heading] if heading else name.replace(" ", "_")


def _read_table(filename: str, content: bytes) -> tuple[list, list]:
    """The header and the rows of a CSV file, or of the sheet of an XLSX workbook that holds
    the recommendations."""
    if not content:
        raise file_error(_("The file is empty."))
    if len(content) > MAX_FILE_BYTES:
        raise file_error(
            _("The file is larger than %(size)d KB; split it into smaller files.")
            % {"size": MAX_FILE_BYTES // 1024}
        )
    name = filename.lower()
    try:
        if name.endswith(".csv"):
            return _read_csv(content)
        if name.endswith(".xlsx"):
            if not content.startswith(b"PK"):
                raise ValueError("not a zip container")
            # Not openpyxl's reader: the report's workbook has several sheets of different
            # widths, which a one-sheet reader refuses, and openpyxl builds each text and
            # row whole before the limits could be checked.
            book = workbook.Workbook(content)
            rows = book.rows(_rows_sheet(book))
            return (list(rows[0]) if rows else []), rows[1:]
    except workbook.Refused as refused:
        raise ImportRejected(
            [RowError(row=refused.row, column=refused.column, message=refused.message)]
        ) from None
    except ImportRejected:
        raise
    except UnicodeDecodeError:
        raise file_error(_("The CSV file is not UTF-8 text; save it as “CSV UTF-8”.")) from None
    except Exception:  # Any reader failure means the file is not what its name says.
        raise file_error(
            _("%(name)s could not be read as a %(kind)s file.")
            % {"name": shown(filename), "kind": name.rsplit(".", 1)[-1].upper()}
        ) from None
    raise file_error(
        _("Only CSV and XLSX files can be imported, not %(name)s.") % {"name": shown(filename)}
    )


def _read_csv(content: bytes) -> tuple[list, list]:
    """The header and rows of a CSV file, read row by row within the limits: blank lines are
    skipped, short rows filled with empty cells."""
    decoded = content.decode("utf-8-sig")
    if "\x00" in decoded:
        raise ValueError("binary content")
    lines = io.StringIO(decoded, newline="")
    reader = csv.reader(lines)
    header: list[str] = []
    rows: list[list[str]] = []
    number = filled = 0
    while True:
        # The reader takes only the lines of the next record: where it starts, if it fails.
        start = lines.tell()
        try:
            cells = next(reader, None)
        except csv.Error as problem:
            if "field larger than field limit" not in str(problem):
                raise
            # csv's own limit (128 KiB) is above a cell's: the cell is too long, find which.
            raise _cell_too_long(number + 1, _long_field(decoded, start), header) from None
        if cells is None:
            break
        if not cells:
            continue
        number += 1
        if number == 1:
            header = cells
            if len(header) > workbook.MAX_COLUMNS:
                raise ImportRejected([RowError(row=1, column="", message=_columns_message())])
        elif len(cells) > len(header):
            raise file_error(_("Some rows have more cells than the header row."))
        for position, cell in enumerate(cells):
            if len(cell) > workbook.MAX_CELL_CHARACTERS:
                raise _cell_too_long(number, position, header)
        if number > 1:
            rows.append(cells + [""] * (len(header) - len(cells)))
            filled += any(cell.strip() for cell in cells)
        # Stop reading as soon as the file is known to be refused.
        if filled > MAX_ROWS or number > workbook.MAX_SHEET_ROWS:
            raise file_error(_("The file has more than %(max)d rows.") % {"max": MAX_ROWS})
    return header, rows


def _columns_message() -> str:
    return _(
        "The header has more than %(max)d columns; keep the report's columns and delete the others."
    ) % {"max": workbook.MAX_COLUMNS}


def _long_field(decoded: str, start: int) -> int:
    """The position, in the record that starts at `start`, of its first field longer than a
    cell may be: commas and line ends outside quotes end a field (a doubled quote inside one
    toggles twice)."""
    quoted = False
    field, begins = 0, start
    for mark in CSV_MARKS.finditer(decoded, start):
        if mark[0] == '"':
            quoted = not quoted
            continue
        if quoted:
            continue
        if mark.start() - begins > workbook.MAX_CELL_CHARACTERS or mark[0] != ",":
            return field
        field, begins = field + 1, mark.end()
    return field


def _cell_too_long(row: int, position: int, header: list[str]) -> ImportRejected:
    column = header[position] if row > 1 and position < len(header) else str(position + 1)
    return ImportRejected(
        [
            RowError(
                row=row,
                column=shown(text(column)),
                message=_("This cell has more than %(max)d characters.")
                % {"max": workbook.MAX_CELL_CHARACTERS},
            )
        ]
    )


def _rows_sheet(book: workbook.Workbook) -> str:
    """The Council report export puts its rows on a "Recommendations" sheet (after a Summary),
    named in the language it was downloaded in; any other workbook is read from its first sheet
    whose header has the required columns."""
    titles = tuple(_translations((XLSX_SHEET,)))
    for title in book.titles:
        if _key(title).startswith(titles):
            return title
    for title, header in workbook.first_rows(book):
        if {_column(cell) for cell in header}.issuperset(REQUIRED_COLUMNS):
            return title
    return book.titles[0]


def read_rows(*, filename: str, content: bytes) -> tuple[list[tuple[int, dict]], dict[str, str]]:
    """(spreadsheet row number, {column: cell}) of each row that is not empty, and each column's
    heading as the file writes it (an error names the column the uploader sees)."""
    header, table = _read_table(filename, content)
    headers = [_column(cell) for cell in header]
    # An error names the column by its heading, and quotes no more of it than of a value.
    headings = {column: shown(text(cell)) for column, cell in zip(headers, header, strict=True)}
    missing = [column for column in REQUIRED_COLUMNS if column not in headers]
    if missing:
        raise ImportRejected(
            [
                RowError(row=1, column=column, message=_("This column is missing from the header."))
                for column in missing
            ]
        )
    rows = []
    # Spreadsheet numbering: the header is row 1.
    for number, values in enumerate(table, start=2):
        cells = dict(zip(headers, values, strict=False))
        if all(text(value) == "" for value in cells.values()):
            continue
        rows.append((number, cells))
    if not rows:
        raise file_error(_("The file has a header but no rows to import."))
    if len(rows) > MAX_ROWS:
        raise file_error(_("The file has more than %(max)d rows.") % {"max": MAX_ROWS})
    return rows, headings


def text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def update_text(value: object) -> str:
    """The update text, less the apostrophe the export puts before =, +, - or @ (and the like)
    so that no spreadsheet runs the cell as a formula, and less the "Confirmed unchanged on …"
    the export writes after it (the confirmation is recorded already, not part of the words)."""
    written = text(value)
    if len(written) > 1 and written[0] == "'" and written[1:].startswith(FORMULA_TRIGGERS):
        written = written[1:]
    return without_confirmed_mark(written.strip())


def same_text(one: str, other: str) -> bool:
    """Whether two update texts say the same: a spreadsheet may rewrap lines, turn line ends
    into \\r\\n or drop control characters the file format refuses."""
    return _key(ILLEGAL_CHARACTERS_RE.sub("", one)) == _key(ILLEGAL_CHARACTERS_RE.sub("", other))


def cell_date(value: object) -> datetime.date | None:
    """The date a cell holds (a workbook's date, or YYYY-MM-DD text); None if it is empty.
    Raises ValueError, with the message to show, for anything else."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    written = text(value)
    if not written:
        return None
    # A datetime's text (as some spreadsheets write a date cell) is read as its day.
    day = written[:10] if len(written) > 10 and written[10] in " T" else written
    if SLASHED_DATE.match(day):
        day = day.replace("/", "-")
    try:
        parsed = parse_date(day)
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValueError(
            _("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": shown(written)}
        )
    return parsed


def cell_status(value: object) -> str | None:
    """The status a cell names, by code or by label in any language; None if it names none."""
    return _statuses().get(_key(text(value)))


@dataclass(frozen=True)
class Row:
    """One row of the file, each cell read as what it says (None or "" where it is empty)."""

    number: int
    reference: str
    status: str | None
    sides: dict[str, str]
    has_column: frozenset[str]
    override_reason: str
    status_date: datetime.date | None
    update_date: datetime.date | None
    text: str
    visibility: str
    # Each side's response, rationale, response date, stalled reason, detail and unblocking
    # step's text the file has a column for (a date only where its cell holds one).
    answers: dict[str, str | datetime.date] = dataclasses.field(default_factory=dict)
    # Each side's next step the row names.
    steps: list[StepCells] = dataclasses.field(default_factory=list)


def read_row(*, number: int, cells: dict, error: Callable[[str, str], None]) -> Row:
    """The row's cells read; each unreadable cell is reported through error(column, message)."""

    def status_of(column: str) -> str | None:
        value = cell_status(cells.get(column))
        if value is None:
            error(
                column,
                _("“%(value)s” is not a status; use one of: %(choices)s.")
                % {"value": shown(text(cells.get(column))), "choices": ", ".join(Status.values)},
            )
        return value

    def date_of(column: str) -> datetime.date | None:
        try:
            return cell_date(cells.get(column))
        except ValueError as problem:
            error(column, str(problem))
            return None

    def answers() -> dict[str, str | datetime.date]:
        found: dict[str, str | datetime.date] = {
            column: text(cells[column])
            for column in (*ANSWER_TEXT_COLUMNS, *STEP_TEXT_COLUMNS)
            if column in cells
        }
        for response in RESPONSE_FIELDS.values():
            # An empty date says nothing: a response that changes is then dated today.
            if day := date_of(f"{response}_date"):
                found[f"{response}_date"] = day
        for column, choices in (
            *((field, Response) for field in RESPONSE_FIELDS.values()),
            *((field, StalledReason) for field in STALLED_FIELDS.values()),
        ):
            written = text(cells.get(column))
            if not written:
                # An empty response says nothing; an empty stalled reason says none.
                if column in cells and choices is StalledReason:
                    found[column] = ""
                continue
            value = _answers().get(_key(written))
            if value not in choices.values:
                error(
                    column,
                    _("“%(value)s” is not one of: %(choices)s.")
                    % {"value": shown(written), "choices": ", ".join(choices.values)},
                )
                continue
            found[column] = value
        return found

    visibility = text(cells.get("visibility")).casefold() or Visibility.PUBLIC
    if visibility not in Visibility.values:
        error(
            "visibility",
            _("“%(value)s” is not a visibility; use public or internal.")
            % {"value": shown(visibility)},
        )
    return Row(
        number=number,
        reference=text(cells.get("reference")),
        status=status_of("status"),
        # A side naming no status is None here, and reported through error(): a row with an
        # error is never planned, so a planned row's sides are all statuses.
        sides={
            side: status_of(field)  # type: ignore[misc]
            for side, field in SIDE_FIELDS.items()
            if text(cells.get(field))
        },
        has_column=frozenset(cells),
        override_reason=text(cells.get("override_reason")),
        status_date=date_of("status_date"),
        update_date=date_of("latest_update_date"),
        text=update_text(cells.get("latest_update")),
        visibility=visibility,
        answers=answers(),
        steps=read_steps(cells, text=text, date_of=date_of, error=error),
    )
