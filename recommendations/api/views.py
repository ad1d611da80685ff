"""The API's views: read-only viewsets over the public data, the JSON 404 for any other address
under /api/, and the Swagger UI page."""

import datetime
from collections.abc import Callable
from typing import Any, cast

from django.db.models import F, Prefetch, QuerySet
from django.http import HttpRequest, JsonResponse
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from recommendations.api.conditional import ConditionalGetMixin
from recommendations.api.parameters import AS_OF, DeclaredParametersMixin, as_of_date
from recommendations.api.renderers import CsvRenderer
from recommendations.api.schema import BAD_PARAMETERS, NOT_FOUND, DeclaredParametersSchema
from recommendations.api.serializers import (
    CouncilSerializer,
    EditionSerializer,
    OrganisationSerializer,
    OwnerSerializer,
    ProgressUpdateSerializer,
    RecommendationSerializer,
    TopicSerializer,
)
from recommendations.filters import RecommendationFilter
from recommendations.models.outcomes import taken_up
from recommendations.models.progress_update import ProgressUpdate
from recommendations.models.recommendation import (
    AS_OF_FIELDS,
    Recommendation,
    RecommendationQuerySet,
)
from recommendations.models.reference import Council, Organisation, Owner, Topic
from recommendations.models.rounds import Edition, EditionFile
from recommendations.models.stakeholder_views import approved_views


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    # All 70-odd items of the report fit in two pages; 10 000 never come in one response.
    max_page_size = 200


class ReadOnlyViewSet(DeclaredParametersMixin, ConditionalGetMixin, viewsets.ReadOnlyModelViewSet):
    pagination_class = Pagination
    schema = DeclaredParametersSchema()


@extend_schema_view(
    list=extend_schema(
        summary="Recommendations",
        description="The public recommendations, in the report's order unless `ordering` says "
        "otherwise. The filters are those of the public list page.",
        responses={200: RecommendationSerializer, 400: BAD_PARAMETERS, 404: NOT_FOUND},
    ),
    retrieve=extend_schema(
        summary="One recommendation, by its reference",
        responses={200: RecommendationSerializer, 400: BAD_PARAMETERS, 404: NOT_FOUND},
    ),
)
class RecommendationViewSet(ReadOnlyViewSet):
    serializer_class = RecommendationSerializer
    lookup_field = "reference"
    lookup_value_regex = r"[A-Z0-9]+-[0-9]+[a-z]?"
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = RecommendationFilter
    has_timestamps = True
    query_parameters = {"list": [AS_OF], "retrieve": [AS_OF]}

    def get_queryset(self) -> QuerySet[Recommendation]:
        return Recommendation.objects.for_api()

    def filter_queryset(self, queryset: QuerySet[Any, Any]) -> QuerySet[Any, Any]:
        queryset = super().filter_queryset(queryset)
        as_of = self._as_of()
        if as_of is None:
            queryset = queryset.annotate(**{f"as_of_{field}": F(field) for field in AS_OF_FIELDS})
        else:
            # Statuses as they stood, items not yet added left out, the report's own rule.
            queryset = cast(RecommendationQuerySet, queryset).as_of(as_of).with_api_relations()
        # The organisations' approved views and the Councils' uptakes as they stand now, added
        # after the relations that replace earlier prefetches.
        return queryset.prefetch_related(approved_views(), taken_up())

    def _as_of(self) -> datetime.date | None:
        if "as_of" not in self.request.query_params:
            return None
        return as_of_date(self.request.query_params["as_of"])


@extend_schema_view(
    list=extend_schema(
        summary="Recommendations as CSV",
        tags=["recommendations"],
        description="The same recommendations, filters and `as_of` as the JSON list, all in "
        "one file: one row per recommendation, the JSON fields as columns, lists joined by "
        '"; ". Text a spreadsheet would run as a formula starts with an apostrophe. A refused '
        "parameter is answered in JSON.",
        responses={
            (200, "text/csv"): OpenApiResponse(
                response=OpenApiTypes.STR, description="UTF-8 with a byte order mark."
            ),
            (400, "application/json"): BAD_PARAMETERS,
        },
    ),
)
class RecommendationCsvViewSet(RecommendationViewSet):
    renderer_classes = [CsvRenderer]
    # The whole selection in one file: a spreadsheet has no next page.
    pagination_class = None  # type: ignore[assignment]

    def get_serializer_context(self) -> dict[str, Any]:
        # The links in the file lead to the JSON resources, not to a ".csv" of each.
        return {**super().get_serializer_context(), "format": None}

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        if not isinstance(getattr(response, "data", None), list):
            # A refusal, or the OPTIONS description, is said in JSON as everywhere in the API:
            # a CSV has no place for it.
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


