"""The floors the exports are compared with: the least a file of the same items can cost.

Each floor writes the public items with their latest public update, read by one query with a
correlated subquery, through the bare writer of its format (csv.writer; openpyxl in write-only
mode), streamed through the same middleware as the exports. An export's ratio to its floor is
what the export adds on top: the report's columns, its organisations and owners, its safety for
spreadsheets.
"""

import csv
import tempfile

from django.db.models import OuterRef, Subquery
from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook

from recommendations.models import ProgressUpdate, Recommendation
from recommendations.reporting.query import CHUNK_SIZE

CSV_FLOOR_PATH = "/benchmark-floor/export.csv"
XLSX_FLOOR_PATH = "/benchmark-floor/export.xlsx"


def _rows():
    latest = (
        ProgressUpdate.objects.public()
        .filter(recommendation=OuterRef("pk"))
        .order_by("-date", "-created_at", "-pk")
    )
    return (
        Recommendation.objects.public()
        .annotate(
            latest_update=Subquery(latest.values("text")[:1]),
            latest_update_date=Subquery(latest.values("date")[:1]),
        )
        .order_by("pk")
        .values_list("reference", "text", "status", "latest_update", "latest_update_date")
        .iterator(chunk_size=CHUNK_SIZE)
    )


class _Line:
    def write(self, value: str) -> str:
        return value


def csv_floor_view(request):
    writer = csv.writer(_Line())
    lines = (writer.writerow(row).encode("utf-8") for row in _rows())
    return StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")


def xlsx_floor_view(request):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in _rows():
        sheet.append(row)
    target = tempfile.TemporaryFile()  # noqa: SIM115 -- FileResponse closes it
    workbook.save(target)
    target.seek(0)
    return FileResponse(target, filename="floor.xlsx")
