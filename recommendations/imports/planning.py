"""Judging each row of an uploaded spreadsheet against the item it names, then applying what
changes, all or none.

The spreadsheet is a round trip: officials and the secretariat download the report, edit some
cells and upload the whole file. So each cell is compared with what the export showed for the
item, and only a cell that differs says something:

- A row whose cells all read as the tracker has them changes nothing and records nothing: no
  progress update, no history entry. Uploading the same file twice changes nothing the second
  time.
- A row for an item the uploader may not change (another owner's, or archived) is skipped when
  it changes nothing, and rejects the file, by row and column, when it would change something.
- `latest_update` records a progress update only when its text differs from the item's latest
  update as the export showed it: the latest one of the row's `visibility`, which in the public
  export is the latest public update and in the internal one the latest of either. A date left
  as the export showed it dates nothing: a change is then recorded as of today.

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
from collections import defaultdict
from collections.abc import Callable

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from recommendations.imports.answers import answer_edits, answers_asked, with_added_steps
from recommendations.imports.changes import Edit, ImportPlan, LeftAlone, PlannedChange
from recommendations.imports.latest import latest, shows_latest, with_latest_updates
from recommendations.imports.reading import (
    ImportRejected,
    Row,
    RowError,
    read_row,
    read_rows,
    text,
)
from recommendations.imports.steps import columns as step_columns
from recommendations.imports.steps import steps_asked, write_steps
from recommendations.imports.workbook import shown
from recommendations.models import ProgressUpdate, Recommendation
from recommendations.rules import permissions
from recommendations.rules.bilateral import Outcome, OverrideNeedsReason, resolve
from recommendations.rules.choices import (
    SIDE_FIELDS,
    Side,
    Status,
    Visibility,
)
from recommendations.services.statuses import record_update, set_statuses

DATE_COLUMNS = ("status_date", "latest_update_date")
UPDATE_COLUMNS = ("latest_update", "visibility")
# error(column, message) reports a problem with one cell of the row being judged.
RowReporter = Callable[[str, str], None]
# name(column) is the column's heading in the file.
ColumnNaming = Callable[[str], str]


def _label(status: str) -> str:
    return str(Status(status).label)


def _day(date: datetime.date | None) -> str:
    return date.isoformat() if date else ""


def _reads_side(row: Row, own_side: str | None) -> bool:
    """An official's plain sheet (no column of their own side): its status is their side's."""
    return own_side is not None and SIDE_FIELDS[own_side] not in row.has_column


def _earlier_states(rows: list[tuple[Row, Recommendation]], own_side: str | None) -> dict:
    """The (status, status since) pairs each item has had, for the rows whose overall status and
    date differ from the item's now: one query, and none when no row needs it."""
    ids = {
        item.pk
        for row, item in rows
        if row.status_date
        and not _reads_side(row, own_side)
        and (row.status, row.status_date) != (item.status, item.status_date)
    }
    if not ids:
        return {}
    states = defaultdict(set)
    history = Recommendation.history.filter(id__in=ids)
    for pk, status, since in history.values_list("id", "status", "status_date"):
        states[pk].add((status, since))
    return states


