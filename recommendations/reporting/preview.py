"""What an edition would publish, shown on the publish confirmation before anything is stored:
its counts by status overall and per side, and each item whose status moved since the previous
Council's current edition, read from the rows the edition would carry."""

import datetime
from dataclasses import dataclass, field

from recommendations.models import Council, Edition
from recommendations.reporting.options import ReportOptions, default_since
from recommendations.reporting.report import build_report
from recommendations.rules.choices import Status


def published_options(*, council: Council, today: datetime.date) -> ReportOptions:
    """The public report for `council` as of `today`, as an edition publishes it."""
    return ReportOptions(
        as_of=today, since=default_since(today, council), council=council, internal=False
    )


@dataclass(frozen=True)
class StatusCount:
    label: str
    overall: int
    eu: int
    japan: int


@dataclass(frozen=True)
class Move:
    reference: str
    before: str
    after: str


@dataclass
class EditionPreview:
    counts: list[StatusCount]
    total: int
    previous: Edition | None = None
    moved: list[Move] = field(default_factory=list)


def _label(status: str | None) -> str:
    return str(Status(status).label) if status in Status.values else ""


def edition_preview(*, council: Council, today: datetime.date) -> EditionPreview:
    """The counts and moves of the edition `council` would have if published `today`."""
    report = build_report(published_options(council=council, today=today))
    summary = report.summary
    # Counted from the rows the edition carries (statuses as of the day, from the history),
    # not from today's columns, so the preview says what the files will say.
    counts = [
        StatusCount(
            str(status.label), summary.overall[status], summary.eu[status], summary.japan[status]
        )
        for status in Status
    ]
    previous = (
        Edition.objects.filter(council__number__lt=council.number)
        .select_related("council")
        .order_by("-council__number", "-number")
        .first()
    )
    moved: list[Move] = []
    if previous is not None:
        before = previous.statuses()
        moved = [
            Move(row.reference, _label(before.get(row.reference)), _label(row.status))
            for row in report.rows
            if before.get(row.reference) != row.status
        ]
    return EditionPreview(counts=counts, total=summary.total, previous=previous, moved=moved)
