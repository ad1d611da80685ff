import base64
import copy

from django import forms
from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from recommendations import exports, imports, permissions, services
from recommendations.bilateral import SIDE_FIELDS, OverrideNeedsReason, resolve, stale_cutoff
from recommendations.models import (
    Council,
    Official,
    Organisation,
    Owner,
    ProgressUpdate,
    Recommendation,
    Side,
    Status,
    Topic,
    Visibility,
)

# Evidence links typed without a scheme are taken as https, as Django 6 does by default.
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}
# django-simple-history's history list less its one inline style, which the CSP would block.
HISTORY_LIST_TEMPLATE = "admin/recommendations/object_history_list.html"


class HistoryAdmin(SimpleHistoryAdmin):
    """History to read, never to revert: a revert would save fields an official may not change,
    past the version check, and set a status without the progress update that explains it.
    django-simple-history accepts a revert POST from anyone who may view, so it is refused."""

    object_history_list_template = HISTORY_LIST_TEMPLATE

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


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
    """New updates. Statuses are set in the form's status fields, not here: written together,
    the status change and the update are recorded as one entry."""

    model = ProgressUpdate
    verbose_name = _("new progress update")
    verbose_name_plural = _("add progress updates")
    fields = ["date", "text", "visibility", "evidence_url"]
    extra = 1
    can_delete = False
    formfield_overrides = URL_FIELDS

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def has_add_permission(self, request, obj=None):
        if obj is None:
            return permissions.is_secretariat(request.user)
        return permissions.can_change(request.user, obj)

    def has_change_permission(self, request, obj=None):
        # Needed so the add rows render; existing rows are never listed here.
        return self.has_add_permission(request, obj)


STATUS_TARGET_LABELS = {
    permissions.OVERALL: _("Overall status (overrides the sides; give a reason)"),
    Side.EU: _("EU side"),
    Side.JAPAN: _("Japan side"),
}


