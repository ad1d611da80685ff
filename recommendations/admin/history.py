"""The base of the admin pages that show a model's recorded history."""

from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

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
