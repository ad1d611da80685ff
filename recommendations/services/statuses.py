"""Status changes and progress updates: every status change leaves a progress update behind, so
a recommendation's timeline always explains its current status."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from recommendations.bilateral import OverrideNeedsReason, resolve
from recommendations.choices import SIDE_FIELDS, Status, UpdateKind, Visibility
from recommendations.models import ProgressUpdate, Recommendation
from recommendations.services.versions import next_version


def _check_status(status: str, field: str) -> None:
    if status not in Status.values:
        raise ValidationError(
            {field: _("“%(status)s” is not a known status.") % {"status": status}}
        )


def set_statuses(
    *,
    recommendation: Recommendation,
    author: User | None,
    sides: dict[str, str] | None = None,
    overall: str | None = None,
    reason: str = "",
    text: str = "",
    evidence_url: str = "",
    visibility: str = Visibility.PUBLIC,
    on: datetime.date | None = None,
) -> ProgressUpdate | None:
    """Set side statuses and, for the secretariat, the overall status, as one change with one
    progress update and one history record. Who may set what is `permissions`' to say, before
    calling.

    The overall status follows the sides unless the secretariat overrides it with a reason
    (bilateral.resolve); a `reason` given here is recorded on the item. The progress update
    carries `text` and says what moved; with nothing moved and no text, nothing is recorded and
    None is returned.
    """
    sides = sides or {}
    for side, status in sides.items():
        if side not in SIDE_FIELDS:
            raise ValidationError({"side": _("“%(side)s” is not a side.") % {"side": side}})
        _check_status(status, SIDE_FIELDS[side])
    if overall is not None:
        _check_status(overall, "status")
    try:
        outcome = resolve(recommendation, sides=sides, overall=overall, reason=reason)
    except OverrideNeedsReason as problem:
        raise ValidationError({"status_override_reason": str(problem)}) from None

    on = on or timezone.localdate()
    changed: list[str] = []
    moved: dict[str, str] = {}
    for side, field in SIDE_FIELDS.items():
        status = getattr(outcome, field)
        if getattr(recommendation, field) != status:
            setattr(recommendation, field, status)
            setattr(recommendation, f"{field}_date", on)
            setattr(recommendation, f"{field}_by", author)
            changed += [field, f"{field}_date", f"{field}_by"]
            moved[side] = status
    moves = outcome.status != recommendation.status
    if moves:
        recommendation.status = outcome.status
        recommendation.status_date = on
        changed += ["status", "status_date"]
    if outcome.override_reason != recommendation.status_override_reason:
        # The reason is internal: the history keeps it, the public update does not say it.
        recommendation.status_override_reason = outcome.override_reason
        changed.append("status_override_reason")
    text = text.strip()
    if not changed and not text:
        return None
    # What moved is stored as data and put into words when read, in the reader's language.
    kind = UpdateKind.CHANGE if moved or moves else UpdateKind.NOTE
    update = None
    if kind == UpdateKind.CHANGE or text:
        update = ProgressUpdate(
            recommendation=recommendation,
            date=on,
            author=author,
            kind=kind,
            text=text,
            sides=moved,
            evidence_url=evidence_url,
            status=outcome.status if moves else "",
            visibility=visibility,
        )
        update.full_clean()
    with transaction.atomic():
        if changed:
            next_version(recommendation)
            # simple-history reads these when it writes the historical row.
            recommendation._history_user = author
            recommendation._change_reason = (
                (update.message if update else "") or _("Reason for overriding the sides changed.")
            )[:100]
            recommendation.save(update_fields=[*changed, "version", "updated_at"])
        if update is not None:
            update.save()
    return update


def bulk_set_statuses(
    *, recommendations: Iterable[Recommendation], **change: Any
) -> list[ProgressUpdate]:
    """The same change on many recommendations, all or nothing, one progress update each."""
    with transaction.atomic():
        updates = [
            set_statuses(recommendation=recommendation, **change)
            for recommendation in recommendations
        ]
    return [update for update in updates if update is not None]


def record_update(
    *,
    update: ProgressUpdate,
    author: User | None,
) -> ProgressUpdate:
    """Save a progress update written by an official or the secretariat.

    Statuses are set on the recommendation (set_statuses), which records the update that says
    so; an update that claims to set one is refused rather than recorded as if it had.
    """
    update.author = update.author or author
    if update.status:
        raise ValidationError(
            {"status": _("Set the status on the recommendation itself; updates only record it.")}
        )
    update.full_clean()
    update.save()
    return update
