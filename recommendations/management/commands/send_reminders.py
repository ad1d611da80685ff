from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from recommendations.management.options import day_of, deliver_and_say
from recommendations.models import ReportingRound, RoundMail
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
        day = day_of("--today", today, example="2027-03-24") if today else timezone.localdate()
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
        deliver_and_say(self, heading)
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
