import zoneinfo

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from recommendations.models.reference import Owner
from recommendations.rules.choices import Side

# Where each side's officials work, unless their entry names another zone.
SIDE_TIME_ZONES: dict[str, str] = {Side.EU: "Europe/Brussels", Side.JAPAN: "Asia/Tokyo"}


def time_zone_choices() -> list[tuple[str, str]]:
    """Every time zone the system knows, by its IANA name."""
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class Official(models.Model):
    """Links a user account to the one owner whose recommendations they may change."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="official",
        verbose_name=_("user"),
    )
    owner = models.ForeignKey(
        Owner, on_delete=models.PROTECT, related_name="officials", verbose_name=_("owner")
    )
    # The language the tracker writes to them in (the reporting round's mails).
    language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    # The admin shows their times and dates in it; the round's mails give deadlines in it.
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        choices=time_zone_choices,
        blank=True,
        help_text=_(
            "Empty: their owner's, Asia/Tokyo for a Japanese ministry, Europe/Brussels for "
            "the Commission."
        ),
    )
    # When the secretariat last removed their second factor (a lost phone): the history below
    # records who did it, and they enrol again at their next sign-in.
    second_factor_reset_at = models.DateTimeField(
        _("second factor reset"), null=True, blank=True, editable=False
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["owner", "user__username"]
        verbose_name = _("official")
        verbose_name_plural = _("officials")

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.owner.code})"

    @property
    def time_zone_name(self) -> str:
        """The zone their times are shown in: their own, else their side's."""
        return self.time_zone or SIDE_TIME_ZONES.get(self.owner.side, settings.TIME_ZONE)
