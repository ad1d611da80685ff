"""What a report is asked for: its as-of and since dates, its Council and whether it is the
internal version, validated alike for the web page, the files and the command."""

import datetime
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from recommendations.models import Council
from recommendations.models.rounds import EditionLabel

DATE_FORMAT = "%Y-%m-%d"


@dataclass(frozen=True)
class ReportOptions:
    as_of: datetime.date
    since: datetime.date | None = None
    council: Council | None = None
    # Internal reports carry internal updates and notes: officials only.
    internal: bool = False
    # A published edition's number, day and correction, on its cover and running heads.
    edition: EditionLabel | None = None

    @property
    def query(self) -> dict[str, str]:
        """The parameters that reproduce this report, for download links and the form."""
        params = {"as_of": self.as_of.strftime(DATE_FORMAT)}
        if self.since:
            params["since"] = self.since.strftime(DATE_FORMAT)
        if self.council:
            params["council"] = str(self.council.number)
        if self.internal:
            params["internal"] = "1"
        return params


def default_council(as_of: datetime.date) -> Council | None:
    """The Council the report is prepared for: the first one not yet held on the as-of date."""
    return (
        Council.objects.filter(Q(date__gte=as_of) | Q(date__isnull=True)).order_by("number").first()
    )


def default_since(as_of: datetime.date, council: Council | None) -> datetime.date | None:
    """The date of the last Council held before the as-of date (and before the chosen one)."""
    held = Council.objects.filter(date__lt=as_of)
    if council is not None and council.date is not None:
        held = held.filter(date__lt=council.date)
    last = held.order_by("-date").first()
    return last.date if last else None


class ReportDateField(forms.DateField):
    """A day given as YYYY-MM-DD, optional, with a message that shows the form expected."""

    widget = forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT)
    input_formats = [DATE_FORMAT]
    default_error_messages = {
        "invalid": _("Enter a real date as YYYY-MM-DD, for example 2024-04-30.")
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)


class ReportForm(forms.Form):
    """The report's choices, validated the same way for the web and the command."""

    as_of = ReportDateField(
        label=_("As of"),
        help_text=_("Statuses as they stood at the end of this day. Empty: today."),
    )
    since = ReportDateField(
        label=_("Changed since"),
        help_text=_("Empty: the date of the last Council before the as-of date."),
    )
    council = forms.ModelChoiceField(
        label=_("For the Council"),
        queryset=Council.objects.all(),
        to_field_name="number",
        required=False,
        empty_label=_("The next Council"),
        error_messages={"invalid_choice": _("There is no Council with that number.")},
    )
    internal = forms.BooleanField(
        label=_("Internal version"),
        required=False,
        help_text=_("With internal updates and notes. Officials only."),
    )

    def clean_as_of(self) -> datetime.date | None:
        as_of = self.cleaned_data["as_of"]
        if as_of and as_of > timezone.localdate():
            raise forms.ValidationError(
                _("The as-of date %(date)s is in the future; choose today or an earlier day."),
                params={"date": as_of.strftime(DATE_FORMAT)},
                code="future",
            )
        return as_of

    def clean(self) -> dict[str, Any]:
        # Form.clean() returns cleaned_data; read it from the form, where it is never None.
        super().clean()
        cleaned = self.cleaned_data
        as_of = cleaned.get("as_of") or timezone.localdate()
        since = cleaned.get("since")
        if since and since > as_of:
            self.add_error(
                "since",
                forms.ValidationError(
                    _("“Changed since” (%(since)s) must not be after the as-of date (%(as_of)s)."),
                    params={
                        "since": since.strftime(DATE_FORMAT),
                        "as_of": as_of.strftime(DATE_FORMAT),
                    },
                    code="since_after_as_of",
                ),
            )
        return cleaned

    def options(self, *, internal: bool = False) -> ReportOptions:
        """The report these valid choices ask for, with the defaults filled in."""
        as_of = self.cleaned_data.get("as_of") or timezone.localdate()
        council = self.cleaned_data.get("council") or default_council(as_of)
        since = self.cleaned_data.get("since") or default_since(as_of, council)
        return ReportOptions(as_of=as_of, since=since, council=council, internal=internal)


def error_messages(form: forms.Form) -> list[str]:
    """Each error with the field it concerns, for a 400 page or a command's message."""
    messages = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        for error in errors:
            messages.append(f"{label} ({name}): {error}" if label else str(error))
    return messages
