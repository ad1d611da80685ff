"""The publications in the admin: each request to publish a Council's report, followed while the
worker carries it out (its step, refreshed), with the edition it made, or why it failed and a
"Try again" that asks for it once more."""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path

from recommendations.models import Publication
from recommendations.rules import permissions
from recommendations.services.editions import retry_publication

# How often the page of a publication under way reloads itself, in seconds.
REFRESH_SECONDS = 2


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "step", "requested_by", "started_at", "finished_at", "edition"]
    list_filter = ["step"]
    list_select_related = ["council", "requested_by", "edition__council"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.is_secretariat(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Publication | None = None) -> bool:
        return permissions.is_secretariat(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Publication | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Publication | None = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:pk>/retry/",
                self.admin_site.admin_view(self.retry_view),
                name="recommendations_publication_retry",
            ),
            *super().get_urls(),
        ]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        publication = self._publication(request, int(object_id))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": str(publication),
            "publication": publication,
            "round": publication.council.rounds.order_by("-opened_at").first(),
            "refresh": None if publication.is_finished else REFRESH_SECONDS,
        }
        return TemplateResponse(request, "admin/recommendations/publication/status.html", context)

    def retry_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        publication = self._publication(request, pk)
        try:
            again = retry_publication(publication=publication)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(publication.get_absolute_url())
        return HttpResponseRedirect(again.get_absolute_url())

    def _publication(self, request: HttpRequest, pk: int) -> Publication:
        if not permissions.is_secretariat(request.user):
            raise PermissionDenied
        return get_object_or_404(
            Publication.objects.select_related("council", "requested_by", "edition__council"),
            pk=pk,
        )
