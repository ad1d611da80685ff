"""The report as PDF, printed by WeasyPrint in parts: the running heads, the parts joined, the
joined file's page numbers and metadata."""

import io
import re
import tempfile
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import IO, TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from recommendations.models import StakeholderView
from recommendations.reporting.files import internal_mark
from recommendations.reporting.html_export import STYLESHEETS, render_document
from recommendations.reporting.options import ReportOptions
from recommendations.reporting.pdf_print import print_pdf, stylesheet
from recommendations.reporting.query import report_rows
from recommendations.reporting.report import AUTHOR, Report, TopicSection, local_date
from recommendations.reporting.rows import ReportRow

if TYPE_CHECKING:
    # Only named in annotations: imported where a PDF is printed (see write_pdf).
    from pypdf import PdfWriter

# WeasyPrint holds the whole layout of a document in memory (about 0.4 MiB a recommendation), so
# a report of more rows than this is printed in parts of this many rows and the parts joined, to
# stay under 100 MiB. A report that fits in one part is printed whole: tagged for screen readers
# (PDF/UA), with its outline and page numbers from WeasyPrint itself.
PDF_CHUNK_ROWS = 100
# Parts are joined with their structure trees, tagged as one document, up to this many rows: pypdf
# holds about 17 MiB of structure per 100 rows while it joins them (docs/performance.md). Longer
# reports are joined untagged; their Word edition keeps its headings and tables.
PDF_TAGGED_ROWS = 400
PDF_VARIANT = "pdf/ua-1"


def _css_string(text: str | Promise) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _page_numbers_css() -> str:
    """ "Page X of Y" in the active language, as CSS content with the page counters."""
    pieces = re.split(r"(%\(number\)s|%\(total\)s)", str(_("Page %(number)s of %(total)s")))
    counters = {"%(number)s": "counter(page)", "%(total)s": "counter(pages)"}
    return " ".join(counters.get(piece) or _css_string(piece) for piece in pieces if piece)


def _page_font(language: str) -> str:
    """The running heads' fonts: a Latin font first for English, the CJK font for Japanese
    (as report.css sets the body by its `lang`; a page's margin boxes have none to match)."""
    if language == "ja":
        return '"Noto Sans CJK JP", "Noto Sans", "DejaVu Sans", sans-serif'
    return '"Noto Sans", "DejaVu Sans", "Noto Sans CJK JP", sans-serif'


def _margin_css(report: Report, *, numbered: bool = True, cover: bool = True) -> str:
    """The running heads: the Council and the as-of date on top, the internal mark, the title
    and "page X of Y" below; the cover carries none but the mark. They are set here rather than
    taken from the first page: a part of rows alone has no title or Council to copy them from.
    `numbered=False` for a part, as no part knows where it starts or how many pages follow:
    the joined file is numbered afterwards; `cover=False` for a part of rows alone, whose first
    page is headed like any other."""
    mark = _css_string(internal_mark()) if report.options.internal else "none"
    council = report.options.council
    head = _("As of %(date)s") % {"date": local_date(report.options.as_of)}
    if report.options.edition is not None:
        head = f"{report.options.edition.title} · {head}"
    if council is not None:
        head = f"{council} · {head}"
    numbers = _page_numbers_css() if numbered else "none"
    return (
        f"@page {{ font-family: {_page_font(report.language)};"
        f" @top-left {{ content: {_css_string(head)}; color: #555; font-size: 7.5pt; }}"
        f" @top-right {{ content: {mark}; color: #9c0006; font-weight: 700; font-size: 8pt; }}"
        f" @bottom-left {{ content: {_css_string(report.title)}; color: #555; font-size: 7.5pt; }}"
        f" @bottom-right {{ content: {numbers}; color: #555; font-size: 7.5pt; }} }}"
    ) + (
        " @page :first { @top-left { content: none; } @bottom-left { content: none; } }"
        if cover
        else ""
    )


def _number_pages(writer: "PdfWriter", report: Report) -> None:
    """Stamp "page X of Y" on each page from a blank document printed with the same margins."""
    # Imported here, as in print_pdf: only the PDF needs WeasyPrint and pypdf loaded.
    from pypdf import PdfWriter
    from pypdf.generic import ContentStream, NameObject
    from weasyprint import CSS

    total = len(writer.pages)
    css = CSS(
        string=(
            "@page { size: A4 landscape; margin: 14mm 12mm 13mm 12mm;"
            f" font-family: {_page_font(report.language)};"
            f" @bottom-right {{ content: {_page_numbers_css()};"
            " color: #555; font-size: 7.5pt; } }"
            " div { break-after: page; }"
        )
    )
    blank = "<html><body>" + "<div></div>" * total + "</body></html>"
    # The blank pages weigh next to nothing, whatever their number.
    numbers = PdfWriter(clone_from=io.BytesIO(print_pdf(blank, [css])))
    for page, number in zip(writer.pages, numbers.pages, strict=True):
        # Marked as an artifact, as the running heads are: a screen reader passes it over, and
        # the page's tagged content keeps its own marks.
        stamp = ContentStream(number.get_contents(), numbers)
        stamp.operations = [
            ([NameObject("/Artifact")], b"BMC"),
            *stamp.operations,
            ([], b"EMC"),
        ]
        number.replace_contents(stamp)
        page.merge_page(number)


