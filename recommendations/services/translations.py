"""The Japanese translation of a recommendation: the secretariat's provisional one loaded with the
report, an official's confirmation or correction, and the flag raised when the English it was made
from changes."""

from collections.abc import Collection

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from recommendations.models import Recommendation
from recommendations.rules import permissions
from recommendations.rules.choices import TranslationStatus
from recommendations.services.versions import next_version

ENGLISH_FIELDS = frozenset({"title", "text"})
JAPANESE_FIELDS = frozenset({"title_ja", "text_ja"})
# What apply_edit sets on the item: saved with the edit that set it.
RECORD_FIELDS = frozenset(
    {"text_ja_status", "text_ja_source", "text_ja_confirmed_by", "text_ja_confirmed_at"}
)
LOADED_REASON = "Provisional Japanese translation loaded"


def apply_edit(
    *,
    recommendation: Recommendation,
    editor: User,
    changed: Collection[str],
    confirm: bool,
) -> None:
    """Set the translation's status for an edit about to be saved, on the unsaved item: Japanese
    typed or ticked as confirmed is confirmed by `editor` now, against the English as it stands;
    English changed without its Japanese leaves the translation out of date.

    The caller saves the item, so the edit and its status make one history record."""
    japanese_changed = bool(JAPANESE_FIELDS & set(changed))
    if japanese_changed or confirm:
        if not permissions.can_change(editor, recommendation):
            raise PermissionDenied
        if not recommendation.text_ja:
            _clear(recommendation)
            return
        recommendation.text_ja_status = TranslationStatus.CONFIRMED
        recommendation.text_ja_source = recommendation.english_fingerprint
        recommendation.text_ja_confirmed_by = editor
        recommendation.text_ja_confirmed_at = timezone.now()
        return
    if ENGLISH_FIELDS & set(changed):
        flag_if_out_of_date(recommendation)


def flag_if_out_of_date(recommendation: Recommendation) -> bool:
    """Mark the translation out of date if the English differs from the one it was made from
    (unsaved: the caller saves). Says whether it did."""
    if recommendation.translation_status != TranslationStatus.OUT_OF_DATE:
        return False
    if recommendation.text_ja_status == TranslationStatus.OUT_OF_DATE:
        return False
    recommendation.text_ja_status = TranslationStatus.OUT_OF_DATE
    return True


@transaction.atomic
def load_provisional(*, recommendation: Recommendation, title_ja: str, text_ja: str) -> bool:
    """Give the item the secretariat's provisional translation, unless officials have confirmed
    or corrected one, or the English has moved on since. Says whether anything was written, so a
    second load writes nothing."""
    stored = recommendation.text_ja_status
    if recommendation.text_ja and stored != TranslationStatus.PROVISIONAL:
        return False
    if stored == TranslationStatus.PROVISIONAL and (
        recommendation.translation_status != TranslationStatus.PROVISIONAL
    ):
        return False
    if (
        stored == TranslationStatus.PROVISIONAL
        and recommendation.text_ja == text_ja
        and recommendation.title_ja == title_ja
    ):
        return False
    recommendation.title_ja = title_ja
    recommendation.text_ja = text_ja
    recommendation.text_ja_status = TranslationStatus.PROVISIONAL
    recommendation.text_ja_source = recommendation.english_fingerprint
    recommendation.text_ja_confirmed_by = None
    recommendation.text_ja_confirmed_at = None
    next_version(recommendation)
    recommendation._change_reason = LOADED_REASON
    recommendation.save()
    return True


def _clear(recommendation: Recommendation) -> None:
    recommendation.text_ja_status = TranslationStatus.NONE
    recommendation.text_ja_source = ""
    recommendation.text_ja_confirmed_by = None
    recommendation.text_ja_confirmed_at = None
