"""What the commands share: the options several read alike (a day, a Council by its number), a
refused write's messages as one line, and what a delivery of the outbox did, told alike by every
command that delivers it."""

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from recommendations.models import Council
from recommendations.services import outbox


def add_council_argument(parser: CommandParser) -> None:
    parser.add_argument("--council", type=int, required=True, help="The Council's number.")


def council_by_number(number: int) -> Council:
    try:
        return Council.objects.get(number=number)
    except Council.DoesNotExist:
        known = ", ".join(str(n) for n in Council.objects.values_list("number", flat=True))
        raise CommandError(
            f"--council {number}: there is no Council no. {number} (known: {known or 'none'})."
        ) from None


def day_of(option: str, value: str, *, example: str) -> datetime.date:
    """`value`, the option `option`, as a date; a CommandError that shows the format if not."""
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"{option} {value!r}: give a date as YYYY-MM-DD, e.g. {example}."
        ) from None


def errors_of(error: ValidationError) -> str:
    return " ".join(error.messages)


def deliver_and_say(command: BaseCommand, heading: str) -> None:
    """Deliver the whole outbox and write `heading` with what the delivery did: a warning
    while anything still waits."""
    delivery = outbox.deliver()
    counts = (
        f"{delivery.sent} mail(s) sent, {delivery.failed} failed, "
        f"{delivery.waiting} waiting in the outbox"
    )
    if delivery.failed:
        counts += f" (last failure: {delivery.error})"
    style = command.style.WARNING if delivery.waiting else command.style.SUCCESS
    command.stdout.write(style(f"{heading}; {counts}."))
