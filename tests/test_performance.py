"""What keeps pages and exports fast as the data grows (docs/performance.md)."""

import pytest
from django.db import connection

from recommendations.models import ProgressUpdate


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
