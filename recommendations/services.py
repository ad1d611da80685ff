"""Writes that touch more than one row: every status change leaves a progress update behind, so
a recommendation's timeline always explains its current status."""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from recommendations.models import ProgressUpdate, Recommendation, Status, Visibility


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
        recommendation.status = status
        recommendation.status_date = on
        # simple-history reads these when it writes the historical row.
        recommendation._history_user = author
        recommendation._change_reason = update.text[:100]
        recommendation.save(update_fields=["status", "status_date", "updated_at"])
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
            recommendation.status = update.status
            recommendation.status_date = update.date
            recommendation._history_user = author
            recommendation._change_reason = update.text[:100]
            recommendation.save(update_fields=["status", "status_date", "updated_at"])
    return update
