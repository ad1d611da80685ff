"""The dashboard's counts, cached until the data they count changes.

They are GROUP BY queries over every public recommendation, so they grow with the data. The cache
key carries a data version read by one aggregate query, so no signal has to reach every worker's
cache: the first request after a change computes and stores the counts under a new key, and the
old entry simply ages out.
"""

from django.core.cache import cache
from django.db.models import Count, Max, Q

from recommendations.models import Recommendation
from recommendations.rules.bilateral import awaiting_condition, divergent_condition
from recommendations.rules.choices import Response, Side

# Entries are never stale (the key changes with the data); the timeout only frees memory.
TIMEOUT_SECONDS = 60 * 60


def data_version() -> str:
    """Changes whenever a count could: saving a recommendation (a status or side changed, an item
    archived, restored, moved to another topic or owner) moves its `updated_at`, and deleting one
    lowers the number of rows. Labels (topic and owner names) are not counted, so not cached."""
    row = Recommendation.objects.aggregate(updated=Max("updated_at"), rows=Count("pk"))
    updated = row["updated"].isoformat() if row["updated"] else "none"
    return f"{updated}.{row['rows']}"


def _count(changed_since):
    public = Recommendation.objects.public()
    # Divergent items, and those awaiting one side, are counted in the same query as the statuses.
    by_status = list(
        public.count_by_status().annotate(
            divergent=Count("pk", filter=divergent_condition()),
            awaiting_eu=Count("pk", filter=awaiting_condition(Side.EU)),
            awaiting_japan=Count("pk", filter=awaiting_condition(Side.JAPAN)),
            # Each side's responses, in the same query: summed over the statuses' rows.
            **{
                f"{side}_response_{response}": Count(
                    "pk", filter=Q(**{f"{side}_response": response})
                )
                for side in ("eu", "japan")
                for response in Response.values
            },
        )
    )
    return {
        "by_status": by_status,
        "by_topic": list(public.count_by_status("topic_id")),
        "by_owner": list(public.count_by_status("lead_owner_id")),
        "changed_since": (
            public.filter(status_date__gt=changed_since).count() if changed_since else None
        ),
    }


def counts(changed_since=None) -> dict:
    """Public items by status (with the divergent ones), by topic id and by lead owner id, and
    how many changed status after `changed_since` (the last Council's date), if given."""
    key = f"dashboard-counts:{data_version()}:{changed_since.isoformat() if changed_since else ''}"
    result = cache.get(key)
    if result is None:
        result = _count(changed_since)
        cache.set(key, result, TIMEOUT_SECONDS)
    return result
