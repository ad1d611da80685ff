"""Progress updates in the admin: the secretariat's list for corrections. Officials add updates
on their own recommendations' pages."""

from django.contrib import admin

from recommendations.admin.forms import URL_FIELDS
from recommendations.admin.history import HistoryAdmin
from recommendations.models import ProgressUpdate
from recommendations.rules import permissions
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

    def has_add_permission(self, request):
        return permissions.is_secretariat(request.user)

    def has_change_permission(self, request, obj=None):
        return permissions.is_secretariat(request.user)

    def has_delete_permission(self, request, obj=None):
        return permissions.is_secretariat(request.user) and super().has_delete_permission(
            request, obj
        )

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            record_update(update=obj, author=request.user)
