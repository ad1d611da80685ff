from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from recommendations.reporting import (
    csv_export,
    docx_export,
    html_export,
    pdf_export,
    xlsx_export,
)
from recommendations.reporting.options import ReportForm, error_messages
from recommendations.reporting.query import report_rows
from recommendations.reporting.report import build_report

FORMATS = ["csv", "xlsx", "pdf", "html", "docx"]


class Command(BaseCommand):
    help = (
        "Write the Council status report (as of a date, with the changes since the last Council) "
        "as CSV, XLSX, PDF, Word (DOCX) or a printable HTML page, in English or Japanese."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=FORMATS, required=True, help="File format.")
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

    def handle(self, *args, format, as_of, since, council, internal, language, output, **options):
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

    def write(self, format, options, output):
        if format == "csv":
            # utf-8 and the byte order mark come from the writer, as on the web.
            with open(output, "w", encoding="utf-8", newline="") as target:
                csv_export.write_csv(report_rows(options), target, internal=options.internal)
        elif format == "xlsx":
            with open(output, "wb") as target:
                xlsx_export.write_xlsx(options, target)
        elif format == "docx":
            with open(output, "wb") as target:
                docx_export.write_docx(options, target)
        elif format == "pdf":
            with open(output, "wb") as target:
                pdf_export.write_pdf(options, target)
        else:
            report = build_report(options)
            with open(output, "w", encoding="utf-8") as target:
                target.write(html_export.render_standalone_html(report))
