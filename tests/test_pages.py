"""The dashboard and the recommendation page, as a stakeholder reads them."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from recommendations.models import Side, Status, Visibility
from tests import factories

HOME = reverse("recommendations:home")
LIST = reverse("recommendations:list")


@pytest.mark.django_db
def test_dashboard_counts_recommendations_in_each_status(client):
    factories.RecommendationFactory.create_batch(3, status=Status.PLANNED)
    factories.RecommendationFactory(status=Status.COMPLETED)

    response = client.get(HOME)

    counts = {item["status"]: item["count"] for item in response.context["status_counts"]}
    assert counts[Status.PLANNED] == 3
    assert counts[Status.COMPLETED] == 1
    assert counts[Status.STALLED] == 0
    assert f'href="{LIST}?status=planned"' in response.content.decode()


@pytest.mark.django_db
def test_dashboard_bar_segments_link_to_the_matching_filtered_list(client):
    topic = factories.TopicFactory(code="AI", name="Artificial Intelligence")
    factories.RecommendationFactory.create_batch(3, topic=topic, status=Status.IN_PROGRESS)
    factories.RecommendationFactory(topic=topic, status=Status.COMPLETED)

    content = client.get(HOME).content.decode()

    assert f'href="{LIST}?topic=AI&amp;status=in_progress"' in content
    assert f'href="{LIST}?topic=AI&amp;status=completed"' in content
    # Three of four items in progress: the segment is three quarters of the bar, drawn from 0.
    assert 'x="0.000%" y="0" width="75.000%"' in content
    assert 'x="75.000%" y="0" width="25.000%"' in content


@pytest.mark.django_db
def test_dashboard_shows_progress_per_owner_and_per_side(client):
    meti = factories.OwnerFactory(code="METI", name="METI", side=Side.JAPAN)
    connect = factories.OwnerFactory(code="DG-CONNECT", name="DG Connect", side=Side.EU)
    factories.RecommendationFactory.create_batch(2, lead_owner=meti, status=Status.ONGOING)
    factories.RecommendationFactory(lead_owner=connect, status=Status.STALLED)

    response = client.get(HOME)

    owners = {bar["label"]: bar["total"] for bar in response.context["owner_bars"]}
    assert owners == {"DG Connect": 1, "METI": 2}
    sides = {bar["label"]: bar["total"] for bar in response.context["side_bars"]}
    assert sides == {"EU": 1, "Japan": 2}
    content = response.content.decode()
    assert f'href="{LIST}?owner=METI&amp;status=ongoing"' in content
    assert f'href="{LIST}?side=jp&amp;status=ongoing"' in content


@pytest.mark.django_db
def test_dashboard_bars_tell_status_by_text_and_pattern_not_colour_alone(client):
    factories.RecommendationFactory(status=Status.STALLED)

    content = client.get(HOME).content.decode()

    assert 'fill="url(#pattern-stalled)"' in content
    assert '<pattern id="pattern-stalled"' in content
    assert 'Stalled <span class="count">1</span>' in content


def test_every_status_takes_its_colours_from_the_stylesheet_custom_properties():
    static = Path(settings.BASE_DIR) / "recommendations" / "static" / "recommendations"
    tracker = (static / "tracker.css").read_text(encoding="utf-8")
    report = (static / "report.css").read_text(encoding="utf-8")

    for status in Status.values:
        assert f"--status-{status}:" in tracker
        assert f".status-{status} {{ color: var(--status-{status}); }}" in tracker
        assert f".pattern-{status} {{ --background: var(--status-{status}-background);" in tracker
        assert f".chart-bar-{status} {{ background: var(--status-{status}-bar); }}" in report


@pytest.mark.django_db
def test_dashboard_names_the_next_council_and_counts_changes_since_the_last(client):
    today = timezone.localdate()
    factories.CouncilFactory(number=2, place="Brussels", date=today - datetime.timedelta(days=30))
    factories.CouncilFactory(number=3, place="", date=None)
    factories.RecommendationFactory(
        status=Status.PLANNED, status_date=today - datetime.timedelta(days=2)
    )
    factories.RecommendationFactory(status_date=today - datetime.timedelta(days=60))

    response = client.get(HOME)

    assert response.context["next_council"].number == 3
    assert response.context["last_council"].number == 2
    content = response.content.decode()
    assert "Digital Partnership Council no. 3" in content and "date to be set" in content
    assert "1 recommendation changed status since Digital Partnership Council no. 2" in content


@pytest.mark.django_db
def test_dashboard_prefers_a_dated_future_council_to_an_undated_one(client):
    today = timezone.localdate()
    factories.CouncilFactory(number=4, date=None)
    factories.CouncilFactory(number=3, date=today + datetime.timedelta(days=10))

    assert client.get(HOME).context["next_council"].number == 3


@pytest.mark.django_db
def test_dashboard_lists_the_latest_public_updates_only(client):
    recommendation = factories.RecommendationFactory()
    factories.ProgressUpdateFactory(recommendation=recommendation, text="Roadmap published.")
    factories.ProgressUpdateFactory(
        recommendation=recommendation, text="INTERNAL-UPDATE-9921", visibility=Visibility.INTERNAL
    )

    content = client.get(HOME).content.decode()

    assert "Roadmap published." in content
    assert "INTERNAL-UPDATE-9921" not in content


@pytest.mark.django_db
def test_dashboard_says_so_when_nothing_is_tracked(client):
    content = client.get(HOME).content.decode()

    assert "No recommendations are tracked yet." in content
    assert "No public progress update yet." in content


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [3, 40])
def test_dashboard_runs_the_same_queries_whatever_the_rows(client, django_assert_num_queries, rows):
    factories.CouncilFactory(number=1, date=datetime.date(2023, 7, 3))
    factories.CouncilFactory(number=2, date=None)
    for _ in range(rows):
        factories.ProgressUpdateFactory(
            recommendation=factories.RecommendationFactory(status=Status.PLANNED)
        )
    factories.OrganisationFactory.create_batch(3)

    # the data version (once, for the page and its counts alike: the count was 14 while the
    # counts read it again); Councils; counts by status, by topic, by owner; changes since the
    # last Council (those four cached afterwards); topics; owners; latest updates;
    # organisations; the open reporting round (none); and the public data's last change, two
    # of whose aggregates are the Councils' outcome documents and uptakes
    with django_assert_num_queries(13):
        response = client.get(HOME)
    assert response.status_code == 200
    assert f"{rows} recommendations of the stakeholder workshop" in response.content.decode()


@pytest.mark.django_db
def test_recommendation_page_shows_public_updates_and_never_internal_ones(client):
    recommendation = factories.RecommendationFactory(notes="INTERNAL-NOTE-7731")
    factories.ProgressUpdateFactory(
        recommendation=recommendation,
        text="Joint statement issued.",
        evidence_url="https://example.org/statement",
    )
    factories.ProgressUpdateFactory(
        recommendation=recommendation, text="INTERNAL-UPDATE-4410", visibility=Visibility.INTERNAL
    )

    content = client.get(recommendation.get_absolute_url()).content.decode()

    assert "Joint statement issued." in content
    assert 'href="https://example.org/statement"' in content
    assert "INTERNAL-UPDATE-4410" not in content
    assert "INTERNAL-NOTE-7731" not in content


@pytest.mark.django_db
def test_recommendation_page_links_organisations_and_names_owners_and_target(client):
    jbce = factories.OrganisationFactory(acronym="JBCE")
    council = factories.CouncilFactory(number=3, date=None)
    recommendation = factories.RecommendationFactory(
        organisations=[jbce],
        lead_owner=factories.OwnerFactory(name="DG Connect"),
        co_owners=[factories.OwnerFactory(name="Digital Agency")],
        status=Status.IN_PROGRESS,
        status_date=datetime.date(2025, 3, 14),
        target_council=council,
    )

    content = client.get(recommendation.get_absolute_url()).content.decode()

    assert f'<a href="{jbce.get_absolute_url()}">JBCE</a>' in content
    assert "DG Connect" in content and "Digital Agency" in content
    assert "In progress" in content and "since 14 March 2025" in content
    assert "Digital Partnership Council no. 3" in content


@pytest.mark.django_db
def test_recommendation_page_links_sub_items_and_parent(client):
    parent = factories.RecommendationFactory(reference="CYBER-1")
    child = factories.RecommendationFactory(reference="CYBER-1a", topic=parent.topic, parent=parent)

    parent_page = client.get(parent.get_absolute_url()).content.decode()
    child_page = client.get(child.get_absolute_url()).content.decode()

    assert f'href="{child.get_absolute_url()}">CYBER-1a</a>' in parent_page
    assert f'href="{parent.get_absolute_url()}">CYBER-1</a>' in child_page


@pytest.mark.django_db
def test_recommendation_text_with_html_is_shown_escaped(client):
    recommendation = factories.RecommendationFactory(text="<script>alert(1)</script> cooperate")

    content = client.get(recommendation.get_absolute_url()).content.decode()

    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt; cooperate" in content


@pytest.mark.django_db
def test_unknown_reference_gets_a_friendly_not_found_page(client):
    response = client.get(reverse("recommendations:detail", args=["NOPE-99"]))

    assert response.status_code == 404
    content = response.content.decode()
    assert "No recommendation has the reference “NOPE-99”." in content
    assert f'href="{LIST}"' in content


@pytest.mark.django_db
def test_unknown_address_gets_the_same_friendly_page(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "There is no page at this address." in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("updates", [1, 25])
def test_recommendation_page_runs_the_same_queries_whatever_the_updates(
    client, django_assert_num_queries, updates
):
    recommendation = factories.RecommendationFactory(
        organisations=factories.OrganisationFactory.create_batch(2)
    )
    factories.ProgressUpdateFactory.create_batch(updates, recommendation=recommendation)
    factories.RecommendationFactory.create_batch(
        updates, parent=recommendation, topic=recommendation.topic
    )

    # data version, recommendation with joins, organisations, co-owners, children, public
    # updates, the organisations' approved views, the Councils' uptakes of it (with their
    # documents and Councils, in one query)
    with django_assert_num_queries(8):
        response = client.get(recommendation.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert f"<h1>{recommendation.reference}" in content
    assert content.count('<ul class="sub-items">') == 1
    assert all(child.reference in content for child in recommendation.children.all())
    assert all(update.text in content for update in recommendation.updates.all())
