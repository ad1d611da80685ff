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


def change_status(
    *,
    recommendation: Recommendation,
    status: str,
    author: AbstractBaseUser | None,
    text: str = "",
    evidence_url: str = "",
    visibility: str = Visibility.PUBLIC,
    on: datetime.date | None = None,
) -> ProgressUpdate:
    """Set a recommendation's status and record the progress update that explains it."""
    if status not in Status.values:
        raise ValidationError(
            {"status": _("“%(status)s” is not a known status.") % {"status": status}}
        )
    on = on or timezone.localdate()
    update = ProgressUpdate(
        recommendation=recommendation,
        date=on,
        author=author,
        text=text or default_status_text(status),
        evidence_url=evidence_url,
        status=status,
        visibility=visibility,
    )
    update.full_clean()
    with transaction.atomic():
        next_version(recommendation)
        recommendation.status = status
        recommendation.status_date = on
        # simple-history reads these when it writes the historical row.
        recommendation._history_user = author
        recommendation._change_reason = update.text[:100]
        recommendation.save(update_fields=["status", "status_date", "version", "updated_at"])
        update.save()
    return update


def bulk_change_status(
    *,
    recommendations,
    status: str,
    author: AbstractBaseUser | None,
    text: str = "",
    visibility: str = Visibility.PUBLIC,
) -> list[ProgressUpdate]:
    """Change many statuses at once, all or nothing, with one progress update each."""
    with transaction.atomic():
        return [
            change_status(
                recommendation=recommendation,
                status=status,
                author=author,
                text=text,
                visibility=visibility,
            )
            for recommendation in recommendations
        ]


def record_update(
    *,
    update: ProgressUpdate,
    author: AbstractBaseUser | None,
) -> ProgressUpdate:
    """Save a progress update written by an official; one that sets a status applies it."""
    update.author = update.author or author
    update.full_clean()
    with transaction.atomic():
        update.save()
        recommendation = update.recommendation
        if update.status and update.status != recommendation.status:
            next_version(recommendation)
            recommendation.status = update.status
            recommendation.status_date = update.date
            recommendation._history_user = author
            recommendation._change_reason = update.text[:100]
            recommendation.save(update_fields=["status", "status_date", "version", "updated_at"])
    return update


def set_side_status(
    *,
    recommendation: Recommendation,
    side: str,
    status: str,
    author: AbstractBaseUser | None,
    text: str = "",
    visibility: str = Visibility.PUBLIC,
    on: datetime.date | None = None,
) -> ProgressUpdate | None:
    """Set one side's status (who may is `permissions.can_set_side`'s to say, before calling).

    The overall status follows the sides (bilateral.derived_status) unless the secretariat
    overrides it; the progress update recorded says what the side did and, when the overall
    status moves, where it now stands. Returns None when the side already had that status.
    """
    from recommendations.bilateral import SIDE_FIELDS, derived_status

    if side not in SIDE_FIELDS:
        raise ValidationError({"side": _("“%(side)s” is not a side.") % {"side": side}})
    if status not in Status.values:
        raise ValidationError(
            {"status": _("“%(status)s” is not a known status.") % {"status": status}}
        )
    field = SIDE_FIELDS[side]
    if getattr(recommendation, field) == status:
        return None
    on = on or timezone.localdate()
    setattr(recommendation, field, status)
    overall = recommendation.status
    if not recommendation.status_overridden:
        overall = derived_status(recommendation.eu_status, recommendation.japan_status)
    notice = _("%(side)s side: “%(status)s”.") % {
        "side": Side(side).label,
        "status": Status(status).label,
    }
    moves = overall != recommendation.status
    if moves:
        notice += " " + _("Overall status now “%(status)s”.") % {"status": Status(overall).label}
    update = ProgressUpdate(
        recommendation=recommendation,
        date=on,
        author=author,
        text=f"{text.strip()}\n\n{notice}" if text.strip() else notice,
        status=overall if moves else "",
        visibility=visibility,
    )
    update.full_clean()
    with transaction.atomic():
        next_version(recommendation)
        setattr(recommendation, f"{field}_date", on)
        setattr(recommendation, f"{field}_by", author)
        changed = [field, f"{field}_date", f"{field}_by", "version", "updated_at"]
        if moves:
            recommendation.status = overall
            recommendation.status_date = on
            changed += ["status", "status_date"]
        recommendation._history_user = author
        recommendation._change_reason = notice[:100]
        recommendation.save(update_fields=changed)
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
