"""The next steps in the change form: each side's dated actions, listed and edited inline, an
official's own side only. The form asks the steps' rules before the save, so a refusal comes back
beside the field; the save writes each row through services.steps, which asks them again under
lock."""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.models import User
from django.db import models
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from recommendations.admin.forms import URL_FIELDS
from recommendations.models import NextStep, Recommendation
from recommendations.rules import permissions
from recommendations.rules.choices import Side
from recommendations.rules.steps import STEP_FIELDS, step_errors
from recommendations.services.steps import add_step, made_on, update_step

# The first target date beside the current one, read only: kept as first promised.
FORM_FIELDS = ("side", "text", "text_ja", "target_date", "first_target_date", *STEP_FIELDS[3:])


class NextStepFormSet(BaseInlineFormSet):
    """The steps of one item; `author` is the signed-in user, set by the inline."""

    author: User

    def add_fields(self, form: Any, index: int | None) -> None:
        super().add_fields(form, index)
        side = permissions.own_side(self.author)
        field = form.fields.get("side")
        if side is not None and isinstance(field, forms.ChoiceField):
            field.choices = [(side, Side(side).label)]
            field.initial = side

    def clean(self) -> None:
        super().clean()
        item = self.instance
        for form in self.forms:
            if not form.has_changed() or not hasattr(form, "cleaned_data"):
                continue
            data = form.cleaned_data
            side = data.get("side") or form.initial.get("side")
            if side and not permissions.can_set_side(self.author, item, side):
                form.add_error(
                    "side",
                    _("You may not change the %(side)s next steps of %(reference)s.")
                    % {"side": Side(side).label, "reference": item.reference},
                )
                continue
            existing = form.instance.pk is not None
            before = {field: form.initial.get(field) for field in STEP_FIELDS} if existing else None
            after = {field: data.get(field) for field in STEP_FIELDS}
            errors = step_errors(
                made_on=made_on(item), today=timezone.localdate(), before=before, after=after
            )
            for field, message in errors.items():
                form.add_error(field if field in form.fields else None, message)

    def save(self, commit: bool = True) -> list[NextStep]:
        """Each added or changed step through the service: one write, one history row each."""
        saved: list[NextStep] = []
        # What the admin's change message reads from a saved formset.
        self.new_objects: list[NextStep] = []
        self.changed_objects: list[tuple[NextStep, list[str]]] = []
        self.deleted_objects: list[NextStep] = []
        for form in self.forms:
            if not form.has_changed():
                continue
            data = form.cleaned_data
            if form.instance.pk is None:
                step = add_step(
                    recommendation=self.instance,
                    side=data["side"],
                    text=data["text"],
                    text_ja=data.get("text_ja") or "",
                    target_date=data["target_date"],
                    visibility=data["visibility"],
                    author=self.author,
                )
                rest: dict[str, object] = {
                    field: data[field]
                    for field in ("state", "done_on", "evidence_url")
                    if field in form.changed_data
                }
                saved.append(update_step(step=step, author=self.author, changes=rest))
                self.new_objects.append(saved[-1])
            else:
                changes = {f: data[f] for f in form.changed_data if f in STEP_FIELDS}
                saved.append(update_step(step=form.instance, author=self.author, changes=changes))
                self.changed_objects.append((saved[-1], form.changed_data))
        return saved


class NextStepInline(admin.StackedInline):
    model = NextStep
    formset = NextStepFormSet
    fields = FORM_FIELDS
    readonly_fields = ["first_target_date"]
    verbose_name = _("next step")
    verbose_name_plural = _("next steps")
    extra = 1
    can_delete = False
    # The step is shown on the item's page; no link of its own.
    view_on_site = False
    # Two lines a text: a step is a sentence, and the form lists several.
    formfield_overrides = {
        **URL_FIELDS,
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 60})},
    }

    def get_queryset(self, request: HttpRequest) -> QuerySet[NextStep]:
        steps = super().get_queryset(request)
        side = permissions.own_side(request.user)
        return steps.filter(side=side) if side is not None else steps

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        # A class of its own for each request (inlineformset_factory builds it anew).
        formset.author = permissions.signed_in_user(request)  # type: ignore[attr-defined]
        return formset

    def _may(self, request: HttpRequest, obj: Recommendation | None) -> bool:
        if obj is None:
            return permissions.is_secretariat(request.user)
        return permissions.can_change(request.user, obj) and bool(
            permissions.status_targets(request.user)
        )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, obj)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, obj) or permissions.can_view_internal(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
