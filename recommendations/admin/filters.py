from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
