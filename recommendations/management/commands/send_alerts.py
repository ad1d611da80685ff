from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from recommendations.management.options import deliver_and_say
from recommendations.services.alerts import due, purge_unconfirmed, queue_alerts


class Command(BaseCommand):
    help = (
        "Send the e-mail alerts that are due: to each confirmed subscriber whose last alert is "
        "older than its period (an hour, a day, a week), what moved since then. Run every 15 "
        "minutes by cron; a change is sent to a subscriber once, however often this runs or "
        "wherever a run stopped. Addresses never confirmed within 3 days are forgotten first. "
        "Every run also delivers what waits in the outbox."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say how many subscribers are due and queue nothing.",
        )

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        now = timezone.now()
        if dry_run:
            self.stdout.write(f"{len(due(now))} subscriber(s) due; nothing queued (dry run).")
            return
        forgotten = purge_unconfirmed(now=now)
        queued = queue_alerts(now=now)
        deliver_and_say(
            self, f"{queued} alert(s) queued, {forgotten} unconfirmed address(es) forgotten"
        )
