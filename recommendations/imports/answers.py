"""A row's answers beside its statuses (each side's response, rationale and date, stalled reason,
detail and the step that would unblock it): what its edited cells ask for, refused where the
uploader may not set that side or the answers break their rules (rules.answers).

The unblocking step is named by its text, as the step columns name steps (imports/steps.py): it
must be one of that side's steps on the item, or the step the same row adds, which only exists
once the row is written, so the plan carries its text until then (with_added_steps)."""

import copy
import datetime
from collections.abc import Callable, Iterable, Mapping

from django.utils.translation import gettext as _

from recommendations.imports.changes import Edit
from recommendations.imports.reading import Row
from recommendations.imports.steps import StepChange, same_step_text
from recommendations.imports.workbook import shown
from recommendations.models import NextStep, Recommendation
from recommendations.rules.answers import answer_errors, step_field
from recommendations.rules.bilateral import Outcome
from recommendations.rules.choices import (
    RESPONSE_FIELDS,
    SIDE_FIELDS,
    Response,
    Side,
    StalledReason,
    Status,
    Visibility,
    answer_fields,
)
from recommendations.services.steps import made_on

# error(column, message) reports a problem with one cell of the row being judged.
RowReporter = Callable[[str, str], None]
# name(column) is the column's heading in the file.
ColumnNaming = Callable[[str], str]
# Each side's response date and unblocking step, by field.
DATE_FIELDS = {f"{response}_date": side for side, response in RESPONSE_FIELDS.items()}
STEP_FIELDS = {step_field(side): side for side in SIDE_FIELDS}


def answer_label(value: object) -> str:
    """A response or stalled reason by its label; a date as ISO; a rationale, detail or step's
    text as it is."""
    if isinstance(value, NextStep):
        return value.text
    if isinstance(value, datetime.date):
        return value.isoformat()
    for choices in (Response, StalledReason):
        if value in choices.values:
            return str(choices(value).label)
    return str(value or "")


def _stalled_step(item: Recommendation, side: str) -> NextStep | None:
    """The item's unblocking step of `side`, from its prefetched steps: no query per row."""
    pk = getattr(item, f"{step_field(side)}_id")
    return next((step for step in item.next_steps.all() if step.pk == pk), None)


def current(item: Recommendation, field: str) -> object:
    """What the tracker has in an answer field, as the export shows it."""
    if field in STEP_FIELDS:
        step = _stalled_step(item, STEP_FIELDS[field])
        return step.text if step else ""
    return getattr(item, field)


def answer_edits(*, row: Row, item: Recommendation) -> list[Edit]:
    """The row's answer cells that differ from what the tracker has for `item`."""
    edits = []
    for field, value in row.answers.items():
        now = current(item, field)
        if isinstance(value, datetime.date):
            changed = value != now
        elif field in STEP_FIELDS:
            step = _stalled_step(item, STEP_FIELDS[field])
            # The public files leave an internal step's cell empty: empty, it says nothing.
            hidden = not value and step is not None and step.visibility != Visibility.PUBLIC
            changed = not hidden and not same_step_text(value, str(now))
        else:
            changed = value.strip() != str(now).strip()
        if changed:
            edits.append(Edit(field, answer_label(now), answer_label(value)))
    return edits


def _step_named(
    *, field: str, text: str, item: Recommendation, steps: Iterable[StepChange], error: RowReporter
) -> NextStep | str | None:
    """The side's step the cell names: one of the item's, or the text of the one the row adds;
    None for an empty cell, or (reported) a text that names neither."""
    side = STEP_FIELDS[field]
    if not text:
        return None
    own = [step for step in item.next_steps.all() if step.side == side]
    found = next((step for step in own if same_step_text(step.text, text)), None)
    if found is not None:
        return found
    added = next((c for c in steps if c.side == side and c.step is None), None)
    if added is not None and same_step_text(added.text, text):
        return added.text
    allowed = [step.text for step in own] + ([added.text] if added else [])
    label = Side(side).label
    if allowed:
        message = _(
            "“%(value)s” is not one of the %(side)s side's next steps on this recommendation; "
            "use one of: %(steps)s."
        ) % {
            "value": shown(text),
            "side": label,
            # Quoted as the language quotes: 「…」 in Japanese.
            "steps": ", ".join(_("“%(step)s”") % {"step": shown(step)} for step in allowed),
        }
    else:
        message = _(
            "“%(value)s” is not a next step: the %(side)s side has none on this recommendation. "
            "Add it as the %(side)s side's next step first, or leave this empty."
        ) % {"value": shown(text), "side": label}
    error(field, message)
    return None


