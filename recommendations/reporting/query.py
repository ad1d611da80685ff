"""The one queryset every format of the report is written from, and the rows it yields."""

import datetime
from collections import defaultdict
from collections.abc import Iterator
from itertools import islice
from typing import Any, TypedDict, cast

from django.db import connection
from django.db.models import (
    Case,
    F,
    ForeignKey,
    Model,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from recommendations.models import (
    Organisation,
    Owner,
    ProgressUpdate,
    Recommendation,
    Topic,
    Uptake,
)
from recommendations.models.recommendation import RecommendationQuerySet, recorded_before
from recommendations.models.stakeholder_views import StakeholderView
from recommendations.reporting.options import ReportOptions
from recommendations.reporting.rows import ReportRow
from recommendations.reporting.steps import chunk_steps
from recommendations.rules.bilateral import stale_cutoff
from recommendations.rules.choices import (
    SIDE_FIELDS,
    Visibility,
    answer_fields,
)
from recommendations.timeline import describe, with_confirmed_mark, with_corrected_mark

# Rows fetched per round trip when a file is streamed: enough to keep the query count low, few
# enough that 10 000 recommendations never sit in memory at once.
CHUNK_SIZE = 500
# A report kept whole in memory anyway (the page, the Word edition) reads its rows as one chunk,
# so its queries do not grow with them; up to this many, as the chunk's ids are parameters of
# its link queries and SQLite takes 32 766 parameters at most.
WHOLE_CHUNK_SIZE = 30_000


# The statuses a report prints, as they stood on its as-of date (RecommendationQuerySet.as_of).
REPORT_STATUS_FIELDS = ("status", "status_date", "eu_status", "japan_status")


def stale_before(options: ReportOptions) -> datetime.date:
    """The report's stale cutoff (bilateral.stale_cutoff): counted back from the Council the
    report is for, or from its as-of date when that Council is undated or none is chosen."""
    council = options.council
    return stale_cutoff(council.date if council else None, options.as_of)


def report_queryset(options: ReportOptions, base: QuerySet | None = None) -> QuerySet:
    """The one queryset every format is written from.

    `base` narrows it (the list page's filters, the admin's selection); it defaults to what the
    public may see. Each row is annotated with its status as of the chosen date, its latest
    update up to that date and, when a "since" date is given, its status then and the update that
    explains the change, all from correlated subqueries, so no query runs per row.
    """
    queryset = Recommendation.objects.public() if base is None else base
    # Any base is a queryset of recommendations (the list's filters, the admin's selection).
    queryset = cast(RecommendationQuerySet, queryset)
    updates = ProgressUpdate.objects.of_outer_recommendation()
    if not options.internal:
        updates = updates.public()
    # A confirmation of no change is said beside the latest update, never in its place.
    latest = updates.substantive().filter(date__lte=options.as_of)

    annotations: dict[str, Any] = {
        "latest_update_text": Subquery(latest.values("text")[:1]),
        "latest_update_date": Subquery(latest.values("date")[:1]),
        "latest_update_corrected_at": Subquery(latest.values("corrected_at")[:1]),
        "latest_confirmed_on": Subquery(
            updates.confirmations().filter(date__lte=options.as_of).values("date")[:1]
        ),
    }
    if options.internal:
        annotations["latest_update_visibility"] = Subquery(latest.values("visibility")[:1])
    else:
        # Only public updates are read: a third subquery per row would only say so again.
        annotations["latest_update_visibility"] = Case(
            When(latest_update_date__isnull=False, then=Value(Visibility.PUBLIC.value)),
            default=Value(""),
        )
    # As of today the present values are read: the history (four correlated subqueries per
    # row) would only find them again, at several times the cost of the whole export.
    queryset = queryset.as_of(options.as_of, REPORT_STATUS_FIELDS).with_stale(
        options.as_of, cutoff=stale_before(options), internal=options.internal
    )
    if options.since is not None:
        since_state = recorded_before(options.since)
        explaining = updates.exclude(status="").filter(
            date__gt=options.since, date__lte=options.as_of
        )
        annotations |= {
            "since_status": Subquery(since_state.values("status")[:1]),
            "change_text": Subquery(explaining.values("text")[:1]),
            "change_date": Subquery(explaining.values("date")[:1]),
        }

    return (
        queryset.annotate(**annotations)
        .select_related("topic", "lead_owner")
        .prefetch_related(
            Prefetch("organisations", queryset=Organisation.objects.order_by("acronym")),
            Prefetch("co_owners", queryset=Owner.objects.order_by("name")),
        )
    )


class ReportAnnotations(TypedDict):
    """What report_queryset() annotates every row with (the "since" ones only when asked)."""

    as_of_status: str
    as_of_status_date: datetime.date
    as_of_eu_status: str
    as_of_japan_status: str
    latest_update_text: str | None
    latest_update_date: datetime.date | None
    latest_update_visibility: str | None
    latest_update_corrected_at: datetime.datetime | None
    latest_confirmed_on: datetime.date | None
    stale: bool


def in_report_order(queryset: QuerySet) -> QuerySet:
    """Topic by topic, each sub-item right under its parent, in the printed report's order."""
    return queryset.order_by(
        "topic__position",
        Coalesce("parent__sequence", "sequence"),
        F("parent_id").asc(nulls_first=True),
        "sequence",
    )


# What each row is read with: plain values, not model instances. Building a Recommendation, its
# topic, its owner and its prefetched organisations for every row cost ten times the query itself.
_FIELDS = (
    "pk",
    "reference",
    "topic_id",
    "lead_owner_id",
    "parent_id",
    "title",
    "text",
    "title_ja",
    "text_ja",
    "text_ja_status",
    "text_ja_source",
    "notes",
    *(field for side in SIDE_FIELDS for field in answer_fields(side)),
    "eu_stalled_step__text",
    "japan_stalled_step__text",
    "eu_stalled_step__visibility",
    "japan_stalled_step__visibility",
    *ReportAnnotations.__annotations__,
)
_SINCE_FIELDS = ("since_status", "change_text", "change_date")


def _row(
    values: dict[str, Any],
    options: ReportOptions,
    *,
    topics: dict[int, Topic],
    owners: dict[int, Owner],
    organisations: dict[int, list[str]],
    co_owners: dict[int, list[Owner]],
    sentences: dict[str, dict[int, str]],
    views: dict[int, list[tuple[str, str]]],
    steps: dict[int, dict[str, Any]],
    taken_up: set[int],
) -> ReportRow:
    pk = values["pk"]
    confirmed_on = values["latest_confirmed_on"]
    if confirmed_on is not None and values["latest_update_date"] is not None:
        # A confirmation older than the latest update confirmed what that update replaced.
        confirmed_on = confirmed_on if confirmed_on >= values["latest_update_date"] else None
    return ReportRow(
        reference=values["reference"],
        topic=topics[values["topic_id"]],
        title=values["title"],
        text=values["text"],
        text_ja=values["text_ja"],
        organisations=organisations.get(pk, []),
        lead_owner=owners[values["lead_owner_id"]],
        co_owners=co_owners.get(pk, []),
        status=values["as_of_status"],
        status_date=values["as_of_status_date"],
        # Every format shows the mark after the update's words (the import reads it back off).
        latest_update=with_confirmed_mark(
            with_corrected_mark(
                values["latest_update_text"] or sentences["latest"].get(pk, ""),
                values["latest_update_corrected_at"],
            ),
            confirmed_on,
        ),
        confirmed_on=confirmed_on,
        latest_is_generated=not values["latest_update_text"]
        and values["latest_update_date"] is not None,
        latest_update_date=values["latest_update_date"],
        latest_update_visibility=values["latest_update_visibility"] or "",
        is_sub_item=values["parent_id"] is not None,
        notes=values["notes"] if options.internal else "",
        since_status=values.get("since_status"),
        change_text=values.get("change_text") or sentences["change"].get(pk, ""),
        change_date=values.get("change_date"),
        eu_status=values["as_of_eu_status"],
        japan_status=values["as_of_japan_status"],
        title_ja=values["title_ja"],
        text_ja_status=values["text_ja_status"],
        text_ja_source=values["text_ja_source"],
        stale=values["stale"],
        stakeholder_views=views.get(pk, []),
        taken_up=pk in taken_up,
        **{name: values[name] for side in SIDE_FIELDS for name in answer_fields(side)},
        eu_stalled_step_text=_step_text(values, "eu", options),
        japan_stalled_step_text=_step_text(values, "japan", options),
        **steps.get(pk, {}),
    )


def _step_text(values: dict[str, Any], side: str, options: ReportOptions) -> str:
    """The text of the step that would unblock the side; an internal step's only in the
    internal edition, as every internal step (reporting.steps)."""
    if not options.internal and values[f"{side}_stalled_step__visibility"] != Visibility.PUBLIC:
        return ""
    return values[f"{side}_stalled_step__text"] or ""


def _linked(through: type[Model], target: str, ids: list[int]) -> dict[int, list[int]]:
    """The ids of the `target` rows linked to each of these recommendations: one query.

    Written as SQL: the ORM prepares each of a chunk's 500 ids one by one, and building the query
    cost three times running it."""
    quote = connection.ops.quote_name
    source = quote(cast(ForeignKey, through._meta.get_field("recommendation")).column)
    column = quote(cast(ForeignKey, through._meta.get_field(target)).column)
    placeholders = ", ".join(["%s"] * len(ids))
    linked: dict[int, list[int]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {source}, {column} FROM {quote(through._meta.db_table)} "  # noqa: S608 -- names from the models, values as parameters
            f"WHERE {source} IN ({placeholders})",
            ids,
        )
        for recommendation_id, target_id in cursor.fetchall():
            linked[recommendation_id].append(target_id)
    return linked


def _update_sets(options: ReportOptions) -> tuple[QuerySet, QuerySet]:
    """The updates the report reads, uncorrelated: those up to its as-of date (the latest is
    among them) and those that set a status after its "since" date (they explain a change)."""
    updates = ProgressUpdate.objects.current().substantive()
    if not options.internal:
        updates = updates.public()
    latest = updates.filter(date__lte=options.as_of)
    if options.since is None:
        return latest, latest.none()
    return latest, latest.exclude(status="").filter(date__gt=options.since)


def _sentences(updates: QuerySet, ids: list[int]) -> dict[int, str]:
    """The tracker's sentence for the newest of `updates` of each of these recommendations whose
    official wrote no words: one query, and none when every latest update has its words. Read
    per chunk rather than as more subqueries per row, since most updates carry words."""
    if not ids:
        return {}
    sentences: dict[int, str] = {}
    newest_first = updates.filter(recommendation_id__in=ids).order_by(
        "recommendation_id", "-date", "-created_at", "-pk"
    )
    for pk, kind, sides, status in newest_first.values_list(
        "recommendation_id", "kind", "sides", "status"
    ):
        sentences.setdefault(pk, describe(kind, sides, status))
    return sentences


def _organisations_and_views(
    ids: list[int],
) -> tuple[dict[int, list[int]], dict[int, list[tuple[int, str]]]]:
    """The organisations linked to each of these recommendations and the approved view of each
    that gave one, (organisation id, answer): one query, the organisations' own, joined with
    their views (an organisation gives views only of the items it made)."""
    quote = connection.ops.quote_name
    through = Recommendation.organisations.through._meta
    source = quote(cast(ForeignKey, through.get_field("recommendation")).column)
    target = quote(cast(ForeignKey, through.get_field("organisation")).column)
    views = quote(StakeholderView._meta.db_table)
    placeholders = ", ".join(["%s"] * len(ids))
    linked: dict[int, list[int]] = defaultdict(list)
    approved: dict[int, list[tuple[int, str]]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT link.{source}, link.{target}, given.public_answer "  # noqa: S608 -- names from the models, values as parameters
            f"FROM {quote(through.db_table)} link LEFT JOIN {views} given "
            f"ON given.recommendation_id = link.{source} "
            f"AND given.organisation_id = link.{target} AND given.public_answer <> '' "
            f"WHERE link.{source} IN ({placeholders})",
            ids,
        )
        for recommendation_id, organisation_id, answer in cursor.fetchall():
            linked[recommendation_id].append(organisation_id)
            if answer:
                approved[recommendation_id].append((organisation_id, answer))
    return linked, approved


def _by_name(owner: Owner) -> str:
    return owner.name


def report_rows(
    options: ReportOptions,
    base: QuerySet | None = None,
    *,
    keep_order: bool = False,
    chunk_size: int | None = None,
) -> Iterator[ReportRow]:
    """Stream the report's rows in chunks; `keep_order` keeps the order `base` was sorted in.

    Topics, owners and organisations are a few dozen rows, read once; each chunk of
    `chunk_size` recommendations (CHUNK_SIZE unless given) reads its organisations, co-owners,
    next steps and the Councils' uptakes of them in one query each, so memory stays that of one
    chunk."""
    chunk_size = chunk_size or CHUNK_SIZE
    queryset = report_queryset(options, base)
    if not keep_order:
        queryset = in_report_order(queryset)
    fields = _FIELDS + (_SINCE_FIELDS if options.since is not None else ())
    values = queryset.prefetch_related(None).values(*fields).iterator(chunk_size=chunk_size)
    latest, explaining = _update_sets(options)
    topics = Topic.objects.in_bulk()
    owners = Owner.objects.in_bulk()
    acronyms = dict(Organisation.objects.values_list("pk", "acronym"))
    while chunk := list(islice(values, chunk_size)):
        ids = [row["pk"] for row in chunk]
        linked_organisations, approved = _organisations_and_views(ids)
        organisations = {
            pk: sorted(acronyms[org] for org in linked)
            for pk, linked in linked_organisations.items()
        }
        views = {
            pk: sorted((acronyms[org], answer) for org, answer in given)
            for pk, given in approved.items()
        }
        co_owners = {
            pk: sorted((owners[owner] for owner in linked), key=_by_name)
            for pk, linked in _linked(Recommendation.co_owners.through, "owner", ids).items()
        }
        sentences = {
            "latest": _sentences(
                latest,
                [r["pk"] for r in chunk if r["latest_update_date"] and not r["latest_update_text"]],
            ),
            "change": _sentences(
                explaining,
                [r["pk"] for r in chunk if r.get("change_date") and not r.get("change_text")],
            ),
        }
        next_steps = chunk_steps(options, ids)
        taken_up = set(
            Uptake.objects.filter(
                recommendation_id__in=ids, document__date__lte=options.as_of
            ).values_list("recommendation_id", flat=True)
        )
        for row in chunk:
            yield _row(
                row,
                options,
                topics=topics,
                owners=owners,
                organisations=organisations,
                co_owners=co_owners,
                sentences=sentences,
                views=views,
                steps=next_steps,
                taken_up=taken_up,
            )
