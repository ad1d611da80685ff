"""Status updates from a spreadsheet, all or nothing.

Officials fill in the Council report export (or a sheet with just `reference, status,
status_date, latest_update, visibility`) and upload it. tablib reads CSV and XLSX; the checks are
ours, because the whole file must be judged before anything is written: every bad cell is
reported by row and column, and one bad row rejects the file. A valid file is applied in one
transaction, each row through services.set_statuses, so each leaves one progress update and
one history record signed by the official.

What a row's statuses mean follows the bilateral rule (permissions, bilateral.resolve):

- For an official, `status` is their own side's status, unless the sheet has their side's own
  column (`eu_status` or `japan_status`, as the export has): then that column sets their side,
  and `status`, the overall status, may only stay as it was or be what the sides give. The
  other side's column must be left as it is.
- For the secretariat, `eu_status` and `japan_status` set the sides and `status` the overall
  status; one other than the sides give needs `override_reason`. A `status` left as it was
  says nothing: the overall status follows the sides.
"""

import datetime
import io
from dataclasses import dataclass

import openpyxl
import tablib
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from recommendations import permissions
from recommendations.bilateral import Outcome, OverrideNeedsReason, resolve
from recommendations.choices import SIDE_FIELDS, Side, Status, Visibility
from recommendations.models import ProgressUpdate, Recommendation
from recommendations.services.statuses import set_statuses

MAX_FILE_BYTES = 1024 * 1024
MAX_ROWS = 2000
REQUIRED_COLUMNS = ["reference", "status"]
XLSX_SHEET = "Recommendations"
# The XLSX export's headings, as _column() reads them, and the columns they are.
COLUMN_ALIASES = {
    "status_since": "status_date",
    "eu_side": "eu_status",
    "japan_side": "japan_status",
}
_STATUSES = {key.casefold(): value for value, label in Status.choices for key in (value, label)}


@dataclass(frozen=True)
class RowError:
    row: int | None
    column: str
    message: str

    def __str__(self):
        where = _("row %(row)s") % {"row": self.row} if self.row else _("file")
        return (
            f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"
        )


