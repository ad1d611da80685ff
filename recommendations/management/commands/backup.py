from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from recommendations.backups import BackupError, write_backup


class Command(BaseCommand):
    help = (
        "Write every recommendation, update, history record, user, group, Council and other "
        "tracker row to one JSON file (gzip-compressed when it ends in .json.gz), restorable with "
        "`manage.py restore`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "-o",
            "--output",
            required=True,
            type=Path,
            help="File to write, e.g. tracker-2026-01-31.json.gz; replaced only once complete.",
        )

    def handle(self, *args: Any, output: Path, **options: Any) -> None:
        try:
            rows = write_backup(output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Backed up {rows} rows to {output}."))
