"""The base of the admin pages that show a model's recorded history, and how a change reads
there: by the field's label, a status by its name, a date as a date, "—" for nothing, and a note
whole (the template folds a long one)."""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import ForeignKey, ManyToManyField, Model
from django.http import HttpRequest, HttpResponse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject, HistoricalChanges, ModelChange
from simple_history.template_utils import HistoricalRecordContextHelper

# django-simple-history's history list less its one inline style, which the CSP would block.
HISTORY_LIST_TEMPLATE = "admin/recommendations/object_history_list.html"
# Nothing: an empty text, a date never set, no owner.
NOTHING = "—"


def readable(value: Any) -> str:
    """One recorded value as the admin's pages show it (an owner in the page's language)."""
    if value is None or value == "" or value == []:
        return NOTHING
    if isinstance(value, DeletedObject):
        # The row it named is gone: said so, without the key, which means nothing to a reader.
        return _("Deleted %(type_name)s") % {"type_name": value.model._meta.verbose_name}
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        return date_format(localtime(value), "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "DATE_FORMAT")
    if isinstance(value, list):
        return ", ".join(readable(item) for item in value)
    return str(getattr(value, "localised_name", value))


class ReadableHistory(HistoricalRecordContextHelper):
    """simple-history's change list of a record, in words: choices by their labels, related
    rows by their names, nothing as "—", and no value shortened."""

    def prepare_delta_change_value(self, change: ModelChange, value: Any) -> Any:
        field = self.model._meta.get_field(change.field)
        if isinstance(field, ManyToManyField):
            return [readable(item) for item in super().prepare_delta_change_value(change, value)]
        if isinstance(field, ForeignKey) and isinstance(value, DeletedObject) and value.pk is None:
            return None
        choices = dict(getattr(field, "flatchoices", None) or [])
        if choices and value in choices:
            return choices[value]
        return value

    def stringify_delta_change_values(
        self, change: ModelChange, old: Any, new: Any
    ) -> tuple[str, str]:
        # Plain text, escaped by the template: whole, not cut to a hundred characters.
        return readable(old), readable(new)


class HistoryAdmin(SimpleHistoryAdmin):
    """History to read, never to revert: a revert would save fields an official may not change,
    past the version check, and set a status without the progress update that explains it.
    django-simple-history accepts a revert POST from anyone who may view, so it is refused."""

    object_history_list_template = HISTORY_LIST_TEMPLATE

    def get_historical_record_context_helper(
        self, request: HttpRequest, historical_record: HistoricalChanges
    ) -> HistoricalRecordContextHelper:
        return ReadableHistory(self.model, historical_record)

    def revert_disabled(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return True

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
