"""A spreadsheet cell's text kept as text: the exports write it so and the import reads it back
by the same rule, so neither needs to know the other."""

from typing import TypeVar

# A spreadsheet runs a cell that starts with one of these as a formula (tab and carriage return
# can smuggle one in after them), so such text is prefixed with an apostrophe and stays text.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

_Value = TypeVar("_Value")


def neutralise(value: _Value) -> _Value | str:
    """Text a spreadsheet would evaluate, made inert; other values pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value
