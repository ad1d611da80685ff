"""The bilateral status: how the EU side and the Japan side of a recommendation add up.

Most recommendations ask "the EU and Japan" to act together, so each side reports its own
status (the EU side through DG Connect, the Japan side through its Japanese owner) and the
overall status follows from the two by `derived_status`, unless the secretariat overrides it
with a reason (`Recommendation.status_override_reason`).
"""

import datetime
import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from recommendations.rules.choices import Side, Status

if TYPE_CHECKING:
    # Only named in annotations: the model itself is built on the rules of this module.
    from recommendations.models import Recommendation

# The progress scale divergence is measured on. Ongoing and completed are the same step: a
# standing commitment carried out is as far along as a one-off action done.
PROGRESS_STEP = {
    Status.NOT_ASSESSED: 0,
    Status.PLANNED: 1,
    Status.IN_PROGRESS: 2,
    Status.ONGOING: 3,
    Status.COMPLETED: 3,
}
# A stalled or dropped side is not moving: for divergence it counts as not started.
STOPPED = {Status.STALLED, Status.DROPPED}


def derived_status(eu: str, japan: str) -> Status:
    """The overall status of two side statuses; defined for every pair, in this order:

    1. Both sides agree: that status (both completed → completed, both dropped → dropped, both
       not yet assessed → not yet assessed, and so on).
    2. Either side stalled: stalled — the item is blocked, whatever the other side did.
    3. One side dropped its part: the item stands or falls with the other side's status.
    4. One side ongoing and the other completed: ongoing (the standing part goes on).
    5. Either side in progress or further (in progress, ongoing, completed): in progress —
       one side has acted, the item as a whole has not been carried out.
    6. Otherwise one side planned and the other not yet assessed: planned.
    """
    eu, japan = Status(eu), Status(japan)
    pair = {eu, japan}
    if eu == japan:
        return eu
    if Status.STALLED in pair:
        return Status.STALLED
    if Status.DROPPED in pair:
        return japan if eu == Status.DROPPED else eu
    if pair == {Status.ONGOING, Status.COMPLETED}:
        return Status.ONGOING
    if max(PROGRESS_STEP[eu], PROGRESS_STEP[japan]) >= PROGRESS_STEP[Status.IN_PROGRESS]:
        return Status.IN_PROGRESS
    return Status.PLANNED


@dataclass(frozen=True)
class Outcome:
    """Where a recommendation's statuses stand after a change (see `resolve`)."""

    eu_status: str
    japan_status: str
    status: str
    override_reason: str


class OverrideNeedsReason(ValueError):
    """An overall status other than the sides' was asked for without a reason."""


def resolve(
    recommendation: "Recommendation",
    *,
    sides: Mapping[str, str] | None = None,
    overall: str | None = None,
    reason: str = "",
) -> Outcome:
    """The statuses `recommendation` would have once `sides` ({side: status}) are set and, from
    the secretariat, the overall status `overall`.

    The overall status is the one the sides give (`derived_status`), unless it is overridden:
    an `overall` other than that needs a reason, given here or already on the item, and a
    reason on the item keeps the overall status where it is when only the sides move. Raises
    OverrideNeedsReason, whose message says what the sides give, when there is none.
    """
    values = {
        Side.EU: recommendation.eu_status,
        Side.JAPAN: recommendation.japan_status,
        **(sides or {}),
    }
    eu, japan = values[Side.EU], values[Side.JAPAN]
    from_sides = derived_status(eu, japan)
    reason = reason.strip() or recommendation.status_override_reason.strip()
    if overall is not None and overall != from_sides and not reason:
        raise OverrideNeedsReason(
            _(
                "The EU and Japan sides give “%(derived)s”; an overall status of “%(status)s” "
                "overrides them and needs a reason."
            )
            % {"derived": from_sides.label, "status": Status(overall).label}
        )
    if overall is None:
        overall = recommendation.status if reason else from_sides
    return Outcome(eu_status=eu, japan_status=japan, status=overall, override_reason=reason)


def step(status: str) -> int:
    status = Status(status)
    return 0 if status in STOPPED else PROGRESS_STEP[status]


def is_divergent(eu: str, japan: str) -> bool:
    """Both sides have reported and they are more than one step apart on the progress scale
    (planned < in progress < ongoing = completed).

    A side still "not yet assessed" has not spoken: the other side's first report is not a
    disagreement, the item awaits that side instead (`awaited_side`). A stalled or dropped side
    counts as not started, so "completed" against "dropped" diverges (one side did its part, the
    other gave up) while "stalled" against "planned" does not.
    """
    if Status.NOT_ASSESSED in (eu, japan):
        return False
    return abs(step(eu) - step(japan)) > 1


def awaited_side(eu: str, japan: str) -> Side | None:
    """The side whose first report is still awaited while the other side has reported; None
    when both have reported, or neither has (nothing to compare yet)."""
    eu_silent, japan_silent = eu == Status.NOT_ASSESSED, japan == Status.NOT_ASSESSED
    if eu_silent and not japan_silent:
        return Side.EU
    if japan_silent and not eu_silent:
        return Side.JAPAN
    return None


# Every pair that diverges, for filtering in SQL with plain equality tests (any database).
DIVERGENT_PAIRS = [
    (eu, japan)
    for eu, japan in itertools.product(Status.values, repeat=2)
    if is_divergent(eu, japan)
]


def stale_cutoff(next_council_date: datetime.date | None, today: datetime.date) -> datetime.date:
    """The date an item's last update must reach not to be stale.

    An item is stale ("no recent update") when nothing was recorded for it in the
    `STALE_AFTER_WEEKS` weeks before the next Council, so its owners know what to update before
    the Council meets. With no dated Council to come, the weeks are counted back from today.
    """
    weeks = datetime.timedelta(weeks=settings.STALE_AFTER_WEEKS)
    return (next_council_date or today) - weeks


def divergent_condition() -> Q:
    """A Q matching the divergent pairs, for filters and counts in SQL (plain equality tests, so
    any database runs it)."""
    condition = Q(pk__in=[])
    for eu, japan in DIVERGENT_PAIRS:
        condition |= Q(eu_status=eu, japan_status=japan)
    return condition


def awaiting_condition(side: str) -> Q:
    """A Q matching the items that await `side`'s first report (`awaited_side`), in SQL."""
    silent, other = (
        ("eu_status", "japan_status") if side == Side.EU else ("japan_status", "eu_status")
    )
    return Q(**{silent: Status.NOT_ASSESSED}) & ~Q(**{other: Status.NOT_ASSESSED})
