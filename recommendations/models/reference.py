"""The report's reference data: the topics its recommendations are grouped under, the
organisations that made them, the government bodies that own them and the Councils that
follow-up is measured by."""

import datetime

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from recommendations.rules.bilateral import stale_cutoff
from recommendations.rules.choices import Side


class CodeManager(models.Manager):
    """Looks rows up by their stable code, so fixtures load into any database."""

    natural_key_field = "code"

    def get_by_natural_key(self, key):
        return self.get(**{self.natural_key_field: key})


class SlugManager(CodeManager):
    natural_key_field = "slug"


def localised_name(name: str, name_ja: str) -> str:
    """A name in the active language, given its English and Japanese forms: a topic's, an owner's,
    a government's; also for callers holding the two names without the row (rows of counts)."""
    if translation.get_language() == "ja" and name_ja:
        return name_ja
    return name


class Topic(models.Model):
    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=100)
    printed_name = models.CharField(
        _("name as printed in the report"),
        max_length=100,
        help_text=_("The report's own spelling, kept even where it is a typo (DDFT)."),
    )
    name_ja = models.CharField(_("Japanese name"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("position in the report"), unique=True)

    objects = CodeManager()

    class Meta:
        ordering = ["position"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("recommendations:topic", args=[self.code])

    @property
    def localised_name(self) -> str:
        """The name in the active language: the Japanese one where it has been entered."""
        return localised_name(self.name, self.name_ja)

    def natural_key(self):
        return (self.code,)


class Organisation(models.Model):
    """A stakeholder that made recommendations at the workshop."""

    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    acronym = models.CharField(_("acronym"), max_length=40, unique=True)
    name = models.CharField(_("full name"), max_length=200)
    name_ja = models.CharField(
        _("Japanese name"),
        max_length=200,
        blank=True,
        help_text=_("The organisation's own Japanese name, e.g. 在欧日系ビジネス協議会."),
    )
    side = models.CharField(_("side"), max_length=10, choices=Side)
    report_spellings = models.CharField(
        _("other spellings in the report"),
        max_length=200,
        blank=True,
        help_text=_("How the report also writes this name, comma-separated."),
    )

    objects = SlugManager()

    class Meta:
        ordering = ["acronym"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=Q(side__in=Side.values), name="organisation_side_valid"
            )
        ]

    def __str__(self):
        return self.acronym

    def get_absolute_url(self):
        return reverse("recommendations:organisation", args=[self.slug])

    @property
    def localised_name(self) -> str:
        """The name in the active language: the organisation's own Japanese name where it has
        one."""
        return localised_name(self.name, self.name_ja)

    def natural_key(self):
        return (self.slug,)


class Owner(models.Model):
    """A government body responsible for following up recommendations."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_ja = models.CharField(
        _("Japanese name"),
        max_length=200,
        blank=True,
        help_text=_("The body's official Japanese name, e.g. 経済産業省."),
    )
    government = models.CharField(_("government"), max_length=100)
    government_ja = models.CharField(_("government in Japanese"), max_length=100, blank=True)
    side = models.CharField(_("side"), max_length=10, choices=Side)

    objects = CodeManager()

    class Meta:
        ordering = ["side", "code"]
        verbose_name = _("owner")
        verbose_name_plural = _("owners")
        constraints = [
            models.CheckConstraint(
                condition=Q(side__in=[Side.EU, Side.JAPAN]), name="owner_side_eu_or_japan"
            )
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)

    @property
    def localised_name(self) -> str:
        """The name in the active language: the Japanese one where it has been entered."""
        return localised_name(self.name, self.name_ja)

    @property
    def localised_government(self) -> str:
        return localised_name(self.government, self.government_ja)


class CouncilManager(models.Manager["Council"]):
    def get_by_natural_key(self, number):
        return self.get(number=number)

    def next_and_last(self, today):
        """The next Council (undated, or the first still to come) and the last one held.

        One query: there are a handful of Councils, and either may be None."""
        councils = list(self.all())
        held = [(c.date, c) for c in councils if c.date is not None and c.date < today]
        coming = [c for c in councils if c.date is None or c.date >= today]
        last = max(held, key=lambda dated: dated[0])[1] if held else None
        # A dated Council to come is the next one before any still undated.
        coming.sort(key=lambda c: (c.date is None, c.date or today, c.number))
        return (coming[0] if coming else None), last

    def stale_cutoff(self, today: datetime.date) -> datetime.date:
        """The date an item's last activity must reach not to be stale today, counted back from
        the next Council (bilateral.stale_cutoff)."""
        next_council, _last = self.next_and_last(today)
        return stale_cutoff(next_council.date if next_council else None, today)


class Council(models.Model):
    """An EU-Japan Digital Partnership Council meeting: the milestones follow-up is measured by."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    place = models.CharField(_("place"), max_length=100, blank=True)
    date = models.DateField(_("date"), null=True, blank=True, help_text=_("Empty until known."))

    objects = CouncilManager()

    class Meta:
        ordering = ["number"]
        verbose_name = _("Council")
        verbose_name_plural = _("Councils")

    def __str__(self):
        return _("Digital Partnership Council no. %(number)s") % {"number": self.number}

    def natural_key(self):
        return (self.number,)
