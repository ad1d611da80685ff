"""The Japanese translation of a recommendation's text: which text a reader sees, what they are
told about it (暫定訳, 確認済み, 原文更新のため要確認), and the fields that record it."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from recommendations.rules.choices import TranslationStatus


def english_fingerprint(title: str, text: str) -> str:
    """The SHA-256 of an item's English title and text: what a Japanese translation records it
    was made from, so a later change to the English shows."""
    return hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()


def shows_japanese(text_ja: str) -> bool:
    """The one language rule for an item's text: Japanese readers get the Japanese where there
    is one, everyone else (and Japanese readers of an untranslated item) the English."""
    return bool(text_ja) and get_language() == "ja"


def translation_status(*, stored: str, text_ja: str, source: str, title: str, text: str) -> str:
    """The translation's status as a reader should see it: out of date as soon as the English
    differs from the text it was made from, whatever write forgot to say so."""
    if not text_ja:
        return TranslationStatus.NONE
    if stored == TranslationStatus.NONE:
        # Japanese nobody vouched for (written straight into the row) is at best provisional.
        return TranslationStatus.PROVISIONAL
    if stored in (TranslationStatus.PROVISIONAL, TranslationStatus.CONFIRMED) and (
        source != english_fingerprint(title, text)
    ):
        return TranslationStatus.OUT_OF_DATE
    return stored


class LocalisedText:
    """Which text of an item a reader sees, and what they are told about its translation: the
    one home of that rule for the pages, the report's formats, the feeds and the API, shared by
    the model and the report's rows (which carry the same fields as plain values)."""

    __slots__ = ()
    title: str
    text: str
    title_ja: str
    text_ja: str
    text_ja_status: str
    text_ja_source: str

    @property
    def shows_japanese(self) -> bool:
        return shows_japanese(self.text_ja)

    @property
    def text_language(self) -> str:
        """The language code of the text shown, for the lang attribute around it."""
        return "ja" if self.shows_japanese else "en"

    @property
    def localised_title(self) -> str:
        """The title in the language the text is shown in (empty where the item has none)."""
        return (self.title_ja or self.title) if self.shows_japanese else self.title

    @property
    def localised_text(self) -> str:
        return self.text_ja if self.shows_japanese else self.text

    @property
    def localised_heading_and_text(self) -> str:
        """The text as one line: the heading of a stakeholder item, then its text."""
        title = self.localised_title
        return f"{title}: {self.localised_text}" if title else self.localised_text

    @property
    def localised_short_text(self) -> str:
        text = self.localised_title or self.localised_text
        return text if len(text) <= 80 else text[:79].rstrip() + "…"

    @property
    def english_fingerprint(self) -> str:
        return english_fingerprint(self.title, self.text)

    @property
    def translation_status(self) -> str:
        return translation_status(
            stored=self.text_ja_status,
            text_ja=self.text_ja,
            source=self.text_ja_source,
            title=self.title,
            text=self.text,
        )

    def get_translation_status_display(self) -> str:
        return str(TranslationStatus(self.translation_status).label)

    @property
    def translation_label(self) -> str:
        """What a Japanese reader is told about the text shown (暫定訳, 確認済み, …, or that
        there is no translation); nothing for readers of the English."""
        return self.get_translation_status_display() if get_language() == "ja" else ""


class TranslationFields(LocalisedText, models.Model):
    """The record of a recommendation's translation, beside its title_ja and text_ja."""

    # Set by services.translations: loaded as the secretariat's provisional translation,
    # confirmed (or corrected) by an official of the owners, out of date once the English moves.
    text_ja_status = models.CharField(
        _("Japanese translation"),
        max_length=20,
        choices=TranslationStatus,
        default=TranslationStatus.NONE,
        editable=False,
    )
    text_ja_source = models.CharField(
        _("English the translation was made from"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("SHA-256 of the English title and text."),
    )
    text_ja_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("translation confirmed by"),
    )
    text_ja_confirmed_at = models.DateTimeField(
        _("translation confirmed"), null=True, blank=True, editable=False
    )

    class Meta:
        abstract = True
