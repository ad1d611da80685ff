"""Public, read-only pages for stakeholders. Everything here starts from
`Recommendation.objects.public()` and shows public progress updates only."""

from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from recommendations.filters import RecommendationFilter
from recommendations.models import Organisation, Recommendation, Topic
from recommendations.models.outcomes import taken_up
from recommendations.models.recommendation import RecommendationQuerySet
from recommendations.models.stakeholder_views import StakeholderView, approved_views
from recommendations.rules.choices import Status
from recommendations.views.bars import Bar, bar, status_legend

PAGE_SIZE = 25


def recommendation_list(request: HttpRequest) -> HttpResponse:
    filterset = RecommendationFilter(request.GET, queryset=Recommendation.objects.for_public_list())
    page = None
    if filterset.is_valid():
        page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "recommendations/list.html",
        {"filter": filterset, "page": page, "legend": status_legend()},
        # A filter value that does not parse is the reader's error, said on the page itself.
        status=200 if page is not None else 400,
    )


def _not_found(request: HttpRequest, what: str) -> HttpResponse:
    return render(request, "recommendations/not_found.html", {"what": what}, status=404)


def _archived_or_not_found(request: HttpRequest, reference: str) -> HttpResponse:
    """An archived item's address says it is gone on purpose (410), when and why; it shows
    nothing else of the item."""
    archived = (
        Recommendation.objects.filter(reference=reference, archived_at__isnull=False)
        .only("reference", "archived_at", "archived_reason")
        .first()
    )
    if archived is None:
        return _not_found(request, _("No recommendation has the reference “%s”.") % reference)
    return render(request, "recommendations/archived.html", {"archived": archived}, status=410)


def detail(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        recommendation = (
            Recommendation.objects.for_detail()
            .prefetch_related(approved_views(), taken_up())
            .get(reference=reference)
        )
    except Recommendation.DoesNotExist:
        return _archived_or_not_found(request, reference)
    # A side not yet assessed is where a reader most needs the legend: it opens by itself.
    not_assessed = Status.NOT_ASSESSED in (recommendation.eu_status, recommendation.japan_status)
    return render(
        request,
        "recommendations/detail.html",
        {"recommendation": recommendation, "legend": status_legend(), "not_assessed": not_assessed},
    )


def _summary(recommendations: RecommendationQuerySet, **params: object) -> Bar | None:
    """The status bar of a topic or an organisation, its segments linking to the list."""
    by_status = {row["status"]: row["count"] for row in recommendations.count_by_status()}
    return bar("", by_status, params) if by_status else None


def _group_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    where: dict[str, object],
    selection: dict[str, object],
) -> HttpResponse:
    """A topic's or an organisation's page: its items (`where`) as a status bar whose segments
    link to the list (`selection` as its query), then one page of them, as the list pages them:
    a topic can hold hundreds, and rendering them all grew with the data. The pk breaks ties so
    that no item falls between two pages."""
    items = Recommendation.objects.for_public_list().filter(**where)
    ordered = items.order_by("topic__position", "sequence", "pk")
    page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
    summary = _summary(Recommendation.objects.public().filter(**where), **selection)
    return render(request, template, {**context, "page": page, "summary": summary})


def organisations(request: HttpRequest) -> HttpResponse:
    """Every stakeholder with how many public items it made and their status mix, counted in
    one query whatever the number of organisations or items."""
    public = Q(recommendations__archived_at__isnull=True)
    counted = Organisation.objects.order_by("acronym").annotate(
        **{
            f"count_{status.value}": Count(
                "recommendations", filter=public & Q(recommendations__status=status)
            )
            for status in Status
        }
    )
    bars = [
        bar(
            f"{organisation.acronym} — {organisation.localised_name}"
            if organisation.acronym != organisation.localised_name
            else organisation.localised_name,
            {status.value: getattr(organisation, f"count_{status.value}") for status in Status},
            {"organisation": organisation.slug},
            url=organisation.get_absolute_url(),
        )
        for organisation in counted
    ]
    return render(request, "recommendations/organisations.html", {"bars": bars})


def organisation(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        organisation = Organisation.objects.get(slug=slug)
    except Organisation.DoesNotExist:
        return _not_found(request, _("No organisation is known as “%s”.") % slug)
    topics = Topic.objects.filter(
        recommendations__in=Recommendation.objects.public().filter(organisations=organisation)
    ).distinct()
    # Its own approved views, beside each item's overall status: one query.
    views = (
        StakeholderView.objects.for_public()
        .filter(organisation=organisation, recommendation__in=Recommendation.objects.public())
        .select_related("recommendation")
        .order_by("recommendation__topic__position", "recommendation__sequence")
    )
    return _group_page(
        request,
        "recommendations/organisation.html",
        {"organisation": organisation, "topics": topics, "views": views},
        where={"organisations": organisation},
        selection={"organisation": organisation.slug},
    )


def topic(request: HttpRequest, code: str) -> HttpResponse:
    try:
        topic = Topic.objects.get(code=code)
    except Topic.DoesNotExist:
        return _not_found(request, _("No topic has the code “%s”.") % code)
    return _group_page(
        request,
        "recommendations/topic.html",
        {"topic": topic},
        where={"topic": topic},
        selection={"topic": topic.code},
    )


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Any unknown public address gets the same friendly page as an unknown reference."""
    return _not_found(request, _("There is no page at this address."))
