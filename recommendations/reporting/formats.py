"""The report's formats, one registry: for each format code its label, content type, file
extension and the callable that writes the report in it. The `export_report` command, the report's
downloads and the published editions all look a format up here, so a new format is one entry."""

import io
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from recommendations.reporting import csv_export, docx_export, html_export, pdf_export, xlsx_export
from recommendations.reporting.options import ReportOptions
from recommendations.reporting.query import report_rows
from recommendations.reporting.report import build_report

Writer = Callable[[ReportOptions, IO[bytes], QuerySet | None], object]


@dataclass(frozen=True)
class ReportFormat:
    code: str
    label: str | Promise
    content_type: str
    extension: str
    # Writes the report (narrowed to `base` when given) into a binary file.
    write: Writer


def _write_csv(options: ReportOptions, target: IO[bytes], base: QuerySet | None = None) -> None:
    # utf-8 with its byte order mark comes from the writer; the lines end as csv writes them.
    text = io.TextIOWrapper(target, encoding="utf-8", newline="", write_through=True)
    csv_export.write_csv(report_rows(options, base), text, internal=options.internal)
    text.detach()


def _write_html(options: ReportOptions, target: IO[bytes], base: QuerySet | None = None) -> None:
    target.write(html_export.render_standalone_html(build_report(options, base)).encode("utf-8"))


FORMATS: dict[str, ReportFormat] = {
    entry.code: entry
    for entry in (
        ReportFormat("csv", _("CSV"), "text/csv; charset=utf-8", "csv", _write_csv),
        ReportFormat(
            "xlsx", _("Excel (XLSX)"), xlsx_export.XLSX_CONTENT_TYPE, "xlsx", xlsx_export.write_xlsx
        ),
        ReportFormat("pdf", _("PDF"), "application/pdf", "pdf", pdf_export.write_pdf),
        ReportFormat("html", _("HTML page"), "text/html; charset=utf-8", "html", _write_html),
        ReportFormat(
            "docx", _("Word (DOCX)"), docx_export.DOCX_CONTENT_TYPE, "docx", docx_export.write_docx
        ),
    )
}


def render(code: str, options: ReportOptions, base: QuerySet | None = None) -> bytes:
    """The report in format `code`, as the bytes of its file."""
    target = io.BytesIO()
    FORMATS[code].write(options, target, base)
    return target.getvalue()


def file_response(code: str, options: ReportOptions, *, name: str) -> FileResponse:
    """The report in format `code` as a download named `name`. Written to an anonymous temporary
    file and streamed from disk: the file is never held in memory whole, and disappears when the
    response closes it."""
    report_format = FORMATS[code]
    target = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    report_format.write(options, target, None)
    target.seek(0)
    return FileResponse(
        target, as_attachment=True, filename=name, content_type=report_format.content_type
    )
