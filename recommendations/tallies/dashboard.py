"""The dashboard's counts, cached until the data they count changes.

They are GROUP BY queries over every public recommendation, so they grow with the data. The cache
key carries the data version the public pages are cached under (`recommendations.data_version`),
so no signal has to reach every worker's cache: the first request after a change computes and
stores the counts under a new key, and the old entry simply ages out.
"""

import datetime
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone

from recommendations.models import NextStep, Recommendation
from recommendations.rules.bilateral import awaiting_condition, divergent_condition
from recommendations.rules.choices import Response, Side

# Entries are never stale (the key changes with the data); the timeout only frees memory.
TIMEOUT_SECONDS = 60 * 60


def _count(changed_since: datetime.date | None) -> dict[str, Any]:
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
        "steps_by_owner": NextStep.objects.public().counts_by_owner(timezone.localdate()),
        "changed_since": (
            public.filter(status_date__gt=changed_since).count() if changed_since else None
        ),
    }


def counts(*, version: str, changed_since: datetime.date | None = None) -> dict:
    """Public items by status (with the divergent ones), by topic id and by lead owner id, and
    how many changed status after `changed_since` (the last Council's date), if given.

    `version` is the data version (`data_version()`) the page that shows them was read under:
    the caller's, so that one request reads it once."""
    key = f"dashboard-counts:{version}:{changed_since.isoformat() if changed_since else ''}"
    result = cache.get(key)
    if result is None:
        result = _count(changed_since)
        cache.set(key, result, TIMEOUT_SECONDS)
    return result