def _edits(*, row: Row, item: Recommendation, own_side: str | None, earlier: set) -> list[Edit]:
    """The cells of `row` that differ from what the tracker has for `item`, as the export
    shows it."""
    edits = []
    status_now, since_now = item.status, item.status_date
    reads_side = _reads_side(row, own_side)
    if reads_side and own_side is not None:
        field = SIDE_FIELDS[own_side]
        status_now, since_now = getattr(item, field), getattr(item, f"{field}_date")
    # An overall status and date the item had before: the file was downloaded before its last
    # change (the uploader's own, if they upload it again), and they say nothing now.
    shown_earlier = not reads_side and (row.status, row.status_date) in earlier
    if row.status is not None and row.status != status_now and not shown_earlier:
        edits.append(Edit("status", _label(status_now), _label(row.status)))
    for side, status in row.sides.items():
        now = getattr(item, SIDE_FIELDS[side])
        if status != now:
            edits.append(Edit(SIDE_FIELDS[side], _label(now), _label(status)))
    reason_now = item.status_override_reason.strip()
    if row.override_reason and row.override_reason != reason_now:
        edits.append(Edit("override_reason", reason_now, row.override_reason))
    if row.status_date and row.status_date != since_now and not shown_earlier:
        edits.append(Edit("status_date", _day(since_now), _day(row.status_date)))
    latest_text, latest_date = latest(item, row.visibility)
    if row.text and not shows_latest(item, row.visibility, row.text):
        (other,) = set(Visibility.values) - {row.visibility}
        if shows_latest(item, other, row.text):
            # The latest update's text, under the other visibility: it would be published
            # (or withdrawn to officials) as a new update.
            edits.append(Edit("visibility", other, row.visibility))
        else:
            edits.append(Edit("latest_update", latest_text, row.text))
    if row.update_date and row.update_date != latest_date:
        edits.append(Edit("latest_update_date", _day(latest_date), _day(row.update_date)))
    return edits + answer_edits(row=row, item=item)


def _statuses_asked(
    *,
    row: Row,
    item: Recommendation,
    own_side: str | None,
    edited: set[str],
    error: RowReporter,
    name: ColumnNaming,
) -> tuple[dict[str, str], str | None, str]:
    """(sides, overall, reason) the row's edited cells ask for, for `resolve`."""
    if own_side is None:
        sides = {side: status for side, status in row.sides.items() if SIDE_FIELDS[side] in edited}
        overall = row.status if "status" in edited else None
        return sides, overall, row.override_reason if "override_reason" in edited else ""
    own_column = SIDE_FIELDS[own_side]
    for side, field in SIDE_FIELDS.items():
        if side != own_side and field in edited:
            error(
                field,
                _("You may set only the %(own)s side; leave this as it is (“%(current)s”).")
                % {"own": Side(own_side).label, "current": _label(getattr(item, field))},
            )
    if "override_reason" in edited:
        error("override_reason", _("Only the secretariat overrides the overall status."))
    if own_column not in row.has_column:
        # The plain sheet: its status is the official's own side's.
        if "status" in edited and row.status is not None:
            return {own_side: row.status}, None, ""
        return {}, None, ""
    sides = {own_side: row.sides[own_side]} if own_column in edited else {}
    if "status" in edited and row.status != resolve(item, sides=sides).status:
        error(
            "status",
            _(
                "The overall status follows the EU and Japan sides; set your side in "
                "%(column)s and leave %(status)s as it is."
            )
            % {"column": name(own_column), "status": name("status")},
        )
    return sides, None, ""


def _refuse_edits(
    *, edits: list[Edit], problem: str, error: RowReporter, name: ColumnNaming
) -> None:
    """One error for the row, at its first changed cell, saying every change it would make: the
    way out is the same for all of them (leave the row as it was, or delete it)."""
    changes = "; ".join(
        _("%(column)s from “%(before)s” to “%(after)s”")
        % {"column": name(edit.column), "before": edit.shown_before, "after": edit.shown_after}
        for edit in edits
    )
    error(
        edits[0].column,
        _("%(problem)s This row would change %(changes)s.")
        % {"problem": problem, "changes": changes},
    )


def _refuse_dates(*, edits: list[Edit], error: RowReporter) -> None:
    """A date edited on a row that records nothing: it would date nothing, so say so rather
    than drop it."""
    for edit in edits:
        if edit.column not in DATE_COLUMNS:
            continue
        message = (
            _(
                "A date changes nothing by itself: it dates a new status or progress update, "
                "and this row has neither. Leave it as it was (%(date)s)."
            )
            % {"date": edit.before}
            if edit.before
            else _(
                "A date changes nothing by itself: it dates a new status or progress update, "
                "and this row has neither. Leave it empty."
            )
        )
        error(edit.column, message)


