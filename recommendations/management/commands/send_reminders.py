import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from recommendations.models import ReportingRound
from recommendations.services.round_mail import send_reminders


class Command(BaseCommand):
    help = (
        "Send the open reporting round's mails due today: reminders at the REMINDER_DAYS points "
        "before the deadline, overdue notices and the secretariat's summary after it. Run daily "
        "by cron; a mail already sent is never sent again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            help="Act as on this day (YYYY-MM-DD), to catch up a missed run. Default: today.",
        )

    def handle(self, *args, today, **options):
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
        if current is None:
            self.stdout.write("No reporting round is open: nothing to send.")
            return
        sent = send_reminders(current, today=day)
        self.stdout.write(
            self.style.SUCCESS(
                f"Council no. {current.council.number} (deadline {current.deadline}): "
                f"{sent} mail(s) sent."
            )
        )
