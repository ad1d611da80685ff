"""An author's second thoughts about their own progress update: corrected (its words or its
link) or withdrawn, within the round it was written in (permissions.can_amend). Each is one
write of the update, recorded in its history with who and why; a withdrawn update leaves every
public page, the report and the feeds, and stays in the admin's timeline and history."""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from recommendations.models import ProgressUpdate
from recommendations.rules import permissions
from recommendations.rules.choices import UpdateKind

KEPT_ON_THE_TIMELINE = _lazy(
    "A status change stays on the timeline: correct its words, or set the status again."
)
# simple-history's change reason holds this much.
REASON_LENGTH = 100


def _locked(update_id: int, author: User) -> ProgressUpdate:
    """The update under lock, re-read, once the author's right to amend it is checked on it."""
    update = (
        ProgressUpdate.objects.select_for_update()
        .select_related("recommendation")
        .get(pk=update_id)
    )
    now = timezone.now()
    if not permissions.can_amend(author, update, since=permissions.amendable_since(now)):
        raise PermissionDenied(
            _("Only its author may correct or withdraw this update, within its round.")
        )
    return update


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why, for the update's history.")})
    return reason[:REASON_LENGTH]


def correct_update(
    *, update_id: int, author: User, text: str, evidence_url: str, reason: str
) -> ProgressUpdate:
    """Replace the words and the evidence link of an update; its date, kind and what it moved
    stay as recorded. Marked as corrected from now on."""
    why = _reason(reason)
    with transaction.atomic():
        update = _locked(update_id, author)
        text, evidence_url = text.strip(), evidence_url.strip()
        if (text, evidence_url) == (update.text, update.evidence_url):
            raise ValidationError(
                {"text": _("Nothing was corrected: change the text or the link.")}
            )
        update.text, update.evidence_url = text, evidence_url
        update.corrected_at = timezone.now()
        update.full_clean()
        # simple-history reads these when it writes the historical row.
        update._history_user = author  # type: ignore[attr-defined]
        update._change_reason = why  # type: ignore[attr-defined]
        update.save(update_fields=["text", "evidence_url", "corrected_at"])
    return update


def withdraw_update(*, update_id: int, author: User, reason: str) -> ProgressUpdate:
    """Take a note back: gone from every page and report, kept in the admin with its history.
    A status change is not withdrawn: the status it set stands until set again, with its own
    update, so the timeline keeps explaining it."""
    why = _reason(reason)
    with transaction.atomic():
        update = _locked(update_id, author)
        if update.kind != UpdateKind.NOTE:
            raise ValidationError(KEPT_ON_THE_TIMELINE)
        update.withdrawn_at = timezone.now()
        update._history_user = author  # type: ignore[attr-defined]
        update._change_reason = why  # type: ignore[attr-defined]
        update.save(update_fields=["withdrawn_at"])
    return update
