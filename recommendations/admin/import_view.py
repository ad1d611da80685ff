"""The spreadsheet import page: upload, a preview of exactly what will change, then confirm;
all rows or none."""

import base64
from typing import Any

from django.contrib import messages
from django.contrib.admin import ModelAdmin, helpers
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from recommendations.admin.forms import ImportForm
from recommendations.imports import MAX_FILE_BYTES, ImportRejected, RowError, apply, plan
from recommendations.imports.reading import heading
from recommendations.models import Recommendation
from recommendations.rules import permissions
from recommendations.rules.choices import SIDE_FIELDS, Side

IMPORT_SALT = "recommendations.import-updates"
# Long enough to read a preview of fifty rows, short enough that a forgotten tab goes stale.
IMPORT_MAX_AGE = 60 * 60
TEMPLATE = "admin/recommendations/recommendation/import_updates.html"


def import_updates_view(
    modeladmin: "ModelAdmin[Recommendation]", request: HttpRequest
) -> HttpResponse:
    """Upload → preview of exactly what will change → confirm; all rows or none."""
    if not permissions.can_view_internal(request.user):
        raise PermissionDenied
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Import status updates"),
        "opts": modeladmin.model._meta,
        "max_kb": MAX_FILE_BYTES // 1024,
        # The columns as the sheet of the reader's language heads them.
        "status_column": heading("status"),
        "eu_column": heading(SIDE_FIELDS[Side.EU]),
        "japan_column": heading(SIDE_FIELDS[Side.JAPAN]),
    }
    own_side = permissions.own_side(request.user)
    if own_side:
        context["own_side"] = Side(own_side)
        context["own_side_column"] = heading(SIDE_FIELDS[own_side])
    if request.method == "POST" and "confirm" in request.POST:
        return _apply_import(modeladmin, request, context)
    form = ImportForm()
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            # One byte more than allowed is enough to tell an oversized file.
            content = upload.read(MAX_FILE_BYTES + 1)
            try:
                planned = plan(filename=upload.name, content=content, user=request.user)
            except ImportRejected as rejected:
                context["errors"] = rejected.errors
            else:
                context |= {"plan": planned, "changes": planned.changes}
                if planned.changes:
                    context["token"] = signing.dumps(
                        {
                            "filename": upload.name,
                            "content": base64.b64encode(content).decode(),
                            "versions": planned.versions,
                        },
                        salt=IMPORT_SALT,
                        compress=True,
                    )
    return TemplateResponse(request, TEMPLATE, context | _form_context(modeladmin, form))


def _form_context(modeladmin: "ModelAdmin[Recommendation]", form: ImportForm) -> dict[str, Any]:
    """The upload form as the admin lays out its own forms (an aligned fieldset)."""
    return {
        "form": form,
        # AdminForm lays out any form; the stubs ask for a ModelForm.
        "adminform": helpers.AdminForm(
            form,  # type: ignore[arg-type]
            [(None, {"fields": ["file"]})],
            {},
            model_admin=modeladmin,
        ),
    }


def _apply_import(
    modeladmin: "ModelAdmin[Recommendation]", request: HttpRequest, context: dict[str, Any]
) -> HttpResponse:
    try:
        payload = signing.loads(
            request.POST.get("token", ""), salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE
        )
    except signing.BadSignature:
        context |= _form_context(modeladmin, ImportForm())
        context["errors"] = [
            RowError(
                row=None,
                column="",
                message=gettext("The preview has expired or was altered; upload the file again."),
            )
        ]
        return TemplateResponse(request, TEMPLATE, context)
    try:
        applied = apply(
            filename=payload["filename"],
            content=base64.b64decode(payload["content"]),
            user=request.user,
            author=permissions.signed_in_user(request),
            expected_versions=payload["versions"],
        )
    except ImportRejected as rejected:
        context |= _form_context(modeladmin, ImportForm())
        context["errors"] = rejected.errors
        return TemplateResponse(request, TEMPLATE, context)
    modeladmin.message_user(request, applied.applied_message, messages.SUCCESS)
    return HttpResponseRedirect(reverse("admin:recommendations_recommendation_changelist"))
