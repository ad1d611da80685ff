"""The report as CSV, streamed line by line: one row per recommendation, column names as codes."""

import csv
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import IO

from django.http import StreamingHttpResponse

from recommendations.reporting.query import ReportRow
from recommendations.rules.cells import FORMULA_TRIGGERS

CSV_COLUMNS = [
    "reference",
    "topic",
    "recommendation",
    "organisations",
    "owner",
    "co_owners",
    "status",
    "status_date",
    "latest_update",
    "latest_update_date",
    "visibility",
    # Appended, so the columns before keep their places for those who read them by position.
    "eu_status",
    "japan_status",
    "recommendation_ja",
    "translation_status",
]
INTERNAL_CSV_COLUMNS = ["classification", *CSV_COLUMNS, "notes"]
LIST_SEPARATOR = "; "
# Lines sent to the client at once: memory stays that of one block, whatever the rows.
BLOCK_LINES = 200


def csv_record(row: ReportRow, *, internal: bool) -> list:
    record = [
        row.reference,
        row.topic.code,
        row.recommendation,
        LIST_SEPARATOR.join(row.organisations),
        row.lead_owner.code,
        LIST_SEPARATOR.join(owner.code for owner in row.co_owners),
        row.status,
        row.status_date.isoformat() if row.status_date else "",
        row.latest_update,
        row.latest_update_date.isoformat() if row.latest_update_date else "",
        row.latest_update_visibility,
        row.eu_status,
        row.japan_status,
        f"{row.title_ja}: {row.text_ja}" if row.title_ja else row.text_ja,
        row.translation_status,
    ]
    if internal:
        record = ["INTERNAL", *record, row.notes]
    # rules.cells.neutralise, written out: it runs for every cell of every row, where the cost of
    # a call per cell would grow with the export.
    return [
        "'" + value if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS) else value
        for value in record
    ]


class _Line:
    """A file-like object whose write() hands the line back, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[ReportRow], *, internal: bool) -> Iterator[str]:
    """The CSV text line by line; the byte order mark lets Excel read Japanese text as UTF-8."""
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow(INTERNAL_CSV_COLUMNS if internal else CSV_COLUMNS)
    for row in rows:
        yield writer.writerow(csv_record(row, internal=internal))


def write_csv(rows: Iterable[ReportRow], target: IO[str], *, internal: bool) -> None:
    for line in csv_lines(rows, internal=internal):
        target.write(line)


def _blocks(lines: Iterator[str], size: int = BLOCK_LINES) -> Iterator[bytes]:
    """The lines joined a few hundred at a time: handing the server one line at a time cost more
    than writing it."""
    while block := "".join(islice(lines, size)):
        yield block.encode("utf-8")


def csv_response(rows: Iterable[ReportRow], *, name: str, internal: bool) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        _blocks(csv_lines(rows, internal=internal)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
