from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from recommendations.management.options import (
    add_council_argument,
    council_by_number,
    day_of,
    errors_of,
)
from recommendations.services import outbox
from recommendations.services.rounds import open_round
from recommendations.tallies.rounds import owners_without_officials


class Command(BaseCommand):
    help = (
        "Open the reporting round for a Council: every active official is e-mailed the items "
        "due from their owner, with the deadline and a link to their list. The calls are queued "
        "with the round and sent once it is open; those the mail server does not take wait in "
        "the outbox for send_reminders."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_council_argument(parser)
        parser.add_argument(
            "--deadline", required=True, help="The day reports are due, as YYYY-MM-DD."
        )
        parser.add_argument("--message", default="", help="A message sent with the call.")

    def handle(self, *args: Any, council: int, deadline: str, message: str, **options: Any) -> None:
        due = day_of("--deadline", deadline, example="2027-03-31")
        try:
            opened = open_round(
                council=council_by_number(council), deadline=due, message=message, author=None
            )
        except ValidationError as error:
            raise CommandError(errors_of(error)) from error
        # The calls are handed to the worker; delivered here too, so the command can say what
        # went (the worker then finds them gone). What the server did not take waits.
        outbox.deliver()
        opening = (
            f"Opened the reporting round for Council no. {council}, deadline {due}: "
            f"{opened.mails.count()} officials called on to report"
        )
        waiting = outbox.waiting()
        if waiting:
            self.stdout.write(
                self.style.WARNING(
                    f"{opening}; the mail server did not take the mails "
                    f"({outbox.last_failure() or 'not tried yet'}): {waiting} mail(s) wait in "
                    "the outbox, sent by the next send_reminders or the round's Send now."
                )
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"{opening}; every mail sent."))
        uncalled = owners_without_officials()
        if uncalled:
            names = ", ".join(f"{owner.name} ({due} item(s))" for owner, due in uncalled)
            self.stdout.write(
                self.style.WARNING(
                    f"Nobody was called for {names}: no active official with an e-mail "
                    "address. Add one (add_official), then resend the call from the round's page."
                )
            )
