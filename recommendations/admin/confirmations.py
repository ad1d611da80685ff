"""The admin's "No change since the last report": where the change form's button posts, and the
confirmation the button, the changelist's action and the round page each record and report."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from recommendations.models import Recommendation, ReportingRound
from recommendations.rules import permissions
from recommendations.services.rounds import confirm_unchanged


def confirm_url(user, recommendation: Recommendation) -> str | None:
    """Where the change form's "No change since the last report" button posts, when a round is
    open and the user reports a side of this item; None otherwise."""
    side = permissions.own_side(user)
    if side is None or ReportingRound.objects.current() is None:
        return None
    if not permissions.can_set_side(user, recommendation, side):
        return None
    return reverse("admin:recommendations_reportinground_confirm", args=[recommendation.pk])


def report_confirmations(modeladmin, request, queryset) -> None:
    """Confirm "No change since the last report" on every selected item, all or none, and say
    how many were recorded (a side already confirmed in the round records nothing again)."""
    try:
        updates = confirm_unchanged(recommendations=queryset, author=request.user)
    except ValidationError as error:
        modeladmin.message_user(
            request,
            _("Nothing was confirmed: %(reason)s") % {"reason": " ".join(error.messages)},
            messages.ERROR,
        )
        return
    modeladmin.message_user(
        request,
        ngettext(
            "No change since the last report: confirmed on %(count)d recommendation.",
            "No change since the last report: confirmed on %(count)d recommendations.",
            len(updates),
        )
        % {"count": len(updates)},
        messages.SUCCESS,
    )
