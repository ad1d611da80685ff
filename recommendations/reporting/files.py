"""What every file of the report shares: its name, its internal marking, and text made safe for
spreadsheets."""

from typing import TypeVar

from django.utils.translation import gettext as _

from recommendations.reporting.options import ReportOptions

# A spreadsheet runs a cell that starts with one of these as a formula (tab and carriage return
# can smuggle one in after them), so such text is prefixed with an apostrophe and stays text.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

_Value = TypeVar("_Value")


def internal_mark() -> str:
    return _("INTERNAL – officials only, not for publication")


def neutralise(value: _Value) -> _Value | str:
    """Text a spreadsheet would evaluate, made inert; other values pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def filename(options: ReportOptions, extension: str, stem: str = "council-report") -> str:
    suffix = "-internal" if options.internal else ""
    return f"{stem}-{options.as_of:%Y-%m-%d}{suffix}.{extension}"
