"""The report's next steps: what opens it, "Overdue, and due before the Council" (each open step
past its target on the as-of date, or due by the Council's date), and each owner's steps on time
and overdue. Steps are read as they stand now, like the responses; an edition keeps them as they
were when it was published."""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet

from recommendations.models import NextStep, Recommendation
from recommendations.models.reference import localised_name
from recommendations.models.steps import NextStepQuerySet
from recommendations.reporting.options import ReportOptions
from recommendations.rules.choices import Side


@dataclass(frozen=True)
class DueStep:
    reference: str
    side: str
    text: str
    target_date: datetime.date
    first_target_date: datetime.date
    overdue: bool

    @property
    def has_slipped(self) -> bool:
        return self.target_date != self.first_target_date


def due_by(options: ReportOptions) -> datetime.date:
    """The day steps must be done by to be on time for the report: its Council's, else its
    as-of date."""
    council = options.council
    return council.date if council is not None and council.date else options.as_of


def _steps(options: ReportOptions, base: QuerySet | None) -> NextStepQuerySet:
    items = Recommendation.objects.public() if base is None else base
    steps = NextStep.objects.filter(
        recommendation_id__in=items.order_by().values_list("pk", flat=True)
    )
    return steps if options.internal else steps.public()


def due_steps(options: ReportOptions, base: QuerySet | None = None) -> list[DueStep]:
    """Open steps overdue on the as-of date or due by the Council, overdue ones first: one
    query."""
    today = options.as_of
    steps = (
        _steps(options, base)
        .due_before(max(due_by(options), today))
        .overdue_first(today)
        .values_list(
            "recommendation__reference",
            "side",
            "text",
            "text_ja",
            "target_date",
            "first_target_date",
        )
    )
    return [
        DueStep(
            reference=reference,
            side=str(Side(side).label),
            text=localised_name(text, text_ja),
            target_date=target,
            first_target_date=first,
            overdue=target < today,
        )
        for reference, side, text, text_ja, target, first in steps
    ]


def steps_by_owner(
    options: ReportOptions, base: QuerySet | None = None
) -> list[tuple[str, int, int]]:
    """(owner, steps on time, steps overdue) a line, owners by name: the summary's table."""
    counts = _steps(options, base).counts_by_owner(options.as_of)
    return sorted(
        (localised_name(tally["name"], tally["name_ja"]), tally["on_time"], tally["overdue"])
        for tally in counts.values()
    )
