import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from recommendations.models import Council
from recommendations.services.rounds import open_round


def council_by_number(number: int) -> Council:
    try:
        return Council.objects.get(number=number)
    except Council.DoesNotExist:
        known = ", ".join(str(n) for n in Council.objects.values_list("number", flat=True))
        raise CommandError(
            f"--council {number}: there is no Council no. {number} (known: {known or 'none'})."
        ) from None


def errors_of(error: ValidationError) -> str:
    return " ".join(error.messages)


class Command(BaseCommand):
    help = (
        "Open the reporting round for a Council: every active official is e-mailed the items "
        "due from their owner, with the deadline and a link to their list."
    )

    def add_arguments(self, parser):
        parser.add_argument("--council", type=int, required=True, help="The Council's number.")
        parser.add_argument(
            "--deadline", required=True, help="The day reports are due, as YYYY-MM-DD."
        )
        parser.add_argument("--message", default="", help="A message sent with the call.")

    def handle(self, *args, council, deadline, message, **options):
        try:
            due = datetime.date.fromisoformat(deadline)
        except ValueError:
            raise CommandError(
                f"--deadline {deadline!r}: give a date as YYYY-MM-DD, e.g. 2027-03-31."
            ) from None
        try:
            opened = open_round(
                council=council_by_number(council), deadline=due, message=message, author=None
            )
        except ValidationError as error:
            raise CommandError(errors_of(error)) from error
        mails = opened.mails.count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Opened the reporting round for Council no. {council}, deadline {due}: "
                f"{mails} officials called on to report."
            )
        )
