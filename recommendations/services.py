"""Writes that touch more than one row: every status change leaves a progress update behind, so
a recommendation's timeline always explains its current status.

Every write to a recommendation goes through `next_version()`, which locks its row until the
transaction ends and moves its version on, so a form loaded before the write can tell that it
is stale (optimistic locking) and concurrent writers queue instead of overwriting each other.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group, Permission
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from recommendations.bilateral import SIDE_FIELDS, OverrideNeedsReason, resolve
from recommendations.models import (
    Official,
    Owner,
    ProgressUpdate,
    Recommendation,
    Side,
    Status,
    Visibility,
)
from recommendations.permissions import OFFICIAL_PERMISSIONS, OFFICIALS_GROUP

# Bookkeeping fields that change on every save and say nothing to the person merging.
_NOT_COMPARED = {"version", "updated_at", "created_at"}


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: str
    after: str

    def __str__(self):
        return f"{self.field}: “{self.before}” → “{self.after}”"


class EditConflict(Exception):
    """Someone saved the recommendation after the form being submitted was loaded."""

    def __init__(self, *, current: Recommendation, changed_by, changes: list[FieldChange]):
        self.current = current
        self.changed_by = changed_by
        self.changes = changes
        super().__init__(f"{current.reference} changed since version was loaded")


def next_version(recommendation: Recommendation) -> int:
    """Lock the recommendation's row for the rest of the transaction and set its next version.

    Must run inside transaction.atomic(): on PostgreSQL a concurrent writer now waits for this
    transaction to end, then reads the version this one wrote.
    """
    current = (
        Recommendation.objects.select_for_update()
        .values_list("version", flat=True)
        .get(pk=recommendation.pk)
    )
    recommendation.version = current + 1
    return recommendation.version


def _display(field, value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        # Many-to-many rows arrive as {"recommendation": …, "owner": …} dicts.
        related = field.related_model._meta.model_name
        return ", ".join(sorted(str(row[related]) for row in value)) or "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def changes_since(recommendation: Recommendation, version: int) -> tuple[list[FieldChange], object]:
    """What changed on `recommendation` after `version`, field by field, and who saved last."""
    records = recommendation.history.order_by("-history_date", "-history_id")
    latest = records.first()
    loaded = records.filter(version=version).first()
    if latest is None or loaded is None:
        return [], latest.history_user if latest else None
    delta = latest.diff_against(loaded, excluded_fields=_NOT_COMPARED, foreign_keys_are_objs=True)
    changes = []
    for change in sorted(delta.changes, key=lambda c: c.field):
        field = Recommendation._meta.get_field(change.field)
        changes.append(
            FieldChange(
                field=str(field.verbose_name).capitalize(),
                before=_display(field, change.old),
                after=_display(field, change.new),
            )
        )
    return changes, latest.history_user


def check_version(*, recommendation: Recommendation, loaded_version: int) -> None:
    """Refuse a write based on `loaded_version` when someone has saved since.

    `recommendation` must have been read with select_for_update() in the current transaction, so
    nobody can slip a save in between this check and the write that follows it.
    """
    if recommendation.version == loaded_version:
        return
    changes, changed_by = changes_since(recommendation, loaded_version)
    raise EditConflict(current=recommendation, changed_by=changed_by, changes=changes)


def default_status_text(status: str) -> str:
    return _("Status changed to “%(status)s”.") % {"status": Status(status).label}


def _check_status(status: str, field: str) -> None:
    if status not in Status.values:
        raise ValidationError(
            {field: _("“%(status)s” is not a known status.") % {"status": status}}
        )


def set_statuses(
    *,
    recommendation: Recommendation,
    author: AbstractBaseUser | None,
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
    changed, notices = [], []
    for side, field in SIDE_FIELDS.items():
        status = getattr(outcome, field)
        if getattr(recommendation, field) != status:
            setattr(recommendation, field, status)
            setattr(recommendation, f"{field}_date", on)
            setattr(recommendation, f"{field}_by", author)
            changed += [field, f"{field}_date", f"{field}_by"]
            notices.append(
                _("%(side)s side: “%(status)s”.")
                % {"side": Side(side).label, "status": Status(status).label}
            )
    moves = outcome.status != recommendation.status
    if moves:
        recommendation.status = outcome.status
        recommendation.status_date = on
        changed += ["status", "status_date"]
        if notices:
            notices.append(
                _("Overall status now “%(status)s”.") % {"status": Status(outcome.status).label}
            )
    if outcome.override_reason != recommendation.status_override_reason:
        # The reason is internal: the history keeps it, the public update does not say it.
        recommendation.status_override_reason = outcome.override_reason
        changed.append("status_override_reason")
    text = text.strip()
    if not changed and not text:
        return None
    # Side moves are said in words, the update having no field for them; an overall status set
    # alone is in the update's status, and only needs words when the user wrote none.
    notice = " ".join(notices)
    if moves and not notice and not text:
        notice = default_status_text(outcome.status)
    update = None
    if notice or text:
        update = ProgressUpdate(
            recommendation=recommendation,
            date=on,
            author=author,
            text=f"{text}\n\n{notice}" if text and notice else text or notice,
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
                notice or text or _("Reason for overriding the sides changed.")
            )[:100]
            recommendation.save(update_fields=[*changed, "version", "updated_at"])
        if update is not None:
            update.save()
    return update


def change_status(
    *,
    recommendation: Recommendation,
    status: str,
    author: AbstractBaseUser | None,
    reason: str = "",
    **update,
) -> ProgressUpdate | None:
    """The secretariat's setting of the overall status; one other than the sides' needs a
    reason (see set_statuses)."""
    return set_statuses(
        recommendation=recommendation, author=author, overall=status, reason=reason, **update
    )


def set_side_status(
    *,
    recommendation: Recommendation,
    side: str,
    status: str,
    author: AbstractBaseUser | None,
    **update,
) -> ProgressUpdate | None:
    """Set one side's status; the overall status follows unless overridden (see set_statuses)."""
    return set_statuses(
        recommendation=recommendation, author=author, sides={side: status}, **update
    )


