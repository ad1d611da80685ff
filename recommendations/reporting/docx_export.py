"""The report as a Word document (python-docx), for the secretariat who edit it before sending:
the PDF's content and structure (cover, summary, changes, the items by topic) in Word's own
headings and tables, so it can be restyled, cut and commented."""

import tempfile
from collections.abc import Sequence
from typing import IO

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table

from recommendations.reporting.files import internal_mark
from recommendations.reporting.options import ReportOptions
from recommendations.reporting.report import AUTHOR, Report, build_report, local_date, owner_name
from recommendations.rules.choices import Status

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _flag_row(row, flag: str) -> None:
    """Set a table row property Word reads: tblHeader (repeat on each page), cantSplit."""
    properties = row._tr.get_or_add_trPr()
    element = OxmlElement(f"w:{flag}")
    element.set(qn("w:val"), "true")
    properties.append(element)


def _table(document, headings: Sequence[object], rows: Sequence[Sequence[object]]) -> Table:
    table = document.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    header = table.rows[0]
    _flag_row(header, "tblHeader")
    for cell, heading in zip(header.cells, headings, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(str(heading)).bold = True
    for values in rows:
        row = table.add_row()
        _flag_row(row, "cantSplit")
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = str(value)
    return table


def _count_rows(table, report: Report) -> list[list[object]]:
    rows = [[name, *counts, total] for name, counts, total in table]
    rows.append([_("Total"), *report.summary.totals, report.summary.total])
    return rows


def _status_cell(row) -> str:
    lines = [row.status_label]
    if row.status_date:
        lines[0] += f" ({_('since')} {local_date(row.status_date)})"
    lines += [f"{who}: {label}" for who, _status, label in row.side_lines]
    if row.is_divergent:
        lines.append(_("Sides diverge"))
    return "\n".join(lines)


def _update_cell(row) -> str:
    if not row.latest_update:
        return _("No update yet.")
    return f"{local_date(row.latest_update_date)}\n{row.latest_update}"


def _text_cell(row) -> str:
    text = row.localised_heading_and_text
    if row.shows_japanese:
        text += f"（{row.translation_label}）"
    if row.organisations:
        text += f"\n{_('Made by')}: {', '.join(row.organisations)}"
    return text


def render_docx(report: Report, target: str | IO[bytes]) -> None:
    options = report.options
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for margin in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, margin, Mm(14))
    document.styles["Normal"].font.size = Pt(9)
    properties = document.core_properties
    properties.title = str(report.title)
    properties.author = str(AUTHOR)
    properties.language = report.language
    if options.internal:
        section.header.paragraphs[0].text = internal_mark()

    if options.internal:
        document.add_paragraph(internal_mark()).runs[0].bold = True
    document.add_paragraph(_("EU–Japan Digital Partnership"))
    document.add_heading(str(report.title), level=0)
    if report.council_line:
        document.add_paragraph(_("Prepared for the %(council)s") % {"council": report.council_line})
    facts = [
        (_("As of"), local_date(options.as_of)),
        (
            _("Changes since"),
            local_date(options.since) if options.since else _("no earlier Council to compare with"),
        ),
        (_("Edition"), report.edition),
        (
            _("Distribution"),
            _("Internal: officials only") if options.internal else _("Public"),
        ),
        (_("Recommendations"), str(report.summary.total)),
    ]
    for label, value in facts:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)
    document.add_page_break()

    summary = report.summary
    document.add_heading(_("Summary"), level=1)
    # Each count in a sentence of its own language, with its counter word in Japanese
    # ("提言3件"): a bare figure before a phrase reads as a list of numbers there.
    figures = [
        ngettext("%(count)s recommendation", "%(count)s recommendations", summary.total)
        % {"count": summary.total}
    ]
    if options.since:
        since = local_date(options.since)
        changed = len(report.changes)
        figures.append(
            ngettext(
                "%(count)s changed status since %(since)s",
                "%(count)s changed status since %(since)s",
                changed,
            )
            % {"count": changed, "since": since}
        )
        figures.append(
            ngettext(
                "%(count)s first recorded in this period",
                "%(count)s first recorded in this period",
                report.added,
            )
            % {"count": report.added}
        )
    figures.append(
        ngettext(
            "%(count)s where the EU and Japan sides diverge",
            "%(count)s where the EU and Japan sides diverge",
            summary.divergent,
        )
        % {"count": summary.divergent}
    )
    figures.append(
        ngettext(
            "%(count)s with no move or update since %(day)s",
            "%(count)s with no move or update since %(day)s",
            summary.stale,
        )
        % {"count": summary.stale, "day": local_date(report.stale_before)}
    )
    for figure in figures:
        document.add_paragraph(figure, style="List Bullet")
    document.add_heading(_("Recommendations by status, overall and per side"), level=2)
    _table(
        document,
        [_("Status"), _("Overall"), _("EU side"), _("Japan side")],
        [
            [status.label, summary.overall[status], summary.eu[status], summary.japan[status]]
            for status in Status
        ],
    )
    document.add_heading(_("Progress by topic"), level=2)
    _table(
        document,
        [_("Topic"), *(status.label for status in Status), _("Total")],
        _count_rows(summary.topic_table, report),
    )

    if options.since:
        document.add_heading(
            _("Changed since %(since)s") % {"since": local_date(options.since)}, level=1
        )
        if report.changes:
            _table(
                document,
                [_("Reference"), _("Topic"), _("From"), _("To"), _("Date"), _("Explanation")],
                [
                    [
                        row.reference,
                        row.topic.localised_name,
                        row.since_status_label,
                        row.status_label,
                        local_date(row.change_date),
                        row.change_text or _("No update recorded."),
                    ]
                    for row in report.changes
                ],
            )
        else:
            document.add_paragraph(_("No status changed in this period."))

    for topic_section in report.sections:
        document.add_heading(topic_section.topic.localised_name, level=1)
        _table(
            document,
            [_("Reference"), _("Recommendation"), _("Owners"), _("Status"), _("Latest update")],
            [
                [
                    row.reference,
                    _text_cell(row),
                    "\n".join(
                        [
                            owner_name(row.lead_owner),
                            *(owner_name(owner) for owner in row.co_owners),
                        ]
                    ),
                    _status_cell(row),
                    _update_cell(row)
                    + (f"\n{_('Internal note')}: {row.notes}" if row.notes else ""),
                ]
                for row in topic_section.rows
            ],
        )
    document.save(target)


def write_docx(
    options: ReportOptions, target: str | IO[bytes], base: QuerySet | None = None
) -> Report:
    """Write the report as DOCX to `target` (a path or a binary file); returns the Report."""
    report = build_report(options, base)
    render_docx(report, target)
    return report


def docx_response(options: ReportOptions, *, name: str) -> FileResponse:
    # Written to an anonymous temporary file and streamed from disk, like the XLSX and PDF.
    target = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    write_docx(options, target)
    target.seek(0)
    return FileResponse(target, as_attachment=True, filename=name, content_type=DOCX_CONTENT_TYPE)
