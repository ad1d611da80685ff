"""What the OpenAPI schema says that the views and serializers cannot say for themselves: the
shared error responses, the `as_of` parameter and the conditional-GET headers."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

ERROR = inline_serializer(
    "Error",
    fields={"detail": serializers.CharField(help_text="What went wrong.")},
)
# django-filter and `as_of` answer a bad parameter with the messages for each parameter.
BAD_PARAMETERS = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description="A parameter is invalid: the body maps each bad parameter to its messages, "
    'e.g. {"as_of": ["Enter a real date as YYYY-MM-DD, for example 2024-04-30."]}.',
)
NOT_FOUND = OpenApiResponse(response=ERROR, description="No such resource, or no such page.")

AS_OF = OpenApiParameter(
    "as_of",
    OpenApiTypes.DATE,
    description="Statuses as they stood at the end of this day (YYYY-MM-DD, not in the "
    "future), read from the recorded history. Items added after that day are left out. The "
    "other filters select by present values, as on the list page.",
)


def document_conditional_get(result, generator, request, public):
    """drf-spectacular hook: every read answers with an ETag (Last-Modified where the data has
    timestamps) and may answer 304, which views alone cannot declare."""
    for path_item in result.get("paths", {}).values():
        operation = path_item.get("get")
        if operation is None or "200" not in operation.get("responses", {}):
            continue
        ok = operation["responses"]["200"]
        ok["headers"] = {
            "ETag": {
                "schema": {"type": "string"},
                "required": True,
                "description": "A hash of the body: send it back in If-None-Match.",
            },
            "Last-Modified": {
                "schema": {"type": "string"},
                "description": "Recommendations and updates only: the latest recorded change "
                "of the public data.",
            },
        }
        operation["responses"]["304"] = {
            "description": "Not modified since the ETag (If-None-Match) or date "
            "(If-Modified-Since) sent: no body."
        }
    return result