class UpdateFilter(filters.FilterSet):
    recommendation = filters.CharFilter(
        field_name="recommendation__reference",
        help_text="Only the updates of this recommendation (its reference, e.g. AI-3).",
    )
    since = filters.DateFilter(
        field_name="date", lookup_expr="gte", help_text="Dated on or after this day (YYYY-MM-DD)."
    )

    class Meta:
        model = ProgressUpdate
        fields = ["recommendation", "since"]


@extend_schema_view(
    list=extend_schema(
        summary="Public progress updates",
        description="The public progress updates of the public recommendations, newest first. "
        "Updates have no identifier of their own: they are read as a list, narrowed by "
        "recommendation and date.",
        responses={200: ProgressUpdateSerializer, 400: BAD_PARAMETERS, 404: NOT_FOUND},
    ),
)
class ProgressUpdateViewSet(DeclaredParametersMixin, ConditionalGetMixin, viewsets.GenericViewSet):
    schema = DeclaredParametersSchema()
    serializer_class = ProgressUpdateSerializer
    pagination_class = Pagination
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = UpdateFilter
    has_timestamps = True

    def get_queryset(self) -> QuerySet[ProgressUpdate]:
        return ProgressUpdate.objects.for_public_timeline()

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema_view(
    list=extend_schema(
        summary="Published editions of the Council report",
        description="Every published edition, the newest Council first and its corrections "
        "before the first edition, each with its files in English and Japanese as published: "
        "their size, SHA-256 and download address. Editions are never rewritten; a correction "
        "is a further edition.",
        responses={200: EditionSerializer, 400: BAD_PARAMETERS, 404: NOT_FOUND},
    ),
)
class EditionViewSet(DeclaredParametersMixin, ConditionalGetMixin, viewsets.GenericViewSet):
    schema = DeclaredParametersSchema()
    serializer_class = EditionSerializer
    pagination_class = Pagination

    def get_queryset(self) -> QuerySet[Edition]:
        # Each file's edition is the one prefetched from: no query per file for its address.
        return Edition.objects.select_related("council").prefetch_related(
            Prefetch("files", queryset=EditionFile.objects.order_by("language", "name"))
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


# The report's small reference tables. Each one's docstring is its description in the schema.


def _reference_schema(
    serializer: type[Serializer], *, listed: str, one: str
) -> Callable[[type[ReadOnlyViewSet]], type[ReadOnlyViewSet]]:
    """A reference table's list and detail in the schema: their summaries, one serializer."""
    return extend_schema_view(
        list=extend_schema(summary=listed, responses={200: serializer, 404: NOT_FOUND}),
        retrieve=extend_schema(summary=one, responses={200: serializer, 404: NOT_FOUND}),
    )


@_reference_schema(TopicSerializer, listed="Topics", one="One of the topics")
class TopicViewSet(ReadOnlyViewSet):
    """The topics."""

    queryset = Topic.objects.all()
    serializer_class = TopicSerializer
    lookup_field = "code"
    lookup_value_regex = r"[A-Z0-9]+"


@_reference_schema(
    OrganisationSerializer,
    listed="Organisations that made recommendations",
    one="One of the organisations that made recommendations",
)
class OrganisationViewSet(ReadOnlyViewSet):
    """The organisations that made recommendations."""

    queryset = Organisation.objects.all()
    serializer_class = OrganisationSerializer
    lookup_field = "slug"
    lookup_value_regex = r"[-a-z0-9_]+"


@_reference_schema(
    OwnerSerializer,
    listed="Government bodies that own recommendations",
    one="One of the government bodies that own recommendations",
)
class OwnerViewSet(ReadOnlyViewSet):
    """The government bodies that own recommendations."""

    queryset = Owner.objects.all()
    serializer_class = OwnerSerializer
    lookup_field = "code"
    lookup_value_regex = r"[A-Za-z0-9_-]+"


@_reference_schema(
    CouncilSerializer,
    # Lower case as the published schema has always had it, so the schema does not change.
    listed="Digital partnership councils",
    one="One of the Digital Partnership Councils",
)
class CouncilViewSet(ReadOnlyViewSet):
    """The Digital Partnership Councils."""

    queryset = Council.objects.all()
    serializer_class = CouncilSerializer
    lookup_field = "number"
    lookup_value_regex = r"[0-9]{1,5}"


def not_found(request: HttpRequest) -> JsonResponse:
    """Any other address under /api/ answers in JSON too, not with the site's HTML page."""
    return JsonResponse({"detail": "There is no API resource at this address."}, status=404)


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI under the site's Content Security Policy: its start-up script comes from this
    view as a file (the "split" view), and drf-spectacular's inline <style> block is replaced by a
    stylesheet of ours, so /api/docs/ needs no exception to the policy."""

    template_name = "recommendations/api_docs.html"
