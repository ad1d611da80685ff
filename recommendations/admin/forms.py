"""The admin's own forms: the recommendation form with its version check and override rule, the
bulk status change and the spreadsheet upload."""

import copy
import datetime
from typing import Any, TypedDict, cast

from django import forms
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from recommendations.models import NextStep
from recommendations.rules import permissions
from recommendations.rules.answers import answer_errors, detail_field, step_field
from recommendations.rules.bilateral import OverrideNeedsReason, resolve
from recommendations.rules.choices import (
    SIDE_FIELDS,
    STALLED_FIELDS,
    Side,
    StalledReason,
    Status,
    Visibility,
    answer_fields,
)
from recommendations.services.versions import FieldConflict, merge

# Evidence links typed without a scheme are taken as https, as Django 6 does by default.
URL_FIELDS: dict[type[models.Field], dict[str, Any]] = {models.URLField: {"assume_scheme": "https"}}
# The update's own rule: only web links, never a javascript: or file: link.
EVIDENCE_LINK = URLValidator(
    schemes=["http", "https"], message=_("Enter a web link (http:// or https://).")
)


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
    stalled_reason = forms.ChoiceField(
        label=_("Stalled because"),
        choices=[("", "—"), *StalledReason.choices],
        required=False,
        help_text=_("Needed to set a side to stalled."),
    )
    stalled_detail = forms.CharField(
        label=_("Stalled: details"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Needed when the reason is “Other”."),
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
    # As the change form asks: the day it happened (the official's today by default) and the
    # link that shows it, both carried by each recommendation's update.
    date = forms.DateField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The day the status changed; left empty, today."),
    )
    evidence_url = forms.URLField(
        label=_("Evidence link"),
        required=False,
        assume_scheme="https",
        validators=[EVIDENCE_LINK],
        help_text=_("A web page that shows the change, if there is one."),
    )

    def __init__(self, *args: Any, user: permissions.Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Read when the form is made, in the official's time zone, not when the module loads.
        self.fields["date"].initial = timezone.localdate()
        # An official sets their own side only; the overall status follows from the sides.
        targets = permissions.status_targets(user)
        target = cast(forms.ChoiceField, self.fields["target"])
        target.choices = [(t, STATUS_TARGET_LABELS[t]) for t in targets]
        target.initial = targets[0] if targets else None
        if permissions.OVERALL not in targets:
            del self.fields["reason"]

    def clean(self) -> dict[str, Any]:
        # Form.clean() returns cleaned_data; read it from the form, where it is never None.
        super().clean()
        cleaned_data = self.cleaned_data
        overriding = cleaned_data.get("target") == permissions.OVERALL
        if overriding and not cleaned_data.get("reason", "").strip():
            self.add_error("reason", _("Setting the overall status overrides the sides: say why."))
        if not overriding and cleaned_data.get("status") == Status.STALLED:
            if not cleaned_data.get("stalled_reason"):
                self.add_error("stalled_reason", _("Say why the side is stalled: choose a reason."))
            elif (
                cleaned_data["stalled_reason"] == StalledReason.OTHER
                and not cleaned_data.get("stalled_detail", "").strip()
            ):
                self.add_error("stalled_detail", _("Describe what stalls the side."))
        return cleaned_data

    def change(self) -> "StatusChange":
        """The keyword arguments of services.bulk_set_statuses this form asks for."""
        data = self.cleaned_data
        if data["target"] == permissions.OVERALL:
            return StatusChange(
                sides={},
                overall=data["status"],
                reason=data["reason"],
                text=data["text"],
                visibility=data["visibility"],
                on=data["date"] or timezone.localdate(),
                evidence_url=data["evidence_url"],
                answers={},
            )
        side = data["target"]
        stalled = data["status"] == Status.STALLED
        return StatusChange(
            sides={side: data["status"]},
            overall=None,
            reason="",
            text=data["text"],
            visibility=data["visibility"],
            on=data["date"] or timezone.localdate(),
            evidence_url=data["evidence_url"],
            # A side leaving stalled loses its reason in the service itself.
            answers={
                STALLED_FIELDS[side]: data["stalled_reason"],
                detail_field(side): data["stalled_detail"].strip(),
            }
            if stalled
            else {},
        )


class AmendUpdateForm(forms.Form):
    """An author's correction of their progress update, or its withdrawal, with the reason the
    update's history keeps."""

    text = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    evidence_url = forms.URLField(
        label=_("Evidence link"),
        required=False,
        assume_scheme="https",
        validators=[EVIDENCE_LINK],
    )
    reason = forms.CharField(
        label=_("Why"),
        max_length=100,
        help_text=_("Kept in the update's history, with your name and the time."),
    )


class StatusChange(TypedDict):
    """What the bulk status form sets, spelled as bulk_set_statuses' arguments."""

    sides: dict[str, str]
    overall: str | None
    reason: str
    text: str
    visibility: str
    on: datetime.date
    evidence_url: str
    answers: dict[str, object]


class RecommendationAdminForm(forms.ModelForm):
    # The version the form was loaded with travels with it: a save after someone else's is
    # merged with theirs, three ways, instead of silently overwriting their change.
    loaded_version = forms.IntegerField(
        label=_("Version you opened"), widget=forms.HiddenInput, required=False
    )

    # Not a column: ticked, the Japanese text as it stands is confirmed by whoever saves.
    confirm_translation = forms.BooleanField(
        label=_("Confirm the Japanese translation"),
        required=False,
        help_text=_(
            "Tick to confirm the Japanese text as it stands; correcting the text confirms it too."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The fields both savers changed, each differently, when a save is refused for them.
        self.conflicts: list[FieldConflict] = []
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version
        # A stalled side points at one of its own next steps on this item, if at all.
        for side in SIDE_FIELDS:
            field = self.fields.get(step_field(side))
            if isinstance(field, forms.ModelChoiceField):
                steps = NextStep.objects.filter(side=side)
                field.queryset = (
                    steps.filter(recommendation=self.instance) if self.instance.pk else steps.none()
                )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned_data = self.cleaned_data
        loaded = cleaned_data.get("loaded_version")
        if self.instance.pk and loaded is None:
            # Said at the top: the hidden field's own error would not show.
            raise forms.ValidationError(
                _("This form does not say which version it was opened on: reload the page."),
                code="no_version",
            )
        if self.instance.pk and loaded is not None and loaded != self.instance.version:
            self._merge(loaded)
        self._check_override(cleaned_data)
        self._check_answers(cleaned_data)
        return cleaned_data

    def _check_answers(self, cleaned_data: dict[str, Any]) -> None:
        """Each side's response and stalled reason as this form leaves them, held to the rules
        the save applies (rules.answers), so a missing rationale or reason is said by its field."""
        if not self.instance.pk:
            return
        after = copy.copy(self.instance)
        answered = [*SIDE_FIELDS.values(), *(f for s in SIDE_FIELDS for f in answer_fields(s))]
        for name in answered:
            if name in cleaned_data:
                setattr(after, name, cleaned_data[name])
        moved = {side for side, field in SIDE_FIELDS.items() if field in self.changed_data}
        errors = answer_errors(after, changed=set(self.changed_data), moved=moved)
        for field, message in errors.items():
            self.add_error(field if field in self.fields else None, message)

    def _merge(self, loaded: int) -> None:
        """Someone saved since the form was loaded: the fields this form left as they were
        take their values, those only this form changed are saved, and those both changed are
        refused, with the user's input kept and the form moved on to the saved version so
        that, once they have chosen, saving again succeeds."""
        # The instance was read under lock (RecommendationAdmin.get_object) and the form's
        # values are not on it yet: it is the row as saved.
        current = self.instance
        yours = {
            name: self.cleaned_data[name]
            for name in self.fields
            if name not in ("loaded_version", "confirm_translation") and name in self.cleaned_data
        }
        merged = merge(recommendation=current, loaded_version=loaded, yours=yours)
        saved = forms.models.model_to_dict(current, fields=merged.theirs)
        for name in merged.theirs:
            self.cleaned_data[name] = (
                getattr(current, name).all()
                if isinstance(self.fields[name], forms.ModelMultipleChoiceField)
                else getattr(current, name)
            )
        # Not changed by this form: not saved by it, and not a status it moves.
        self.__dict__["changed_data"] = [
            name for name in self.changed_data if name not in merged.theirs
        ]
        if not merged.conflicts:
            return
        self.conflicts = merged.conflicts
        # The bound data is request.POST (a QueryDict) or a dict: either copies to a mutable one.
        data = cast(dict[str, Any], self.data).copy()
        for name in merged.theirs:
            _put(data, self.add_prefix(name), self.fields[name], saved[name])
        data[self.add_prefix("loaded_version")] = current.version
        self.data = data
        who = sorted({c.by.get_username() for c in merged.conflicts if c.by is not None})
        raise forms.ValidationError(
            _(
                "Not saved: %(who)s saved this recommendation after you opened it and changed "
                "what you changed. Choose the value of each field below, then save again."
            )
            % {"who": ", ".join(who) or _("someone else")},
            code="edit_conflict",
        )

    def _check_override(self, cleaned_data: dict[str, Any]) -> None:
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


def _put(data: Any, key: str, field: forms.Field, value: object) -> None:
    """Put a saved `value` into a form's bound data as the browser would submit it."""
    # The admin wraps a related field's widget in one that adds the "+" and pencil links.
    widget = cast(forms.Widget, getattr(field.widget, "widget", field.widget))
    prepared = field.prepare_value(value)
    if isinstance(widget, forms.CheckboxInput):
        if value:
            data[key] = "on"
        else:
            data.pop(key, None)
    elif getattr(widget, "allow_multiple_selected", False):
        values = [str(item) for item in prepared or []]
        if hasattr(data, "setlist"):
            data.setlist(key, values)
        else:
            data[key] = values
    else:
        shown = widget.format_value(prepared)
        if isinstance(shown, list):  # a choice widget formats its value as the options chosen
            shown = shown[0] if shown else None
        data[key] = "" if shown is None else str(shown)


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
