"""Has anything a reader sees changed? The one answer, read by the page cache
(`views/caching.cached_page`), the dashboard's counts (`counts.counts`) and the API's conditional
GET (`api/conditional.ConditionalGetMixin`).

`data_version()` is a string that changes whenever anything a public page shows could have: the
cache keys carry it. It is read from the database by one query, not a counter bumped by signals:
each worker, each process and each server reads the same version, so a change made through any of
them shows on the next request through any other, with a per-process cache as with a shared one.

`newest_public_change()` is the moment the public data last changed, for the API's
Last-Modified: a date the public may read, so internal updates are left out of it;
`newest_public_change_of(version)` reads it once per data version.
"""

import datetime
import hashlib
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Max, Model
from django.utils import timezone

from recommendations.models import (
    Council,
    Edition,
    NextStep,
    Organisation,
    OutcomeDocument,
    Owner,
    ProgressUpdate,
    Recommendation,
    ReportingRound,
    StakeholderView,
    Topic,
    Uptake,
)
from recommendations.rules.choices import Visibility


def _code_version() -> str:
    """Changes with each deployment: templates, translations and code, so that a shared cache
    never serves a page rendered by the previous release."""
    base = Path(settings.BASE_DIR)
    files = sorted(
        path
        for folder in ("recommendations", "tracker", "locale")
        for path in (base / folder).rglob("*")
        if path.suffix in {".py", ".html", ".mo", ".css", ".js"}
    )
    digest = hashlib.sha256()
    for path in files:
        stat = path.stat()
        digest.update(f"{path.relative_to(base)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


CODE_VERSION = _code_version()


def _text(column: str) -> str:
    return f"COALESCE(CAST({column} AS TEXT), '')"


def _newest(model: type[Model], column: str) -> str:
    """The newest row of `model` as one line of text: its largest key, read from the index."""
    table = connection.ops.quote_name(model._meta.db_table)
    newest = _text(f"MAX({connection.ops.quote_name(column)})")
    return f"SELECT '{model._meta.model_name}|' || {newest} FROM {table}"  # noqa: S608 -- names from the models


def _rows(model: type[Model]) -> str:
    """Every row of a small reference table as text: names and dates carry no change marker."""
    quote = connection.ops.quote_name
    columns = [field.column for field in model._meta.concrete_fields if field.column]
    joined = " || '|' || ".join(_text(quote(column)) for column in columns)
    table = quote(model._meta.db_table)
    return f"SELECT '{model._meta.model_name}|' || {joined} FROM {table}"  # noqa: S608 -- as above


def _link_histories() -> list[type[Model]]:
    """The history tables of the recommendations' links (organisations, co-owners)."""
    return [
        model
        for model in apps.get_app_config("recommendations").get_models()
        if model._meta.db_table.startswith("recommendations_historicalrecommendation_")
    ]


def _version_sql() -> str:
    """Largest keys only, each answered from its index, so the version costs the same at 70
    items as at 10 000 (a COUNT or a MAX over a plain column reads every row). Every write of
    the tracker goes through the models, and django-simple-history records each one — changes,
    deletions and changed links alike — as a new history row; rows loaded without history (a
    fixture) raise their table's own largest key."""
    history = Recommendation.history.model
    links = [Recommendation.organisations.through, Recommendation.co_owners.through]
    parts = [
        _newest(Recommendation, "id"),
        _newest(ProgressUpdate, "id"),
        _newest(history, "history_id"),
        _newest(ProgressUpdate.history.model, "history_id"),
        # Every step's add, completion or slip is a history row of its own.
        _newest(NextStep.history.model, "history_id"),
        *(_newest(link, "id") for link in links),
        *(_newest(model, "m2m_history_id") for model in _link_histories()),
        # Published editions never change once stored; a round is opened, then closed (the
        # dashboard says how far it has come), and there are only ever a few of them.
        _newest(Edition, "id"),
        # An organisation's view is public once approved; every change of it is a history row.
        _newest(StakeholderView.history.model, "history_id"),
        # A Council's outcome documents and the items they take up: each change a history row.
        _newest(OutcomeDocument.history.model, "history_id"),
        _newest(Uptake.history.model, "history_id"),
        *(_rows(model) for model in (Topic, Organisation, Owner, Council, ReportingRound)),
    ]
    return " UNION ALL ".join(parts)


def data_version() -> str:
    """Changes whenever anything a public page shows could have: one query, whatever the size.

    Today's date is part of it: the dashboard's "next Council" and the report's default date
    move with the calendar, not with the data."""
    with connection.cursor() as cursor:
        cursor.execute(_version_sql())
        rows = sorted(row[0] for row in cursor.fetchall())
    digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()[:24]
    return f"{CODE_VERSION}.{timezone.localdate().isoformat()}.{digest}"


def newest_public_change() -> datetime.datetime | None:
    """When the public data last changed: the latest recorded change of any recommendation
    (archiving included), of a public update or step, of an approved view, or of what a
    Council's outcome documents take up.

    Internal updates are left out, so their timing does not show. A few small aggregates,
    however many rows there are.
    """
    candidates = [
        Recommendation.objects.aggregate(newest=Max("updated_at"))["newest"],
        Recommendation.history.aggregate(newest=Max("history_date"))["newest"],
        ProgressUpdate.objects.public().aggregate(newest=Max("created_at"))["newest"],
        # Edits and deletions of public updates are recorded in their history.
        ProgressUpdate.history.filter(visibility=Visibility.PUBLIC).aggregate(
            newest=Max("history_date")
        )["newest"],
        StakeholderView.objects.aggregate(newest=Max("approved_at"))["newest"],
        NextStep.history.filter(visibility=Visibility.PUBLIC).aggregate(newest=Max("history_date"))[
            "newest"
        ],  # Outcome documents and the items they take up are public as soon as recorded.
        OutcomeDocument.history.aggregate(newest=Max("history_date"))["newest"],
        Uptake.history.aggregate(newest=Max("history_date"))["newest"],
    ]
    known = [moment for moment in candidates if moment is not None]
    return max(known) if known else None


def newest_public_change_of(version: str) -> datetime.datetime | None:
    """`newest_public_change()` for the data in `version` (from `data_version()`), read once per
    version: every change it could report is a new history row or update, which moves the
    version too."""
    # Kept in a list, so that "nothing recorded yet" is kept as well.
    kept: list[datetime.datetime | None] | None = cache.get_or_set(
        f"newest-public-change:{version}", lambda: [newest_public_change()], 60 * 60
    )
    return kept[0] if kept else newest_public_change()
