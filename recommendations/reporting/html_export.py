"""The report as one standalone HTML document: the page a reader prints, the file an edition
keeps and the source WeasyPrint prints the PDF from."""

from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string

from recommendations.reporting.report import Report

STYLESHEETS = ["recommendations/tracker.css", "recommendations/report.css"]


def render_document(
    report: Report, *, rows_only: bool = False, in_parts: bool = False, fold_quiet: bool = False
) -> str:
    """The report as a standalone HTML document, for print and PDF; `rows_only` leaves out the
    title page, summary and changes (a later part of a PDF printed in parts), `in_parts` says
    the rows are printed in other parts, out of reach of a link; `fold_quiet` lists a topic's
    items with no update in one line under its table instead of a row each (the PDF)."""
    return render_to_string(
        "recommendations/report_document.html",
        {"report": report, "rows_only": rows_only, "in_parts": in_parts, "fold_quiet": fold_quiet},
    )


def stylesheet_file(path: str) -> str:
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
    css = "\n".join(Path(stylesheet_file(path)).read_text(encoding="utf-8") for path in STYLESHEETS)
    return render_document(report).replace("</head>", f"<style>\n{css}\n</style>\n</head>", 1)
