"""The open data API: read-only JSON at /api/, for the Commission's and the Digital Agency's
websites, researchers and journalists.

Everything here reads; nothing writes. Every recommendation starts from
`Recommendation.objects.public()` (through `for_api()`), updates from the public timeline, and the
serializers name their fields one by one, so internal updates, internal notes and the users who
set a status never reach a response. Resources are identified by the references, codes, slugs and
numbers the report itself uses, never by database ids.
"""

import datetime
import hashlib

from django.db.models import Case, Exists, F, Max, OuterRef, Subquery, When
from django.http import JsonResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.reverse import reverse
from rest_framework.routers import DefaultRouter

from recommendations.bilateral import is_divergent
from recommendations.filters import RecommendationFilter
from recommendations.models import (
    Council,
    Organisation,
    Owner,
    ProgressUpdate,
    Recommendation,
    Status,
    Topic,
    Visibility,
)
from recommendations.reports import ReportForm, ReportOptions, end_of_day, report_queryset


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    # All 70-odd items of the report fit in two pages; 10 000 never come in one response.
    max_page_size = 200


ERROR = inline_serializer(
    "Error",
    fields={"detail": serializers.CharField(help_text="What went wrong.")},
)
# django-filter and `as_of` answer a bad parameter with the messages for each parameter.
BAD_PARAMETERS = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description="A parameter is invalid: the body maps each bad parameter to its messages, "
    'e.g. {"as_of": ["Enter a real date as YYYY-MM-DD, for example 2024-04-30."]}.',
)
NOT_FOUND = OpenApiResponse(response=ERROR, description="No such resource, or no such page.")


# Serializers ------------------------------------------------------------------------------------


class TopicSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:topic-detail", lookup_field="code")
    html_url = serializers.SerializerMethodField(help_text="The topic's public page.")

    class Meta:
        model = Topic
        fields = ["code", "url", "html_url", "name", "name_ja", "printed_name", "position"]

    def get_html_url(self, topic) -> str:
        return self.context["request"].build_absolute_uri(topic.get_absolute_url())


class OrganisationSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:organisation-detail", lookup_field="slug"
    )
    html_url = serializers.SerializerMethodField(help_text="The organisation's public page.")

    class Meta:
        model = Organisation
        fields = ["slug", "url", "html_url", "acronym", "name", "side"]

    def get_html_url(self, organisation) -> str:
        return self.context["request"].build_absolute_uri(organisation.get_absolute_url())


class OwnerSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:owner-detail", lookup_field="code")

    class Meta:
        model = Owner
        fields = ["code", "url", "name", "government", "side"]


class CouncilSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:council-detail", lookup_field="number"
    )

    class Meta:
        model = Council
        fields = ["number", "url", "place", "date"]


class RecommendationSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:recommendation-detail", lookup_field="reference"
    )
    html_url = serializers.SerializerMethodField(help_text="The recommendation's public page.")
    topic = serializers.SlugRelatedField(slug_field="code", read_only=True)
    organisations = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    parent = serializers.SlugRelatedField(slug_field="reference", read_only=True, allow_null=True)
    children = serializers.SerializerMethodField(
        help_text="References of its sub-items, in the report's order."
    )
    lead_owner = serializers.SlugRelatedField(slug_field="code", read_only=True)
    co_owners = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    target_council = serializers.SlugRelatedField(
        slug_field="number", read_only=True, allow_null=True
    )
    # The view annotates these: today's values, or those recorded on the `as_of` date.
    status = serializers.ChoiceField(choices=Status.choices, source="api_status", read_only=True)
    status_date = serializers.DateField(source="api_status_date", read_only=True)
    eu_status = serializers.ChoiceField(
        choices=Status.choices,
        source="api_eu_status",
        read_only=True,
        help_text="Status of the EU side, as reported by DG Connect.",
    )
    eu_status_date = serializers.DateField(
        source="api_eu_status_date", read_only=True, allow_null=True
    )
    japan_status = serializers.ChoiceField(
        choices=Status.choices,
        source="api_japan_status",
        read_only=True,
        help_text="Status of the Japan side, as reported by its Japanese owner.",
    )
    japan_status_date = serializers.DateField(
        source="api_japan_status_date", read_only=True, allow_null=True
    )

    status_set_by_secretariat = serializers.SerializerMethodField(
        help_text="The secretariat set the overall status; otherwise it follows from the two "
        "sides by the stated rule."
    )
    divergent = serializers.SerializerMethodField(
        help_text="The two sides are more than one step apart (one completed, the other not "
        "started, say)."
    )

    class Meta:
        model = Recommendation
        fields = [
            "reference",
            "url",
            "html_url",
            "topic",
            "source",
            "number",
            "title",
            "text",
            "title_ja",
            "text_ja",
            "organisations",
            "parent",
            "children",
            "lead_owner",
            "co_owners",
            "status",
            "status_date",
            "eu_status",
            "eu_status_date",
            "japan_status",
            "japan_status_date",
            "status_set_by_secretariat",
            "divergent",
            "target_council",
        ]

    def get_html_url(self, recommendation) -> str:
        return self.context["request"].build_absolute_uri(recommendation.get_absolute_url())

    def get_status_set_by_secretariat(self, recommendation) -> bool:
        # Whether there is a reason, as the public page says; the reason itself stays internal.
        return bool((recommendation.api_override_reason or "").strip())

    def get_divergent(self, recommendation) -> bool:
        return is_divergent(recommendation.api_eu_status, recommendation.api_japan_status)

    def get_children(self, recommendation) -> list[str]:
        return [child.reference for child in recommendation.public_children]


