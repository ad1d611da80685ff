"""The reporting round's mails: the call for updates, the reminders before the deadline, the
overdue notices after it and the secretariat's summary; the reminders sent at once and the call
sent again from the round's page; and every mail of the round with its state in the outbox.

Each mail is recorded (RoundMail) under a key unique in its round and queued in the outbox in
the same transaction: a second run, even one running at the same moment, finds the key taken and
queues nothing. Nothing is sent here: the caller delivers the outbox once the transaction has
committed, and a mail the server does not take waits there for the next delivery."""

import datetime
import zoneinfo
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import cast

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import make_msgid
from django.core.mail.utils import DNS_NAME
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format, time_format
from django.utils.http import urlencode
from django.utils.translation import gettext, gettext_noop
from mailer.models import RESULT_SUCCESS, MessageLog

from recommendations.models import (
    NextStep,
    Official,
    Owner,
    Recommendation,
    ReportingRound,
    RoundMail,
)
from recommendations.rules.permissions import SECRETARIAT_GROUP
from recommendations.services import outbox

Kind = RoundMail.Kind
# The zones the officials work in, named as a reader says them (日本時間); any other zone by
# its IANA name.
ZONE_NAMES = [gettext_noop("Asia/Tokyo"), gettext_noop("Europe/Brussels")]


@dataclass(frozen=True)
class Letter:
    """One message to one person, written in their language."""

    to: str
    language: str
    context: dict
    # The deadline is given in it: an official's own, the server's for the secretariat.
    time_zone: str = field(default_factory=lambda: settings.TIME_ZONE)


def admin_url(path: str, **query: str) -> str:
    """An absolute link into the admin, for a mail (sent from no request)."""
    return settings.SITE_URL + path + (f"?{urlencode(query)}" if query else "")


def outstanding_url() -> str:
    return admin_url(
        reverse("admin:recommendations_recommendation_changelist"), round="outstanding"
    )


def deadline_shown(deadline: datetime.date, time_zone: str) -> str:
    """The round's last minute (its deadline day ends at midnight where the tracker runs) in the
    reader's time zone and the active language, naming the zone: "8 December 2026 07:59
    (Asia/Tokyo)", "2026年12月8日 07:59（日本時間）"."""
    last_minute = datetime.datetime.combine(
        deadline, datetime.time(23, 59), tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE)
    )
    there = last_minute.astimezone(zoneinfo.ZoneInfo(time_zone))
    return gettext("%(day)s %(time)s (%(zone)s)") % {
        "day": date_format(there, "DATE_FORMAT"),
        "time": time_format(there, "H:i"),
        "zone": gettext(time_zone) if time_zone in ZONE_NAMES else time_zone,
    }


def _render(kind: str, letter: Letter) -> EmailMultiAlternatives:
    with translation.override(letter.language):
        context = {**letter.context, "kind": kind}
        if "deadline" in context:
            context["deadline_shown"] = deadline_shown(context["deadline"], letter.time_zone)
        subject = render_to_string(f"recommendations/mail/{kind}_subject.txt", context)
        text = render_to_string(f"recommendations/mail/{kind}.txt", context)
        html = render_to_string(f"recommendations/mail/{kind}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        to=[letter.to],
        # Named here so the round's list of mails can find each one in the outbox's log.
        headers={"Message-ID": make_msgid(domain=DNS_NAME)},
    )
    message.attach_alternative(html, "text/html")
    return message


def queue_once(
    reporting_round: ReportingRound,
    *,
    kind: str,
    key: str,
    letters: list[Letter],
    today: datetime.date,
    official: Official | None = None,
    owner: Owner | None = None,
) -> bool:
    """Queue `letters` under `key` unless the round already has that key; True if queued."""
    if not letters:
        return False
    messages = [_render(kind, letter) for letter in letters]
    try:
        with transaction.atomic():
            RoundMail.objects.create(
                round=reporting_round,
                kind=kind,
                key=key,
                official=official,
                owner=owner,
                recipients=", ".join(letter.to for letter in letters),
                message_ids="\n".join(message.extra_headers["Message-ID"] for message in messages),
                sent_on=today,
            )
            outbox.queue(messages)
    except IntegrityError:
        return False
    return True


def _officials(owner: Owner | None = None) -> models.QuerySet[Official]:
    officials = Official.objects.filter(user__is_active=True).exclude(user__email="")
    if owner is not None:
        officials = officials.filter(owner=owner)
    return officials.select_related("user", "owner").order_by("owner", "user__email")


