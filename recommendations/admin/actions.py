"""The changelist's actions: change the status of many items at once, archive and restore them,
export the selection."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from recommendations.admin.confirmations import report_confirmations
from recommendations.admin.forms import ChangeStatusForm
from recommendations.models import Recommendation
from recommendations.models.recommendation import RecommendationQuerySet
from recommendations.reporting.csv_export import csv_response
from recommendations.reporting.files import filename
from recommendations.reporting.options import ReportOptions
from recommendations.reporting.query import report_rows
from recommendations.reporting.xlsx_export import xlsx_response
from recommendations.rules import permissions
from recommendations.services import archive as archiving
from recommendations.services.statuses import bulk_set_statuses


def refuse_unless_all_changeable(
    modeladmin: "admin.ModelAdmin[Recommendation]",
    request: HttpRequest,
    queryset: RecommendationQuerySet,
) -> bool:
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
def change_status_action(
    modeladmin: "admin.ModelAdmin[Recommendation]",
    request: HttpRequest,
    queryset: RecommendationQuerySet,
) -> TemplateResponse | None:
    if refuse_unless_all_changeable(modeladmin, request, queryset):
        return None
    form = ChangeStatusForm(request.POST if "apply" in request.POST else None, user=request.user)
    if form.is_valid():
        try:
            updates = bulk_set_statuses(
                recommendations=queryset.select_related(None),
                author=permissions.signed_in_user(request),
                **form.change(),
            )
        except (PermissionDenied, ValidationError) as error:
            reasons = error.messages if isinstance(error, ValidationError) else [str(error)]
            modeladmin.message_user(
                request,
                _("Nothing was changed: %(reason)s") % {"reason": " ".join(reasons)},
                messages.ERROR,
            )
            return None
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
        # Rendered by the admin's own fieldset template, as a change form's fields are;
        # AdminForm lays out any form, though the stubs ask for a ModelForm.
        "adminform": helpers.AdminForm(
            form,  # type: ignore[arg-type]
            [(None, {"fields": list(form.fields)})],
            {},
        ),
        "recommendations": queryset.select_related("topic"),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(
        request, "admin/recommendations/recommendation/change_status.html", context
    )


def _archive_step(
    modeladmin: "admin.ModelAdmin[Recommendation]",
    request: HttpRequest,
    queryset: RecommendationQuerySet,
    *,
    archive: bool,
) -> TemplateResponse | None:
    """Both archive actions: a confirmation page first (archiving asks for the public reason
    each item's address will give), then the change with its history."""
    reason = request.POST.get("reason", "").strip()
    applied = "apply" in request.POST
    if not applied or (archive and not reason):
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": _("Archive recommendations") if archive else _("Restore recommendations"),
            "opts": modeladmin.model._meta,
            "archive": archive,
            "reason": reason,
            "reason_missing": applied,
            "recommendations": queryset.select_related("topic"),
            "action_name": request.POST.get("action"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/recommendations/recommendation/archive.html", context
        )
    author = permissions.signed_in_user(request)
    if archive:
        changed = archiving.archive(recommendations=queryset, author=author, reason=reason)
    else:
        changed = archiving.restore(recommendations=queryset, author=author)
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
def archive_action(
    modeladmin: "admin.ModelAdmin[Recommendation]",
    request: HttpRequest,
    queryset: RecommendationQuerySet,
) -> TemplateResponse | None:
    return _archive_step(modeladmin, request, queryset, archive=True)


@admin.action(description=_("Restore selected recommendations"), permissions=["archive"])
def restore_action(
    modeladmin: "admin.ModelAdmin[Recommendation]",
    request: HttpRequest,
    queryset: RecommendationQuerySet,
) -> TemplateResponse | None:
    return _archive_step(modeladmin, request, queryset, archive=False)


def _selected(queryset: QuerySet) -> QuerySet:
    # The changelist's queryset carries the admin's own annotations; the report starts afresh
    # from the selected primary keys.
    return Recommendation.objects.filter(pk__in=queryset.values("pk"))


def _admin_options(request: HttpRequest) -> ReportOptions:
    # Officials in the admin already see internal updates and notes: their export carries them,
    # marked as internal.
    internal = permissions.can_view_internal(request.user)
    return ReportOptions(as_of=timezone.localdate(), internal=internal)


@admin.action(description=_("Export selected as XLSX"))
def export_selected_xlsx(
    modeladmin: "admin.ModelAdmin[Recommendation]",
    request: HttpRequest,
    queryset: RecommendationQuerySet,
) -> FileResponse:
    options = _admin_options(request)
    return xlsx_response(
        options, name=filename(options, "xlsx", "recommendations"), base=_selected(queryset)
    )


@admin.action(description=_("Export selected as CSV"))
def export_selected_csv(
    modeladmin: "admin.ModelAdmin[Recommendation]",
    request: HttpRequest,
    queryset: RecommendationQuerySet,
) -> StreamingHttpResponse:
    options = _admin_options(request)
    rows = report_rows(options, _selected(queryset))
    return csv_response(
        rows, name=filename(options, "csv", "recommendations"), internal=options.internal
    )


@admin.action(description=_("No change since the last report"), permissions=["change"])
def confirm_unchanged_action(
    modeladmin: "admin.ModelAdmin[Recommendation]",
    request: HttpRequest,
    queryset: RecommendationQuerySet,
) -> None:
    report_confirmations(modeladmin, request, queryset.select_related(None))
