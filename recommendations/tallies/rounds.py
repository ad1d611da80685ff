"""Where a reporting round stands, per owner and side: items due, reported, confirmed unchanged
and outstanding, and the outstanding items with their owners. Three queries whatever the number
of items: the items with their sides' flags (ReportingRound.items()), the co-owner links and the
owners."""

import datetime
from dataclasses import dataclass, field

from recommendations.models import Owner, Recommendation, ReportingRound
from recommendations.models.rounds import ROUND_SIDES
from recommendations.rules.choices import Side


@dataclass
class OwnerProgress:
    owner: Owner
    due: int = 0
    reported: int = 0
    confirmed: int = 0

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
    def bars(self) -> list[tuple[str, int, str]]:
        """(what, count, width) for the page's bars."""
        return [
            ("reported", self.reported, self.percent(self.reported)),
            ("confirmed", self.confirmed, self.percent(self.confirmed)),
            ("outstanding", self.outstanding, self.percent(self.outstanding)),
        ]


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
    reported: int
    total: int


def round_progress(reporting_round: ReportingRound) -> RoundProgress:
    flags = [
        f"{prefix}_{what}"
        for prefix in ROUND_SIDES.values()
        for what in ("due", "reported", "confirmed")
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
    progress = {pk: OwnerProgress(owner) for pk, owner in owners.items()}
    outstanding = []
    reported = 0
    for row in rows:
        item_owners = [row["lead_owner_id"], *owners_of.get(row["pk"], [])]
        behind: list[Owner] = []
        for owner_id in item_owners:
            owner = owners[owner_id]
            prefix = ROUND_SIDES[Side(owner.side)]
            entry = progress[owner_id]
            entry.due += 1
            if row[f"{prefix}_reported"]:
                entry.reported += 1
            else:
                behind.append(owner)
            entry.confirmed += row[f"{prefix}_confirmed"]
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
        total=len(rows),
    )


@dataclass(frozen=True)
class PublicRoundLine:
    council_number: int
    deadline: datetime.date
    reported: int
    total: int


def public_round_line() -> PublicRoundLine | None:
    """The open round as the public dashboard says it, without names: one query with no round
    open, two with one."""
    reporting_round = ReportingRound.objects.current()
    if reporting_round is None:
        return None
    reported, total = reporting_round.reported_count()
    return PublicRoundLine(
        council_number=reporting_round.council.number,
        deadline=reporting_round.deadline,
        reported=reported,
        total=total,
    )
