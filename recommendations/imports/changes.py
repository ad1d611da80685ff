"""What an import does, row by row: the changes it applies and the rows it leaves alone, as the
preview, the confirmation and the command show them."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from recommendations.imports.steps import StepChange
from recommendations.imports.workbook import shown
from recommendations.models import Recommendation
from recommendations.rules.answers import step_field
from recommendations.rules.bilateral import Outcome
from recommendations.rules.choices import (
    RESPONSE_FIELDS,
    SIDE_FIELDS,
    Response,
    Side,
    Status,
    Visibility,
)

# The Row attribute each date column is read into.
DATE_ATTRIBUTES = {"status_date": "status_date", "latest_update_date": "update_date"}


@dataclass(frozen=True)
class Edit:
    """A cell that differs from what the tracker has for the item."""

    column: str
    before: str
    after: str

    @property
    def shown_before(self) -> str:
        return shown(self.before) or "—"

    @property
    def shown_after(self) -> str:
        return shown(self.after) or "—"

    @property
    def is_date(self) -> bool:
        return self.column in DATE_ATTRIBUTES

    @property
    def attribute(self) -> str:
        return DATE_ATTRIBUTES[self.column]


@dataclass(frozen=True)
class PlannedChange:
    row: int
    recommendation: Recommendation
    sides: dict
    overall: str | None
    reason: str
    # The statuses before and after: kept apart from `recommendation`, which applying updates.
    before: Outcome
    outcome: Outcome
    # The day the change is recorded on: the status's date and the update's.
    status_date: datetime.date
    # The new progress update's text; empty when the row adds none.
    text: str
    visibility: str
    # The answers the row sets, field name to value: a response date is a date, an unblocking
    # step a NextStep (or, for the step the row adds, its text), the others codes and texts.
    answers: dict[str, object] = field(default_factory=dict)
    # The next steps the row adds or changes.
    steps: list[StepChange] = field(default_factory=list)

    @property
    def reference(self) -> str:
        return self.recommendation.reference

    @property
    def old_status(self) -> str:
        return str(Status(self.before.status).label)

    @property
    def new_status(self) -> str:
        return str(Status(self.outcome.status).label)

    @property
    def status_moves(self) -> bool:
        return self.outcome.status != self.before.status

    @property
    def moves(self) -> bool:
        """Any status or the override's reason moves (else the row only adds an update)."""
        return self.outcome != self.before

    @property
    def reason_changes(self) -> bool:
        return self.outcome.override_reason != self.before.override_reason

    @property
    def side_changes(self) -> list[str]:
        """Each side that moves, as "Japan side: Planned → In progress"."""
        return [
            _("%(side)s side: %(old)s → %(new)s")
            % {
                "side": Side(side).label,
                "old": Status(getattr(self.before, field)).label,
                "new": Status(getattr(self.outcome, field)).label,
            }
            for side, field in SIDE_FIELDS.items()
            if getattr(self.before, field) != getattr(self.outcome, field)
        ]

    @property
    def answer_changes(self) -> list[str]:
        """Each response, response date and unblocking step the row sets, as "EU response:
        Accepted"; the other answers (rationales, stalled reasons) in one phrase."""
        parts = []
        for side, response in RESPONSE_FIELDS.items():
            label = Side(side).label
            if response in self.answers:
                parts.append(
                    _("%(side)s response: %(response)s")
                    % {"side": label, "response": Response(str(self.answers[response])).label}
                )
            if isinstance(date := self.answers.get(f"{response}_date"), datetime.date):
                parts.append(_("%(side)s response dated %(date)s") % {"side": label, "date": date})
            if step_field(side) not in self.answers:
                continue
            step = self.answers[step_field(side)]
            parts.append(
                _("%(side)s side unblocked by: %(step)s")
                % {"side": label, "step": shown(getattr(step, "text", str(step)))}
                if step
                else _("%(side)s side: no step named to unblock it") % {"side": label}
            )
        named = {*RESPONSE_FIELDS.values(), *(f"{f}_date" for f in RESPONSE_FIELDS.values())}
        named |= {step_field(side) for side in SIDE_FIELDS}
        if set(self.answers) - named:
            parts.append(_("responses or stalled reasons recorded"))
        return parts

    @property
    def shown_text(self) -> str:
        """The new update's text as the preview and the command quote it: cut like every
        value a message quotes, as a whole text is for the item's page, not a table row."""
        return shown(self.text) or "—"

    @property
    def shown_reason(self) -> str:
        return shown(self.outcome.override_reason)

    @property
    def is_internal(self) -> bool:
        return self.visibility == Visibility.INTERNAL

    @property
    def description(self) -> str:
        """What this change applies, in one line: "AI-1 (Japan side: Planned → In progress,
        overall status: Planned → In progress, new public progress update)"."""
        parts = list(self.side_changes)
        if self.status_moves:
            parts.append(
                _("overall status: %(old)s → %(new)s")
                % {"old": self.old_status, "new": self.new_status}
            )
        if self.reason_changes:
            parts.append(_("reason for overriding the sides recorded"))
        parts += self.answer_changes
        parts += [step.description for step in self.steps]
        if self.text:
            parts.append(
                _("new internal progress update")
                if self.is_internal
                else _("new public progress update")
            )
        return _("%(reference)s (%(changes)s)") % {
            "reference": self.reference,
            "changes": ", ".join(str(part) for part in parts),
        }


