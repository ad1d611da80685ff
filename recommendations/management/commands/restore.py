from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from recommendations.backups import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Load a file written by `manage.py backup` into an empty, migrated database, all or "
        "nothing. A database that already holds data is refused unless --force is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The backup file (.json or .json.gz).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace everything the database holds with the backup.",
        )

    def handle(self, *args: Any, file: Path, force: bool, **options: Any) -> None:
        try:
            rows = restore_backup(file, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Restored {rows} rows from {file}."))
