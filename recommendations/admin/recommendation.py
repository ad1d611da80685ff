"""The recommendations in the admin: the changelist officials start from, the change form with
its timeline, and the one path by which a form's status change is saved."""

import datetime
from functools import partial
from typing import Any, cast

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import ExpressionWrapper, QuerySet, signals
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from recommendations.admin import layout
from recommendations.admin.actions import (
    archive_action,
    change_status_action,
    confirm_unchanged_action,
    export_selected_csv,
    export_selected_xlsx,
    restore_action,
)
from recommendations.admin.confirmations import CONFIRM_BUTTON, confirm_or_save, confirm_url
from recommendations.admin.filters import (
    ArchivedFilter,
    DivergentFilter,
    OwnerFilter,
    RoundFilter,
    StaleFilter,
    todays_cutoff,
)
from recommendations.admin.forms import URL_FIELDS, RecommendationAdminForm
from recommendations.admin.history import HistoryAdmin
from recommendations.admin.import_view import import_updates_view
from recommendations.admin.steps import NextStepInline
from recommendations.models import ProgressUpdate, Recommendation
from recommendations.models.recommendation import RecommendationQuerySet, own_stale_first
from recommendations.rules import permissions
from recommendations.rules.choices import SIDE_FIELDS, Side, answer_fields
from recommendations.services import translations
from recommendations.services.statuses import record_update, set_statuses

STATUS_FIELDS = ["status", *SIDE_FIELDS.values()]
# Each side's response and stalled reason, set through set_statuses' `answers`.
ANSWER_FIELDS = [field for side in SIDE_FIELDS for field in answer_fields(side)]
TIMELINE_FIELDS = ("date", "text", "status", "visibility", "evidence_url", "author")


class TimelineInline(admin.TabularInline):
    """The updates already recorded, read-only: a timeline is added to, never rewritten."""

    model = ProgressUpdate
    verbose_name = _("recorded update")
    verbose_name_plural = _("timeline")
    fields = TIMELINE_FIELDS
    readonly_fields = TIMELINE_FIELDS
    extra = 0
    can_delete = False
    # Entries rather than table rows, so the text gets the width and the rest sits beside it.
    template = "admin/recommendations/recommendation/timeline.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProgressUpdate]:
        # Each entry says whether its reader may correct or withdraw it (the page links it).
        # The secretariat's rights need no date: the open round is looked up for officials only.
        secretariat = permissions.is_secretariat(request.user)
        since = None if secretariat else permissions.amendable_since(timezone.now())
        amendable = permissions.amendable_condition(request.user, since=since)
        return (
            super()
            .get_queryset(request)
            .select_related("author", "recommendation")
            .annotate(amendable=ExpressionWrapper(amendable, output_field=models.BooleanField()))
        )

    def has_add_permission(self, request: HttpRequest, obj: Recommendation | None = None) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: Recommendation | None = None
    ) -> bool:
        return False


class NewUpdateInline(admin.StackedInline):
    """New updates. Statuses are set in the form's status fields, not here: written together,
    the status change and the update are recorded as one entry."""

    model = ProgressUpdate
    verbose_name = _("new progress update")
    verbose_name_plural = _("add progress updates")
    fields = ["date", "text", "visibility", "evidence_url"]
    extra = 1
    can_delete = False
    formfield_overrides = URL_FIELDS

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProgressUpdate]:
        return super().get_queryset(request).none()

    def has_add_permission(self, request: HttpRequest, obj: Recommendation | None = None) -> bool:
        if obj is None:
            return permissions.is_secretariat(request.user)
        return permissions.can_change(request.user, obj)

    def has_change_permission(
        self, request: HttpRequest, obj: Recommendation | None = None
    ) -> bool:
        # Needed so the add rows render; existing rows are never listed here.
        return self.has_add_permission(request, obj)

    def has_view_permission(self, request: HttpRequest, obj: Recommendation | None = None) -> bool:
        # Nothing to view: where no update may be added, the form has no such section.
        return self.has_add_permission(request, obj)


