"""The one queryset every format of the report is written from, and the rows it yields."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import get_language

from recommendations.bilateral import is_divergent
from recommendations.choices import Status, Visibility
from recommendations.events import describe
from recommendations.models import Organisation, Owner, ProgressUpdate, Recommendation, Topic
from recommendations.reporting.options import ReportOptions, end_of_day

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

# Rows fetched per round trip when a file is streamed: enough to keep the query count low, few
# enough that 10 000 recommendations never sit in memory at once.
CHUNK_SIZE = 500


def report_queryset(options: ReportOptions, base: QuerySet | None = None) -> QuerySet:
    """The one queryset every format is written from.

    `base` narrows it (the list page's filters, the admin's selection); it defaults to what the
    public may see. Each row is annotated with its status as of the chosen date, its latest
    update up to that date and, when a "since" date is given, its status then and the update that
    explains the change, all from correlated subqueries, so no query runs per row.
    """
    queryset = Recommendation.objects.public() if base is None else base
    as_of_end = end_of_day(options.as_of)
    history = Recommendation.history.filter(id=OuterRef("pk"))
    as_of_state = history.filter(history_date__lt=as_of_end).order_by(
        "-history_date", "-history_id"
    )
    updates = ProgressUpdate.objects.of_outer_recommendation()
    if not options.internal:
        updates = updates.public()
    latest = updates.filter(date__lte=options.as_of)

    annotations = {
        # An item without any recorded history (created by a raw bulk load) shows its values.
        "report_status": Coalesce(Subquery(as_of_state.values("status")[:1]), F("status")),
        "report_status_date": Coalesce(
            Subquery(as_of_state.values("status_date")[:1]), F("status_date")
        ),
        "report_eu_status": Coalesce(Subquery(as_of_state.values("eu_status")[:1]), F("eu_status")),
        "report_japan_status": Coalesce(
            Subquery(as_of_state.values("japan_status")[:1]), F("japan_status")
        ),
        "latest_update_text": Subquery(latest.values("text")[:1]),
        # What the tracker recorded, put into words for the reader when the official wrote none.
        "latest_update_kind": Subquery(latest.values("kind")[:1]),
        "latest_update_sides": Subquery(latest.values("sides")[:1]),
        "latest_update_status": Subquery(latest.values("status")[:1]),
        "latest_update_date": Subquery(latest.values("date")[:1]),
        "latest_update_visibility": Subquery(latest.values("visibility")[:1]),
    }
    if options.since is not None:
        since_state = history.filter(history_date__lt=end_of_day(options.since)).order_by(
            "-history_date", "-history_id"
        )
        explaining = updates.exclude(status="").filter(
            date__gt=options.since, date__lte=options.as_of
        )
        annotations |= {
            "since_status": Subquery(since_state.values("status")[:1]),
            "change_text": Subquery(explaining.values("text")[:1]),
            "change_kind": Subquery(explaining.values("kind")[:1]),
            "change_sides": Subquery(explaining.values("sides")[:1]),
            "change_status": Subquery(explaining.values("status")[:1]),
            "change_date": Subquery(explaining.values("date")[:1]),
        }

    return (
        queryset.annotate(**annotations)
        # Items first recorded after the as-of date did not exist yet on that day.
        .exclude(Exists(history) & ~Exists(history.filter(history_date__lt=as_of_end)))
        .select_related("topic", "lead_owner")
        .prefetch_related(
            Prefetch("organisations", queryset=Organisation.objects.order_by("acronym")),
            Prefetch("co_owners", queryset=Owner.objects.order_by("name")),
        )
    )


class ReportAnnotations(TypedDict):
    """What report_queryset() annotates every row with (the "since" ones only when asked)."""

    report_status: str
    report_status_date: datetime.date
    report_eu_status: str
    report_japan_status: str
    latest_update_text: str | None
    latest_update_date: datetime.date | None
    latest_update_visibility: str | None
    latest_update_kind: str | None
    latest_update_sides: dict[str, str] | None
    latest_update_status: str | None


def in_report_order(queryset: QuerySet) -> QuerySet:
    """Topic by topic, each sub-item right under its parent, in the printed report's order."""
    return queryset.order_by(
        "topic__position",
        Coalesce("parent__sequence", "sequence"),
        F("parent_id").asc(nulls_first=True),
        "sequence",
    )


