"""The rules a next step follows, on plain values so the admin form, the import and the service
under lock all ask the same: its target date is not before the recommendation's date, a step
slips only to a later date and with a reason, a done step says when, its state is one we know."""

import datetime
from collections.abc import Mapping

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from recommendations.rules.choices import StepState

# What a step's change may set.
STEP_FIELDS = (
    "text",
    "text_ja",
    "target_date",
    "state",
    "done_on",
    "evidence_url",
    "slip_reason",
    "visibility",
)


def _day(day: datetime.date) -> str:
    return date_format(day, "DATE_FORMAT")


def step_errors(
    *,
    made_on: datetime.date,
    today: datetime.date,
    before: Mapping[str, object] | None,
    after: Mapping[str, object],
) -> dict[str, str]:
    """What is wrong with a step going from `before` (None for a new one) to `after`, by field;
    `made_on` is the recommendation's date."""
    errors: dict[str, str] = {}
    state = str(after.get("state") or StepState.PLANNED)
    if state not in StepState.values:
        errors["state"] = _("“%(state)s” is not a known state of a next step.") % {"state": state}
        return errors
    if not str(after.get("text") or "").strip():
        errors["text"] = _("Describe the next step.")
    target = after.get("target_date")
    if not isinstance(target, datetime.date):
        errors["target_date"] = _("Give the next step's target date.")
        return errors
    old_target = before.get("target_date") if before else None
    moved = isinstance(old_target, datetime.date) and target != old_target
    if before is None and target < made_on:
        errors["target_date"] = _(
            "The target date, %(target)s, is before the recommendation's date, %(made)s."
        ) % {"target": _day(target), "made": _day(made_on)}
    if moved and isinstance(old_target, datetime.date):
        reason = str(after.get("slip_reason") or "").strip()
        old_reason = str((before or {}).get("slip_reason") or "").strip()
        if target < old_target:
            errors["target_date"] = _(
                "A step slips to a later date, not an earlier one: %(target)s is before %(old)s."
            ) % {"target": _day(target), "old": _day(old_target)}
        elif not reason or reason == old_reason:
            errors["slip_reason"] = _("Say why the step slipped to %(target)s.") % {
                "target": _day(target)
            }
    elif state == StepState.SLIPPED and (before or {}).get("state") != StepState.SLIPPED:
        errors["target_date"] = _("A step that slips needs its new target date.")
    if state == StepState.DONE:
        done_on = after.get("done_on")
        if not isinstance(done_on, datetime.date):
            errors["done_on"] = _("Give the day the step was done.")
        elif done_on > today:
            errors["done_on"] = _("The day the step was done, %(day)s, is still to come.") % {
                "day": _day(done_on)
            }
    return errors


def settled_state(*, before: Mapping[str, object] | None, after: Mapping[str, object]) -> str:
    """The state a step is saved in: done if done, slipped once its date has moved."""
    state = str(after.get("state") or StepState.PLANNED)
    if state == StepState.DONE:
        return state
    if before is not None and before.get("target_date") != after.get("target_date"):
        return StepState.SLIPPED
    return StepState.SLIPPED if before and before.get("state") == StepState.SLIPPED else state