@admin.register(Recommendation)
class RecommendationAdmin(HistoryAdmin):
    form = RecommendationAdminForm
    change_list_template = "admin/recommendations/recommendation/change_list.html"
    # Narrow enough for a laptop next to the filters: the text is cut to two lines (a click
    # shows all of it) and the three statuses share one column.
    list_display = [
        "reference",
        "short_text",
        "lead_owner_name",
        "statuses",
        "flags",
        "last_update",
    ]
    list_filter = [
        "topic",
        ("lead_owner", OwnerFilter),
        "status",
        "eu_response",
        "japan_response",
        DivergentFilter,
        StaleFilter,
        RoundFilter,
        "organisations",
        ArchivedFilter,
    ]
    list_select_related = ["topic", "lead_owner"]
    # The second count of every filtered page pays for the next-Council lookup behind the
    # "no recent update" ordering; "Show all" still lists everything.
    show_full_result_count = False
    search_fields = ["reference", "title", "text"]
    autocomplete_fields = ["parent"]
    filter_horizontal = ["organisations", "co_owners"]
    actions = [
        change_status_action,
        confirm_unchanged_action,
        archive_action,
        restore_action,
        export_selected_xlsx,
        export_selected_csv,
    ]
    inlines = [NextStepInline, TimelineInline, NewUpdateInline]
    history_list_display = [
        "status",
        "eu_status",
        "japan_status",
        "eu_response",
        "japan_response",
        "lead_owner",
    ]

    def get_queryset(self, request: HttpRequest) -> RecommendationQuerySet:
        queryset = self.model._default_manager.for_admin().with_last_activity()
        ordering = self.get_ordering(request)
        owner = permissions.owner_of(request.user)
        if owner is not None:
            # The same expression as the ordering's, for the "No recent update" flag.
            queryset = queryset.annotate(own_stale_first=ordering[0])
        return queryset.order_by(*ordering)

    def get_ordering(self, request: HttpRequest) -> list[Any]:
        owner = permissions.owner_of(request.user)
        if owner is None:
            return super().get_ordering(request)
        # An official's own items with no recent update come first: their to-do before the
        # next Council. An expression, not an annotation's name: the admin also orders
        # querysets it did not build by this (the choices of a form pointing to an item).
        return [own_stale_first(owner, todays_cutoff(request)), "topic__position", "sequence"]

    @admin.display(description=_("flags"))
    def flags(self, obj: Recommendation) -> str:
        flags = []
        if obj.is_divergent:
            flags.append(str(_("Divergent")))
        if getattr(obj, "own_stale_first", None) == 0:
            flags.append(str(_("No recent update")))
        return ", ".join(flags) or "—"

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> Recommendation | None:
        if request.method != "POST":
            return super().get_object(request, object_id, from_field)
        # A save reads the row under lock (the admin wraps the view in a transaction), so the
        # version check and the write cannot be split by someone else's save.
        # As in ModelAdmin.get_object: the admin lets only a field of the model through as
        # to_field (to_field_allowed), never a reverse relation.
        field = (
            cast(models.Field, Recommendation._meta.get_field(from_field)) if from_field else None
        )
        try:
            object_id = field.to_python(object_id) if field else object_id
            return Recommendation.objects.select_for_update().get(
                **{(from_field or "pk"): object_id}
            )
        except (Recommendation.DoesNotExist, forms.ValidationError, ValueError):
            return None

    def get_fieldsets(self, request: HttpRequest, obj: Recommendation | None = None) -> list[Any]:
        if obj is None:
            return layout.ADD_FIELDSETS
        may_change = self.has_change_permission(request, obj)
        fieldsets = layout.change_fieldsets(request.user, obj, may_change=may_change)
        return layout.with_version(fieldsets) if may_change else fieldsets

    def get_readonly_fields(
        self, request: HttpRequest, obj: Recommendation | None = None
    ) -> list[str]:
        return layout.read_only_fields(request.user)

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Recommendation | None = None,
    ) -> HttpResponse:
        if obj is not None:
            context["read_only_reason"] = permissions.why_read_only(request.user, obj)
            context["confirm_url"] = confirm_url(request.user, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        def save() -> HttpResponse:
            return super(RecommendationAdmin, self).changeform_view(
                request, object_id, form_url, extra_context
            )

        if request.method == "POST" and object_id is not None and CONFIRM_BUTTON in request.POST:
            # Read without the save's lock: the confirmation locks the row itself.
            obj = super().get_object(request, object_id)
            if obj is not None and self.has_change_permission(request, obj):
                return confirm_or_save(self, request, obj, save)
        return save()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return permissions.is_secretariat(request.user)

    def has_change_permission(
        self, request: HttpRequest, obj: Recommendation | None = None
    ) -> bool:
        if obj is None:
            return permissions.can_view_internal(request.user)
        return permissions.can_change(request.user, obj)

    def has_delete_permission(
        self, request: HttpRequest, obj: Recommendation | None = None
    ) -> bool:
        # Never hard-deleted through the admin, not even by the secretariat: archive instead.
        return False

    def has_archive_permission(self, request: HttpRequest) -> bool:
        return permissions.can_archive(request.user)

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "import-updates/",
                self.admin_site.admin_view(partial(import_updates_view, self)),
                name="recommendations_recommendation_import_updates",
            ),
            *super().get_urls(),
        ]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponseBase:
        extra_context = {
            "can_import": permissions.can_view_internal(request.user),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("text"), ordering="text")
    def short_text(self, obj: Recommendation) -> str:
        # All of the text is in the page, cut to two lines by the stylesheet: a click on it
        # unfolds the rest without leaving the list. The topic goes beneath, in the height the
        # three statuses give the row anyway.
        return format_html(
            '<details class="item-text"><summary title="{}">{}{}</summary></details>'
            '<span class="item-topic">{}</span>',
            obj.text,
            format_html("<strong>{}</strong> ", obj.title) if obj.title else "",
            obj.text,
            obj.topic.localised_name,
        )

    @admin.display(description=_("lead owner"), ordering="lead_owner")
    def lead_owner_name(self, obj: Recommendation) -> str:
        return obj.lead_owner.localised_name

    @admin.display(description=_("status: overall, EU, Japan"), ordering="status")
    def statuses(self, obj: Recommendation) -> str:
        return format_html(
            '<span class="status-overall">{}</span>'
            '<span class="status-side">{}: {}</span><span class="status-side">{}: {}</span>',
            obj.get_status_display(),
            Side.EU.label,
            obj.get_eu_status_display(),
            Side.JAPAN.label,
            obj.get_japan_status_display(),
        )

    @admin.display(description=_("last update"), ordering="last_update")
    def last_update(self, obj: Recommendation) -> datetime.date | None:
        # Annotated by the changelist's queryset (with_last_activity).
        return obj.last_update  # type: ignore[attr-defined]

    def response_post_save_change(
        self, request: HttpRequest, obj: Recommendation
    ) -> HttpResponseRedirect:
        """Back where the official came from: the list as they had filtered it, or else their
        own items on the home page; the secretariat goes back to the list, as Django does."""
        if "_changelist_filters" in request.GET or permissions.owner_of(request.user) is None:
            return super().response_post_save_change(request, obj)
        return HttpResponseRedirect(reverse("admin:index") + "#own-items")

    def save_model(
        self,
        request: HttpRequest,
        obj: Recommendation,
        form: "forms.ModelForm[Recommendation]",
        change: bool,
    ) -> None:
        # Written once, in save_related, where the relations and the updates typed alongside
        # are at hand: one save, one history record, one version step.
        pass

    def save_related(
        self,
        request: HttpRequest,
        form: "forms.ModelForm[Recommendation]",
        formsets: "list[BaseInlineFormSet[Any, Recommendation, Any]]",
        change: bool,
    ) -> None:
        """Save the form's fields, relations and status change through the one service every
        status change goes through, as one write; an update written with a status change is
        recorded as one entry with it, other new updates beside it."""
        if not change:
            self._create(request, form)
        updates = []
        for formset in formsets:
            if formset.model is ProgressUpdate:
                # New updates only: the timeline inline is read-only.
                updates += formset.save(commit=False)
            else:
                self.save_formset(request, form, formset, change=change)
        statuses = self._status_change(form) if change else None
        explained = None
        if statuses is not None and len(updates) == 1:
            explained = updates.pop()
        if change:
            recommendation = form.instance
            edited = [
                field
                for field in form.changed_data
                if field in form.base_fields
                and field
                not in (
                    *STATUS_FIELDS,
                    *ANSWER_FIELDS,
                    "status_override_reason",
                    "loaded_version",
                    layout.CONFIRM_TRANSLATION,
                )
            ]
            edited += self._translation_edit(request, form, recommendation, edited)
            answers = {
                field: form.cleaned_data[field]
                for field in ANSWER_FIELDS
                if field in form.changed_data
            }
            relations = {field.name for field in Recommendation._meta.many_to_many}
            written = explained or ProgressUpdate()
            set_statuses(
                recommendation=recommendation,
                author=permissions.signed_in_user(request),
                edited=edited,
                answers=answers,
                save_relations=form.save_m2m if relations & set(edited) else None,
                **(statuses or {}),
                text=written.text,
                evidence_url=written.evidence_url,
                visibility=written.visibility,
                on=written.date if explained else None,
            )
        for update in updates:
            update.recommendation = form.instance
            record_update(update=update, author=permissions.signed_in_user(request))

    def _translation_edit(
        self,
        request: HttpRequest,
        form: "forms.ModelForm[Recommendation]",
        recommendation: Recommendation,
        edited: list[str],
    ) -> list[str]:
        """Confirm the Japanese text when it was ticked or typed, or flag it when the English
        changed without it, on the unsaved item; the record's fields to save with the edit."""
        confirm = bool(form.cleaned_data.get(layout.CONFIRM_TRANSLATION))
        touched = set(edited) & (translations.ENGLISH_FIELDS | translations.JAPANESE_FIELDS)
        if not (confirm or touched):
            return []
        translations.apply_edit(
            recommendation=recommendation,
            editor=permissions.signed_in_user(request),
            changed=edited,
            confirm=confirm,
        )
        return sorted(translations.RECORD_FIELDS)

    @admin.display(description=_("Translation"))
    def translation_record(self, obj: Recommendation) -> str:
        """The translation's status, and who confirmed it when."""
        label = obj.get_translation_status_display()
        if obj.text_ja_confirmed_by is None or obj.text_ja_confirmed_at is None:
            return str(label)
        return _("%(status)s: %(who)s, %(when)s") % {
            "status": label,
            "who": obj.text_ja_confirmed_by.get_full_name() or obj.text_ja_confirmed_by.username,
            "when": date_format(localtime(obj.text_ja_confirmed_at), "DATETIME_FORMAT"),
        }

    def _create(self, request: HttpRequest, form: "forms.ModelForm[Recommendation]") -> None:
        """Save a new recommendation with its relations and write its one history record, of
        it complete: simple-history would write one for the row and one more per relation."""
        recommendation = form.instance
        # simple-history's flag, which the model does not declare.
        recommendation.skip_history_when_saving = True  # type: ignore[attr-defined]
        try:
            recommendation.save()
            form.save_m2m()
        finally:
            del recommendation.skip_history_when_saving  # type: ignore[attr-defined]
        recommendation._history_user = permissions.signed_in_user(request)
        # simple-history records on post_save: sent once more now that the relations are in.
        signals.post_save.send(
            sender=Recommendation,
            instance=recommendation,
            created=True,
            update_fields=None,
            raw=False,
            using=recommendation._state.db,
        )

    def _status_change(self, form: "forms.ModelForm[Recommendation]") -> dict[str, Any] | None:
        """The sides, overall status and override reason the form moves, as set_statuses'
        arguments (which checks who may set them); None when it moves none and leaves the
        override reason alone (an emptied reason hands the overall status back to the sides, so
        it counts as a change)."""
        sides = {
            side: form.cleaned_data[field]
            for side, field in SIDE_FIELDS.items()
            if field in form.changed_data
        }
        overall = form.cleaned_data["status"] if "status" in form.changed_data else None
        change: dict = {"sides": sides, "overall": overall}
        if "status_override_reason" in form.changed_data:
            reason = form.cleaned_data["status_override_reason"].strip()
            change |= {"reason": reason} if reason else {"drop_reason": True}
        elif not sides and overall is None:
            return None
        return change
