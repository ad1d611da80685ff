"""Each side's formal response to a recommendation and why a side is stalled: the fields an
item carries beside its statuses (the rules they follow are in rules/answers.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from recommendations.rules.choices import Response, StalledReason


class AnswerFields(models.Model):
    # Each government's formal response (did it take the recommendation up), apart from its
    # status; "noted" and "not accepted" carry their rationale (services.statuses checks it).
    eu_response = models.CharField(
        _("EU response"), max_length=30, choices=Response, default=Response.NO_RESPONSE
    )
    eu_response_rationale = models.TextField(_("EU response rationale"), blank=True)
    eu_response_date = models.DateField(_("EU response date"), null=True, blank=True)
    japan_response = models.CharField(
        _("Japan response"), max_length=30, choices=Response, default=Response.NO_RESPONSE
    )
    japan_response_rationale = models.TextField(_("Japan response rationale"), blank=True)
    japan_response_date = models.DateField(_("Japan response date"), null=True, blank=True)
    # Why a side is stalled, asked for whenever it is; cleared when it moves on.
    eu_stalled_reason = models.CharField(
        _("EU side stalled because"), max_length=20, choices=StalledReason, blank=True
    )
    eu_stalled_detail = models.TextField(_("EU side stalled: details"), blank=True)
    japan_stalled_reason = models.CharField(
        _("Japan side stalled because"), max_length=20, choices=StalledReason, blank=True
    )
    japan_stalled_detail = models.TextField(_("Japan side stalled: details"), blank=True)
    # The side's own next step that would unblock it, if one is recorded.
    eu_stalled_step = models.ForeignKey(
        "recommendations.NextStep",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("EU side: the step that would unblock it"),
    )
    japan_stalled_step = models.ForeignKey(
        "recommendations.NextStep",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Japan side: the step that would unblock it"),
    )

    class Meta:
        abstract = True
