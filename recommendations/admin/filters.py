import datetime

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from recommendations.models import Council, ReportingRound
from recommendations.rules import permissions


def stale_cutoff(request: HttpRequest) -> datetime.date:
    """The date before which an item is stale today (Council.objects.stale_cutoff), looked up
    once per request: one page of the admin asks for the official's ordering several times."""
    cutoff = getattr(request, "_stale_cutoff", None)
    if cutoff is None:
        cutoff = Council.objects.stale_cutoff(timezone.localdate())
        setattr(request, "_stale_cutoff", cutoff)  # noqa: B010 (HttpRequest declares no such field)
    return cutoff


class ArchivedFilter(admin.SimpleListFilter):
    title = _("archived")
    parameter_name = "archived"

    def lookups(self, request, model_admin):
        return [("no", _("Current")), ("yes", _("Archived"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(archived_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(archived_at__isnull=False)
        return queryset


class DivergentFilter(admin.SimpleListFilter):
    title = _("EU and Japan sides")
    parameter_name = "divergent"

    def lookups(self, request, model_admin):
        return [("1", _("Divergent")), ("0", _("In step"))]

    def queryset(self, request, queryset):
        if self.value() in {"0", "1"}:
            return queryset.divergent(self.value() == "1")
        return queryset


class StaleFilter(admin.SimpleListFilter):
    title = _("no recent update")
    parameter_name = "stale"

    def lookups(self, request, model_admin):
        return [("1", _("No recent update")), ("0", _("Recently updated"))]

    def queryset(self, request, queryset):
        if self.value() in {"0", "1"}:
            return queryset.stale(timezone.localdate(), self.value() == "1")
        return queryset


class RoundFilter(admin.SimpleListFilter):
    """The open reporting round's outstanding items: an official's own (their side not yet
    reported), or for the secretariat any item with a side not yet reported."""

    title = _("reporting round")
    parameter_name = "round"

    def lookups(self, request, model_admin):
        if ReportingRound.objects.current() is None:
            return []
        return [("outstanding", _("Outstanding")), ("reported", _("Reported"))]

    def queryset(self, request, queryset):
        current = ReportingRound.objects.current()
        if current is None or self.value() not in {"outstanding", "reported"}:
            return queryset
        owner = permissions.owner_of(request.user)
        if owner is not None:
            outstanding = current.owner_outstanding(owner)
            if self.value() == "reported":
                return queryset.filter(pk__in=current.owner_items(owner).values("pk")).exclude(
                    pk__in=outstanding.values("pk")
                )
        else:
            outstanding = current.outstanding()
            if self.value() == "reported":
                return queryset.filter(pk__in=current.items().values("pk")).exclude(
                    pk__in=outstanding.values("pk")
                )
        return queryset.filter(pk__in=outstanding.values("pk"))
