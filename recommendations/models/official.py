from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from recommendations.models.reference import Owner


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
