"""An item's latest progress update as the exports showed it, for the import to tell an edited
`latest_update` cell from one left as it was: the latest of each visibility, its words, or the
tracker's sentence when its official wrote none."""

import datetime

from django.conf import settings
from django.db.models import QuerySet, Subquery
from django.utils import translation

from recommendations.imports.reading import same_text
from recommendations.models import ProgressUpdate, Recommendation
from recommendations.rules.choices import Visibility
from recommendations.timeline import describe


def with_latest_updates(queryset: QuerySet, *, today: datetime.date) -> QuerySet:
    """Annotate each item's latest update of each visibility up to today, with what either
    export shows of it in its latest_update columns (reporting.query)."""
    # As the exports: a confirmation of no change is never an item's latest update.
    updates = ProgressUpdate.objects.of_outer_recommendation().substantive().filter(date__lte=today)
    annotations = {}
    for visibility in Visibility.values:
        latest = updates.filter(visibility=visibility)
        for field in ("text", "date", "kind", "sides", "status"):
            annotations[f"latest_{visibility}_{field}"] = Subquery(latest.values(field)[:1])
    return queryset.annotate(**annotations)


def latest(item: Recommendation, visibility: str) -> tuple[str, datetime.date | None]:
    return (
        getattr(item, f"latest_{visibility}_text") or "",
        getattr(item, f"latest_{visibility}_date"),
    )


def shows_latest(item: Recommendation, visibility: str, text: str) -> bool:
    """Whether `text` is what an export showed of the item's latest update: the official's
    words or, when they wrote none, the tracker's sentence in any of the site's languages."""
    words = getattr(item, f"latest_{visibility}_text") or ""
    if words:
        return same_text(text, words)
    kind = getattr(item, f"latest_{visibility}_kind") or ""
    sides = getattr(item, f"latest_{visibility}_sides") or {}
    status = getattr(item, f"latest_{visibility}_status") or ""
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            if same_text(text, describe(kind, sides, status)):
                return True
    return not text
