from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from recommendations.models import Official
from recommendations.rules import permissions
from recommendations.services.officials import enrol_official
from recommendations.services.two_factor import reset_second_factor


@admin.action(description=_("Reset the second factor (lost device)"))
def reset_second_factors(
    modeladmin: "admin.ModelAdmin[Official]", request: HttpRequest, queryset: QuerySet[Official]
) -> None:
    officials = list(queryset.select_related("user"))
    for official in officials:
        reset_second_factor(user=official.user, by=permissions.signed_in_user(request), via="admin")
    modeladmin.message_user(
        request,
        ngettext(
            "The second factor of %(count)d official was reset: they enrol again at their next "
            "sign-in.",
            "The second factors of %(count)d officials were reset: they enrol again at their "
            "next sign-in.",
            len(officials),
        )
        % {"count": len(officials)},
        messages.SUCCESS,
    )


@admin.register(Official)
class OfficialAdmin(SimpleHistoryAdmin):
    list_display = ["user", "owner", "second_factor_reset_at"]
    list_filter = ["owner"]
    list_select_related = ["user", "owner"]
    search_fields = ["user__username", "user__email"]
    autocomplete_fields = ["owner"]
    raw_id_fields = ["user"]
    actions = [reset_second_factors]

    def save_model(
        self, request: HttpRequest, obj: Official, form: "forms.ModelForm[Official]", change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        enrol_official(obj.user)
