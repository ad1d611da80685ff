"""The recommendations as CSV, for a spreadsheet or a notebook: the JSON list's fields as
columns, one row per recommendation, with the report's rule for a cell's text."""

import csv
import io
from collections.abc import Mapping
from typing import Any

from rest_framework.renderers import BaseRenderer

from recommendations.rules.cells import neutralise


def cell(value: object) -> object:
    """A JSON value as a spreadsheet cell: lists joined by "; ", true/false and empty for null
    spelled out, text a spreadsheet would run as a formula made inert."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return neutralise("; ".join(str(item) for item in value))
    return neutralise(str(value))


class CsvRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        rows: list[Mapping[str, Any]] = list(data or [])
        view = (renderer_context or {})["view"]
        # The serializer's fields, in its order: the heading stands even when no row matches.
        columns = list(view.get_serializer().fields)
        out = io.StringIO()
        # The byte order mark lets Excel read Japanese text as UTF-8, as in the report's CSV.
        out.write("\ufeff")
        writer = csv.writer(out)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([cell(row[column]) for column in columns])
        return out.getvalue().encode("utf-8")
