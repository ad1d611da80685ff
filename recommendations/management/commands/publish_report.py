from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from recommendations.management.options import (
    add_council_argument,
    council_by_number,
    errors_of,
)
from recommendations.services.editions import publish_edition


class Command(BaseCommand):
    help = (
        "Close the Council's reporting round and publish its report: HTML, PDF, XLSX and CSV "
        "rendered once and stored with their SHA-256, served unchanged under /reports/<council>/. "
        "Publishing again makes a corrected edition and needs --reason."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_council_argument(parser)
        parser.add_argument(
            "--reason", default="", help="What a corrected edition corrects (required then)."
        )

    def handle(self, *args: Any, council: int, reason: str, **options: Any) -> None:
        try:
            edition = publish_edition(
                council=council_by_number(council), author=None, reason=reason
            )
        except ValidationError as error:
            message = errors_of(error)
            if not reason.strip() and "reason" in getattr(error, "error_dict", {}):
                # The service speaks to the admin's form; here the reason is an option.
                message += " " + _('Give the correction with --reason "…".')
            raise CommandError(message) from error
        self.stdout.write(
            self.style.SUCCESS(f"Published {edition} ({edition.files.count()} files):")
        )
        for stored in edition.files.all():
            self.stdout.write(f"{stored.sha256}  {stored.name} ({stored.language})")
