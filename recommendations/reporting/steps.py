"""The report's next steps: what opens it, "Overdue, and due before the Council" (each open step
past its target on the as-of date, or due by the Council's date), each owner's steps on time and
overdue, and each item's next step per side as the files carry them. Steps are read as they stand
now, like the responses; an edition keeps them as they were when it was published."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, QuerySet, Value, When

from recommendations.models import NextStep, Recommendation
from recommendations.models.reference import localised_name
from recommendations.models.steps import NextStepQuerySet
from recommendations.reporting.options import ReportOptions
from recommendations.rules.choices import Side, StepState, Visibility


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


_STEP_PREFIXES: dict[str, str] = {Side.EU: "eu_next_step", Side.JAPAN: "japan_next_step"}


def chunk_steps(options: ReportOptions, ids: list[int]) -> dict[int, dict[str, Any]]:
    """Each item's next step per side as the files carry it (the first not done, else the last
    done), as ReportRow's fields: one query a chunk."""
    steps = NextStep.objects.filter(recommendation_id__in=ids)
    if not options.internal:
        steps = steps.filter(visibility=Visibility.PUBLIC)
    done_last = Case(When(state=StepState.DONE, then=Value(1)), default=Value(0))
    found: dict[int, dict[str, Any]] = defaultdict(dict)
    for pk, side, text, target, state, reason in (
        steps.annotate(done_last=done_last)
        .order_by("recommendation_id", "side", "done_last", "target_date", "pk")
        .values_list("recommendation_id", "side", "text", "target_date", "state", "slip_reason")
    ):
        prefix = _STEP_PREFIXES[side]
        # Open steps come first: the first one stays; among done ones, the last.
        if found[pk].get(f"{prefix}_state") not in (None, StepState.DONE):
            continue
        found[pk] |= {
            prefix: text,
            f"{prefix}_target": target,
            f"{prefix}_state": state,
            f"{prefix}_slip_reason": reason,
        }
    return found
