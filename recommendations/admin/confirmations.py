"""The admin's "No change since the last report": the change form's button, and the
confirmation the button, the changelist's action and the round page each record and report.

The button submits the change form itself, so what the official typed travels with it: nothing
typed, the side is confirmed unchanged; something typed, it is saved as the form would save it
(it is the round's report) and nothing is confirmed, so no typing is ever thrown away."""

from collections.abc import Callable, Iterable
from typing import Any, cast

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from recommendations.models import Recommendation, ReportingRound
from recommendations.rules import permissions
from recommendations.services.rounds import confirm_unchanged

# The name of the change form's "No change since the last report" button.
CONFIRM_BUTTON = "_confirm_unchanged"


def confirm_url(user: permissions.Actor, recommendation: Recommendation) -> str | None:
    """Where the change form's "No change since the last report" button posts, when a round is
    open and the user reports a side of this item; None otherwise."""
    side = permissions.own_side(user)
    if side is None or ReportingRound.objects.current() is None:
        return None
    if not permissions.can_set_side(user, recommendation, side):
        return None
    return reverse("admin:recommendations_reportinground_confirm", args=[recommendation.pk])


def report_confirmations(
    modeladmin: "admin.ModelAdmin[Any]", request: HttpRequest, queryset: Iterable[Recommendation]
) -> None:
    """Confirm "No change since the last report" on every selected item, all or none, and say
    how many were recorded (a side already confirmed in the round records nothing again)."""
    try:
        updates = confirm_unchanged(
            recommendations=queryset, author=permissions.signed_in_user(request)
        )
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


def _typed(modeladmin: "admin.ModelAdmin[Any]", request: HttpRequest, obj: Recommendation) -> bool:
    """Whether the posted change form differs from `obj` as stored, in a field or an inline."""
    form = modeladmin.get_form(request, obj, change=True)(request.POST, request.FILES, instance=obj)
    if [name for name in form.changed_data if name != "loaded_version"]:
        return True
    # Django's own builder of the change form's inline formsets, prefixes and all.
    formsets, _inlines = cast(Any, modeladmin)._create_formsets(request, obj, change=True)
    return any(formset.has_changed() for formset in formsets)


def confirm_or_save(
    modeladmin: "admin.ModelAdmin[Any]",
    request: HttpRequest,
    obj: Recommendation,
    save: Callable[[], HttpResponse],
) -> HttpResponse:
    """The change form posted by its "No change" button: confirm when nothing was typed,
    otherwise save what was typed (`save`, the form's own save) and say nothing was confirmed."""
    if not _typed(modeladmin, request, obj):
        report_confirmations(modeladmin, request, [obj])
        return HttpResponseRedirect(
            reverse("admin:recommendations_recommendation_change", args=[obj.pk])
        )
    response = save()
    if response.status_code == 302:
        modeladmin.message_user(
            request,
            _(
                "You had typed changes in the form: they are saved, and they are your report "
                "for this round, so nothing was confirmed as unchanged."
            ),
            messages.WARNING,
        )
    return response
