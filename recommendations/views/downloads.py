"""The Council status report as a page and as files, and the list's "export what you see"
files.

The report's files are rendered once per data version (`reporting.renderings`) and served with
an ETag and, for the public, Last-Modified: a request that has the file already is answered 304
before anything is rendered. Renderings of the expensive formats are throttled per client."""

import io
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import gettext as _

from recommendations.data_version import data_version, newest_public_change_of
from recommendations.filters import RecommendationFilter
from recommendations.models import Recommendation
from recommendations.models.recommendation import RecommendationQuerySet
from recommendations.reporting import csv_export, formats, renderings, xlsx_export
from recommendations.reporting.files import filename
from recommendations.reporting.formats import FORMATS
from recommendations.reporting.options import ReportForm, ReportOptions, error_messages
from recommendations.reporting.query import report_rows
from recommendations.reporting.report import build_report
from recommendations.rules.permissions import can_view_internal
from recommendations.sign_in.lockout import client_address


def _report_error(
    request: HttpRequest, errors: Sequence[str], *, status: int = 400
) -> HttpResponse:
    return render(
        request,
        "recommendations/report_error.html",
        {"title": _("The report could not be produced"), "errors": errors},
        status=status,
    )


def _report_options(
    request: HttpRequest,
) -> tuple[ReportOptions, None] | tuple[None, HttpResponse]:
    """The report the query string asks for, or the error page to answer with instead."""
    form = ReportForm(request.GET)
    if not form.is_valid():
        return None, _report_error(request, error_messages(form))
    internal = form.cleaned_data["internal"]
    if internal and not can_view_internal(request.user):
        message = _("The internal report is for officials only: log in to the admin first.")
        return None, _report_error(request, [message], status=403)
    return form.options(internal=internal), None


def report(request: HttpRequest) -> HttpResponse:
    options, error = _report_options(request)
    if error:
        return error
    assert options is not None  # given whenever there is no error
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


# The formats whose rendering costs seconds of a worker. A client may download so many of each
# a minute (REPORT_DOWNLOADS_PER_MINUTE), and ask for so many renderings of files not prepared
# yet (REPORT_RENDERS_PER_MINUTE); a 304 is never counted.
EXPENSIVE = frozenset({"pdf", "docx", "xlsx"})
THROTTLE_WINDOW_SECONDS = 60


