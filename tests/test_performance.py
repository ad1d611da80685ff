"""What keeps pages and exports fast as the data grows (docs/performance.md)."""

import pytest
from django.db import connection
from django.urls import reverse

from recommendations.models import ProgressUpdate, Side, Status, Visibility
from recommendations.services.archive import archive
from recommendations.services.statuses import set_statuses
from tests.factories import ProgressUpdateFactory, RecommendationFactory, TopicFactory
from tests.helpers import CHANGELIST

HOME = reverse("recommendations:home")
# `last_update` is the ninth column of the changelist; `o=-9` sorts by it, newest first.
BY_LAST_UPDATE_NEWEST_FIRST = {"o": "-9"}


@pytest.mark.django_db
def test_database_has_an_index_on_each_items_updates_newest_first():
    # The "latest update" subqueries of the list, admin, report and exports look up one item's
    # updates by date; without this index SQLite walks every public update for each row.
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(
            cursor, ProgressUpdate._meta.db_table
        )

    index = constraints["update_recommendation_date"]
    assert index["index"] is True
    assert index["columns"] == ["recommendation_id", "date", "created_at"]


@pytest.mark.django_db
def test_admin_last_update_is_each_items_newest_update_internal_ones_included(admin_client):
    quiet = RecommendationFactory(number="1")
    ProgressUpdateFactory(recommendation=quiet, date="2024-06-01")
    busy = RecommendationFactory(number="2")
    ProgressUpdateFactory(recommendation=busy, date="2024-03-01")
    ProgressUpdateFactory(recommendation=busy, date="2024-09-01", visibility=Visibility.INTERNAL)
    ProgressUpdateFactory(recommendation=busy, date="2024-05-01")
    never = RecommendationFactory(number="3")

    response = admin_client.get(CHANGELIST, BY_LAST_UPDATE_NEWEST_FIRST)

    rows = list(response.context["cl"].result_list)
    # Where the item without updates goes differs between databases (NULLs); not asserted.
    dated = [(row.pk, row.last_update.isoformat()) for row in rows if row.last_update]
    assert dated == [(busy.pk, "2024-09-01"), (quiet.pk, "2024-06-01")]
    assert never.pk in {row.pk for row in rows}
    assert "1 September 2024" in response.content.decode()


def status_counts(response):
    return {item["status"]: item["count"] for item in response.context["status_counts"]}


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [3, 40])
def test_dashboard_counts_are_cached_so_the_next_rendering_runs_fewer_queries(
    client, django_assert_num_queries, rows
):
    RecommendationFactory.create_batch(rows, status=Status.PLANNED)
    client.get(HOME)

    # The Japanese dashboard is another rendering, but the same counts: the data version (read
    # once, for the page and its counts); Councils; topics; owners; latest updates;
    # organisations; the open reporting round (none) — the four count queries are answered
    # from the cache
    with django_assert_num_queries(7):
        response = client.get("/ja/")

    assert response.status_code == 200
    assert status_counts(response)[Status.PLANNED] == rows
    assert f"{rows}件" in response.content.decode()


@pytest.mark.django_db
def test_dashboard_shows_a_status_change_on_the_next_request(client):
    item = RecommendationFactory(status=Status.PLANNED)
    RecommendationFactory(status=Status.PLANNED)
    assert status_counts(client.get(HOME))[Status.PLANNED] == 2

    both = {Side.EU: Status.COMPLETED, Side.JAPAN: Status.COMPLETED}
    set_statuses(recommendation=item, sides=both, author=None)
    response = client.get(HOME)

    counts = status_counts(response)
    assert counts[Status.PLANNED] == 1
    assert counts[Status.COMPLETED] == 1


@pytest.mark.django_db
def test_dashboard_drops_an_archived_item_and_shows_a_renamed_topic_at_once(client):
    topic = TopicFactory(name="Data spaces")
    item = RecommendationFactory(topic=topic, status=Status.PLANNED)
    RecommendationFactory(topic=topic, status=Status.PLANNED)
    assert status_counts(client.get(HOME))[Status.PLANNED] == 2

    archive(recommendations=[item], author=None)
    topic.name = "Trusted data spaces"
    topic.save()
    response = client.get(HOME)

    assert status_counts(response)[Status.PLANNED] == 1
    assert "Trusted data spaces" in response.content.decode()
    assert "Data spaces<" not in response.content.decode()
