"""Public, read-only pages for stakeholders. Everything here starts from
`Recommendation.objects.public()` and shows public progress updates only."""

import datetime
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from recommendations import dashboard
from recommendations.filters import RecommendationFilter
from recommendations.models import (
    Council,
    Organisation,
    Owner,
    ProgressUpdate,
    Recommendation,
    Side,
    Status,
    Topic,
)

PAGE_SIZE = 25
LATEST_UPDATES = 8


def _localised_topic_name(name, name_ja):
    if translation.get_language() == "ja" and name_ja:
        return name_ja
    return name


def _list_url(**params):
    return f"{reverse('recommendations:list')}?{urlencode(params)}"


def _bar(label, counts, params, url=None):
    """One stacked bar: a segment per status, in the workflow's order, widths in percent.

    Widths are strings so that templates never localise the decimal separator of an SVG
    attribute."""
    total = sum(counts.values())
    segments, x = [], 0.0
    for status in Status:
        count = counts.get(status.value, 0)
        if not count:
            continue
        width = 100 * count / total
        segments.append(
            {
                "status": status.value,
                "label": status.label,
                "count": count,
                "x": f"{x:.3f}%",
                "width": f"{width:.3f}%",
                "url": _list_url(**params, status=status.value),
            }
        )
        x += width
    return {"label": label, "url": url, "total": total, "segments": segments}


def _bars(rows, key, label, params, url=None):
    """Group `count_by_status` rows into bars, keeping the rows' order."""
    grouped = {}
    for row in rows:
        entry = grouped.setdefault(row[key], {"row": row, "counts": {}})
        entry["counts"][row["status"]] = row["count"]
    return [
        _bar(
            label(entry["row"]),
            entry["counts"],
            params(entry["row"]),
            url(entry["row"]) if url else None,
        )
        for entry in grouped.values()
    ]


def _label_rows(count_rows, key, objects, fields):
    """Counts by a related row's id, given that row's `fields` as `key__field` (the shape of
    `count_by_status` over a relation), in the order of `objects`. The counts come from the
    cache; labels are read fresh, so a renamed topic or owner shows at once."""
    position = {obj.pk: index for index, obj in enumerate(objects)}
    by_pk = {obj.pk: obj for obj in objects}
    rows = []
    for row in sorted(
        (row for row in count_rows if row[f"{key}_id"] in by_pk),
        key=lambda row: position[row[f"{key}_id"]],
    ):
        obj = by_pk[row[f"{key}_id"]]
        labelled = {f"{key}__{field}": getattr(obj, field) for field in fields}
        rows.append({**labelled, "status": row["status"], "count": row["count"]})
    return rows


def home(request):
    next_council, last_council = Council.objects.next_and_last(timezone.localdate())
    counts = dashboard.counts(last_council.date if last_council else None)
    status_rows = counts["by_status"]
    by_status = {row["status"]: row["count"] for row in status_rows}
    divergent = sum(row["divergent"] for row in status_rows)
    status_counts = [
        {"status": s.value, "label": s.label, "count": by_status.get(s.value, 0)} for s in Status
    ]
    total = sum(by_status.values())

    topic_rows = _label_rows(
        counts["by_topic"], "topic", list(Topic.objects.all()), ["code", "name", "name_ja"]
    )
    topic_bars = _bars(
        topic_rows,
        "topic__code",
        label=lambda r: _localised_topic_name(r["topic__name"], r["topic__name_ja"]),
        params=lambda r: {"topic": r["topic__code"]},
        url=lambda r: reverse("recommendations:topic", args=[r["topic__code"]]),
    )
    owner_rows = _label_rows(
        counts["by_owner"],
        "lead_owner",
        list(Owner.objects.order_by("side", "code")),
        ["code", "name", "side"],
    )
    owner_bars = _bars(
        owner_rows,
        "lead_owner__code",
        label=lambda r: r["lead_owner__name"],
        params=lambda r: {"owner": r["lead_owner__code"]},
    )
    # Each side's counts are its owners' (owner_rows come ordered by side).
    by_side = {}
    for row in owner_rows:
        slot = (row["lead_owner__side"], row["status"])
        by_side[slot] = by_side.get(slot, 0) + row["count"]
    side_rows = [
        {"lead_owner__side": side, "status": status, "count": count}
        for (side, status), count in by_side.items()
    ]
    side_bars = _bars(
        side_rows,
        "lead_owner__side",
        label=lambda r: Side(r["lead_owner__side"]).label,
        params=lambda r: {"side": r["lead_owner__side"]},
    )

    changed_since_last = counts["changed_since"]
    updated_since_url = None
    if last_council is not None:
        updated_since_url = _list_url(
            updated_since=(last_council.date + datetime.timedelta(days=1)).isoformat(),
            ordering="-last_update",
        )

    latest_updates = ProgressUpdate.objects.for_public_timeline()[:LATEST_UPDATES]
    organisations = Organisation.objects.order_by("acronym")
    return render(
        request,
        "recommendations/home.html",
        {
            "total": total,
            "divergent": divergent,
            "divergent_url": _list_url(divergent="1"),
            "status_counts": status_counts,
            "topic_bars": topic_bars,
            "owner_bars": owner_bars,
            "side_bars": side_bars,
            "next_council": next_council,
            "last_council": last_council,
            "changed_since_last": changed_since_last,
            "updated_since_url": updated_since_url,
            "latest_updates": latest_updates,
            "organisations": organisations,
        },
    )


