"""Where a reporting round stands, per owner and side: items due, reported with an update,
confirmed unchanged and outstanding, the owners nobody could be called for, and the outstanding
items with their owners. Four queries whatever the number of items: the items with their sides'
flags (ReportingRound.items()), the co-owner links, the owners and the owners with an official
to call."""

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet

from recommendations.models import Official, Owner, Recommendation, ReportingRound
from recommendations.models.rounds import ROUND_SIDES
from recommendations.rules.choices import Side


@dataclass
class OwnerProgress:
    """One owner's side in the round: items due, reported with an update (a status set or a
    note), only confirmed unchanged, and outstanding; the three last add up to the first."""

    owner: Owner
    due: int = 0
    updated: int = 0
    confirmed: int = 0
    # No active official with an address: nobody of this owner was called on to report.
    uncalled: bool = False

    @property
    def reported(self) -> int:
        return self.updated + self.confirmed

    @property
    def outstanding(self) -> int:
        return self.due - self.reported

    @property
    def side_label(self) -> str:
        return str(Side(self.owner.side).label)

    def percent(self, count: int) -> str:
        # A string, so a template never localises the decimal separator of a width.
        return f"{100 * count / self.due:.1f}%" if self.due else "0%"

    @property
    def bars(self) -> list[tuple[str, int, str, str]]:
        """(what, count, x, width) for the page's stacked bar, in the legend's order: each
        segment starts where the one before it ends."""
        segments = []
        start = 0
        for what, count in (
            ("updated", self.updated),
            ("confirmed", self.confirmed),
            ("outstanding", self.outstanding),
        ):
            if count:
                segments.append((what, count, self.percent(start), self.percent(count)))
            start += count
        return segments


@dataclass
class OutstandingItem:
    pk: int
    reference: str
    text: str
    owners: list[Owner] = field(default_factory=list)

    @property
    def owner_names(self) -> str:
        return ", ".join(owner.name for owner in self.owners)


@dataclass
class RoundProgress:
    owners: list[OwnerProgress]
    outstanding: list[OutstandingItem]
    # Items with a report from every side due, and from at least one side due.
    reported: int
    partly: int
    total: int

    @property
    def uncalled(self) -> list[OwnerProgress]:
        """The owners with items due and no active official to call on."""
        return [entry for entry in self.owners if entry.uncalled]


def round_progress(reporting_round: ReportingRound) -> RoundProgress:
    flags = [
        f"{prefix}_{what}"
        for prefix in ROUND_SIDES.values()
        for what in ("due", "reported", "updated", "confirmed")
    ]
    rows = list(
        reporting_round.items()
        .order_by("topic__position", "sequence")
        .values("pk", "reference", "title", "text", "lead_owner_id", *flags)
    )
    links = Recommendation.co_owners.through.objects.filter(
        recommendation__archived_at__isnull=True
    ).values_list("recommendation_id", "owner_id")
    owners_of: dict[int, list[int]] = {}
    for recommendation_id, owner_id in links:
        owners_of.setdefault(recommendation_id, []).append(owner_id)
    owners = {owner.pk: owner for owner in Owner.objects.order_by("side", "code")}
    called = set(callable_officials().values_list("owner_id", flat=True))
    progress = {pk: OwnerProgress(owner, uncalled=pk not in called) for pk, owner in owners.items()}
    outstanding = []
    reported = partly = 0
    for row in rows:
        item_owners = [row["lead_owner_id"], *owners_of.get(row["pk"], [])]
        behind: list[Owner] = []
        for owner_id in item_owners:
            owner = owners[owner_id]
            prefix = ROUND_SIDES[Side(owner.side)]
            entry = progress[owner_id]
            entry.due += 1
            if row[f"{prefix}_updated"]:
                entry.updated += 1
            elif row[f"{prefix}_reported"]:
                entry.confirmed += 1
            else:
                behind.append(owner)
        if len(behind) < len(item_owners):
            partly += 1
        if behind:
            text = row["title"] or row["text"]
            outstanding.append(
                OutstandingItem(
                    pk=row["pk"],
                    reference=row["reference"],
                    text=text if len(text) <= 80 else text[:79].rstrip() + "…",
                    owners=behind,
                )
            )
        else:
            reported += 1
    return RoundProgress(
        owners=[entry for entry in progress.values() if entry.due],
        outstanding=outstanding,
        reported=reported,
        partly=partly,
        total=len(rows),
    )


def callable_officials() -> QuerySet[Official]:
    """The officials a round calls on: active, with an address."""
    return Official.objects.filter(user__is_active=True).exclude(user__email="")


def owners_without_officials() -> list[tuple[Owner, int]]:
    """The owners leading or co-owning items in scope with no official a round could call on,
    each with the number of those items: who would be asked for nothing. Three queries."""
    called = set(callable_officials().values_list("owner_id", flat=True))
    due: dict[int, int] = {}
    for owner_id in Recommendation.objects.public().values_list("lead_owner_id", flat=True):
        due[owner_id] = due.get(owner_id, 0) + 1
    for owner_id in Recommendation.co_owners.through.objects.filter(
        recommendation__archived_at__isnull=True
    ).values_list("owner_id", flat=True):
        due[owner_id] = due.get(owner_id, 0) + 1
    owners = Owner.objects.filter(pk__in=set(due) - called).order_by("side", "code")
    return [(owner, due[owner.pk]) for owner in owners]


@dataclass(frozen=True)
class PublicRoundLine:
    council_number: int
    deadline: datetime.date
    # Items with a report from every side due, and from at least one side due.
    reported: int
    partly: int
    total: int


def public_round_line() -> PublicRoundLine | None:
    """The open round as the public dashboard says it, without names: one query with no round
    open, two with one."""
    reporting_round = ReportingRound.objects.current()
    if reporting_round is None:
        return None
    counts = reporting_round.report_counts()
    return PublicRoundLine(
        council_number=reporting_round.council.number,
        deadline=reporting_round.deadline,
        reported=counts.complete,
        partly=counts.partly,
        total=counts.total,
    )
