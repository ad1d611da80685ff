import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from recommendations.models import ReportingRound, RoundMail
from recommendations.services import outbox
from recommendations.services.round_mail import queue_reminders, summary_recipients


class Command(BaseCommand):
    help = (
        "Send the open reporting round's mails due today: reminders at the REMINDER_DAYS points "
        "before the deadline, overdue notices and the secretariat's summary after it (to every "
        "active secretariat account with an e-mail address; it says so when there is none). "
        "Run daily "
        "by cron; a mail already sent is never sent again. Every run also sends what waits in "
        "the outbox (mails the mail server did not take before) and says what it sent, what "
        "failed and what still waits."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            help="Act as on this day (YYYY-MM-DD), to catch up a missed run. Default: today.",
        )

    def handle(self, *args: Any, today: str | None, **options: Any) -> None:
        if today:
            try:
                day = datetime.date.fromisoformat(today)
            except ValueError:
                raise CommandError(
                    f"--today {today!r}: give a date as YYYY-MM-DD, e.g. 2027-03-24."
                ) from None
        else:
            day = timezone.localdate()
        current = ReportingRound.objects.current()
        summary = None
        if current is None:
            heading = "No reporting round is open: nothing new is due"
        else:
            summarised = current.mails.filter(kind=RoundMail.Kind.SUMMARY)
            had_summary = summarised.exists()
            queued = queue_reminders(current, today=day)
            summary = None if had_summary else summarised.first()
            heading = (
                f"Council no. {current.council.number} (deadline {current.deadline}): "
                f"{queued} new mail(s) due"
            )
        # Every run delivers the whole outbox: what it queued and whatever an earlier run, a
        # request or a mail server that was down left waiting.
        delivery = outbox.deliver()
        counts = (
            f"{delivery.sent} mail(s) sent, {delivery.failed} failed, "
            f"{delivery.waiting} waiting in the outbox"
        )
        if delivery.failed:
            counts += f" (last failure: {delivery.error})"
        style = self.style.WARNING if delivery.waiting else self.style.SUCCESS
        self.stdout.write(style(f"{heading}; {counts}."))
        if summary is not None:
            self.stdout.write(f"The secretariat's summary went to {summary.recipients}.")
        elif current is not None and day > current.deadline and not summary_recipients():
            self.stdout.write(
                self.style.WARNING(
                    "The secretariat's summary was not sent: no active secretariat account has "
                    "an e-mail address. Give one an address in the admin (Users) and run "
                    "send_reminders again: the summary goes then."
                )
            )