def _round_context(reporting_round: ReportingRound, today: datetime.date) -> dict:
    return {
        "round": reporting_round,
        "council": reporting_round.council,
        "deadline": reporting_round.deadline,
        "days_left": (reporting_round.deadline - today).days,
        "list_url": outstanding_url(),
    }


def due_steps(
    reporting_round: ReportingRound, owner: Owner, today: datetime.date
) -> list[dict[str, object]]:
    """`owner`'s side's open next steps on its current items, overdue or due by the round's
    Council (its deadline when the Council is undated), overdue first: one query."""
    council_date = reporting_round.council.date
    due_by = max(council_date or reporting_round.deadline, today)
    steps = (
        NextStep.objects.filter(
            side=owner.side,
            recommendation__in=Recommendation.objects.owned_by(owner).public().values("pk"),
        )
        .due_before(due_by)
        .select_related("recommendation")
        .overdue_first(today)
    )
    return [
        {
            "reference": step.recommendation.reference,
            "text": step.text,
            "target_date": step.target_date,
            "overdue": step.is_overdue(today),
        }
        for step in steps
    ]


def _letter(official: Official, context: dict) -> Letter:
    return Letter(
        to=official.user.email,
        language=official.language,
        context=context,
        time_zone=official.time_zone_name,
    )


def _owners_with(
    items_of: Callable[[Owner], models.QuerySet[Recommendation]],
) -> Iterator[tuple[Owner, list[Recommendation]]]:
    """Each owner with its items (`items_of(owner)`), in the order the mails go out; owners
    with none are passed over."""
    for owner in Owner.objects.order_by("side", "code"):
        items = list(items_of(owner).select_related("topic"))
        if items:
            yield owner, items


def _queue_each(
    reporting_round: ReportingRound,
    *,
    kind: str,
    key: str,
    officials: Iterable[Official],
    owner: Owner,
    context: dict,
    today: datetime.date,
) -> int:
    """A mail of its own to each of `officials`, keyed by `key` and the official, so that each
    is queued once; the number queued."""
    return sum(
        queue_once(
            reporting_round,
            kind=kind,
            key=f"{key}:official:{official.pk}",
            letters=[_letter(official, context)],
            today=today,
            official=official,
            owner=owner,
        )
        for official in officials
    )


def queue_calls(reporting_round: ReportingRound, *, today: datetime.date) -> int:
    """Call on every active official whose owner has items due; the number of mails queued."""
    queued = 0
    base = _round_context(reporting_round, today)
    for owner, items in _owners_with(reporting_round.owner_items):
        steps = due_steps(reporting_round, owner, today)
        queued += _queue_each(
            reporting_round,
            kind=Kind.CALL,
            key="call",
            officials=_officials(owner),
            owner=owner,
            context={**base, "owner": owner, "items": items, "steps": steps},
            today=today,
        )
    return queued


def due_reminder_point(deadline: datetime.date, today: datetime.date) -> int | None:
    """The reminder point (days before the deadline, REMINDER_DAYS) today falls in: the
    nearest one already reached, so a run missed on that day is made up the next."""
    days_left = (deadline - today).days
    if days_left < 0:
        return None
    reached = [days for days in settings.REMINDER_DAYS if days >= days_left]
    return min(reached) if reached else None


def queue_reminders_now(reporting_round: ReportingRound, *, today: datetime.date) -> int:
    """The round page's "Send the reminders now": a reminder to every official whose owner
    still has items outstanding, whatever the reminder points say; the number queued. Each
    press is a mail of its own (keyed by the moment), the points' reminders still go."""
    if not reporting_round.is_open:
        return 0
    base = _round_context(reporting_round, today)
    moment = timezone.now().isoformat()
    queued = 0
    for owner, outstanding in _owners_with(reporting_round.owner_outstanding):
        queued += _queue_each(
            reporting_round,
            kind=Kind.REMINDER,
            key=f"reminder:now:{moment}",
            officials=_officials(owner),
            owner=owner,
            context={**base, "owner": owner, "items": outstanding},
            today=today,
        )
    return queued


def resend_call(
    reporting_round: ReportingRound,
    *,
    today: datetime.date,
    official: Official | None = None,
    owner: Owner | None = None,
) -> int:
    """The call for updates again, to one official or to every active official of one owner
    (one added since the round opened, a mail lost on the way); the number queued."""
    if (official is None) == (owner is None):
        raise ValueError("Resend the call to one official or to one owner.")
    owner = owner or cast(Official, official).owner
    items = list(reporting_round.owner_items(owner).select_related("topic"))
    officials = _officials(owner)
    if official is not None:
        officials = officials.filter(pk=official.pk)
    context = {**_round_context(reporting_round, today), "owner": owner, "items": items}
    moment = timezone.now().isoformat()
    return _queue_each(
        reporting_round,
        kind=Kind.CALL,
        key=f"call:again:{moment}",
        officials=officials if items else [],
        owner=owner,
        context=context,
        today=today,
    )


