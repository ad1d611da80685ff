"""The report's PDF and XLSX against the least their libraries need for the same rows.

The PDF's floor is WeasyPrint printing a bare HTML table of the report's rows (reference, text,
status, latest update) with no stylesheet; the XLSX's floor is openpyxl's write-only mode writing
the same rows' values with no styles. A ratio to the floor is what the report's design, summary,
tagging and per-cell care add; tracemalloc's peak says whether memory stays flat as rows grow.
"""

import io
import statistics
import time
import tracemalloc
from collections.abc import Callable
from html import escape

from django.utils import timezone

from recommendations.reporting.options import ReportOptions
from recommendations.reporting.pdf_export import PDF_TAGGED_ROWS, write_pdf
from recommendations.reporting.query import report_rows
from recommendations.reporting.xlsx_export import write_xlsx
from tools.benchmark.synthetic import Dataset

PDF_RATIO_SIZE = 70  # the issue holds the PDF to 3x its floor at 70 items
PDF_MEMORY_SIZE = 1000  # and under 100 MiB at 1000
XLSX_SIZE = 5000  # the XLSX to 3x its floor at 5000, memory flat


def _bare_pdf(options: ReportOptions) -> None:
    # Imported here: WeasyPrint loads Pango when imported, which only the PDF needs.
    from weasyprint import HTML

    cells = "".join(
        f"<tr><td>{escape(row.reference)}</td><td>{escape(row.recommendation)}</td>"
        f"<td>{escape(row.status_label)}</td><td>{escape(row.latest_update)}</td></tr>"
        for row in report_rows(options)
    )
    HTML(string=f"<html><body><table>{cells}</table></body></html>").write_pdf()


def _bare_xlsx(options: ReportOptions) -> None:
    # Imported here, beside the PDF's floor: only this measure writes a bare workbook.
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Recommendations")
    for row in report_rows(options):
        sheet.append(
            [
                row.reference,
                row.topic.name,
                row.recommendation,
                row.text_ja,
                "; ".join(row.organisations),
                row.lead_owner.name,
                "; ".join(owner.name for owner in row.co_owners),
                row.status_label,
                row.status_date,
                row.eu_status_label,
                row.japan_status_label,
                row.latest_update,
                row.latest_update_date,
            ]
        )
    workbook.save(io.BytesIO())


def _is_tagged(pdf: io.BytesIO) -> bool:
    """Whether the PDF carries a structure tree, what a screen reader reads it by."""
    # Imported here, beside WeasyPrint: only the PDF's measure reads a PDF back.
    from pypdf import PdfReader

    return "/StructTreeRoot" in PdfReader(pdf).root_object


def _timed(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _peak_mib(run: Callable[[], object]) -> float:
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        run()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def export_floors(*, updates_per_item: int, seed: int, repeat: int, write) -> list[str]:
    """Grow the synthetic data to each size and measure; returns the lines of a Markdown table
    and a summary (`write` is told of the progress)."""
    dataset = Dataset(updates_per_item=updates_per_item, seed=seed)
    options = ReportOptions(as_of=timezone.localdate())
    lines = [
        "",
        "| items | file | report ms | floor ms | × floor | report peak MiB | floor peak MiB |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]

    def line(size, name, report, floor, repeats):
        report_s, floor_s = _timed(report, repeats), _timed(floor, repeats)
        report_mib, floor_mib = _peak_mib(report), _peak_mib(floor)
        lines.append(
            f"| {size} | {name} | {report_s * 1000:.0f} | {floor_s * 1000:.0f} | "
            f"{report_s / floor_s:.1f} | {report_mib:.1f} | {floor_mib:.1f} |"
        )
        write(f"  {name} at {size} items: {report_s / floor_s:.1f}× its floor")
        return report_s / floor_s, report_mib

    dataset.grow_to(PDF_RATIO_SIZE)
    pdf_ratio, _mib = line(
        PDF_RATIO_SIZE,
        "report PDF",
        lambda: write_pdf(options, io.BytesIO()),
        lambda: _bare_pdf(options),
        repeat,
    )
    dataset.grow_to(PDF_MEMORY_SIZE)
    large = io.BytesIO()

    def large_pdf():
        large.seek(0)
        large.truncate()
        write_pdf(options, large)

    _ratio, pdf_mib = line(PDF_MEMORY_SIZE, "report PDF", large_pdf, lambda: _bare_pdf(options), 1)
    tagged = (
        "tagged"
        if _is_tagged(large)
        else f"not tagged: joined untagged past {PDF_TAGGED_ROWS} rows"
    )
    dataset.grow_to(XLSX_SIZE)
    xlsx_ratio, xlsx_mib = line(
        XLSX_SIZE,
        "report XLSX",
        lambda: write_xlsx(options, io.BytesIO()),
        lambda: _bare_xlsx(options),
        1,
    )
    lines += [
        "",
        f"Exports against their floors: PDF {pdf_ratio:.1f}× at {PDF_RATIO_SIZE} items (aim ≤ 3×), "
        f"{pdf_mib:.1f} MiB peak at {PDF_MEMORY_SIZE} (aim < 100 MiB, {tagged}); "
        f"XLSX {xlsx_ratio:.1f}× at {XLSX_SIZE} items (aim ≤ 3×), {xlsx_mib:.1f} MiB peak.",
    ]
    return lines
