"""Progress updates in the admin: the secretariat's list for corrections, and the page where an
author corrects or withdraws their own update. Officials add updates on their own
recommendations' pages."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from recommendations.admin.forms import URL_FIELDS, AmendUpdateForm
from recommendations.admin.history import HistoryAdmin
from recommendations.models import ProgressUpdate
from recommendations.rules import permissions
from recommendations.rules.choices import UpdateKind
from recommendations.services.own_updates import correct_update, withdraw_update
from recommendations.services.statuses import record_update


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(HistoryAdmin):
    list_display = ["recommendation", "date", "status", "visibility", "author"]
    list_filter = ["visibility", "status", "recommendation__topic"]
    list_select_related = ["recommendation", "author"]
    search_fields = ["recommendation__reference", "text"]
    date_hierarchy = "date"
    autocomplete_fields = ["recommendation"]
    # The status an update set is a record: statuses are set on the recommendation.
    readonly_fields = ["author", "status", "created_at"]
    formfield_overrides = URL_FIELDS

    def has_add_permission(self, request: HttpRequest) -> bool:
        return permissions.is_secretariat(request.user)

    def has_change_permission(
        self, request: HttpRequest, obj: ProgressUpdate | None = None
    ) -> bool:
        return permissions.is_secretariat(request.user)

    def has_delete_permission(
        self, request: HttpRequest, obj: ProgressUpdate | None = None
    ) -> bool:
        return permissions.is_secretariat(request.user) and super().has_delete_permission(
            request, obj
        )

    def save_model(
        self,
        request: HttpRequest,
        obj: ProgressUpdate,
        form: "forms.ModelForm[ProgressUpdate]",
        change: bool,
    ) -> None:
        if change:
            super().save_model(request, obj, form, change)
        else:
            record_update(update=obj, author=permissions.signed_in_user(request))

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:update_id>/amend/",
                self.admin_site.admin_view(self.amend_view),
                name="recommendations_progressupdate_amend",
            ),
            *super().get_urls(),
        ]

    def amend_view(self, request: HttpRequest, update_id: int) -> HttpResponse:
        """Correct or withdraw one update: a form with its words and link as they stand, and the
        reason; the service decides who may, under lock."""
        update = get_object_or_404(
            ProgressUpdate.objects.select_related("recommendation", "author"), pk=update_id
        )
        since = permissions.amendable_since(timezone.now())
        if not permissions.can_amend(request.user, update, since=since):
            raise PermissionDenied
        back = reverse(
            "admin:recommendations_recommendation_change", args=[update.recommendation_id]
        )
        initial = {"text": update.text, "evidence_url": update.evidence_url}
        form = AmendUpdateForm(request.POST if request.method == "POST" else None, initial=initial)
        if form.is_valid():
            author = permissions.signed_in_user(request)
            data = form.cleaned_data
            try:
                if "_withdraw" in request.POST:
                    withdraw_update(update_id=update.pk, author=author, reason=data["reason"])
                    done = _("The update of %(date)s is withdrawn: no public page shows it now.")
                else:
                    correct_update(
                        update_id=update.pk,
                        author=author,
                        text=data["text"],
                        evidence_url=data["evidence_url"],
                        reason=data["reason"],
                    )
                    done = _("The update of %(date)s is corrected and marked as corrected.")
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                self.message_user(
                    request, done % {"date": update.date.isoformat()}, messages.SUCCESS
                )
                return HttpResponseRedirect(back)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Correct or withdraw your update"),
            "opts": self.model._meta,
            "update": update,
            "form": form,
            "back": back,
            "may_withdraw": update.kind == UpdateKind.NOTE,
        }
        return TemplateResponse(request, "admin/recommendations/progressupdate/amend.html", context)
