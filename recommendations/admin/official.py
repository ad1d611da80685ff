from django.contrib import admin

from recommendations.models import Official
from recommendations.services.officials import enrol_official


@admin.register(Official)
class OfficialAdmin(admin.ModelAdmin):
    list_display = ["user", "owner"]
    list_filter = ["owner"]
    list_select_related = ["user", "owner"]
    search_fields = ["user__username", "user__email"]
    autocomplete_fields = ["owner"]
    raw_id_fields = ["user"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        enrol_official(obj.user)
