"""The admin's own forms: the recommendation form with its version check and override rule, the
bulk status change and the spreadsheet upload."""

import copy
from typing import Any, cast

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from recommendations import permissions
from recommendations.bilateral import OverrideNeedsReason, resolve
from recommendations.choices import SIDE_FIELDS, Side, Status, Visibility
from recommendations.services.versions import EditConflict, check_version

# Evidence links typed without a scheme are taken as https, as Django 6 does by default.
URL_FIELDS: dict[type[models.Field], dict[str, Any]] = {models.URLField: {"assume_scheme": "https"}}


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
        target = cast(forms.ChoiceField, self.fields["target"])
        target.choices = [(t, STATUS_TARGET_LABELS[t]) for t in targets]
        target.initial = targets[0] if targets else None
        if permissions.OVERALL not in targets:
            del self.fields["reason"]

    def clean(self):
        # Form.clean() returns cleaned_data; read it from the form, where it is never None.
        super().clean()
        cleaned_data = self.cleaned_data
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


class RecommendationAdminForm(forms.ModelForm):
    # The version the form was loaded with travels with it, so a save after someone else's is
    # caught (optimistic locking) instead of silently overwriting their change.
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version

    def clean(self):
        super().clean()
        cleaned_data = self.cleaned_data
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
            check_version(recommendation=self.instance, loaded_version=loaded)
        except EditConflict as conflict:
            # Keep everything the user typed, but carry the current version: once they have
            # merged by eye, saving again succeeds.
            # The bound data is request.POST (a QueryDict) or a dict: either is a dict that
            # copies to a mutable one.
            data = cast(dict[str, Any], self.data).copy()
            data[self.add_prefix("loaded_version")] = conflict.current.version
            self.data = data
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


def conflict_message(conflict: EditConflict) -> str:
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
