"""A row's next steps, one a side (`eu_next_step`, its target, state and slip reason, the same for
`japan_`): what the cells ask for against the item's steps, refused by column where the uploader
may not touch that side or the step breaks its rules (rules.steps), and written through
services.steps. A step is named by its text: the same text is the same step, a new text a new
step."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from recommendations.imports.workbook import shown
from recommendations.models import NextStep, Recommendation
from recommendations.rules.choices import Side, StepState
from recommendations.rules.steps import step_errors
from recommendations.services.steps import add_step, made_on, update_step, values_of

# Each side's columns, by the prefix the other columns of that side use.
PREFIXES: dict[str, str] = {Side.EU: "eu", Side.JAPAN: "japan"}
# The XLSX headings of the step columns, and the columns they are.
HEADINGS = {
    gettext_noop("EU next step"): "eu_next_step",
    gettext_noop("EU next step target"): "eu_next_step_target",
    gettext_noop("EU next step state"): "eu_next_step_state",
    gettext_noop("EU next step slipped because"): "eu_next_step_slip_reason",
    gettext_noop("Japan next step"): "japan_next_step",
    gettext_noop("Japan next step target"): "japan_next_step_target",
    gettext_noop("Japan next step state"): "japan_next_step_state",
    gettext_noop("Japan next step slipped because"): "japan_next_step_slip_reason",
}
# error(column, message) reports a problem with one cell of the row being judged.
RowReporter = Callable[[str, str], None]


def columns(side: str) -> dict[str, str]:
    """The columns of `side`'s step, by the step's field they hold."""
    prefix = f"{PREFIXES[side]}_next_step"
    return {
        "text": prefix,
        "target_date": f"{prefix}_target",
        "state": f"{prefix}_state",
        "slip_reason": f"{prefix}_slip_reason",
        "done_on": f"{prefix}_state",
    }


@dataclass(frozen=True)
class StepCells:
    """What a row says of one side's step."""

    side: str
    text: str
    target_date: datetime.date | None
    state: str
    slip_reason: str


@dataclass(frozen=True)
class StepChange:
    """A step the row adds (`step` None) or changes, and the fields it sets."""

    side: str
    text: str
    step: NextStep | None
    changes: dict[str, object] = field(default_factory=dict)

    @property
    def description(self) -> str:
        if self.step is None:
            return _("%(side)s next step added") % {"side": Side(self.side).label}
        return _("%(side)s next step updated") % {"side": Side(self.side).label}


def read_steps(
    cells: dict,
    *,
    text: Callable[[object], str],
    date_of: Callable[[str], datetime.date | None],
    error: RowReporter,
) -> list[StepCells]:
    """Each side's step the row names (its text not empty), its cells read."""
    found = []
    for side in PREFIXES:
        named = columns(side)
        written = text(cells.get(named["text"]))
        if not written:
            continue
        state = text(cells.get(named["state"])).casefold()
        # A code, or its label in English or Japanese.
        by_label = {str(choice.label).casefold(): choice.value for choice in StepState}
        with translation.override("ja"):
            by_label |= {str(choice.label).casefold(): choice.value for choice in StepState}
        state = by_label.get(state, state)
        if state and state not in StepState.values:
            error(
                named["state"],
                _("“%(value)s” is not a state of a next step; use one of: %(choices)s.")
                % {"value": shown(state), "choices": ", ".join(StepState.values)},
            )
        found.append(
            StepCells(
                side=side,
                text=written,
                target_date=date_of(named["target_date"]),
                state=state,
                slip_reason=text(cells.get(named["slip_reason"])),
            )
        )
    return found


def same_step_text(one: str, other: str) -> bool:
    """Whether two texts name the same step: spacing and case aside."""
    return " ".join(one.split()).casefold() == " ".join(other.split()).casefold()


def steps_asked(
    *,
    asked: Iterable[StepCells],
    item: Recommendation,
    own_side: str | None,
    today: datetime.date,
    error: RowReporter,
) -> list[StepChange]:
    """The steps the row adds or changes; each refused by column where the uploader may not set
    that side or the step breaks its rules. A step as the tracker has it asks for nothing."""
    planned = []
    # Prefetched by the import's queryset: every step of every item in one query.
    existing = list(item.next_steps.all())
    for cells in asked:
        named = columns(cells.side)
        own = (s for s in existing if s.side == cells.side)
        step = next((s for s in own if same_step_text(s.text, cells.text)), None)
        before = values_of(step) if step is not None else None
        changes: dict[str, object] = {}
        if step is None:
            changes = {"text": cells.text, "target_date": cells.target_date}
        elif cells.target_date is not None and cells.target_date != step.target_date:
            changes = {"target_date": cells.target_date, "slip_reason": cells.slip_reason}
        if cells.state == StepState.DONE and (step is None or step.state != StepState.DONE):
            changes |= {"state": StepState.DONE, "done_on": today}
        elif cells.state == StepState.SLIPPED and step is None:
            changes["state"] = StepState.SLIPPED
        if not changes:
            continue
        if own_side is not None and cells.side != own_side:
            error(
                named["text"],
                _(
                    "You may set only the %(own)s side's next steps; leave the %(side)s side's as "
                    "they are."
                )
                % {"own": Side(own_side).label, "side": Side(cells.side).label},
            )
            continue
        after = {**(before or {"state": StepState.PLANNED}), **changes}
        for name, message in step_errors(
            made_on=made_on(item), today=today, before=before, after=after
        ).items():
            error(named.get(name, named["text"]), message)
        planned.append(StepChange(side=cells.side, text=cells.text, step=step, changes=changes))
    return planned


def write_steps(
    changes: Iterable[StepChange], *, recommendation: Recommendation, author: User | None
) -> dict[str, NextStep]:
    """Write each planned step through services.steps: one write, one history row each.
    Returns the steps added, by side (the row may name one as the step that unblocks it)."""
    added = {}
    for change in changes:
        if change.step is None:
            step = add_step(
                recommendation=recommendation,
                side=change.side,
                text=change.text,
                target_date=change.changes["target_date"],  # type: ignore[arg-type]
                author=author,
            )
            added[change.side] = step
            rest = {k: v for k, v in change.changes.items() if k in ("state", "done_on")}
            if rest:
                update_step(step=step, author=author, changes=rest)
        else:
            update_step(step=change.step, author=author, changes=change.changes)
    return added