class ProgressUpdateSerializer(serializers.ModelSerializer):
    recommendation = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    recommendation_url = serializers.SerializerMethodField()

    class Meta:
        model = ProgressUpdate
        # No author: an update speaks for its owner, and users' names and addresses stay private.
        fields = [
            "recommendation",
            "recommendation_url",
            "date",
            "text",
            "status",
            "evidence_url",
            "created_at",
        ]

    def get_recommendation_url(self, update) -> str:
        return reverse(
            "api:recommendation-detail",
            args=[update.recommendation.reference],
            request=self.context["request"],
        )


# Conditional GET --------------------------------------------------------------------------------


def newest_public_change() -> datetime.datetime | None:
    """When the public data last changed: the latest recorded change of any recommendation
    (archiving included) or of a public update.

    Internal updates are left out, so their timing does not show. Four small aggregates, however
    many rows there are.
    """
    candidates = [
        Recommendation.objects.aggregate(newest=Max("updated_at"))["newest"],
        Recommendation.history.aggregate(newest=Max("history_date"))["newest"],
        ProgressUpdate.objects.public().aggregate(newest=Max("created_at"))["newest"],
        # Edits and deletions of public updates are recorded in their history.
        ProgressUpdate.history.filter(visibility=Visibility.PUBLIC).aggregate(
            newest=Max("history_date")
        )["newest"],
    ]
    known = [moment for moment in candidates if moment is not None]
    return max(known) if known else None


class ConditionalGetMixin:
    """ETag and Last-Modified on every successful read, and 304 Not Modified when the caller
    already has the data, so a data portal can poll cheaply.

    The ETag is a hash of the body, so it changes with any change of what is shown (a renamed
    topic included). Last-Modified comes from the recorded timestamps, which only recommendations
    and updates carry: the other resources send an ETag alone rather than a date that could
    wrongly claim they had not changed.
    """

    has_timestamps = False

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        response.render()
        response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()}"'
        last_modified = None
        if self.has_timestamps:
            newest = newest_public_change()
            if newest is not None:
                last_modified = int(newest.timestamp())
                response["Last-Modified"] = http_date(last_modified)
        return get_conditional_response(
            request, etag=response["ETag"], last_modified=last_modified, response=response
        )


# Views ------------------------------------------------------------------------------------------


class ReadOnlyViewSet(ConditionalGetMixin, viewsets.ReadOnlyModelViewSet):
    pagination_class = Pagination


AS_OF = OpenApiParameter(
    "as_of",
    OpenApiTypes.DATE,
    description="Statuses as they stood at the end of this day (YYYY-MM-DD, not in the "
    "future), read from the recorded history. Items added after that day are left out. The "
    "other filters select by present values, as on the list page.",
)


