"""The base of the admin pages that show a model's recorded history."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin

# django-simple-history's history list less its one inline style, which the CSP would block.
HISTORY_LIST_TEMPLATE = "admin/recommendations/object_history_list.html"


class HistoryAdmin(SimpleHistoryAdmin):
    """History to read, never to revert: a revert would save fields an official may not change,
    past the version check, and set a status without the progress update that explains it.
    django-simple-history accepts a revert POST from anyone who may view, so it is refused."""

    object_history_list_template = HISTORY_LIST_TEMPLATE

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
