"""The Council status report as a page and as files, and the list's "export what you see"
files."""

from dataclasses import replace
from urllib.parse import urlencode

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from recommendations.filters import RecommendationFilter
from recommendations.models import Recommendation
from recommendations.reporting import csv_export, docx_export, pdf_export, xlsx_export
from recommendations.reporting.files import filename
from recommendations.reporting.options import ReportForm, ReportOptions, error_messages
from recommendations.reporting.query import report_rows
from recommendations.reporting.report import build_report
from recommendations.rules.permissions import can_view_internal


def _report_error(request, errors, *, status=400):
    return render(
        request,
        "recommendations/report_error.html",
        {"title": _("The report could not be produced"), "errors": errors},
        status=status,
    )


def _report_options(request):
    """The report the query string asks for, or the error page to answer with instead."""
    form = ReportForm(request.GET)
    if not form.is_valid():
        return None, _report_error(request, error_messages(form))
    internal = form.cleaned_data["internal"]
    if internal and not can_view_internal(request.user):
        message = _("The internal report is for officials only: log in to the admin first.")
        return None, _report_error(request, [message], status=403)
    return form.options(internal=internal), None


def report(request):
    options, error = _report_options(request)
    if error:
        return error
    # The form shows the choices in force, defaults included, so a reader sees what they got.
    form = ReportForm(
        initial={
            "as_of": options.as_of,
            "since": options.since,
            "council": options.council,
            "internal": options.internal,
        }
    )
    return render(
        request,
        "recommendations/report.html",
        {
            "report": build_report(options),
            "form": form,
            "query": urlencode(options.query),
            "may_see_internal": can_view_internal(request.user),
        },
    )


def report_pdf(request):
    options, error = _report_options(request)
    if error:
        return error
    return pdf_export.pdf_response(options, name=filename(options, "pdf"))


def report_xlsx(request):
    options, error = _report_options(request)
    if error:
        return error
    return xlsx_export.xlsx_response(options, name=filename(options, "xlsx"))


def report_docx(request):
    options, error = _report_options(request)
    if error:
        return error
    return docx_export.docx_response(options, name=filename(options, "docx"))


def report_csv(request):
    options, error = _report_options(request)
    if error:
        return error
    # The CSV has no column for what changed since the last Council: not reading it back from
    # the history (three correlated subqueries per row) halves the file's cost.
    rows = report_rows(replace(options, since=None))
    return csv_export.csv_response(rows, name=filename(options, "csv"), internal=options.internal)


def _filtered(request):
    """The list page's filters applied to the public recommendations ("export what you see")."""
    filterset = RecommendationFilter(request.GET, queryset=Recommendation.objects.public())
    if not filterset.is_valid():
        return None, None, _report_error(request, error_messages(filterset.form))
    # A reader who sorted the list gets the file in that order; otherwise the report's.
    keep_order = bool(filterset.form.cleaned_data.get("ordering"))
    return filterset.qs, keep_order, None


def export_csv(request):
    queryset, keep_order, error = _filtered(request)
    if error:
        return error
    options = ReportOptions(as_of=timezone.localdate())
    rows = report_rows(options, queryset, keep_order=keep_order)
    return csv_export.csv_response(
        rows, name=filename(options, "csv", "recommendations"), internal=False
    )


def export_xlsx(request):
    queryset, keep_order, error = _filtered(request)
    if error:
        return error
    options = ReportOptions(as_of=timezone.localdate())
    return xlsx_export.xlsx_response(
        options,
        name=filename(options, "xlsx", "recommendations"),
        base=queryset,
        keep_order=keep_order,
    )
