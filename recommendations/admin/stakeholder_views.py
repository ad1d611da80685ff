"""The recommending organisations' views in the admin, the secretariat's alone: their contacts'
addresses, and the views to moderate (approve, or reject with a reason mailed to the contact).
The view itself is the contact's: the change form shows it and takes only the decision."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from recommendations.models import OrganisationContact, StakeholderView
from recommendations.rules import permissions
from recommendations.services import stakeholder_views


class SecretariatOnly:
    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.is_secretariat(request.user)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return permissions.is_secretariat(request.user)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return permissions.is_secretariat(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return permissions.is_secretariat(request.user)


@admin.register(OrganisationContact)
class OrganisationContactAdmin(SecretariatOnly, admin.ModelAdmin):
    list_display = ["email", "organisation", "language", "created_at"]
    list_filter = ["organisation", "language"]
    list_select_related = ["organisation"]
    search_fields = ["email", "organisation__acronym", "organisation__name"]
    fields = ["organisation", "email", "language"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return permissions.is_secretariat(request.user)


@admin.action(description=_("Approve the selected views"))
def approve_views(
    modeladmin: "admin.ModelAdmin[StakeholderView]",
    request: HttpRequest,
    queryset: QuerySet[StakeholderView],
) -> None:
    user = permissions.signed_in_user(request)
    approved = sum(
        stakeholder_views.approve(view_id=pk, by=user)
        for pk in queryset.values_list("pk", flat=True)
    )
    modeladmin.message_user(
        request,
        ngettext(
            "%(count)d view was approved and is now public.",
            "%(count)d views were approved and are now public.",
            approved,
        )
        % {"count": approved},
        messages.SUCCESS,
    )


class ModerationForm(forms.ModelForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve: publish this view")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason for rejection"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mailed to the contact who gave the view."),
    )

    class Meta:
        model = StakeholderView
        fields: list[str] = []

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") == "reject" and not str(cleaned.get("reason", "")).strip():
            raise ValidationError({"reason": _("Give the contact a reason for the rejection.")})
        return cleaned


@admin.register(StakeholderView)
class StakeholderViewAdmin(SecretariatOnly, SimpleHistoryAdmin):
    form = ModerationForm
    list_display = [
        "recommendation",
        "organisation",
        "answer",
        "state",
        "public_answer",
        "updated_at",
    ]
    list_filter = ["state", "answer", "organisation"]
    list_select_related = ["recommendation", "organisation"]
    search_fields = ["recommendation__reference", "organisation__acronym", "comment"]
    readonly_fields = [
        "recommendation",
        "organisation",
        "answer",
        "comment",
        "contact_email",
        "state",
        "rejection_reason",
        "public_answer",
        "public_comment",
        "approved_at",
        "updated_at",
    ]
    actions = [approve_views]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Views come from the organisations' contacts, never typed in the admin.
        return False

    def get_fields(self, request: HttpRequest, obj: StakeholderView | None = None) -> list[str]:
        """What the contact gave; the last rejection's reason and what is public where there are
        any; the decision while the view awaits one."""
        fields = ["recommendation", "organisation", "answer", "comment", "contact_email"]
        fields += ["updated_at", "state"]
        if obj is not None and obj.rejection_reason:
            fields.append("rejection_reason")
        if obj is not None and obj.approved_at:
            fields += ["public_answer", "public_comment", "approved_at"]
        if obj is not None and obj.state == StakeholderView.State.PENDING:
            fields += ["decision", "reason"]
        return fields

    def save_model(
        self,
        request: HttpRequest,
        obj: StakeholderView,
        form: "forms.ModelForm[StakeholderView]",
        change: bool,
    ) -> None:
        # The decision is the one write, through the service: the form changes no field itself.
        decision = form.cleaned_data.get("decision")
        user = permissions.signed_in_user(request)
        if decision == "approve":
            stakeholder_views.approve(view_id=obj.pk, by=user)
        elif decision == "reject":
            stakeholder_views.reject(view_id=obj.pk, by=user, reason=form.cleaned_data["reason"])
        obj.refresh_from_db()

    def save_related(
        self,
        request: HttpRequest,
        form: "forms.ModelForm[StakeholderView]",
        formsets: Any,
        change: bool,
    ) -> None:
        # No relation is edited here; Django's save_m2m would have nothing to do.
        return None
