"""The report's reference data in the admin: topics, organisations, owners and Councils."""

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from recommendations.models import Council, Organisation, Owner, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["position", "code", "name", "printed_name", "item_count"]
    list_display_links = ["code", "name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Topic]:
        return super().get_queryset(request).annotate(item_count=Count("recommendations"))

    @admin.display(description=_("recommendations"), ordering="item_count")
    def item_count(self, obj: Topic) -> int:
        # Annotated by get_queryset.
        return obj.item_count  # type: ignore[attr-defined]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["acronym", "name", "side", "report_spellings"]
    list_filter = ["side"]
    search_fields = ["acronym", "name", "report_spellings"]
    prepopulated_fields = {"slug": ["acronym"]}


@admin.register(Owner)
class OwnerAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "government", "side"]
    search_fields = ["code", "name"]


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):
    list_display = ["number", "place", "date"]