def _judge(
    *,
    row: Row,
    item: Recommendation,
    allowed: bool,
    own_side: str | None,
    earlier: set,
    today: datetime.date,
    error: RowReporter,
    name: ColumnNaming,
) -> PlannedChange | LeftAlone | None:
    """What one readable row of an existing item does: a change, nothing (left alone), or
    errors reported through `error` (then None)."""
    edits = _edits(row=row, item=item, own_side=own_side, earlier=earlier)
    why_not = ""
    if item.archived_at is not None:
        why_not = LeftAlone.ARCHIVED
        problem = _("%(reference)s is archived.") % {"reference": item.reference}
    elif not allowed:
        why_not = LeftAlone.NOT_YOURS
        problem = _("You may not change %(reference)s: your organisation does not own it.") % {
            "reference": item.reference
        }
    steps = steps_asked(asked=row.steps, item=item, own_side=own_side, today=today, error=error)
    if not edits and not steps:
        return LeftAlone(
            row=row.number, reference=item.reference, why=why_not or LeftAlone.UNCHANGED
        )
    if why_not:
        _refuse_edits(edits=edits, problem=problem, error=error, name=name)
        if steps:
            error(step_columns(steps[0].side)["text"], problem)
        return None

    edited = {edit.column for edit in edits}
    sides, overall, reason = _statuses_asked(
        row=row, item=item, own_side=own_side, edited=edited, error=error, name=name
    )
    outcome = now = Outcome(
        eu_status=item.eu_status,
        japan_status=item.japan_status,
        status=item.status,
        override_reason=item.status_override_reason,
    )
    if sides or overall is not None or reason:
        try:
            outcome = resolve(item, sides=sides, overall=overall, reason=reason)
        except OverrideNeedsReason as problem:
            error("status", _("%(problem)s Fill in override_reason.") % {"problem": problem})
    new_text = row.text if edited.intersection(UPDATE_COLUMNS) else ""
    answers = answers_asked(
        row=row,
        item=item,
        own_side=own_side,
        outcome=outcome,
        edited=edited,
        steps=steps,
        today=today,
        error=error,
        name=name,
    )
    if outcome == now and not new_text and not answers and not steps:
        _refuse_dates(edits=edits, error=error)
        return LeftAlone(row=row.number, reference=item.reference, why=LeftAlone.UNCHANGED)

    dated = {edit.column: getattr(row, edit.attribute) for edit in edits if edit.is_date}
    for column, date in dated.items():
        if date > today:
            error(
                column,
                _("%(date)s is in the future; record a status once it holds.") % {"date": date},
            )
    order = DATE_COLUMNS if outcome != now else reversed(DATE_COLUMNS)
    on = next((dated[column] for column in order if column in dated), today)
    return PlannedChange(
        row=row.number,
        recommendation=item,
        sides=sides,
        overall=overall,
        reason=reason,
        before=now,
        outcome=outcome,
        status_date=on,
        text=new_text,
        visibility=row.visibility,
        answers=answers,
        steps=steps,
    )


