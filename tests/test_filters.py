"""The list's choice filters: one class picks a topic, an owner or any named row by its code or
slug, and names the choices in the page's language."""

import pytest
from django.utils import translation

from recommendations.filters import LocalisedChoiceFilter, RecommendationFilter
from recommendations.models import Organisation, Recommendation
from tests import factories


@pytest.mark.django_db
def test_topic_and_owner_choices_are_named_in_japanese_on_japanese_pages():
    factories.TopicFactory(code="AI", name="Artificial intelligence", name_ja="人工知能")
    factories.OwnerFactory(code="METI", name="Ministry of Economy", name_ja="経済産業省")

    with translation.override("ja"):
        form = RecommendationFilter({}, queryset=Recommendation.objects.all()).form
        topics = [label for _value, label in form.fields["topic"].choices]
        owners = [label for _value, label in form.fields["owner"].choices]

    assert "人工知能" in topics
    assert "経済産業省" in owners
    assert type(RecommendationFilter.base_filters["topic"]) is LocalisedChoiceFilter
    assert type(RecommendationFilter.base_filters["owner"]) is LocalisedChoiceFilter


@pytest.mark.django_db
def test_the_same_filter_picks_any_named_row_by_its_slug():
    made_by = factories.OrganisationFactory(
        slug="jbce", name="JBCE", name_ja="在日欧州ビジネス協会"
    )
    item = factories.RecommendationFactory(organisations=[made_by])
    factories.RecommendationFactory()

    class ByOrganisation(RecommendationFilter):
        organisation = LocalisedChoiceFilter(
            field_name="organisations", queryset=Organisation.objects.all(), to_field_name="slug"
        )

    chosen = ByOrganisation({"organisation": "jbce"}, queryset=Recommendation.objects.all())
    with translation.override("ja"):
        labels = [label for _value, label in chosen.form.fields["organisation"].choices]

    assert list(chosen.qs) == [item]
    assert "在日欧州ビジネス協会" in labels
