from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from recommendations.reporting.formats import FORMATS, write
from recommendations.reporting.options import ReportForm, ReportOptions, error_messages
from recommendations.reporting.report import build_report


class Command(BaseCommand):
    help = (
        "Write the Council status report (as of a date, with the changes since the last Council) "
        "as CSV, XLSX, PDF, Word (DOCX) or a printable HTML page, in English or Japanese."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=list(FORMATS), required=True, help="File format.")
        parser.add_argument(
            "--as-of", dest="as_of", help="Statuses as they stood on this day, YYYY-MM-DD (today)."
        )
        parser.add_argument(
            "--since",
            help="List the changes since this day, YYYY-MM-DD (the last Council before --as-of).",
        )
        parser.add_argument(
            "--council", help="Number of the Council the report is for (the next Council)."
        )
        parser.add_argument(
            "--internal",
            action="store_true",
            help="Include internal updates and notes; the report is marked internal.",
        )
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _name in settings.LANGUAGES],
            help="Edition: the language of its labels, statuses, dates and texts (en).",
        )
        parser.add_argument("-o", "--output", required=True, help="Path of the file to write.")

    def handle(
        self,
        *args: Any,
        format: str,
        as_of: str | None,
        since: str | None,
        council: str | None,
        internal: bool,
        language: str,
        output: str,
        **options: Any,
    ) -> None:
        # The web form's validation, so a date is accepted or refused alike everywhere.
        form = ReportForm({"as_of": as_of, "since": since, "council": council})
        if not form.is_valid():
            raise CommandError(
                "The report could not be produced: " + " ".join(error_messages(form))
            )
        report_options = form.options(internal=internal)
        try:
            with translation.override(language):
                self.write(format, report_options, output)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}.") from error
        kind = "internal " if internal else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote the {kind}{format.upper()} report as of {report_options.as_of} to {output}."
            )
        )

    def write(self, format: str, options: ReportOptions, output: str) -> None:
        with open(output, "wb") as target:
            write(format, build_report(options), target)
