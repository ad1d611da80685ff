"""For an official who lost their phone: removes their second factor so they enrol again."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from recommendations.services.two_factor import reset_second_factor


class Command(BaseCommand):
    help = (
        "Remove the second factors and recovery codes of the account with this e-mail address "
        "(user name); they enrol again at their next sign-in. Recorded in the official's history."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The account's e-mail address or user name.")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        email = email.strip()
        user_model = get_user_model()
        user = (
            user_model.objects.filter(username__iexact=email).first()
            or user_model.objects.filter(email__iexact=email).first()
        )
        if user is None:
            raise CommandError(f"No account has the user name or e-mail address {email!r}.")
        removed = reset_second_factor(user=user, by=None, via="reset_2fa command")
        self.stdout.write(
            self.style.SUCCESS(
                f"Second factor of {user.get_username()} reset ({removed} removed); they enrol "
                "again at their next sign-in."
            )
        )