@dataclass(frozen=True)
class LeftAlone:
    """A row that changes nothing: as the tracker has it, or (unchanged) for an item the
    uploader may not change."""

    UNCHANGED = "unchanged"
    NOT_YOURS = "not_yours"
    ARCHIVED = "archived"

    row: int
    reference: str
    why: str

    @property
    def explanation(self) -> str:
        return {
            self.UNCHANGED: _("Unchanged."),
            self.NOT_YOURS: _("Unchanged; your organisation does not own it."),
            self.ARCHIVED: _("Unchanged; archived."),
        }[self.why]


@dataclass(frozen=True)
class ImportPlan:
    """The file's changes, in file order, and the rows it leaves alone. Iterating over a plan
    goes through its changes."""

    changes: list[PlannedChange]
    unchanged: list[LeftAlone]
    skipped: list[LeftAlone]

    @classmethod
    def of(cls, judged: list) -> "ImportPlan":
        left = [row for row in judged if isinstance(row, LeftAlone)]
        return cls(
            changes=[row for row in judged if isinstance(row, PlannedChange)],
            unchanged=[row for row in left if row.why == LeftAlone.UNCHANGED],
            skipped=[row for row in left if row.why != LeftAlone.UNCHANGED],
        )

    def __iter__(self) -> Iterator[PlannedChange]:
        return iter(self.changes)

    @property
    def left_alone(self) -> list[LeftAlone]:
        return sorted([*self.unchanged, *self.skipped], key=lambda row: row.row)

    @property
    def versions(self) -> dict[str, int]:
        """The version of each item that changes, for the check between preview and confirm."""
        return {change.reference: change.recommendation.version for change in self.changes}

    @property
    def left_alone_summary(self) -> str:
        unchanged, skipped = len(self.unchanged), len(self.skipped)
        return _("%(unchanged)s; %(skipped)s.") % {
            "unchanged": ngettext("%(count)d row unchanged", "%(count)d rows unchanged", unchanged)
            % {"count": unchanged},
            "skipped": ngettext(
                "%(count)d row skipped (an item you may not change)",
                "%(count)d rows skipped (items you may not change)",
                skipped,
            )
            % {"count": skipped},
        }

    @property
    def applied_message(self) -> str:
        """What confirming applied, exactly, and what it left alone."""
        count = len(self.changes)
        if not count:
            nothing = _("Nothing was changed.")
            return f"{nothing} {self.left_alone_summary}"
        applied = ngettext(
            "Applied %(count)d change: %(changes)s.",
            "Applied %(count)d changes: %(changes)s.",
            count,
        ) % {"count": count, "changes": "; ".join(c.description for c in self.changes)}
        return f"{applied} {self.left_alone_summary}"