@dataclass(frozen=True)
class ReportRow:
    reference: str
    topic: Topic
    title: str
    text: str
    text_ja: str
    organisations: list[str]
    lead_owner: Owner
    co_owners: list[Owner]
    status: str
    status_date: datetime.date | None
    latest_update: str
    latest_update_date: datetime.date | None
    latest_update_visibility: str
    is_sub_item: bool
    notes: str = ""
    since_status: str | None = None
    change_text: str = ""
    change_date: datetime.date | None = None
    eu_status: str = Status.NOT_ASSESSED
    japan_status: str = Status.NOT_ASSESSED
    title_ja: str = ""
    # The latest update is the tracker's sentence: its official wrote no words of their own.
    latest_is_generated: bool = False

    @property
    def localised_title(self) -> str:
        """The title in the active language: the Japanese one where officials entered it."""
        return self.title_ja if self.title_ja and get_language() == "ja" else self.title

    @property
    def localised_text(self) -> str:
        """The text in the active language: the Japanese one where officials entered it."""
        return self.text_ja if self.text_ja and get_language() == "ja" else self.text

    @property
    def eu_status_label(self) -> str:
        return str(Status(self.eu_status).label)

    @property
    def japan_status_label(self) -> str:
        return str(Status(self.japan_status).label)

    @property
    def is_divergent(self) -> bool:
        return is_divergent(self.eu_status, self.japan_status)

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)

    @property
    def since_status_label(self) -> str:
        return str(Status(self.since_status).label) if self.since_status else ""

    @property
    def is_new(self) -> bool:
        """Not yet recorded on the "since" date: added in the period, not changed."""
        return self.since_status is None

    @property
    def changed(self) -> bool:
        return not self.is_new and self.status != self.since_status

    @property
    def recommendation(self) -> str:
        """The text as one cell: the bold heading of a stakeholder item, then its text."""
        return f"{self.title}: {self.text}" if self.title else self.text

    @property
    def latest_update_is_internal(self) -> bool:
        return self.latest_update_visibility == Visibility.INTERNAL


def _row(
    recommendation: "WithAnnotations[Recommendation, ReportAnnotations]", options: ReportOptions
) -> ReportRow:
    return ReportRow(
        reference=recommendation.reference,
        topic=recommendation.topic,
        title=recommendation.title,
        text=recommendation.text,
        text_ja=recommendation.text_ja,
        organisations=[org.acronym for org in recommendation.organisations.all()],
        lead_owner=recommendation.lead_owner,
        co_owners=list(recommendation.co_owners.all()),
        status=recommendation.report_status,
        status_date=recommendation.report_status_date,
        latest_update=recommendation.latest_update_text
        or describe(
            recommendation.latest_update_kind or "",
            recommendation.latest_update_sides,
            recommendation.latest_update_status or "",
        ),
        latest_is_generated=not recommendation.latest_update_text
        and recommendation.latest_update_date is not None,
        latest_update_date=recommendation.latest_update_date,
        latest_update_visibility=recommendation.latest_update_visibility or "",
        is_sub_item=recommendation.parent_id is not None,
        notes=recommendation.notes if options.internal else "",
        since_status=getattr(recommendation, "since_status", None),
        change_text=getattr(recommendation, "change_text", None)
        or describe(
            getattr(recommendation, "change_kind", None) or "",
            getattr(recommendation, "change_sides", None),
            getattr(recommendation, "change_status", None) or "",
        ),
        change_date=getattr(recommendation, "change_date", None),
        eu_status=recommendation.report_eu_status,
        japan_status=recommendation.report_japan_status,
        title_ja=recommendation.title_ja,
    )


def report_rows(
    options: ReportOptions, base: QuerySet | None = None, *, keep_order: bool = False
) -> Iterator[ReportRow]:
    """Stream the report's rows in chunks; `keep_order` keeps the order `base` was sorted in."""
    queryset = report_queryset(options, base)
    if not keep_order:
        queryset = in_report_order(queryset)
    for recommendation in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield _row(recommendation, options)
