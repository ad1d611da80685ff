"""The report as a standalone HTML document and as PDF, printed by WeasyPrint in parts."""

import io
import logging
import tempfile
from pathlib import Path
from typing import IO, TYPE_CHECKING

from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.http import FileResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import Promise

from recommendations.reporting.files import internal_mark
from recommendations.reporting.options import ReportOptions
from recommendations.reporting.query import report_rows
from recommendations.reporting.report import Report, TopicSection

if TYPE_CHECKING:
    # Only named in annotations: both are imported where a PDF is printed (see _print).
    from pypdf import PdfWriter
    from weasyprint import CSS

PDF_STYLESHEETS = ["recommendations/tracker.css", "recommendations/report.css"]

# WeasyPrint logs each layout step, and each screen-only rule of the site's stylesheet it skips,
# for every PDF: noise in the server log. Errors still come through.
logging.getLogger("weasyprint").setLevel(logging.ERROR)


def render_document(report: Report, *, rows_only: bool = False, in_parts: bool = False) -> str:
    """The report as a standalone HTML document, for print and PDF; `rows_only` leaves out the
    title page, summary and changes (a later part of a PDF printed in parts), `in_parts` says
    the rows are printed in other parts, out of reach of a link."""
    return render_to_string(
        "recommendations/report_document.html",
        {"report": report, "rows_only": rows_only, "in_parts": in_parts},
    )


def _stylesheet_file(path: str) -> str:
    # The stylesheets ship with the app: one not found is a broken install, said as such rather
    # than as a file that cannot be opened.
    found = finders.find(path)
    if found is None:
        raise ImproperlyConfigured(f"The report's stylesheet {path} is not among the static files.")
    return found


def render_standalone_html(report: Report) -> str:
    """The printable report as one file that opens anywhere, its stylesheets carried inside.

    A file handed round by e-mail is never served under the site's Content Security Policy, and
    links to /static/ would not resolve from a disk, so here alone the styles are embedded.
    """
    css = "\n".join(
        Path(_stylesheet_file(path)).read_text(encoding="utf-8") for path in PDF_STYLESHEETS
    )
    return render_document(report).replace("</head>", f"<style>\n{css}\n</style>\n</head>", 1)


# WeasyPrint holds the whole layout of a document in memory (about 500 MiB for 1000
# recommendations), so the PDF is printed in parts of this many rows and the parts joined.
PDF_CHUNK_ROWS = 200


def _css_string(text: str | Promise) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _margin_css(report: Report) -> str:
    """The running heads of every part, set here rather than taken from the first page: a part
    of rows alone has no title or banner to copy them from. Page numbers are stamped on the
    joined file, as no part knows where it starts or how many pages follow."""
    mark = _css_string(internal_mark()) if report.options.internal else "none"
    return (
        f"@page {{ @top-center {{ content: {mark}; }}"
        f" @bottom-left {{ content: {_css_string(report.title)}; }}"
        " @bottom-right { content: none; } }"
    )


def _print(html: str, stylesheets: "list[CSS]") -> bytes:
    # Imported here: WeasyPrint loads Pango when imported, which only the PDF needs.
    from weasyprint import HTML

    return HTML(string=html).write_pdf(stylesheets=stylesheets)


def _number_pages(writer: "PdfWriter") -> None:
    """Stamp "page / pages" on each page from a blank document printed with the same margins."""
    # Imported here, as in _print: only the PDF needs WeasyPrint and pypdf loaded.
    from pypdf import PdfReader
    from weasyprint import CSS

    total = len(writer.pages)
    css = CSS(
        string=(
            "@page { size: A4 landscape; margin: 16mm 14mm;"
            ' font-family: "Noto Sans", "DejaVu Sans", sans-serif;'
            " @bottom-right { content: counter(page) ' / ' counter(pages);"
            " color: #555; font-size: 8pt; } }"
            " div { break-after: page; }"
        )
    )
    blank = "<html><body>" + "<div></div>" * total + "</body></html>"
    # The blank pages weigh next to nothing, whatever their number.
    numbers = PdfReader(io.BytesIO(_print(blank, [css]))).pages
    for page, number in zip(writer.pages, numbers, strict=True):
        page.merge_page(number)


def write_pdf(
    options: ReportOptions, target: str | Path | IO[bytes], base: QuerySet | None = None
) -> Report:
    """Write the report as PDF to `target` (a path or a binary file); returns the Report with
    its summary and changes.

    The rows are printed PDF_CHUNK_ROWS at a time as they stream from the database, the title
    page, summary and changes last (they need every row counted), and the parts joined with the
    front first, so memory stays bounded however many recommendations there are.
    """
    # Imported here: WeasyPrint loads Pango when imported, which only the PDF needs.
    from pypdf import PdfReader, PdfWriter
    from weasyprint import CSS

    report = Report(options=options, generated_at=timezone.localtime())
    stylesheets = [CSS(filename=_stylesheet_file(path)) for path in PDF_STYLESHEETS]
    stylesheets.append(CSS(string=_margin_css(report)))
    with tempfile.TemporaryDirectory() as folder:
        parts: list[Path] = []

        def print_part(sections: list[TopicSection]) -> None:
            part = Report(options=options, generated_at=report.generated_at, sections=sections)
            path = Path(folder) / f"part-{len(parts):05d}.pdf"
            path.write_bytes(_print(render_document(part, rows_only=True), stylesheets))
            parts.append(path)

        sections: list[TopicSection] = []
        printed_topic = None  # the topic the last part ended in, to go on with "(continued)"
        count = 0
        for row in report_rows(options, base):
            report.add(row, keep=False)
            if not sections or sections[-1].topic.pk != row.topic.pk:
                continued = not sections and printed_topic == row.topic.pk
                sections.append(TopicSection(topic=row.topic, continued=continued))
            sections[-1].rows.append(row)
            count += 1
            if count == PDF_CHUNK_ROWS:
                print_part(sections)
                printed_topic, sections, count = row.topic.pk, [], 0
        if sections:
            print_part(sections)

        writer = PdfWriter()
        front = render_document(report, in_parts=True)
        writer.append(PdfReader(io.BytesIO(_print(front, stylesheets))))
        for path in parts:
            writer.append(PdfReader(path))
        _number_pages(writer)
        writer.write(target)
    return report


def pdf_response(options: ReportOptions, *, name: str) -> FileResponse:
    # Joined into an anonymous temporary file and streamed from disk, like the XLSX.
    target = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    write_pdf(options, target)
    target.seek(0)
    return FileResponse(target, as_attachment=True, filename=name, content_type="application/pdf")
