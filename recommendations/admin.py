from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from recommendations import exports, services
from recommendations.models import (
    Council,
    Organisation,
    Owner,
    ProgressUpdate,
    Recommendation,
    Status,
    Topic,
    Visibility,
)

# Evidence links typed without a scheme are taken as https, as Django 6 does by default.
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class TimelineInline(admin.TabularInline):
    """The updates already recorded, read-only: a timeline is added to, never rewritten."""

    model = ProgressUpdate
    verbose_name = _("recorded update")
    verbose_name_plural = _("timeline")
    fields = ["date", "text", "status", "visibility", "evidence_url", "author"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author", "recommendation")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class NewUpdateInline(admin.StackedInline):
    model = ProgressUpdate
    verbose_name = _("new progress update")
    verbose_name_plural = _("add progress updates")
    fields = ["date", "text", "status", "visibility", "evidence_url"]
    extra = 1
    can_delete = False
    formfield_overrides = URL_FIELDS

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def has_change_permission(self, request, obj=None):
        # Needed so the add rows render; existing rows are never listed here.
        return self.has_add_permission(request, obj)


class ChangeStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    text = forms.CharField(
        label=_("Progress update"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Recorded on each selected recommendation. Leave empty for a plain notice."),
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"), choices=Visibility.choices, initial=Visibility.PUBLIC
    )


@admin.action(description=_("Change the status of the selected recommendations"))
def change_status_action(modeladmin, request, queryset):
    form = ChangeStatusForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        updates = services.bulk_change_status(
            recommendations=queryset,
            status=form.cleaned_data["status"],
            author=request.user,
            text=form.cleaned_data["text"],
            visibility=form.cleaned_data["visibility"],
        )
        modeladmin.message_user(
            request,
            ngettext(
                "Status changed on %(count)d recommendation.",
                "Status changed on %(count)d recommendations.",
                len(updates),
            )
            % {"count": len(updates)},
            messages.SUCCESS,
        )
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Change the status of the selected recommendations"),
        "opts": modeladmin.model._meta,
        "form": form,
        "recommendations": queryset.select_related("topic"),
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(
        request, "admin/recommendations/recommendation/change_status.html", context
    )


@admin.register(Recommendation)
class RecommendationAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "topic", "short_text", "lead_owner", "status", "last_update"]
    list_filter = ["topic", "lead_owner", "status", "organisations"]
    list_select_related = ["topic", "lead_owner"]
    search_fields = ["reference", "title", "text"]
    autocomplete_fields = ["parent"]
    filter_horizontal = ["organisations", "co_owners"]
    readonly_fields = ["status_date", "created_at", "updated_at"]
    actions = [
        change_status_action,
        exports.export_selected_xlsx,
        exports.export_selected_csv,
    ]
    inlines = [TimelineInline, NewUpdateInline]
    history_list_display = ["status", "lead_owner"]
    fieldsets = [
        (None, {"fields": ["reference", "topic", "source", "number", "sequence", "parent"]}),
        (_("Text"), {"fields": ["title", "text", "title_ja", "text_ja", "organisations"]}),
        (
            _("Follow-up"),
            {
                "fields": [
                    "lead_owner",
                    "co_owners",
                    "status",
                    "status_date",
                    "target_council",
                    "notes",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).for_admin()

    @admin.display(description=_("text"), ordering="text")
    def short_text(self, obj):
        return obj.short_text

    @admin.display(description=_("last update"), ordering="last_update")
    def last_update(self, obj):
        return obj.last_update

    def save_model(self, request, obj, form, change):
        # A status edited on the form is applied through the service after the inlines are
        # saved, so it is recorded once, with the official's own update text if they wrote one.
        if change and "status" in form.changed_data:
            obj._pending_status = obj.status
            obj.status = form.initial["status"]
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not ProgressUpdate:
            return super().save_formset(request, form, formset, change)
        recommendation = form.instance
        for update in formset.save(commit=False):
            update.recommendation = recommendation
            if update.status and update.status == getattr(recommendation, "_pending_status", None):
                del recommendation._pending_status
            services.record_update(update=update, author=request.user)
        return None

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        pending = getattr(form.instance, "_pending_status", None)
        if pending:
            del form.instance._pending_status
            services.change_status(
                recommendation=form.instance, status=pending, author=request.user
            )


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(SimpleHistoryAdmin):
    list_display = ["recommendation", "date", "status", "visibility", "author"]
    list_filter = ["visibility", "status", "recommendation__topic"]
    list_select_related = ["recommendation", "author"]
    search_fields = ["recommendation__reference", "text"]
    date_hierarchy = "date"
    autocomplete_fields = ["recommendation"]
    readonly_fields = ["author", "created_at"]
    formfield_overrides = URL_FIELDS

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            services.record_update(update=obj, author=request.user)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["position", "code", "name", "printed_name", "item_count"]
    list_display_links = ["code", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(item_count=Count("recommendations"))

    @admin.display(description=_("recommendations"), ordering="item_count")
    def item_count(self, obj):
        return obj.item_count


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["acronym", "name", "side", "report_spellings"]
    list_filter = ["side"]
    search_fields = ["acronym", "name", "report_spellings"]
    prepopulated_fields = {"slug": ["acronym"]}


@admin.register(Owner)
class OwnerAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "government", "side"]


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):
    list_display = ["number", "place", "date"]
