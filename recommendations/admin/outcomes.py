"""The Councils' outcome documents in the admin, with the recommendations each takes up listed
inline: the secretariat records them, officials read them."""

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from recommendations.admin.forms import URL_FIELDS
from recommendations.models import OutcomeDocument, Uptake
from recommendations.rules import permissions


class SecretariatWrites:
    """Read by everyone working in the admin; added, changed and deleted by the secretariat."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.role_of(request.user).internal

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return permissions.role_of(request.user).internal

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return permissions.is_secretariat(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return permissions.is_secretariat(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return permissions.is_secretariat(request.user)


class UptakeInline(SecretariatWrites, admin.TabularInline):
    model = Uptake
    fields = ["recommendation", "paragraph"]
    autocomplete_fields = ["recommendation"]
    extra = 1


@admin.register(OutcomeDocument)
class OutcomeDocumentAdmin(SecretariatWrites, admin.ModelAdmin):
    list_display = ["title", "council", "date", "uptake_count"]
    list_filter = ["council"]
    list_select_related = ["council"]
    search_fields = ["title", "title_ja", "uptakes__recommendation__reference"]
    fields = ["council", "title", "title_ja", "date", "url"]
    formfield_overrides = URL_FIELDS
    inlines = [UptakeInline]

    @admin.display(description=_("recommendations taken up"))
    def uptake_count(self, obj: OutcomeDocument) -> int:
        return len(obj.uptakes.all())

    def get_queryset(self, request: HttpRequest) -> QuerySet[OutcomeDocument]:
        # The count of items taken up, one query for the page.
        return super().get_queryset(request).prefetch_related("uptakes")
