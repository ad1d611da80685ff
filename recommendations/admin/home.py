"""The admin's home page. An official's starts with their side's open next steps, overdue ones
first, then their own items, those with no recent update first, each with their side's status:
the first click after logging in is the right one. The secretariat's is Django's own."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import OuterRef
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from recommendations.models import (
    Council,
    NextStep,
    Owner,
    ProgressUpdate,
    Recommendation,
    ReportingRound,
)
from recommendations.models.rounds import ROUND_SIDES
from recommendations.rules import permissions
from recommendations.rules.bilateral import stale_cutoff
from recommendations.rules.choices import SIDE_FIELDS, Side


@dataclass(frozen=True)
class OwnItem:
    reference: str
    short_text: str
    side_status: str
    # True where the owner leads the item, False where it co-owns it.
    leads: bool
    last_activity: date
    # False for an item nobody has updated since the report was loaded: its last activity is
    # the report's own date, which says nothing about the item.
    touched: bool
    stale: bool
    url: str


def own_items(
    owner: Owner, today: date, *, cutoff: date | None = None
) -> tuple[list[OwnItem], date]:
    """The current items `owner` leads or co-owns, stale ones first and then in the report's
    order, and the date before which an item is stale. Two queries whatever the number of
    items: the Councils (for the date, unless `cutoff` is given) and the items with their last
    activity."""
    if cutoff is None:
        cutoff = stale_cutoff(Council.objects.next_date(today), today)
    side_field = SIDE_FIELDS[owner.side]
    rows = (
        Recommendation.objects.owned_by(owner)
        .public()
        .with_stale(today, cutoff=cutoff)
        .annotate(
            touched=models.Exists(ProgressUpdate.objects.filter(recommendation=OuterRef("pk")))
        )
        # `stale` is annotated by with_stale, which the plugin does not see through Self.
        .order_by("-stale", "topic__position", "sequence")  # type: ignore[misc]
        .only("pk", "reference", "title", "text", "lead_owner_id", side_field)
    )
    items = [
        OwnItem(
            reference=row.reference,
            short_text=row.short_text,
            side_status=getattr(row, f"get_{side_field}_display")(),
            leads=row.lead_owner_id == owner.pk,
            # Annotated by with_last_activity, which the plugin does not see through Self.
            last_activity=row.last_activity,  # type: ignore[attr-defined]
            touched=row.touched,  # type: ignore[attr-defined]
            stale=row.stale,  # type: ignore[attr-defined]
            url=reverse("admin:recommendations_recommendation_change", args=[row.pk]),
        )
        for row in rows
    ]
    return items, cutoff


@dataclass(frozen=True)
class OwnStep:
    reference: str
    text: str
    target_date: date
    overdue: bool
    url: str


def own_steps(owner: Owner, today: date) -> list[OwnStep]:
    """The open next steps of `owner`'s side on the current items it leads or co-owns, internal
    ones included, overdue first, then by target date: one query."""
    steps = (
        NextStep.objects.open()
        .filter(
            side=owner.side,
            recommendation__in=Recommendation.objects.owned_by(owner).public().values("pk"),
        )
        .select_related("recommendation")
        .overdue_first(today)
    )
    return [
        OwnStep(
            reference=step.recommendation.reference,
            text=step.text,
            target_date=step.target_date,
            overdue=step.is_overdue(today),
            url=reverse(
                "admin:recommendations_recommendation_change", args=[step.recommendation_id]
            )
            + "#next_steps-group",
        )
        for step in steps
    ]


def round_context(request: HttpRequest) -> dict[str, Any]:
    """The open reporting round on the admin home: for an official, their owner's items due and
    reported (one query) and a link to the outstanding ones; for the secretariat, its page."""
    reporting_round = ReportingRound.objects.current()
    if reporting_round is None:
        return {}
    context: dict[str, Any] = {"round": reporting_round}
    owner = permissions.owner_of(request.user)
    if owner is not None:
        prefix = ROUND_SIDES[Side(owner.side)]
        counts = reporting_round.owner_items(owner).aggregate(
            due=models.Count("pk"),
            reported=models.Count("pk", filter=models.Q(**{f"{prefix}_reported": True})),
        )
        context.update(
            round_due=counts["due"],
            round_reported=counts["reported"],
            round_outstanding=counts["due"] - counts["reported"],
            round_outstanding_url=reverse("admin:recommendations_recommendation_changelist")
            + "?round=outstanding",
        )
    elif permissions.is_secretariat(request.user):
        context["round_url"] = reporting_round.get_absolute_url()
    return context


def own_items_context(request: HttpRequest) -> dict[str, Any]:
    """What the admin home shows an official above Django's list of models: their owner's items,
    stale ones first (nothing for the secretariat), and the open reporting round."""
    owner = permissions.owner_of(request.user)
    if owner is None:
        return round_context(request)
    today = timezone.localdate()
    next_council = Council.objects.next_date(today)
    items, cutoff = own_items(owner, today, cutoff=stale_cutoff(next_council, today))
    steps = own_steps(owner, today)
    return {
        "own_steps": steps,
        "own_overdue_count": sum(step.overdue for step in steps),
        **round_context(request),
        "own_owner": owner,
        "own_side": Side(owner.side).label,
        "own_items": items,
        "own_stale_count": sum(item.stale for item in items),
        "stale_cutoff": cutoff,
        # Without a dated Council ahead, the cutoff counts back from today, and says so.
        "stale_council_dated": next_council is not None,
        # A Council far enough off that its run-up has not begun: no date to say "since".
        "run_up_ahead": cutoff > today,
        "stale_weeks": settings.STALE_AFTER_WEEKS,
    }