@extend_schema_view(
    list=extend_schema(
        summary="Recommendations",
        description="The public recommendations, in the report's order unless `ordering` says "
        "otherwise. The filters are those of the public list page.",
        parameters=[AS_OF],
        responses={200: RecommendationSerializer, 400: BAD_PARAMETERS, 404: NOT_FOUND},
    ),
    retrieve=extend_schema(
        summary="One recommendation, by its reference",
        parameters=[AS_OF],
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

    def get_queryset(self):
        return Recommendation.objects.for_api()

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        as_of = self._as_of()
        if as_of is None:
            return queryset.annotate(
                api_status=F("status"),
                api_status_date=F("status_date"),
                api_eu_status=F("eu_status"),
                api_eu_status_date=F("eu_status_date"),
                api_japan_status=F("japan_status"),
                api_japan_status_date=F("japan_status_date"),
                api_override_reason=F("status_override_reason"),
            )
        # The report's as-of queryset: statuses from the history, items not yet added left out.
        queryset = report_queryset(ReportOptions(as_of=as_of), base=queryset)
        recorded = Recommendation.history.filter(
            id=OuterRef("pk"), history_date__lt=end_of_day(as_of)
        ).order_by("-history_date", "-history_id")

        def then(field):
            # A side's date is empty until it reports, so "no history" is told by Exists, not
            # by a NULL; an item without any recorded history shows its present values.
            return Case(
                When(Exists(recorded), then=Subquery(recorded.values(field)[:1])),
                default=F(field),
            )

        return queryset.annotate(
            api_status=F("report_status"),
            api_status_date=F("report_status_date"),
            api_eu_status=then("eu_status"),
            api_eu_status_date=then("eu_status_date"),
            api_japan_status=then("japan_status"),
            api_japan_status_date=then("japan_status_date"),
            api_override_reason=then("status_override_reason"),
        ).with_api_relations()

    def _as_of(self) -> datetime.date | None:
        if "as_of" not in self.request.query_params:
            return None
        form = ReportForm(data={"as_of": self.request.query_params["as_of"]})
        if not form.is_valid():
            raise ValidationError({"as_of": form.errors["as_of"]})
        return form.cleaned_data["as_of"] or timezone.localdate()


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
class ProgressUpdateViewSet(ConditionalGetMixin, viewsets.GenericViewSet):
    serializer_class = ProgressUpdateSerializer
    pagination_class = Pagination
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = UpdateFilter
    has_timestamps = True

    def get_queryset(self):
        return ProgressUpdate.objects.for_public_timeline()

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


# The report's small reference tables. Each one's docstring is its description in the schema.


@extend_schema_view(
    list=extend_schema(summary="Topics", responses={200: TopicSerializer, 404: NOT_FOUND}),
    retrieve=extend_schema(
        summary="One of the topics", responses={200: TopicSerializer, 404: NOT_FOUND}
    ),
)
class TopicViewSet(ReadOnlyViewSet):
    """The topics."""

    queryset = Topic.objects.all()
    serializer_class = TopicSerializer
    lookup_field = "code"
    lookup_value_regex = r"[A-Z0-9]+"


@extend_schema_view(
    list=extend_schema(
        summary="Organisations that made recommendations",
        responses={200: OrganisationSerializer, 404: NOT_FOUND},
    ),
    retrieve=extend_schema(
        summary="One of the organisations that made recommendations",
        responses={200: OrganisationSerializer, 404: NOT_FOUND},
    ),
)
class OrganisationViewSet(ReadOnlyViewSet):
    """The organisations that made recommendations."""

    queryset = Organisation.objects.all()
    serializer_class = OrganisationSerializer
    lookup_field = "slug"
    lookup_value_regex = r"[-a-z0-9_]+"


@extend_schema_view(
    list=extend_schema(
        summary="Government bodies that own recommendations",
        responses={200: OwnerSerializer, 404: NOT_FOUND},
    ),
    retrieve=extend_schema(
        summary="One of the government bodies that own recommendations",
        responses={200: OwnerSerializer, 404: NOT_FOUND},
    ),
)
class OwnerViewSet(ReadOnlyViewSet):
    """The government bodies that own recommendations."""

    queryset = Owner.objects.all()
    serializer_class = OwnerSerializer
    lookup_field = "code"
    lookup_value_regex = r"[A-Za-z0-9_-]+"


@extend_schema_view(
    # Lower case as the published schema has always had it, so the schema does not change.
    list=extend_schema(
        summary="Digital partnership councils",
        responses={200: CouncilSerializer, 404: NOT_FOUND},
    ),
    retrieve=extend_schema(
        summary="One of the Digital Partnership Councils",
        responses={200: CouncilSerializer, 404: NOT_FOUND},
    ),
)
class CouncilViewSet(ReadOnlyViewSet):
    """The Digital Partnership Councils."""

    queryset = Council.objects.all()
    serializer_class = CouncilSerializer
    lookup_field = "number"
    lookup_value_regex = r"[0-9]{1,5}"


class ApiRootRouter(DefaultRouter):
    include_format_suffixes = False


router = ApiRootRouter()
router.register("recommendations", RecommendationViewSet, basename="recommendation")
router.register("topics", TopicViewSet, basename="topic")
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("owners", OwnerViewSet, basename="owner")
router.register("councils", CouncilViewSet, basename="council")
router.register("updates", ProgressUpdateViewSet, basename="update")


def document_conditional_get(result, generator, request, public):
    """drf-spectacular hook: every read answers with an ETag (Last-Modified where the data has
    timestamps) and may answer 304, which views alone cannot declare."""
    for path_item in result.get("paths", {}).values():
        operation = path_item.get("get")
        if operation is None or "200" not in operation.get("responses", {}):
            continue
        ok = operation["responses"]["200"]
        ok["headers"] = {
            "ETag": {
                "schema": {"type": "string"},
                "required": True,
                "description": "A hash of the body: send it back in If-None-Match.",
            },
            "Last-Modified": {
                "schema": {"type": "string"},
                "description": "Recommendations and updates only: the latest recorded change "
                "of the public data.",
            },
        }
        operation["responses"]["304"] = {
            "description": "Not modified since the ETag (If-None-Match) or date "
            "(If-Modified-Since) sent: no body."
        }
    return result


def not_found(request):
    """Any other address under /api/ answers in JSON too, not with the site's HTML page."""
    return JsonResponse({"detail": "There is no API resource at this address."}, status=404)


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI under the site's Content Security Policy: its start-up script comes from this
    view as a file (the "split" view), and drf-spectacular's inline <style> block is replaced by a
    stylesheet of ours, so /api/docs/ needs no exception to the policy."""

    template_name = "recommendations/api_docs.html"
