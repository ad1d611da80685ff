"""The rules of a side's answers beside its status: "noted" and "not accepted" come with the
government's rationale, and a stalled side says why (a reason from the list, "other" with its
detail). Asked by the admin form before a save and by services.statuses under lock."""

from django.utils.translation import gettext as _

from recommendations.rules.choices import (
    RESPONSE_FIELDS,
    RESPONSES_NEEDING_RATIONALE,
    SIDE_FIELDS,
    STALLED_FIELDS,
    Response,
    Side,
    StalledReason,
    Status,
)


def detail_field(side: str) -> str:
    return STALLED_FIELDS[side].replace("_reason", "_detail")


def step_field(side: str) -> str:
    """The field naming the side's next step that would unblock it."""
    return STALLED_FIELDS[side].replace("_reason", "_step")


def answer_errors(item: object, *, changed: set[str], moved: set[str]) -> dict[str, str]:
    """What is wrong with each side's answers on `item`, by field: only for what `changed`
    (field names) or `moved` (sides whose status moved) touches, so an item stalled before
    reasons were asked for is not held up by an unrelated change."""
    errors: dict[str, str] = {}
    for side, status_field in SIDE_FIELDS.items():
        label = Side(side).label
        response = RESPONSE_FIELDS[side]
        rationale = f"{response}_rationale"
        answer = str(getattr(item, response))
        if (
            {response, rationale} & changed
            and answer in RESPONSES_NEEDING_RATIONALE
            and not str(getattr(item, rationale)).strip()
        ):
            errors[rationale] = _(
                "A response of “%(response)s” needs its rationale: say why the %(side)s side "
                "gave it."
            ) % {"response": Response(answer).label, "side": label}
        reason_field, detail = STALLED_FIELDS[side], detail_field(side)
        if getattr(item, status_field) != Status.STALLED:
            continue
        if side not in moved and not {reason_field, detail} & changed:
            continue
        reason = getattr(item, reason_field)
        if not reason:
            errors[reason_field] = _("Say why the %(side)s side is stalled: choose a reason.") % {
                "side": label
            }
        elif reason == StalledReason.OTHER and not str(getattr(item, detail)).strip():
            errors[detail] = _("Describe what stalls the %(side)s side.") % {"side": label}
        step = getattr(item, step_field(side))
        if step is not None and (
            step.recommendation_id != getattr(item, "pk", None) or step.side != side
        ):
            errors[step_field(side)] = _(
                "The step that would unblock the %(side)s side must be one of its own next "
                "steps on this recommendation."
            ) % {"side": label}
    return errors


def cleared_stall(item: object) -> list[str]:
    """The stalled reason fields to empty on `item`: those of sides no longer stalled."""
    return [
        field
        for side, status_field in SIDE_FIELDS.items()
        if getattr(item, status_field) != Status.STALLED
        for field in (STALLED_FIELDS[side], detail_field(side), step_field(side))
        # The step by its key: no query to learn that there is one.
        if getattr(item, f"{field}_id" if field == step_field(side) else field)
    ]