def recommendation_list(request):
    filterset = RecommendationFilter(request.GET, queryset=Recommendation.objects.for_public_list())
    page = None
    if filterset.is_valid():
        page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "recommendations/list.html",
        {"filter": filterset, "page": page},
        # A filter value that does not parse is the reader's error, said on the page itself.
        status=200 if page is not None else 400,
    )


def _not_found(request, what):
    return render(request, "recommendations/not_found.html", {"what": what}, status=404)


def detail(request, reference):
    try:
        recommendation = Recommendation.objects.for_detail().get(reference=reference)
    except Recommendation.DoesNotExist:
        return _not_found(request, _("No recommendation has the reference “%s”.") % reference)
    return render(request, "recommendations/detail.html", {"recommendation": recommendation})


def _summary(recommendations, **params):
    """The status bar of a topic or an organisation, its segments linking to the list."""
    by_status = {row["status"]: row["count"] for row in recommendations.count_by_status()}
    return _bar("", by_status, params) if by_status else None


def _page(request, recommendations):
    """One page of a topic's or an organisation's items, as the list pages them: a topic can
    hold hundreds, and rendering them all grew with the data. The pk breaks ties so that no
    item falls between two pages."""
    ordered = recommendations.order_by("topic__position", "sequence", "pk")
    return Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))


def organisation(request, slug):
    try:
        organisation = Organisation.objects.get(slug=slug)
    except Organisation.DoesNotExist:
        return _not_found(request, _("No organisation is known as “%s”.") % slug)
    recommendations = Recommendation.objects.for_public_list().filter(organisations=organisation)
    summary = _summary(
        Recommendation.objects.public().filter(organisations=organisation),
        organisation=organisation.slug,
    )
    return render(
        request,
        "recommendations/organisation.html",
        {
            "organisation": organisation,
            "page": _page(request, recommendations),
            "summary": summary,
        },
    )


def topic(request, code):
    try:
        topic = Topic.objects.get(code=code)
    except Topic.DoesNotExist:
        return _not_found(request, _("No topic has the code “%s”.") % code)
    recommendations = Recommendation.objects.for_public_list().filter(topic=topic)
    summary = _summary(Recommendation.objects.public().filter(topic=topic), topic=topic.code)
    return render(
        request,
        "recommendations/topic.html",
        {"topic": topic, "page": _page(request, recommendations), "summary": summary},
    )


def page_not_found(request, exception):
    """Any unknown public address gets the same friendly page as an unknown reference."""
    return _not_found(request, _("There is no page at this address."))


# Council status report and exports
from recommendations import exports, reports  # noqa: E402
from recommendations.permissions import can_view_internal  # noqa: E402


def _report_error(request, errors, *, status=400):
    return render(
        request,
        "recommendations/report_error.html",
        {"title": _("The report could not be produced"), "errors": errors},
        status=status,
    )


def _report_options(request):
    """The report the query string asks for, or the error page to answer with instead."""
    form = reports.ReportForm(request.GET)
    if not form.is_valid():
        return None, _report_error(request, reports.error_messages(form))
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
    form = reports.ReportForm(
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
            "report": reports.build_report(options),
            "form": form,
            "query": urlencode(options.query),
            "may_see_internal": can_view_internal(request.user),
        },
    )


def report_pdf(request):
    options, error = _report_options(request)
    if error:
        return error
    return exports.pdf_response(options, name=exports.filename(options, "pdf"))


def report_xlsx(request):
    options, error = _report_options(request)
    if error:
        return error
    return exports.xlsx_response(options, name=exports.filename(options, "xlsx"))


def report_csv(request):
    options, error = _report_options(request)
    if error:
        return error
    rows = reports.report_rows(options)
    return exports.csv_response(
        rows, name=exports.filename(options, "csv"), internal=options.internal
    )


def _filtered(request):
    """The list page's filters applied to the public recommendations ("export what you see")."""
    filterset = RecommendationFilter(request.GET, queryset=Recommendation.objects.public())
    if not filterset.is_valid():
        return None, None, _report_error(request, reports.error_messages(filterset.form))
    # A reader who sorted the list gets the file in that order; otherwise the report's.
    keep_order = bool(filterset.form.cleaned_data.get("ordering"))
    return filterset.qs, keep_order, None


def export_csv(request):
    queryset, keep_order, error = _filtered(request)
    if error:
        return error
    options = reports.ReportOptions(as_of=timezone.localdate())
    rows = reports.report_rows(options, queryset, keep_order=keep_order)
    return exports.csv_response(
        rows, name=exports.filename(options, "csv", "recommendations"), internal=False
    )


def export_xlsx(request):
    queryset, keep_order, error = _filtered(request)
    if error:
        return error
    options = reports.ReportOptions(as_of=timezone.localdate())
    return exports.xlsx_response(
        options,
        name=exports.filename(options, "xlsx", "recommendations"),
        base=queryset,
        keep_order=keep_order,
    )
