"""What the OpenAPI schema says that the views and serializers cannot say for themselves: the
shared error responses, the declared query parameters and the conditional-GET headers."""

from typing import Any

from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request

from recommendations.api.parameters import declared_parameters

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


class DeclaredParametersSchema(AutoSchema):
    """Each operation's query parameters as `parameters.declared_parameters` declares them, the
    same declarations the views enforce; enums of codes are read from the data each time the
    schema is generated."""

    def get_override_parameters(self) -> list[Any]:
        declared = [parameter.openapi() for parameter in declared_parameters(self.view)]
        return [*super().get_override_parameters(), *declared]


def document_parameter_errors(
    result: dict[str, Any], generator: SchemaGenerator, request: Request | None, public: bool
) -> dict[str, Any]:
    """drf-spectacular hook: any read may answer 400 (a parameter the schema does not allow) and
    414 (a request line longer than the server reads, about 4 KB under gunicorn)."""
    bad = {
        "description": "A query parameter is unknown, repeated or invalid: the body maps each "
        "one to its messages.",
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                }
            }
        },
    }
    for path_item in result.get("paths", {}).values():
        operation = path_item.get("get")
        if operation is None:
            continue
        responses = operation.setdefault("responses", {})
        responses.setdefault("400", bad)
        responses.setdefault("414", {"description": "The request line is too long: no body."})
    return result


def document_conditional_get(
    result: dict[str, Any], generator: SchemaGenerator, request: Request | None, public: bool
) -> dict[str, Any]:
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
