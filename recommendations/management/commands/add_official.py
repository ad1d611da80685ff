"""Onboards an official: one command gives them an account that can change their owner's items."""

from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from recommendations.models import Official, Owner
from recommendations.services.officials import create_official


class Command(BaseCommand):
    help = (
        "Create the admin account of an official of one owner (user name = e-mail address) and "
        "print a one-time link where they choose their password."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The official's e-mail address; also their user name.")
        parser.add_argument("--owner", help="Code of the owner they work for, e.g. METI.")
        parser.add_argument(
            "--new-link",
            action="store_true",
            help="For an existing official whose link lapsed or who forgot their password.",
        )
        parser.add_argument(
            "--base-url",
            default=None,
            help="Address of the tracker, for the link (default: the SITE_URL setting, which "
            "the links in mails start with too).",
        )

    def handle(
        self,
        *args: Any,
        email: str,
        owner: str | None,
        new_link: bool,
        base_url: str | None,
        **options: Any,
    ) -> None:
        if new_link:
            official = (
                Official.objects.select_related("user", "owner")
                .filter(user__username__iexact=email.strip())
                .first()
            )
            if official is None:
                raise CommandError(f"{email} is not an official; add them with --owner.")
            user, owner_row = official.user, official.owner
        else:
            if not owner:
                raise CommandError("Give the owner the official works for: --owner METI.")
            owner_row = self.owner(owner)
            try:
                user = create_official(email=email, owner=owner_row)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
            self.stdout.write(
                self.style.SUCCESS(f"Created {user.username}, official of {owner_row.code}.")
            )
        link = (base_url or settings.SITE_URL).rstrip("/") + reverse(
            "password_reset_confirm",
            args=[
                urlsafe_base64_encode(force_bytes(user.pk)),
                default_token_generator.make_token(user),
            ],
        )
        self.stdout.write(
            "Send them this link to choose their password; it works once and expires in "
            f"{settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60)} days:\n{link}"
        )

    def owner(self, code: str) -> Owner:
        try:
            return Owner.objects.get(code__iexact=code.strip())
        except Owner.DoesNotExist:
            known = ", ".join(Owner.objects.values_list("code", flat=True)) or "none yet"
            raise CommandError(f"No owner has the code {code!r}; known codes: {known}.") from None