def plan(
    *, filename: str, content: bytes, user: permissions.Actor = None, lock: bool = False
) -> ImportPlan:
    """Read and check the whole file; return what it would change and what it leaves alone, or
    raise ImportRejected with every error by row and column.

    `user` is the official importing; None means the secretariat's command line, unrestricted.
    With `lock`, the rows are locked until the transaction ends (the apply step).
    """
    rows, headings = read_rows(filename=filename, content=content)

    def name(column: str) -> str:
        return headings.get(column) or column

    today = timezone.localdate()
    references = {text(cells.get("reference")) for _number, cells in rows}
    found = with_latest_updates(
        Recommendation.objects.filter(reference__in=references), today=today
    ).prefetch_related("next_steps")
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
    errors: list[RowError] = []
    readable: list[tuple[Row, Recommendation, Callable[[str, str], None], list[RowError]]] = []
    first_row: dict[str, int] = {}
    for number, cells in rows:
        row_errors: list[RowError] = []

        def error(
            column: str, message: str, number: int = number, row_errors: list[RowError] = row_errors
        ) -> None:
            row_errors.append(RowError(row=number, column=name(column), message=message))

        row = read_row(number=number, cells=cells, error=error)
        item = by_reference.get(row.reference)
        if not row.reference:
            error("reference", _("The reference is empty."))
        elif row.reference in first_row:
            error(
                "reference",
                _("%(reference)s is also on row %(row)d; give each item one row.")
                % {"reference": shown(row.reference), "row": first_row[row.reference]},
            )
        elif item is None:
            error(
                "reference",
                _("No recommendation has the reference “%(reference)s”.")
                % {"reference": shown(row.reference)},
            )
        first_row.setdefault(row.reference, number)
        errors.extend(row_errors)
        if not row_errors and item is not None:
            readable.append((row, item, error, row_errors))

    earlier = _earlier_states([(row, item) for row, item, _error, _ in readable], own_side)
    judged = []
    for row, item, report, row_errors in readable:
        judgement = _judge(
            row=row,
            item=item,
            allowed=row.reference in allowed,
            own_side=own_side,
            earlier=earlier.get(item.pk, set()),
            today=today,
            error=report,
            name=name,
        )
        errors.extend(row_errors)
        judged.append(judgement)
    if errors:
        raise ImportRejected(sorted(errors, key=lambda error: error.row or 0))
    return ImportPlan.of(judged)


def _stale(planned: ImportPlan, expected_versions: dict[str, int]) -> list[RowError]:
    """Rows whose change is not the one previewed: the item was saved since, or its row changes
    something now and did not then (someone recorded an update), or the reverse."""
    message = _("%(reference)s was changed by someone else after the preview.")
    stale = [
        RowError(row=change.row, column="reference", message=message % {"reference": reference})
        for change in planned.changes
        if expected_versions.get(reference := change.reference) != change.recommendation.version
    ]
    stale += [
        RowError(row=left.row, column="reference", message=message % {"reference": left.reference})
        for left in planned.left_alone
        if left.reference in expected_versions
    ]
    return sorted(stale, key=lambda error: error.row or 0)


def apply(
    *,
    filename: str,
    content: bytes,
    user: permissions.Actor = None,
    author: User | None = None,
    expected_versions: dict[str, int] | None = None,
) -> ImportPlan:
    """Check the file again under lock and apply every change, or nothing; returns the plan
    applied.

    `expected_versions` are the versions of the items the preview showed changing: an item saved
    by someone else since, or a row whose change is no longer the one shown, rejects the file,
    so nothing is applied that the uploader did not see.
    """
    with transaction.atomic():
        planned = plan(filename=filename, content=content, user=user, lock=True)
        if expected_versions is not None:
            stale = _stale(planned, expected_versions)
            if stale:
                raise ImportRejected(stale)
        for change in planned.changes:
            _write(change, author=author)
    return planned


def _write(change: PlannedChange, *, author: User | None) -> ProgressUpdate | None:
    """Record one planned change: its next steps, its statuses and update, or the update alone."""
    added = write_steps(change.steps, recommendation=change.recommendation, author=author)
    if not change.moves and not change.answers and not change.text:
        return None
    if not change.moves and not change.answers:
        # Only an update: set_statuses would also bring an overall status that disagrees
        # with the sides back in line, which this row did not ask for.
        update = ProgressUpdate(
            recommendation=change.recommendation,
            date=change.status_date,
            text=change.text,
            visibility=change.visibility,
        )
        return record_update(update=update, author=author)
    return set_statuses(
        recommendation=change.recommendation,
        author=author,
        sides=change.sides,
        overall=change.overall,
        reason=change.reason,
        text=change.text,
        visibility=change.visibility,
        on=change.status_date,
        answers=with_added_steps(change.answers, added),
    )
