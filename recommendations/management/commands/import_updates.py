"""The spreadsheet import for the command line: the same checks and the same all-or-nothing
rule as the admin's "Import status updates" page."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from recommendations import imports


class Command(BaseCommand):
    help = (
        "Apply status updates from a CSV or XLSX file in the Council report's columns "
        "(reference, status, status_date, latest_update, visibility; eu_status, japan_status and "
        "override_reason if the sides are set too). One bad row rejects the whole file; nothing "
        "is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the .csv or .xlsx file.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and show what would change."
        )
        # Whose rights apply is always said: a forgotten --as must not mean the secretariat's.
        importer = parser.add_mutually_exclusive_group(required=True)
        importer.add_argument(
            "--as",
            dest="username",
            help="Import as this user: their rights apply and the updates are signed by them.",
        )
        importer.add_argument(
            "--as-secretariat",
            action="store_true",
            help="Import with the secretariat's full rights, the updates signed by no one.",
        )

    def handle(self, *args, file, dry_run, username, as_secretariat, **options):
        path = Path(file)
        try:
            with path.open("rb") as handle:
                content = handle.read(imports.MAX_FILE_BYTES + 1)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        user = None
        if username:
            try:
                user = get_user_model().objects.get_by_natural_key(username)
            except get_user_model().DoesNotExist:
                raise CommandError(f"No user is called {username!r}.") from None
        try:
            if dry_run:
                planned = imports.plan(filename=path.name, content=content, user=user)
            else:
                planned = imports.apply(filename=path.name, content=content, user=user, author=user)
        except imports.ImportRejected as rejected:
            lines = "\n".join(f"  {error}" for error in rejected.errors)
            raise CommandError(
                f"{path.name} was rejected; nothing was written. "
                f"{_count(rejected.refused_rows, 'row')} refused. Fix these and run again:\n"
                f"{lines}"
            ) from None
        for change in planned.changes:
            self.stdout.write(_change_line(change))
        self.stdout.write(
            f"{_count(len(planned.changes), 'change')}, {len(planned.unchanged)} unchanged, "
            f"{len(planned.skipped)} skipped (items you may not change), 0 refused."
        )
        if dry_run:
            self.stdout.write(
                self.style.WARNING(
                    f"Dry run: {len(planned.changes) + len(planned.left_alone)} rows checked, "
                    "nothing written."
                )
            )
            return
        self.stdout.write(
            self.style.SUCCESS(f"Applied {_count(len(planned.changes), 'status update')}.")
        )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _change_line(change: imports.PlannedChange) -> str:
    sides = "".join(f"{side}; " for side in change.side_changes)
    return (
        f"row {change.row}: {change.reference}: {sides}{change.old_status} → "
        f"{change.new_status} ({change.status_date:%Y-%m-%d}, {change.visibility}): "
        f"{change.shown_text}"
    )