class ImportRejected(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("; ".join(str(error) for error in errors))


@dataclass(frozen=True)
class PlannedChange:
    row: int
    recommendation: Recommendation
    sides: dict
    overall: str | None
    reason: str
    outcome: Outcome
    status_date: datetime.date
    text: str
    visibility: str

    @property
    def reference(self):
        return self.recommendation.reference

    @property
    def old_status(self):
        return Status(self.recommendation.status).label

    @property
    def new_status(self):
        return Status(self.outcome.status).label

    @property
    def side_changes(self) -> list[str]:
        """Each side that moves, as "Japan side: Planned → In progress"."""
        return [
            _("%(side)s side: %(old)s → %(new)s")
            % {
                "side": Side(side).label,
                "old": Status(getattr(self.recommendation, field)).label,
                "new": Status(getattr(self.outcome, field)).label,
            }
            for side, field in SIDE_FIELDS.items()
            if getattr(self.recommendation, field) != getattr(self.outcome, field)
        ]

    @property
    def shown_text(self):
        return self.text or "—"

    @property
    def is_internal(self):
        return self.visibility == Visibility.INTERNAL


def _file_error(message) -> ImportRejected:
    return ImportRejected([RowError(row=None, column="", message=message)])


def _read_table(filename: str, content: bytes) -> tuple[list, list]:
    """The header and the rows of a CSV file, or of the sheet of an XLSX workbook that holds
    the recommendations."""
    if not content:
        raise _file_error(_("The file is empty."))
    if len(content) > MAX_FILE_BYTES:
        raise _file_error(
            _("The file is larger than %(size)d KB; split it into smaller files.")
            % {"size": MAX_FILE_BYTES // 1024}
        )
    name = filename.lower()
    try:
        if name.endswith(".csv"):
            text = content.decode("utf-8-sig")
            if "\x00" in text:
                raise ValueError("binary content")
            dataset = tablib.Dataset().load(text, format="csv")
            return list(dataset.headers or []), list(dataset)
        if name.endswith(".xlsx"):
            if not content.startswith(b"PK"):
                raise ValueError("not a zip container")
            # openpyxl directly rather than through tablib: the report's workbook has several
            # sheets of different widths, which tablib's book reader refuses.
            book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            rows = list(_rows_sheet(book.worksheets).iter_rows(values_only=True))
            return (list(rows[0]) if rows else []), rows[1:]
    except UnicodeDecodeError:
        raise _file_error(_("The CSV file is not UTF-8 text; save it as “CSV UTF-8”.")) from None
    except tablib.InvalidDimensions:
        raise _file_error(_("Some rows have more cells than the header row.")) from None
    except Exception:  # Any reader failure means the file is not what its name says.
        raise _file_error(
            _("%(name)s could not be read as a %(kind)s file.")
            % {"name": filename, "kind": name.rsplit(".", 1)[-1].upper()}
        ) from None
    raise _file_error(
        _("Only CSV and XLSX files can be imported, not %(name)s.") % {"name": filename}
    )


def _column(header) -> str:
    """Column names as the CSV export writes them; the XLSX export's headings ("Status since",
    "EU side", …) read as the CSV's (status_date, eu_status, …)."""
    name = _text(header).casefold().replace(" ", "_")
    return COLUMN_ALIASES.get(name, name)


def _rows_sheet(sheets):
    """The Council report export puts its rows on a "Recommendations" sheet (after a Summary);
    any other workbook is read from its first sheet whose header has the required columns."""
    for sheet in sheets:
        if (sheet.title or "").startswith(XLSX_SHEET):
            return sheet
    for sheet in sheets:
        header = next(sheet.iter_rows(max_row=1, values_only=True), ())
        if {_column(cell) for cell in header}.issuperset(REQUIRED_COLUMNS):
            return sheet
    return sheets[0]


def _update_text(value) -> str:
    """The update text, less the apostrophe the export puts before =, +, - or @ so that no
    spreadsheet runs the cell as a formula."""
    text = _text(value)
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        return text[1:]
    return text


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse_rows(filename: str, content: bytes) -> list[tuple[int, dict]]:
    header, table = _read_table(filename, content)
    headers = [_column(cell) for cell in header]
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
        if all(_text(value) == "" for value in cells.values()):
            continue
        rows.append((number, cells))
    if not rows:
        raise _file_error(_("The file has a header but no rows to import."))
    if len(rows) > MAX_ROWS:
        raise _file_error(_("The file has more than %(max)d rows.") % {"max": MAX_ROWS})
    return rows


def _parse_date(value, today: datetime.date) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        text = _text(value)
        if not text:
            return today
        try:
            value = parse_date(text[:10] if len(text) > 10 and text[10] in " T" else text)
        except ValueError:
            value = None
        if value is None:
            raise ValueError(
                _("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": text}
            )
    if value > today:
        raise ValueError(
            _("%(date)s is in the future; record a status once it holds.") % {"date": value}
        )
    return value


def _status(cells, column, error) -> str | None:
    value = _text(cells.get(column))
    status = _STATUSES.get(value.casefold())
    if status is None:
        error(
            column,
            _("“%(value)s” is not a status; use one of: %(choices)s.")
            % {"value": value, "choices": ", ".join(Status.values)},
        )
    return status


def _official_statuses(recommendation, own_side, cells, status, side_cells, reason, error):
    """The sides an official's row sets, and no overall status: that follows from the sides."""
    own_column = SIDE_FIELDS[own_side]
    for side, value in side_cells.items():
        current = getattr(recommendation, SIDE_FIELDS[side])
        if side != own_side and value != current:
            error(
                SIDE_FIELDS[side],
                _("You may set only the %(own)s side; leave this as it is (“%(current)s”).")
                % {"own": Side(own_side).label, "current": Status(current).label},
            )
    if reason:
        error("override_reason", _("Only the secretariat overrides the overall status."))
    if own_column not in cells:
        # The plain sheet: its status is the official's own side's.
        return {own_side: status}, None
    # A sheet with the column: an empty cell leaves the side as it is.
    sides = {own_side: side_cells[own_side]} if own_side in side_cells else {}
    if status not in {recommendation.status, resolve(recommendation, sides=sides).status}:
        error(
            "status",
            _(
                "The overall status follows the EU and Japan sides; set your side in "
                "%(column)s and leave status as it is."
            )
            % {"column": own_column},
        )
    return sides, None


def plan(*, filename: str, content: bytes, user=None, lock: bool = False) -> list[PlannedChange]:
    """Read and check the whole file; return what it would change or raise ImportRejected.

    `user` is the official importing; None means the secretariat's command line, unrestricted.
    With `lock`, the rows are locked until the transaction ends (the apply step).
    """
    rows = _parse_rows(filename, content)
    references = {_text(cells.get("reference")) for _number, cells in rows}
    found = Recommendation.objects.filter(reference__in=references)
    if lock:
        # No ordering join, so only these rows are locked, always in the same order.
        found = found.select_for_update().order_by("pk")
    by_reference = {recommendation.reference: recommendation for recommendation in found}
    if user is None:
        allowed = set(by_reference)
    else:
        allowed = set(
            permissions.changeable(
                user, Recommendation.objects.filter(reference__in=references)
            ).values_list("reference", flat=True)
        )

    own_side = None if user is None else permissions.own_side(user)
    today = timezone.localdate()
    errors: list[RowError] = []
    changes: list[PlannedChange] = []
    first_row: dict[str, int] = {}
    for number, cells in rows:
        row_errors: list[RowError] = []

        def error(column, message, number=number, row_errors=row_errors):
            row_errors.append(RowError(row=number, column=column, message=message))

        reference = _text(cells.get("reference"))
        recommendation = by_reference.get(reference)
        if not reference:
            error("reference", _("The reference is empty."))
        elif reference in first_row:
            error(
                "reference",
                _("%(reference)s is also on row %(row)d; give each item one row.")
                % {"reference": reference, "row": first_row[reference]},
            )
        elif recommendation is None:
            error(
                "reference",
                _("No recommendation has the reference “%(reference)s”.")
                % {"reference": reference},
            )
        elif recommendation.archived_at is not None:
            error("reference", _("%(reference)s is archived.") % {"reference": reference})
        elif reference not in allowed:
            error(
                "reference",
                _("You may not change %(reference)s: your organisation does not own it.")
                % {"reference": reference},
            )
        first_row.setdefault(reference, number)

        status = _status(cells, "status", error)
        side_cells: dict[str, str] = {}
        for side, field in SIDE_FIELDS.items():
            if _text(cells.get(field)):
                side_status = _status(cells, field, error)
                # None is an error of the row already, which then stops before the sides are read.
                if side_status is not None:
                    side_cells[side] = side_status
        reason = _text(cells.get("override_reason"))

        try:
            status_date = _parse_date(cells.get("status_date"), today)
        except ValueError as problem:
            error("status_date", str(problem))

        visibility = _text(cells.get("visibility")).casefold() or Visibility.PUBLIC
        if visibility not in Visibility.values:
            error(
                "visibility",
                _("“%(value)s” is not a visibility; use public or internal.")
                % {"value": visibility},
            )

        if row_errors:
            errors.extend(row_errors)
            continue
        # A row without errors names a recommendation that was found.
        assert recommendation is not None
        if own_side is None:
            sides, overall = side_cells, (None if status == recommendation.status else status)
        else:
            sides, overall = _official_statuses(
                recommendation, own_side, cells, status, side_cells, reason, error
            )
        if not row_errors:
            try:
                outcome = resolve(recommendation, sides=sides, overall=overall, reason=reason)
            except OverrideNeedsReason as problem:
                error("status", _("%(problem)s Fill in override_reason.") % {"problem": problem})

        if row_errors:
            errors.extend(row_errors)
            continue
        changes.append(
            PlannedChange(
                row=number,
                recommendation=recommendation,
                sides=sides,
                overall=overall,
                reason=reason,
                outcome=outcome,
                status_date=status_date,
                text=_update_text(cells.get("latest_update")),
                visibility=visibility,
            )
        )
    if errors:
        raise ImportRejected(errors)
    return changes


def apply(
    *,
    filename: str,
    content: bytes,
    user=None,
    author=None,
    expected_versions: dict[str, int] | None = None,
) -> list[ProgressUpdate]:
    """Check the file again under lock and apply every row, or nothing.

    `expected_versions` are the versions the preview showed: an item saved by someone else since
    then rejects the file, so nothing is applied that the official did not see.
    """
    with transaction.atomic():
        changes = plan(filename=filename, content=content, user=user, lock=True)
        if expected_versions is not None:
            stale = [
                RowError(
                    row=change.row,
                    column="reference",
                    message=_("%(reference)s was changed by someone else after the preview.")
                    % {"reference": change.reference},
                )
                for change in changes
                if expected_versions.get(change.reference) != change.recommendation.version
            ]
            if stale:
                raise ImportRejected(stale)
        updates = [
            set_statuses(
                recommendation=change.recommendation,
                author=author,
                sides=change.sides,
                overall=change.overall,
                reason=change.reason,
                text=change.text,
                visibility=change.visibility,
                on=change.status_date,
            )
            for change in changes
        ]
    return [update for update in updates if update is not None]
