import pytest
from django.urls import reverse

from recommendations.models import Status, Visibility
from tests.factories import ProgressUpdateFactory, RecommendationFactory

HOME = reverse("recommendations:home")


@pytest.mark.django_db
def test_home_lists_every_recommendation_with_its_status(client):
    planned = RecommendationFactory(status=Status.PLANNED, text="Cooperate on 6G research.")
    untouched = RecommendationFactory()

    response = client.get(HOME)

    content = response.content.decode()
    assert planned.reference in content and "Cooperate on 6G research." in content
    assert untouched.reference in content
    assert "Planned" in content and "Not yet assessed" in content


@pytest.mark.django_db
def test_home_says_so_when_nothing_is_tracked(client):
    assert "No recommendations are tracked yet." in client.get(HOME).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [3, 60])
def test_home_runs_one_query_whatever_the_rows(client, django_assert_num_queries, rows):
    RecommendationFactory.create_batch(rows)

    with django_assert_num_queries(1):  # recommendations with topic, owner and parent joined
        client.get(HOME)


@pytest.mark.django_db
def test_recommendation_page_shows_public_updates_and_never_internal_ones(client):
    recommendation = RecommendationFactory(notes="INTERNAL-NOTE-7731")
    ProgressUpdateFactory(recommendation=recommendation, text="Joint statement issued.")
    ProgressUpdateFactory(
        recommendation=recommendation, text="INTERNAL-UPDATE-4410", visibility=Visibility.INTERNAL
    )

    content = client.get(recommendation.get_absolute_url()).content.decode()

    assert "Joint statement issued." in content
    assert "INTERNAL-UPDATE-4410" not in content
    assert "INTERNAL-NOTE-7731" not in content


@pytest.mark.django_db
def test_recommendation_text_with_html_is_shown_escaped(client):
    recommendation = RecommendationFactory(text="<script>alert(1)</script> cooperate")

    content = client.get(recommendation.get_absolute_url()).content.decode()

    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt; cooperate" in content


@pytest.mark.django_db
def test_unknown_reference_is_not_found(client):
    response = client.get(reverse("recommendations:detail", args=["NOPE-99"]))

    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("updates", [1, 25])
def test_recommendation_page_runs_the_same_queries_whatever_the_updates(
    client, django_assert_num_queries, updates
):
    recommendation = RecommendationFactory()
    ProgressUpdateFactory.create_batch(updates, recommendation=recommendation)

    # recommendation with joins, organisations, co-owners, children, public updates
    with django_assert_num_queries(5):
        client.get(recommendation.get_absolute_url())
