"""E-mail alerts in the admin: how many addresses follow each page, for the secretariat. Never
the addresses themselves: the listing is counts only, and there is no page of a single row."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from recommendations.models import Subscription
from recommendations.rules import permissions
from recommendations.services.alerts import followed_or_gone


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.is_secretariat(request.user)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return permissions.is_secretariat(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        # The counts alone: no change, history or delete page that would show an address.
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view(self.changelist_view)
        # As Django's own admin URLs carry it: what resolves here names its ModelAdmin.
        view.model_admin = self  # type: ignore[attr-defined]
        return [path("", view, name="{}_{}_changelist".format(*info))]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> TemplateResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        rows = []
        for row in Subscription.objects.counts_by_followed():
            subscription = Subscription(kind=str(row["kind"]), key=str(row["key"]))
            rows.append(
                {
                    "kind": subscription.get_kind_display(),
                    "followed": followed_or_gone(subscription),
                    "count": row["count"],
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("E-mail alerts: confirmed subscribers per page"),
            "opts": self.opts,
            "rows": rows,
            "unconfirmed": Subscription.objects.filter(confirmed_at__isnull=True).count(),
        }
        return TemplateResponse(request, "admin/recommendations/subscription/counts.html", context)
