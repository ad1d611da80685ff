"""What every file of the report shares: its name and its internal marking (text made safe for
spreadsheets is recommendations.rules.cells, which the import reads back by)."""

from django.utils.translation import gettext as _

from recommendations.reporting.options import ReportOptions


def internal_mark() -> str:
    return _("INTERNAL – officials only, not for publication")


def filename(options: ReportOptions, extension: str, stem: str = "council-report") -> str:
    suffix = "-internal" if options.internal else ""
    return f"{stem}-{options.as_of:%Y-%m-%d}{suffix}.{extension}"