def _check_dates(
    *,
    answers: Mapping[str, object],
    after: object,
    item: Recommendation,
    today: datetime.date,
    error: RowReporter,
    name: ColumnNaming,
) -> None:
    """A response date is the day the side gave a response: none for "no response yet", none
    still to come, and none before the recommendation was made."""
    for field, side in DATE_FIELDS.items():
        response = RESPONSE_FIELDS[side]
        if {field, response}.isdisjoint(answers):
            continue
        day = answers.get(field)
        if getattr(after, response) == Response.NO_RESPONSE:
            if day is not None:
                error(
                    field,
                    _(
                        "%(response)s is “%(none)s”, which has no date: empty %(column)s or "
                        "choose a response."
                    )
                    % {
                        "response": name(response),
                        "none": Response.NO_RESPONSE.label,
                        "column": name(field),
                    },
                )
            continue
        if not isinstance(day, datetime.date):
            continue
        if day > today:
            error(
                field,
                _("%(date)s is in the future; record a response once it is given.") % {"date": day},
            )
        elif day < (made := made_on(item)):
            error(
                field,
                _("%(date)s is before the recommendation's date (%(made)s).")
                % {"date": day, "made": made},
            )


def answers_asked(
    *,
    row: Row,
    item: Recommendation,
    own_side: str | None,
    outcome: Outcome,
    edited: set[str],
    steps: Iterable[StepChange],
    today: datetime.date,
    error: RowReporter,
    name: ColumnNaming,
) -> dict[str, object]:
    """The answers (responses, their dates, stalled reasons and unblocking steps) the row's
    edited cells ask for, each refused where the uploader may not set that side or the side's
    answers break their rules. An unblocking step is a NextStep, or the text of the step the
    row adds."""
    answers: dict[str, object] = {
        field: value for field, value in row.answers.items() if field in edited
    }
    for field, side in DATE_FIELDS.items():
        # A response that changes is dated by its date cell, as it is or edited; only an
        # empty cell dates it today. So the same file uploaded again dates nothing anew.
        if RESPONSE_FIELDS[side] in answers and field in row.answers:
            answers[field] = row.answers[field]
    if own_side is not None:
        for field in answers:
            if field not in answer_fields(own_side):
                error(
                    field,
                    _("You may set only the %(own)s side; leave this as it is (“%(current)s”).")
                    % {"own": Side(own_side).label, "current": answer_label(current(item, field))},
                )
    after = copy.copy(item)
    for side, field in ((side, step_field(side)) for side in SIDE_FIELDS):
        # The rules read the step itself: from the prefetched steps, not a query per row.
        if getattr(item, f"{field}_id") is not None:
            setattr(after, field, _stalled_step(item, side))
    for field, value in answers.items():
        if field in STEP_FIELDS:
            value = _step_named(field=field, text=str(value), item=item, steps=steps, error=error)
            answers[field] = value
            # The rules ask of a step the row adds only what the row says: its side.
            value = None if isinstance(value, str) else value
        setattr(after, field, value)
    moved = set()
    for side, status in SIDE_FIELDS.items():
        setattr(after, status, getattr(outcome, status))
        if getattr(item, status) != getattr(outcome, status):
            moved.add(side)
    for field, side in STEP_FIELDS.items():
        if answers.get(field) is not None and getattr(outcome, SIDE_FIELDS[side]) != Status.STALLED:
            error(
                field,
                _(
                    "Only a stalled side is unblocked by a step: the %(side)s side is not "
                    "stalled. Leave this empty."
                )
                % {"side": Side(side).label},
            )
    _check_dates(answers=answers, after=after, item=item, today=today, error=error, name=name)
    for field, message in answer_errors(after, changed=set(answers), moved=moved).items():
        error(field, message)
    return answers


def with_added_steps(answers: Mapping[str, object], added: Mapping[str, NextStep]) -> dict:
    """The planned answers with each unblocking step the row adds (its text in the plan) as the
    step written, `added` by side."""
    pending = {field for field, value in answers.items() if isinstance(value, str)}
    return {
        field: added[STEP_FIELDS[field]] if field in pending & set(STEP_FIELDS) else value
        for field, value in answers.items()
    }
