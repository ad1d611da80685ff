"""The reporting round's writes: opening a round (which calls on every official to report),
an official's "No change since the last report", and closing the round."""

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from recommendations.models import Council, ProgressUpdate, Recommendation, ReportingRound
from recommendations.rules import permissions
from recommendations.rules.choices import SIDE_FIELDS, Status, UpdateKind, Visibility
from recommendations.services import outbox, round_mail


def check_may_open(
    *, council: Council, deadline: datetime.date, today: datetime.date | None = None
) -> None:
    """Refuse a round for a Council already held, a deadline in the past, or while another
    round is open (checked again under lock when the round is opened)."""
    today = today or timezone.localdate()
    if council.date is not None and council.date < today:
        raise ValidationError(
            {
                "council": _(
                    "Council no. %(number)s was held on %(date)s: open a round for a Council "
                    "still to come."
                )
                % {"number": council.number, "date": council.date.isoformat()}
            }
        )
    if deadline < today:
        raise ValidationError(
            {
                "deadline": _(
                    "The deadline %(deadline)s is in the past: choose today or a later day."
                )
                % {"deadline": deadline.isoformat()}
            }
        )
    current = ReportingRound.objects.current()
    if current is not None:
        raise ValidationError(
            {
                "council": _(
                    "A round is already open (Council no. %(number)s, deadline %(deadline)s): "
                    "close it before opening another."
                )
                % {"number": current.council.number, "deadline": current.deadline.isoformat()}
            }
        )


def open_round(
    *,
    council: Council,
    deadline: datetime.date,
    message: str = "",
    author: User | None,
    today: datetime.date | None = None,
) -> ReportingRound:
    """Open the round for `council` and queue each official's call for updates with it, in one
    transaction; the calls are sent once it has committed, and wait in the outbox if the mail
    server does not take them (check_may_open says when opening is refused)."""
    today = today or timezone.localdate()
    try:
        with transaction.atomic():
            # Councils are few: locking them all serialises two secretaries opening at once.
            list(Council.objects.select_for_update().order_by("pk"))
            check_may_open(council=council, deadline=deadline, today=today)
            reporting_round = ReportingRound.objects.create(
                council=council,
                deadline=deadline,
                message=message.strip(),
                opened_at=timezone.now(),
                opened_by=author,
            )
            round_mail.queue_calls(reporting_round, today=today)
            outbox.deliver_after_commit()
    except IntegrityError:
        raise ValidationError({"council": _("A round for this Council is already open.")}) from None
    return reporting_round


def close_round(*, reporting_round: ReportingRound) -> ReportingRound:
    """Close the round: reminders stop; what was reported stays counted."""
    if reporting_round.closed_at is None:
        reporting_round.closed_at = timezone.now()
        reporting_round.save(update_fields=["closed_at"])
    return reporting_round


def _check_may_confirm(user: User, recommendation: Recommendation) -> str:
    """The side `user` confirms on `recommendation`, or a ValidationError saying why not."""
    side = permissions.own_side(user)
    if side is None or not permissions.can_set_side(user, recommendation, side):
        raise ValidationError(
            _(
                "You may not confirm %(reference)s: only an official of one of its owners can "
                "confirm their side."
            )
            % {"reference": recommendation.reference}
        )
    return side


def confirm_unchanged(
    *,
    recommendations: Iterable[Recommendation],
    author: User,
    today: datetime.date | None = None,
) -> list[ProgressUpdate]:
    """Record "No change since the last report" for the official's side of each item, all or
    none: a dated, signed confirmation on its timeline. An item whose side was already
    confirmed in this round records nothing the second time; a side not yet assessed has no
    status to confirm and is refused (the official sets its status instead)."""
    reporting_round = ReportingRound.objects.current()
    if reporting_round is None:
        raise ValidationError(_("No reporting round is open: there is nothing to confirm for."))
    today = today or timezone.localdate()
    updates = []
    with transaction.atomic():
        # Locked and read again: the status confirmed is the one stored, not the caller's copy.
        items = list(
            Recommendation.objects.select_for_update()
            .filter(pk__in=[item.pk for item in recommendations])
            .order_by("pk")
        )
        sides = {item.pk: _check_may_confirm(author, item) for item in items}
        unassessed = [
            item.reference
            for item in items
            if getattr(item, SIDE_FIELDS[sides[item.pk]]) == Status.NOT_ASSESSED
        ]
        if unassessed:
            # "No change" from "not yet assessed" would publish that nothing was ever assessed.
            raise ValidationError(
                _(
                    "%(references)s: your side is not yet assessed, so there is no status to "
                    "confirm unchanged. Set your side's status on the item instead."
                )
                % {"references": ", ".join(unassessed)}
            )
        confirmed = set(
            ProgressUpdate.objects.filter(
                recommendation__in=[item.pk for item in items],
                kind=UpdateKind.CONFIRMATION,
                author__official__owner=permissions.owner_of(author),
                created_at__gte=reporting_round.opened_at,
            ).values_list("recommendation_id", flat=True)
        )
        for item in items:
            if item.pk in confirmed:
                continue
            side = sides[item.pk]
            update = ProgressUpdate(
                recommendation=item,
                date=today,
                author=author,
                kind=UpdateKind.CONFIRMATION,
                sides={side: getattr(item, SIDE_FIELDS[side])},
                visibility=Visibility.PUBLIC,
            )
            update.full_clean()
            update.save()
            updates.append(update)
    return updates
