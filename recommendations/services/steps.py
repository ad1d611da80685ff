"""Each side's next steps: added, done or slipped by the side's own officials or the secretariat,
one write and one history row per change, decided on the rows as they are under lock. The admin's
change form and the spreadsheet import both write through here."""

import datetime
from collections.abc import Mapping

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from recommendations.models import NextStep, Recommendation
from recommendations.rules import permissions
from recommendations.rules.choices import Side, StepState, Visibility
from recommendations.rules.steps import STEP_FIELDS, settled_state, step_errors


def made_on(recommendation: Recommendation) -> datetime.date:
    """The recommendation's date: the day it was made (the workshop's, for the report's items)."""
    return timezone.localdate(recommendation.created_at)


def values_of(step: NextStep) -> dict[str, object]:
    """A step's fields as the rules read them."""
    return {field: getattr(step, field) for field in STEP_FIELDS}


def _check_side(*, author: User | None, recommendation: Recommendation, side: str) -> None:
    """Refuse a side that is not the EU's or Japan's, or one `author` may not set; no author is
    the tracker itself (the secretariat's command line), which answers to nobody."""
    if side not in (Side.EU, Side.JAPAN):
        raise ValidationError({"side": _("A next step is the EU's or Japan's.")})
    if author is not None and not permissions.can_set_side(author, recommendation, side):
        raise PermissionDenied(
            _("You may not change the %(side)s next steps of %(reference)s.")
            % {"side": Side(side).label, "reference": recommendation.reference}
        )


@transaction.atomic
def add_step(
    *,
    recommendation: Recommendation,
    side: str,
    text: str,
    target_date: datetime.date,
    author: User | None,
    text_ja: str = "",
    visibility: str = Visibility.PUBLIC,
) -> NextStep:
    """Record a planned next step of `side` on `recommendation`."""
    locked = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    _check_side(author=author, recommendation=locked, side=side)
    after: dict[str, object] = {
        "text": text.strip(),
        "text_ja": text_ja.strip(),
        "target_date": target_date,
        "state": StepState.PLANNED,
        "visibility": visibility,
    }
    errors = step_errors(
        made_on=made_on(locked), today=timezone.localdate(), before=None, after=after
    )
    if errors:
        raise ValidationError(errors)
    step = NextStep(
        recommendation=locked,
        side=side,
        first_target_date=target_date,
        author=author,
        **after,
    )
    step.full_clean()
    step._history_user = author  # type: ignore[attr-defined]
    step.save()
    return step


@transaction.atomic
def update_step(*, step: NextStep, author: User | None, changes: Mapping[str, object]) -> NextStep:
    """Apply `changes` (fields of STEP_FIELDS) to `step` as one write, read under lock: a moved
    target date is a slip (its first date kept, a reason asked for), a done state needs its day.
    A change that changes nothing writes nothing."""
    unknown = sorted(set(changes) - set(STEP_FIELDS))
    if unknown:
        raise ValidationError(
            {unknown[0]: _("“%(field)s” is not a field of a next step.") % {"field": unknown[0]}}
        )
    locked = NextStep.objects.select_for_update().select_related("recommendation").get(pk=step.pk)
    _check_side(author=author, recommendation=locked.recommendation, side=locked.side)
    before = values_of(locked)
    after = {**before, **changes}
    for field in ("text", "text_ja", "slip_reason", "evidence_url"):
        after[field] = str(after[field] or "").strip()
    if after == before:
        return locked
    errors = step_errors(
        made_on=made_on(locked.recommendation),
        today=timezone.localdate(),
        before=before,
        after=after,
    )
    if errors:
        raise ValidationError(errors)
    after["state"] = settled_state(before=before, after=after)
    if after["state"] != StepState.DONE:
        after["done_on"] = None
    for field, value in after.items():
        setattr(locked, field, value)
    locked.full_clean()
    locked._history_user = author  # type: ignore[attr-defined]
    locked.save()
    return locked


def complete_step(
    *, step: NextStep, author: User | None, done_on: datetime.date, evidence_url: str = ""
) -> NextStep:
    """Mark `step` done on `done_on`, with the link to what shows it."""
    changes = {"state": StepState.DONE, "done_on": done_on}
    return update_step(
        step=step,
        author=author,
        changes=changes | ({"evidence_url": evidence_url} if evidence_url else {}),
    )


def slip_step(
    *, step: NextStep, author: User | None, target_date: datetime.date, reason: str
) -> NextStep:
    """Move `step` to the later `target_date`, saying why; its first date stays recorded."""
    return update_step(
        step=step,
        author=author,
        changes={"target_date": target_date, "slip_reason": reason, "state": StepState.SLIPPED},
    )
