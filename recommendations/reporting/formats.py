"""The report's formats, one registry: for each format code its label, content type, file
extension and the callable that writes a built report in it. The `export_report` command, the
report's downloads and the published editions all look a format up here, so a new format is one
entry.

Every writer takes the report already built (`report.build_report`): its rows are read from the
database once per language and as-of, and every format is written from them (`render_each`)."""

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from recommendations.reporting import csv_export, docx_export, html_export, pdf_export, xlsx_export
from recommendations.reporting.options import ReportOptions
from recommendations.reporting.report import Report, build_report

Writer = Callable[[Report, IO[bytes]], object]


@dataclass(frozen=True)
class ReportFormat:
    code: str
    label: str | Promise
    content_type: str
    extension: str
    # Writes a built report into a binary file.
    write: Writer


def _write_csv(report: Report, target: IO[bytes]) -> None:
    # utf-8 with its byte order mark comes from the writer; the lines end as csv writes them.
    text = io.TextIOWrapper(target, encoding="utf-8", newline="", write_through=True)
    csv_export.write_csv(report.rows, text, internal=report.options.internal)
    text.detach()


def _write_html(report: Report, target: IO[bytes]) -> None:
    target.write(html_export.render_standalone_html(report).encode("utf-8"))


FORMATS: dict[str, ReportFormat] = {
    entry.code: entry
    for entry in (
        ReportFormat("csv", _("CSV"), "text/csv; charset=utf-8", "csv", _write_csv),
        ReportFormat(
            "xlsx",
            _("Excel (XLSX)"),
            xlsx_export.XLSX_CONTENT_TYPE,
            "xlsx",
            xlsx_export.write_report_xlsx,
        ),
        ReportFormat("pdf", _("PDF"), "application/pdf", "pdf", pdf_export.print_report),
        ReportFormat("html", _("HTML page"), "text/html; charset=utf-8", "html", _write_html),
        ReportFormat(
            "docx", _("Word (DOCX)"), docx_export.DOCX_CONTENT_TYPE, "docx", docx_export.render_docx
        ),
    )
}


def write(code: str, report: Report, target: IO[bytes]) -> None:
    """Write the built `report` in format `code` into a binary file."""
    FORMATS[code].write(report, target)


def render(
    code: str, options: ReportOptions, base: QuerySet | None = None, *, report: Report | None = None
) -> bytes:
    """The report in format `code`, as the bytes of its file; from `report` when it is built
    already, else built here."""
    target = io.BytesIO()
    write(code, report if report is not None else build_report(options, base), target)
    return target.getvalue()


def render_each(codes: Iterable[str], options: ReportOptions) -> dict[str, bytes]:
    """The report in each format of `codes`, its rows built once for them all, in the active
    language."""
    report = build_report(options)
    return {code: render(code, options, report=report) for code in codes}