class ChangeStatusForm(forms.Form):
    target = forms.ChoiceField(label=_("Status to set"))
    status = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    reason = forms.CharField(
        label=_("Reason for overriding the sides"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Internal. Needed to set the overall status by hand."),
    )
    text = forms.CharField(
        label=_("Progress update"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Recorded on each selected recommendation. Leave empty for a plain notice."),
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"), choices=Visibility.choices, initial=Visibility.PUBLIC
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # An official sets their own side only; the overall status follows from the sides.
        targets = permissions.status_targets(user)
        self.fields["target"].choices = [(t, STATUS_TARGET_LABELS[t]) for t in targets]
        self.fields["target"].initial = targets[0] if targets else None
        if permissions.OVERALL not in targets:
            del self.fields["reason"]

    def clean(self):
        cleaned_data = super().clean()
        overriding = cleaned_data.get("target") == permissions.OVERALL
        if overriding and not cleaned_data.get("reason", "").strip():
            self.add_error("reason", _("Setting the overall status overrides the sides: say why."))
        return cleaned_data

    def change(self) -> dict:
        """The keyword arguments of services.set_statuses this form asks for."""
        data = self.cleaned_data
        change = {"text": data["text"], "visibility": data["visibility"]}
        if data["target"] == permissions.OVERALL:
            return {**change, "overall": data["status"], "reason": data["reason"]}
        return {**change, "sides": {data["target"]: data["status"]}}


def refuse_unless_all_changeable(modeladmin, request, queryset) -> bool:
    """An official's bulk action applies to all they selected or, if any is not theirs, to none."""
    allowed = permissions.changeable(request.user, queryset).values("pk")
    refused = list(queryset.exclude(pk__in=allowed).values_list("reference", flat=True))
    if refused:
        modeladmin.message_user(
            request,
            _("Nothing was changed: you may not change %(references)s.")
            % {"references": ", ".join(refused)},
            messages.ERROR,
        )
    return bool(refused)


@admin.action(
    description=_("Change the status of the selected recommendations"),
    permissions=["change"],
)
def change_status_action(modeladmin, request, queryset):
    if refuse_unless_all_changeable(modeladmin, request, queryset):
        return None
    form = ChangeStatusForm(request.POST if "apply" in request.POST else None, user=request.user)
    if form.is_valid():
        updates = services.bulk_set_statuses(
            recommendations=queryset, author=request.user, **form.change()
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


def _archive_step(modeladmin, request, queryset, *, archive):
    """Both archive actions: a confirmation page first, then the change with its history."""
    if "apply" not in request.POST:
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": _("Archive recommendations") if archive else _("Restore recommendations"),
            "opts": modeladmin.model._meta,
            "archive": archive,
            "recommendations": queryset.select_related("topic"),
            "action_name": request.POST.get("action"),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/recommendations/recommendation/archive.html", context
        )
    change = services.archive if archive else services.restore
    changed = change(recommendations=queryset, author=request.user)
    message = (
        ngettext(
            "%(count)d recommendation archived: it no longer appears on public pages.",
            "%(count)d recommendations archived: they no longer appear on public pages.",
            len(changed),
        )
        if archive
        else ngettext(
            "%(count)d recommendation restored to the public pages.",
            "%(count)d recommendations restored to the public pages.",
            len(changed),
        )
    )
    modeladmin.message_user(request, message % {"count": len(changed)}, messages.SUCCESS)
    return None


@admin.action(description=_("Archive selected recommendations"), permissions=["archive"])
def archive_action(modeladmin, request, queryset):
    return _archive_step(modeladmin, request, queryset, archive=True)


@admin.action(description=_("Restore selected recommendations"), permissions=["archive"])
def restore_action(modeladmin, request, queryset):
    return _archive_step(modeladmin, request, queryset, archive=False)


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


class RecommendationAdminForm(forms.ModelForm):
    # The version the form was loaded with travels with it, so a save after someone else's is
    # caught (optimistic locking) instead of silently overwriting their change.
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version

    def clean(self):
        cleaned_data = super().clean()
        self._check_override(cleaned_data)
        loaded = cleaned_data.get("loaded_version")
        if not self.instance.pk:
            return cleaned_data
        if loaded is None:
            # Said at the top: the hidden field's own error would not show.
            raise forms.ValidationError(
                _("This form does not say which version it was opened on: reload the page."),
                code="no_version",
            )
        try:
            services.check_version(recommendation=self.instance, loaded_version=loaded)
        except services.EditConflict as conflict:
            # Keep everything the user typed, but carry the current version: once they have
            # merged by eye, saving again succeeds.
            self.data = self.data.copy()
            self.data[self.add_prefix("loaded_version")] = conflict.current.version
            raise forms.ValidationError(conflict_message(conflict), code="edit_conflict") from None
        return cleaned_data

    def _check_override(self, cleaned_data):
        """An overall status set by hand (secretariat only: officials do not get the field)
        must follow the sides or come with a reason."""
        if "status" not in self.changed_data or "status" not in cleaned_data:
            return
        # resolve() reads the item; give it the sides and the reason as this form leaves them.
        after = copy.copy(self.instance)
        after.status_override_reason = cleaned_data.get("status_override_reason", "")
        sides = {side: cleaned_data[f] for side, f in SIDE_FIELDS.items() if f in cleaned_data}
        try:
            resolve(after, sides=sides, overall=cleaned_data["status"])
        except OverrideNeedsReason as problem:
            self.add_error("status_override_reason", str(problem))


def conflict_message(conflict: services.EditConflict) -> str:
    who = conflict.changed_by.get_username() if conflict.changed_by else _("someone else")
    changes = "; ".join(str(change) for change in conflict.changes) or _(
        "the recorded history does not say which fields"
    )
    return _(
        "Not saved: %(who)s saved this recommendation after you opened it. They changed: "
        "%(changes)s. Your input is kept below: compare it with theirs, then save again."
    ) % {"who": who, "changes": changes}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (CSV or XLSX)"),
        # An empty file gets the import's own message, like every other rejected file.
        allow_empty_file=True,
        help_text=_(
            "The Council report export, or a sheet with the columns reference, status, "
            "status_date, latest_update and visibility."
        ),
    )


@admin.register(Recommendation)
class RecommendationAdmin(HistoryAdmin):
    form = RecommendationAdminForm
    change_list_template = "admin/recommendations/recommendation/change_list.html"
    list_display = [
        "reference",
        "topic",
        "short_text",
        "lead_owner",
        "status",
        "eu_status",
        "japan_status",
        "flags",
        "last_update",
    ]
    list_filter = [
        "topic",
        "lead_owner",
        "status",
        DivergentFilter,
        StaleFilter,
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
    readonly_fields = [
        "status_date",
        "eu_status_date",
        "eu_status_by",
        "japan_status_date",
        "japan_status_by",
        "archived_at",
        "created_at",
        "updated_at",
    ]
    actions = [
        change_status_action,
        archive_action,
        restore_action,
        exports.export_selected_xlsx,
        exports.export_selected_csv,
    ]
    inlines = [TimelineInline, NewUpdateInline]
    history_list_display = ["status", "eu_status", "japan_status", "lead_owner"]
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
                    "archived_at",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
        (
            _("Bilateral status"),
            {
                "description": _(
                    "Each side reports its own status; the overall status follows from the two "
                    "unless the secretariat gives a reason to override it."
                ),
                "fields": [
                    "eu_status",
                    "eu_status_date",
                    "eu_status_by",
                    "japan_status",
                    "japan_status_date",
                    "japan_status_by",
                    "status_override_reason",
                ],
            },
        ),
    ]

    def get_queryset(self, request):
        # Built here rather than by super(), whose ordering would come before the annotation
        # it orders by.
        queryset = self.model._default_manager.for_admin().with_last_activity()
        owner = permissions.owner_of(request.user)
        if owner is None:
            return queryset.order_by(*self.get_ordering(request))
        # An official's own items with no recent update come first: their to-do before the
        # next Council.
        next_council, _last = Council.objects.next_and_last(timezone.localdate())
        cutoff = stale_cutoff(next_council.date if next_council else None, timezone.localdate())
        own = Recommendation.objects.filter(
            models.Q(lead_owner=owner) | models.Q(co_owners=owner)
        ).values("pk")
        return queryset.annotate(
            own_stale_first=models.Case(
                models.When(models.Q(pk__in=own, last_activity__lt=cutoff), then=models.Value(0)),
                default=models.Value(1),
                output_field=models.IntegerField(),
            )
        ).order_by(*self.get_ordering(request))

    def get_ordering(self, request):
        if permissions.owner_of(request.user) is None:
            return super().get_ordering(request)
        return ["own_stale_first", "topic__position", "sequence"]

    @admin.display(description=_("flags"))
    def flags(self, obj):
        flags = []
        if obj.is_divergent:
            flags.append(str(_("Divergent")))
        if getattr(obj, "own_stale_first", None) == 0:
            flags.append(str(_("No recent update")))
        return ", ".join(flags) or "—"

    def get_object(self, request, object_id, from_field=None):
        if request.method != "POST":
            return super().get_object(request, object_id, from_field)
        # A save reads the row under lock (the admin wraps the view in a transaction), so the
        # version check and the write cannot be split by someone else's save.
        field = Recommendation._meta.get_field(from_field) if from_field else None
        try:
            object_id = field.to_python(object_id) if field else object_id
            return Recommendation.objects.select_for_update().get(
                **{(from_field or "pk"): object_id}
            )
        except (Recommendation.DoesNotExist, forms.ValidationError, ValueError):
            return None

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not self.has_change_permission(request, obj):
            return fieldsets
        (name, options), *rest = fieldsets
        first = (name, {**options, "fields": [*options["fields"], "loaded_version"]})
        return [first, *rest]

    def get_readonly_fields(self, request, obj=None):
        editable = permissions.editable_fields(request.user)
        if editable is None:
            return self.readonly_fields
        fields = [
            field
            for _name, options in self.fieldsets
            for field in options["fields"]
            if field not in editable
        ]
        return fields

    def has_add_permission(self, request):
        return permissions.is_secretariat(request.user)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return permissions.can_change_some(request.user)
        return permissions.can_change(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        # Never hard-deleted through the admin, not even by the secretariat: archive instead.
        return False

    def has_archive_permission(self, request):
        return permissions.can_archive(request.user)

    def get_urls(self):
        return [
            path(
                "import-updates/",
                self.admin_site.admin_view(self.import_updates_view),
                name="recommendations_recommendation_import_updates",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "can_import": permissions.can_change_some(request.user),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def import_updates_view(self, request):
        """Upload → preview of exactly what will change → confirm; all rows or none."""
        if not permissions.can_change_some(request.user):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import status updates"),
            "opts": self.model._meta,
            "max_kb": imports.MAX_FILE_BYTES // 1024,
        }
        own_side = permissions.own_side(request.user)
        if own_side:
            context["own_side"] = Side(own_side)
            context["own_side_column"] = SIDE_FIELDS[own_side]
        template = "admin/recommendations/recommendation/import_updates.html"
        form = ImportForm()
        if request.method == "POST" and "confirm" in request.POST:
            return self._apply_import(request, context, template)
        if request.method == "POST":
            form = ImportForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                # One byte more than allowed is enough to tell an oversized file.
                content = upload.read(imports.MAX_FILE_BYTES + 1)
                try:
                    changes = imports.plan(filename=upload.name, content=content, user=request.user)
                except imports.ImportRejected as rejected:
                    context["errors"] = rejected.errors
                else:
                    context["changes"] = changes
                    context["token"] = signing.dumps(
                        {
                            "filename": upload.name,
                            "content": base64.b64encode(content).decode(),
                            "versions": {c.reference: c.recommendation.version for c in changes},
                        },
                        salt=IMPORT_SALT,
                        compress=True,
                    )
        context["form"] = form
        return TemplateResponse(request, template, context)

    def _apply_import(self, request, context, template):
        try:
            payload = signing.loads(
                request.POST.get("token", ""), salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE
            )
        except signing.BadSignature:
            context["form"] = ImportForm()
            context["errors"] = [
                imports.RowError(
                    row=None,
                    column="",
                    message=_("The preview has expired or was altered; upload the file again."),
                )
            ]
            return TemplateResponse(request, template, context)
        try:
            updates = imports.apply(
                filename=payload["filename"],
                content=base64.b64decode(payload["content"]),
                user=request.user,
                author=request.user,
                expected_versions=payload["versions"],
            )
        except imports.ImportRejected as rejected:
            context["form"] = ImportForm()
            context["errors"] = rejected.errors
            return TemplateResponse(request, template, context)
        self.message_user(
            request,
            ngettext(
                "Imported %(count)d status update.",
                "Imported %(count)d status updates.",
                len(updates),
            )
            % {"count": len(updates)},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:recommendations_recommendation_changelist"))

    @admin.display(description=_("text"), ordering="text")
    def short_text(self, obj):
        return obj.short_text

    @admin.display(description=_("last update"), ordering="last_update")
    def last_update(self, obj):
        return obj.last_update

    def save_model(self, request, obj, form, change):
        # Status and side changes are applied through services.set_statuses once the inlines
        # are saved, so each is recorded once, with the update text the user wrote alongside.
        pending = {}
        if change:
            sides = {}
            for side, field in SIDE_FIELDS.items():
                if field in form.changed_data:
                    if not permissions.can_set_side(request.user, obj, side):
                        raise PermissionDenied
                    sides[side] = getattr(obj, field)
                    setattr(obj, field, form.initial[field])
            overall = None
            if "status" in form.changed_data:
                overall = obj.status
                obj.status = form.initial["status"]
            # A reason emptied hands the overall status back to the sides: set_statuses
            # re-derives it.
            if sides or overall or "status_override_reason" in form.changed_data:
                pending = {"sides": sides, "overall": overall}
            services.next_version(obj)
        obj._pending_statuses = pending
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not ProgressUpdate:
            return super().save_formset(request, form, formset, change)
        recommendation = form.instance
        updates = formset.save(commit=False)
        if getattr(recommendation, "_pending_statuses", None) and len(updates) == 1:
            # Written with a status change: the update explains it (see save_related).
            recommendation._pending_update = updates[0]
            return None
        for update in updates:
            update.recommendation = recommendation
            services.record_update(update=update, author=request.user)
        return None

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        recommendation = form.instance
        pending = recommendation.__dict__.pop("_pending_statuses", None)
        if not pending:
            return
        update = recommendation.__dict__.pop("_pending_update", None)
        written = {}
        if update is not None:
            written = {
                "text": update.text,
                "evidence_url": update.evidence_url,
                "visibility": update.visibility,
                "on": update.date,
            }
        services.set_statuses(
            recommendation=recommendation, author=request.user, **pending, **written
        )


IMPORT_SALT = "recommendations.import-updates"
# Long enough to read a preview of fifty rows, short enough that a forgotten tab goes stale.
IMPORT_MAX_AGE = 60 * 60


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

    # Officials add updates on their own recommendations' pages; this list is the
    # secretariat's tool for corrections.
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
    search_fields = ["code", "name"]


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
        services.enrol_official(obj.user)


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):
    list_display = ["number", "place", "date"]
