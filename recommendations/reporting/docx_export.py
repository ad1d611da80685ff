"""The report as a Word document (python-docx), for the secretariat who edit it before sending:
the PDF's content and structure (cover, summary, changes, the items by topic) in Word's own
headings and tables, so it can be restyled, cut and commented."""

from collections.abc import Sequence
from typing import IO

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from docx import Document
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Row

from recommendations.reporting.files import internal_mark
from recommendations.reporting.options import ReportOptions
from recommendations.reporting.report import AUTHOR, Report, build_report, local_date, owner_name
from recommendations.reporting.rows import ReportRow
from recommendations.rules.choices import StalledReason, Status

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _flag_row(row: _Row, flag: str) -> None:
    """Set a table row property Word reads: tblHeader (repeat on each page), cantSplit."""
    properties = row._tr.get_or_add_trPr()
    element = OxmlElement(f"w:{flag}")
    element.set(qn("w:val"), "true")
    properties.append(element)


def _table(
    document: WordDocument, headings: Sequence[object], rows: Sequence[Sequence[object]]
) -> Table:
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


def _count_rows(table: list[tuple[str, list[int], int]], report: Report) -> list[list[object]]:
    rows = [[name, *counts, total] for name, counts, total in table]
    rows.append([_("Total"), *report.summary.totals, report.summary.total])
    return rows


def _status_cell(row: ReportRow) -> str:
    lines = [row.status_label]
    if row.status_date:
        lines[0] += f" ({_('since')} {local_date(row.status_date)})"
    lines += [f"{who}: {label}" for who, _status, label in row.side_lines]
    if row.is_divergent:
        lines.append(_("Sides diverge"))
    # Why a side is stalled, and the step that would unblock it, beside its status.
    for side, reason, detail in row.stalled_reasons:
        why = str(StalledReason(reason).label)
        lines.append(f"{side} – {why}: {detail}" if detail else f"{side} – {why}")
    # Each side's formal response, with its date and the rationale where there is one.
    for label, response, day, rationale in (
        (_("EU response"), row.eu_response_label, row.eu_response_date, row.eu_response_rationale),
        (
            _("Japan response"),
            row.japan_response_label,
            row.japan_response_date,
            row.japan_response_rationale,
        ),
    ):
        line = f"{label}: {response}"
        if day:
            line += f" ({local_date(day)})"
        lines.append(f"{line}: {rationale}" if rationale else line)
    return "\n".join(lines)


def _update_cell(row: ReportRow) -> str:
    if not row.latest_update:
        return _("No update yet.")
    return f"{local_date(row.latest_update_date)}\n{row.latest_update}"


def _text_cell(row: ReportRow) -> str:
    text = row.localised_heading_and_text
    if row.shows_japanese:
        text += f"（{row.translation_label}）"
    if row.organisations:
        text += f"\n{_('Made by')}: {', '.join(row.organisations)}"
    return text


def _view_cell(row: ReportRow) -> str:
    lines = [f"{who}: {label}" for who, _answer, label in row.stakeholder_view_lines]
    return "\n".join(lines) or _("None yet")


def _stalled_rows(report: Report) -> list[list[object]]:
    """The HTML report's "Stalled, and why": per reason, each stalled side with its detail and
    the step that would unblock it."""
    return [
        [
            reason,
            ", ".join(
                f"{row.reference} ({side}: {detail})" if detail else f"{row.reference} ({side})"
                for row, side, detail in entries
            ),
        ]
        for reason, entries in report.summary.stalled_sections
    ]


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
    document.add_heading(_("Overdue, and due before the Council"), level=2)
    if report.due_steps:
        _table(
            document,
            [_("Reference"), _("Side"), _("Next step"), _("Target date"), _("State")],
            [
                [
                    step.reference,
                    step.side,
                    step.text,
                    local_date(step.target_date)
                    + (
                        "\n" + _("first %(first)s") % {"first": local_date(step.first_target_date)}
                        if step.has_slipped
                        else ""
                    ),
                    _("Overdue") if step.overdue else pgettext("next step", "Due"),
                ]
                for step in report.due_steps
            ],
        )
    else:
        document.add_paragraph(
            _("No next step is overdue or due by %(due)s.") % {"due": local_date(report.due_by)}
        )
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
    document.add_heading(_("Formal responses by lead owner and side"), level=2)
    _table(
        document,
        [_("Lead owner"), _("Side"), *summary.response_labels],
        [[owner, side, *counts] for owner, side, counts in summary.response_table],
    )
    if summary.stakeholder_total:
        document.add_heading(
            _("Stakeholder views: does what has been done answer the recommendation?"), level=2
        )
        _table(
            document,
            [label for label, _count in summary.stakeholder_table] + [_("Total")],
            [[count for _label, count in summary.stakeholder_table] + [summary.stakeholder_total]],
        )
    if report.step_table:
        document.add_heading(_("Next steps by owner"), level=2)
        _table(
            document,
            [_("Owner"), _("On time"), _("Overdue")],
            [list(line) for line in report.step_table],
        )
    if summary.stalled_sections:
        document.add_heading(_("Stalled, and why"), level=2)
        _table(document, [_("Why"), _("Recommendations")], _stalled_rows(report))

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

    views = report.shows_stakeholder_views
    headings = [_("Reference"), _("Recommendation"), _("Owners"), _("Status"), _("Latest update")]
    for topic_section in report.sections:
        document.add_heading(topic_section.topic.localised_name, level=1)
        _table(
            document,
            headings + ([_("Stakeholder view")] if views else []),
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
                    *([_view_cell(row)] if views else []),
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
