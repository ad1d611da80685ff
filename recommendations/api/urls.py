"""The API's addresses under /api/, in the "api" namespace (`api:recommendation-detail`, …)."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from recommendations.api.views import (
    CouncilViewSet,
    EditionViewSet,
    OrganisationViewSet,
    OwnerViewSet,
    ProgressUpdateViewSet,
    RecommendationCsvViewSet,
    RecommendationViewSet,
    TopicViewSet,
)


class ApiRootRouter(DefaultRouter):
    include_format_suffixes = False


router = ApiRootRouter()
router.register("recommendations", RecommendationViewSet, basename="recommendation")
router.register("topics", TopicViewSet, basename="topic")
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("owners", OwnerViewSet, basename="owner")
router.register("councils", CouncilViewSet, basename="council")
router.register("updates", ProgressUpdateViewSet, basename="update")
router.register("editions", EditionViewSet, basename="edition")

app_name = "api"
urlpatterns = [
    # The list as one CSV file, with the list's filters: the format is the address's.
    path(
        "recommendations.csv",
        RecommendationCsvViewSet.as_view({"get": "list"}),
        {"format": "csv"},
        name="recommendation-csv",
    ),
    *router.urls,
]
