"""Archiving: recommendations are hidden from the public pages, never deleted. The item's own
address says it was archived, when, and the public reason given."""

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from recommendations.models import Recommendation
from recommendations.services.versions import next_version


def _set_archived(
    *,
    recommendations: Iterable[Recommendation],
    author: User | None,
    archived_at: datetime.datetime | None,
    public_reason: str,
    reason: str,
) -> list[Recommendation]:
    changed = []
    with transaction.atomic():
        for recommendation in recommendations:
            if (recommendation.archived_at is None) == (archived_at is None):
                continue
            next_version(recommendation)
            recommendation.archived_at = archived_at
            recommendation.archived_reason = public_reason
            recommendation._history_user = author
            recommendation._change_reason = reason
            recommendation.save(
                update_fields=["archived_at", "archived_reason", "version", "updated_at"]
            )
            changed.append(recommendation)
    return changed


def archive(
    *, recommendations: Iterable[Recommendation], author: User | None, reason: str = ""
) -> list[Recommendation]:
    """Hide recommendations from every public page, keeping them and their history; `reason`
    is the public one, shown at each item's address."""
    public_reason = reason.strip()
    return _set_archived(
        recommendations=recommendations,
        author=author,
        archived_at=timezone.now(),
        public_reason=public_reason,
        # The public reason is in the history as the field's own change.
        reason=_("Archived"),
    )


def restore(
    *, recommendations: Iterable[Recommendation], author: User | None
) -> list[Recommendation]:
    return _set_archived(
        recommendations=recommendations,
        author=author,
        archived_at=None,
        public_reason="",
        reason=_("Restored"),
    )