def _throttled(request: HttpRequest, counted: str, limit: int) -> int | None:
    """Count one more `counted` for this request's client in its minute, which starts with its
    first; the seconds until it may come back once it is past `limit`, else None."""
    key = f"report-{counted}:{client_address(request) or 'unknown'}"
    now = time.time()
    cache.add(f"{key}:since", now, THROTTLE_WINDOW_SECONDS)
    cache.add(key, 0, THROTTLE_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:
        # The count expired between add and incr: its minute has just ended.
        return None
    if count <= limit:
        return None
    since = cache.get(f"{key}:since", now)
    return max(int(since + THROTTLE_WINDOW_SECONDS - now) + 1, 1)


def _too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    message = _(
        "You have asked for many report files in a short time: please try again in a minute."
    )
    return _refused(request, status=429, message=message, retry_after=retry_after)


def _refused(request: HttpRequest, *, status: int, message: str, retry_after: int) -> HttpResponse:
    response = _report_error(request, [message], status=status)
    response["Retry-After"] = str(retry_after)
    return response


def _report_file(
    request: HttpRequest, code: str, make: Callable[[ReportOptions], bytes]
) -> HttpResponse | FileResponse:
    options, error = _report_options(request)
    if error:
        return error
    assert options is not None  # given whenever there is no error
    version = data_version()
    key = renderings.key_for(code, options, version=version)
    # The public may know when the public data changed; an internal file says no date.
    newest = None if options.internal else newest_public_change_of(version)
    last_modified = int(newest.timestamp()) if newest is not None else None
    answer: HttpResponse | FileResponse | None = get_conditional_response(
        request, etag=key.etag, last_modified=last_modified
    )
    if answer is None:
        expensive = code in EXPENSIVE
        limit = settings.REPORT_DOWNLOADS_PER_MINUTE
        if expensive and (retry_after := _throttled(request, f"downloads-{code}", limit)):
            return _too_many(request, retry_after)
        found = renderings.stored(key)
        if found is None:
            limit = settings.REPORT_RENDERS_PER_MINUTE
            if expensive and (retry_after := _throttled(request, "renders", limit)):
                return _too_many(request, retry_after)
            try:
                found = renderings.rendering(key, lambda: make(options), code=code)
            except renderings.Busy:
                message = _(
                    "Many report files are being prepared at the moment: please try again in a "
                    "few seconds."
                )
                return _refused(
                    request, status=503, message=message, retry_after=renderings.Busy.retry_after
                )
        answer = FileResponse(
            io.BytesIO(found.content),
            as_attachment=True,
            filename=filename(options, code),
            content_type=FORMATS[code].content_type,
        )
        # Held in memory already: handed to the server whole, not in 4 KiB blocks.
        answer.block_size = max(len(found.content), 1)
        if found.earlier:
            # The file as it stood before the latest change, while that change's is rendered.
            answer["ETag"] = found.etag
            answer["X-Report-Note"] = "An earlier rendering: the current one is being prepared."
            patch_cache_control(answer, no_store=True)
            return answer
    answer["ETag"] = key.etag
    if last_modified is not None:
        answer["Last-Modified"] = http_date(last_modified)
    if options.internal:
        patch_cache_control(answer, private=True, no_cache=True)
    else:
        patch_cache_control(answer, public=True, no_cache=True)
    return answer


def _rendered(code: str) -> Callable[[ReportOptions], bytes]:
    return lambda options: formats.render(code, options)


def _csv(options: ReportOptions) -> bytes:
    # The CSV has no column for what changed since the last Council: not reading it back from
    # the history (three correlated subqueries per row) halves the file's cost.
    return formats.render("csv", replace(options, since=None))


def report_pdf(request: HttpRequest) -> HttpResponse | FileResponse:
    return _report_file(request, "pdf", _rendered("pdf"))


def report_xlsx(request: HttpRequest) -> HttpResponse | FileResponse:
    return _report_file(request, "xlsx", _rendered("xlsx"))


def report_docx(request: HttpRequest) -> HttpResponse | FileResponse:
    return _report_file(request, "docx", _rendered("docx"))


def report_csv(request: HttpRequest) -> HttpResponse | FileResponse:
    return _report_file(request, "csv", _csv)


def _filtered(
    request: HttpRequest,
) -> tuple[RecommendationQuerySet, bool, None] | tuple[None, None, HttpResponse]:
    """The list page's filters applied to the public recommendations ("export what you see")."""
    filterset = RecommendationFilter(request.GET, queryset=Recommendation.objects.public())
    if not filterset.is_valid():
        return None, None, _report_error(request, error_messages(filterset.form))
    # A reader who sorted the list gets the file in that order; otherwise the report's.
    keep_order = bool(filterset.form.cleaned_data.get("ordering"))
    return filterset.qs, keep_order, None


def export_csv(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    queryset, keep_order, error = _filtered(request)
    if error:
        return error
    assert keep_order is not None  # given, with the queryset, whenever there is no error
    options = ReportOptions(as_of=timezone.localdate())
    rows = report_rows(options, queryset, keep_order=keep_order)
    return csv_export.csv_response(
        rows, name=filename(options, "csv", "recommendations"), internal=False
    )


def export_xlsx(request: HttpRequest) -> HttpResponse | FileResponse:
    queryset, keep_order, error = _filtered(request)
    if error:
        return error
    assert keep_order is not None  # given, with the queryset, whenever there is no error
    options = ReportOptions(as_of=timezone.localdate())
    return xlsx_export.xlsx_response(
        options,
        name=filename(options, "xlsx", "recommendations"),
        base=queryset,
        keep_order=keep_order,
    )