def _describe(writer: "PdfWriter", report: Report) -> None:
    """The joined file's title, author and language, as WeasyPrint writes them in one piece."""
    # Imported here, as in _number_pages: only the PDF needs pypdf loaded.
    from pypdf.generic import NameObject, TextStringObject

    writer.add_metadata(
        {"/Title": f"{report.title} – {local_date(report.options.as_of)}", "/Author": str(AUTHOR)}
    )
    writer._root_object[NameObject("/Lang")] = TextStringObject(report.language)


def write_pdf(
    options: ReportOptions, target: str | Path | IO[bytes], base: QuerySet | None = None
) -> Report:
    """Write the report as PDF to `target` (a path or a binary file) as its rows stream from the
    database; returns the Report with its summary and changes."""
    report = Report(options=options, generated_at=timezone.localtime())
    report.read_steps(base)
    _print(report, report_rows(options, base), target, counting=True)
    return report


def print_report(report: Report, target: str | Path | IO[bytes]) -> None:
    """Write a report already built (`build_report`) as PDF to `target`: the rows and counts it
    holds are printed as they are, not read again."""
    # The front is printed from a copy without the rows, as it is when the rows stream.
    front = replace(report, sections=[])
    _print(front, list(report.rows), target, counting=False)


def _print(
    report: Report,
    rows: Iterable[ReportRow],
    target: str | Path | IO[bytes],
    *,
    counting: bool,
) -> None:
    """Print `rows` under `report`'s front; `counting` adds each row to its summary on the way.

    A report of up to PDF_CHUNK_ROWS rows is printed whole, tagged. A longer one is printed
    PDF_CHUNK_ROWS rows at a time as they pass, the title page, summary and changes last (they
    need every row counted), and the parts joined with the front first, so WeasyPrint's memory
    stays bounded however many recommendations there are; tagged as one document up to
    PDF_TAGGED_ROWS rows.
    """
    # Imported here: WeasyPrint loads Pango when imported, which only the PDF needs.
    from pypdf import PdfReader, PdfWriter
    from weasyprint import CSS

    # Imported here too: it loads pypdf, which only a PDF printed in parts needs.
    from recommendations.reporting.pdf_join import join_tagged

    options = report.options
    stylesheets = [stylesheet(path) for path in STYLESHEETS]
    with tempfile.TemporaryDirectory() as folder:
        parts: list[Path] = []
        part_sheets = [*stylesheets, CSS(string=_margin_css(report, numbered=False, cover=False))]

        def tagging() -> dict[str, str]:
            # Past PDF_TAGGED_ROWS rows the parts are joined untagged: the parts printed after
            # that point, and the front, are printed untagged too (their tags would go unused).
            within = report.summary.total <= PDF_TAGGED_ROWS
            return {"pdf_variant": PDF_VARIANT} if within else {}

        # Every part has the stakeholder view's column, or none: decided once, at the first part.
        column: list[bool] = []

        def print_part(sections: list[TopicSection]) -> None:
            if not column:
                column.append(StakeholderView.objects.approved().exists())
            part = Report(
                options=options,
                generated_at=report.generated_at,
                sections=sections,
                stakeholder_column=column[0],
            )
            path = Path(folder) / f"part-{len(parts):05d}.pdf"
            html = render_document(part, rows_only=True, fold_quiet=True)
            path.write_bytes(print_pdf(html, part_sheets, **tagging()))
            parts.append(path)

        sections: list[TopicSection] = []
        printed_topic = None  # the topic the last part ended in, to go on with "(continued)"
        count = 0
        for row in rows:
            if counting:
                report.add(row, keep=False)
            if not sections or sections[-1].topic.pk != row.topic.pk:
                continued = not sections and printed_topic == row.topic.pk
                sections.append(TopicSection(topic=row.topic, continued=continued))
            sections[-1].rows.append(row)
            count += 1
            if count == PDF_CHUNK_ROWS:
                print_part(sections)
                printed_topic, sections, count = row.topic.pk, [], 0
        if not parts:
            report.sections = sections
            whole = [*stylesheets, CSS(string=_margin_css(report))]
            pdf = print_pdf(
                render_document(report, fold_quiet=True), whole, pdf_variant=PDF_VARIANT
            )
            if isinstance(target, str | Path):
                Path(target).write_bytes(pdf)
            else:
                target.write(pdf)
            return

        if sections:
            print_part(sections)
        front_sheets = [*stylesheets, CSS(string=_margin_css(report, numbered=False))]
        front = print_pdf(render_document(report, in_parts=True), front_sheets, **tagging())
        sources: list[Path | IO[bytes]] = [io.BytesIO(front), *parts]
        if tagging():
            writer = join_tagged(sources)
        else:
            writer = PdfWriter()
            for source in sources:
                writer.append(PdfReader(source))
        _number_pages(writer, report)
        _describe(writer, report)
        writer.write(target)
