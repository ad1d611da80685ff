"""The outbox: every mail the tracker sends is first written to django-mailer's queue, in the
transaction of what caused it, and sent from there once that transaction has committed: by the
background worker (a django-tasks task), so that no page waits on the mail server; a command
delivers the queue itself, to say what it sent.

A mail the server does not take (down, refusing a recipient, timing out) is deferred, not lost:
it stays in the queue until a later delivery (`send_reminders`, the round page's "Send now", or
the next mail's own delivery) gets it through. Each delivery says what it sent, what failed and
what still waits. A message is deleted from the queue in the transaction that sent it, so it goes
at most once; two deliveries at once share the queue row by row (row locks, and django-mailer's
file lock where the database has none)."""

import logging
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from mailer import engine
from mailer.backend import DbBackend
from mailer.models import PRIORITY_DEFERRED, RESULT_FAILURE, Message, MessageLog

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delivery:
    """What one delivery of the queue did: mails sent, mails that failed (kept, to be tried
    again), mails still waiting in the queue (the failed ones among them), and the last
    failure's reason."""

    sent: int
    failed: int
    waiting: int
    error: str = ""


def queue(messages: Sequence[EmailMessage]) -> None:
    """Write `messages` to the queue in the current transaction; nothing is sent yet."""
    DbBackend().send_messages(list(messages))


def deliver() -> Delivery:
    """Try every queued mail once, the deferred ones again too; one that fails is kept and does
    not stop the others (a server that cannot be reached stops the delivery: all of it waits)."""
    Message.objects.retry_deferred()
    queued = set(Message.objects.values_list("pk", flat=True))
    started = timezone.now()
    try:
        engine.send_all()
    except ServerDown as down:
        # What was not tried waits in the queue; the next delivery tries it.
        _record_failure(down.message, down.reason)
    left = Message.objects.filter(pk__in=queued)
    failure = (
        MessageLog.objects.filter(result=RESULT_FAILURE, when_attempted__gte=started)
        .order_by("-when_attempted", "-pk")
        .values_list("log_message", flat=True)
        .first()
    )
    delivery = Delivery(
        sent=len(queued) - left.count(),
        failed=left.filter(priority=PRIORITY_DEFERRED).count(),
        waiting=Message.objects.count(),
        error=failure or "",
    )
    log.info(
        "outbox delivered sent=%d failed=%d waiting=%d",
        delivery.sent,
        delivery.failed,
        delivery.waiting,
    )
    return delivery


@task()
def deliver_in_background() -> int:
    """The queue delivered by the worker; returns how many mails it sent. Run twice, or beside
    another delivery, it sends each mail once: a mail leaves the queue as it is sent."""
    return deliver().sent


def deliver_after_commit() -> None:
    """Hand the queue to the worker once the current transaction has committed (at once outside
    one). A failure there is logged, never raised into the request or command that queued the
    mail, which waits in the queue for the next delivery."""
    transaction.on_commit(deliver_in_background.enqueue, robust=True)


def waiting() -> int:
    """How many mails wait in the queue."""
    return Message.objects.count()


def last_failure() -> str:
    """Why the last mail that failed did, or "" if none did."""
    reason = (
        MessageLog.objects.filter(result=RESULT_FAILURE)
        .order_by("-when_attempted", "-pk")
        .values_list("log_message", flat=True)
        .first()
    )
    return reason or ""


class ServerDown(Exception):
    """The mail server could not be reached at all: the rest of the queue waits for the next
    delivery instead of each mail waiting out its own timeout."""

    def __init__(self, message: Message, error: OSError):
        super().__init__(str(error))
        self.message = message
        self.reason = str(error) or type(error).__name__


def defer(connection: object, message: Message, error: Exception) -> tuple[None, str]:
    """django-mailer's MAILER_ERROR_HANDLER: any failure to send one message defers it (kept,
    logged, tried again by the next delivery) and the delivery goes on with the next message
    on a new connection; django-mailer's own handler lets some SMTP errors (a dropped
    connection, a refused HELO) stop the whole run. Only a server that cannot be reached (a
    network error, not an SMTP answer) ends the delivery: the next mail would fail the same."""
    if isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException):
        # Raised through the message's transaction, which takes back anything written here:
        # deliver() records the failure once that transaction is gone.
        raise ServerDown(message, error) from error
    _record_failure(message, str(error) or type(error).__name__)
    return None, "deferred"


def _record_failure(message: Message, reason: str) -> None:
    # An update, not message.save(): a row another delivery sent and deleted stays deleted.
    Message.objects.filter(pk=message.pk).update(priority=PRIORITY_DEFERRED)
    MessageLog.objects.log(message, RESULT_FAILURE, log_message=reason)
    log.warning("mail deferred to=%s: %s", ", ".join(message.to_addresses), reason)


class OutboxBackend(BaseEmailBackend):
    """Django's EMAIL_BACKEND: a mail sent anywhere (allauth's, Django's own) is queued and the
    queue delivered after the transaction commits. MAILER_EMAIL_BACKEND is the real backend."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        messages = list(email_messages)
        if messages:
            queue(messages)
            deliver_after_commit()
        return len(messages)