def bulk_set_statuses(*, recommendations, **change) -> list[ProgressUpdate]:
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
    author: AbstractBaseUser | None,
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


def _set_archived(*, recommendations, author, archived_at, reason) -> list[Recommendation]:
    changed = []
    with transaction.atomic():
        for recommendation in recommendations:
            if (recommendation.archived_at is None) == (archived_at is None):
                continue
            next_version(recommendation)
            recommendation.archived_at = archived_at
            recommendation._history_user = author
            recommendation._change_reason = reason
            recommendation.save(update_fields=["archived_at", "version", "updated_at"])
            changed.append(recommendation)
    return changed


def archive(*, recommendations, author: AbstractBaseUser | None) -> list[Recommendation]:
    """Hide recommendations from every public page, keeping them and their history."""
    return _set_archived(
        recommendations=recommendations,
        author=author,
        archived_at=timezone.now(),
        reason=_("Archived"),
    )


def restore(*, recommendations, author: AbstractBaseUser | None) -> list[Recommendation]:
    return _set_archived(
        recommendations=recommendations, author=author, archived_at=None, reason=_("Restored")
    )


def officials_group() -> Group:
    """The officials' group with exactly the model permissions the admin needs to show them."""
    group, _created = Group.objects.get_or_create(name=OFFICIALS_GROUP)
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="recommendations", codename__in=OFFICIAL_PERMISSIONS
        )
    )
    return group


def create_official(*, email: str, owner: Owner):
    """A staff account for an official of `owner`, with no usable password yet: they choose one
    through a one-time link, so no password ever travels by e-mail or chat."""
    email = email.strip().lower()
    validate_email(email)
    User = get_user_model()
    if (
        User.objects.filter(username__iexact=email).exists()
        or User.objects.filter(email__iexact=email).exists()
    ):
        raise ValidationError(
            {"email": _("An account for %(email)s already exists.") % {"email": email}}
        )
    with transaction.atomic():
        user = User(username=email, email=email)
        # Unusable, and unguessable until they set their own.
        user.set_unusable_password()
        user.save()
        Official.objects.create(user=user, owner=owner)
        enrol_official(user)
    return user


def enrol_official(user) -> None:
    """What makes a linked user an official in the admin: staff status and the officials' group
    (the admin's Officials page links existing users through this too)."""
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.groups.add(officials_group())