def summary_recipients() -> list[str]:
    """The addresses the after-deadline summary goes to: every active secretariat account
    (a superuser or a member of the secretariat group) with an e-mail address."""
    return _secretariat_addresses()


def _secretariat_addresses() -> list[str]:
    users = (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(models.Q(is_superuser=True) | models.Q(groups__name=SECRETARIAT_GROUP))
        .exclude(email="")
        .distinct()
    )
    return sorted(users.values_list("email", flat=True))


def queue_reminders(reporting_round: ReportingRound, *, today: datetime.date) -> int:
    """The mails due today: a reminder to each official with outstanding items at a reminder
    point; after the deadline, one overdue notice per owner still behind and one summary to the
    secretariat. Mails already queued are not queued again. Returns the number queued."""
    if not reporting_round.is_open:
        return 0
    base = _round_context(reporting_round, today)
    point = due_reminder_point(reporting_round.deadline, today)
    overdue = today > reporting_round.deadline
    queued = 0
    behind: list[tuple[Owner, int]] = []
    for owner, outstanding in _owners_with(reporting_round.owner_outstanding):
        behind.append((owner, len(outstanding)))
        context = {
            **base,
            "owner": owner,
            "items": outstanding,
            "steps": due_steps(reporting_round, owner, today),
        }
        officials = list(_officials(owner))
        if point is not None:
            queued += _queue_each(
                reporting_round,
                kind=Kind.REMINDER,
                key=f"reminder:{point}",
                officials=officials,
                owner=owner,
                context=context,
                today=today,
            )
        if overdue:
            queued += queue_once(
                reporting_round,
                kind=Kind.OVERDUE,
                key=f"overdue:owner:{owner.pk}",
                letters=[_letter(official, context) for official in officials],
                today=today,
                owner=owner,
            )
    if overdue:
        reported, total = reporting_round.reported_count()
        context = {
            **base,
            "behind": behind,
            "reported": reported,
            "total": total,
            "progress_url": admin_url(reporting_round.get_absolute_url()),
        }
        letters = [
            Letter(to=address, language=settings.LANGUAGE_CODE, context=context)
            for address in _secretariat_addresses()
        ]
        queued += queue_once(
            reporting_round, kind=Kind.SUMMARY, key="summary", letters=letters, today=today
        )
    return queued


@dataclass(frozen=True)
class MailLine:
    """One mail of the round as the outbox's log tells it: "sent" (with when), "failed" (kept
    and tried again by the next delivery, with why) or "waiting" (queued, not tried yet)."""

    mail: RoundMail
    state: str
    when: datetime.datetime | None = None
    error: str = ""


def mail_lines(reporting_round: ReportingRound) -> list[MailLine]:
    """Every mail the round queued, oldest first, each with its state: two queries whatever
    their number (the round's mails, the outbox's log of them)."""
    mails = list(
        reporting_round.mails.select_related("official__user", "owner").order_by("sent_at", "pk")
    )
    ids = {message_id for mail in mails for message_id in mail.message_ids.split()}
    logs: dict[str, list[tuple[str, datetime.datetime, str]]] = {}
    for message_id, result, when, reason in (
        MessageLog.objects.filter(message_id__in=ids)
        .order_by("when_attempted", "pk")
        .values_list("message_id", "result", "when_attempted", "log_message")
    ):
        logs.setdefault(message_id, []).append((result, when, reason))
    lines = []
    for mail in mails:
        # Each message's last attempt: a mail that failed once and went since is sent.
        ids_of = mail.message_ids.split()
        tried = [logs[message_id][-1] for message_id in ids_of if message_id in logs]
        sent = [when for result, when, _reason in tried if result == RESULT_SUCCESS]
        failed = [(when, reason) for result, when, reason in tried if result != RESULT_SUCCESS]
        if failed:
            when, reason = failed[-1]
            lines.append(MailLine(mail, "failed", when, reason))
        elif ids_of and len(sent) == len(ids_of):
            lines.append(MailLine(mail, "sent", max(sent)))
        else:
            lines.append(MailLine(mail, "waiting"))
    return lines
