"""Printing HTML to PDF with WeasyPrint: the stylesheets parsed once, the whitespace that cannot
show left out, and Python's cycle collector held back while a document is laid out."""

import functools
import gc
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from recommendations.reporting.html_export import stylesheet_file

if TYPE_CHECKING:
    # Only named in annotations: imported where a PDF is printed (see print_pdf).
    from weasyprint import CSS

# WeasyPrint logs each layout step, and each screen-only rule of the site's stylesheet it skips,
# for every PDF: noise in the server log. Errors still come through.
logging.getLogger("weasyprint").setLevel(logging.ERROR)


def stylesheet(path: str) -> "CSS":
    """A stylesheet parsed once per version of its file: WeasyPrint only reads a parsed
    stylesheet, so every PDF can share it."""
    found = stylesheet_file(path)
    return _parsed_stylesheet(found, Path(found).stat().st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _parsed_stylesheet(found: str, modified: int) -> "CSS":
    # Imported here, as in print_pdf: only the PDF needs WeasyPrint loaded.
    from weasyprint import CSS

    return CSS(filename=found)


# The templates' indentation beside block-level tags: WeasyPrint would make a text box of each
# run and lay it out, only to find it blank.
_BLOCK_TAG = (
    r"</?(?:html|head|body|meta|title|article|section|div|p|ul|ol|li|dl|dt|dd|h[1-6]"
    r"|table|caption|thead|tbody|tfoot|tr|td|th)\b[^>]*>"
)
_SPACE_BEFORE_BLOCK = re.compile(rf"\s*\n\s*(?={_BLOCK_TAG})")
_SPACE_AFTER_BLOCK = re.compile(rf"({_BLOCK_TAG})\s*\n\s*")
_LINE_BREAK = re.compile(r"\s*\n\s*")


def compact(html: str) -> str:
    """`html` without the whitespace that cannot show: runs of it around a block-level tag go,
    any other run that spans lines becomes one space, as CSS would collapse it."""
    html = _SPACE_AFTER_BLOCK.sub(r"\1", _SPACE_BEFORE_BLOCK.sub("", html))
    return _LINE_BREAK.sub(" ", html)


@contextmanager
def cycles_collected_after() -> Iterator[None]:
    """Hold Python's cycle collector back until the block is done.

    Laying out a report, WeasyPrint makes millions of objects that mostly live until the file is
    written; the collector, woken every 700 allocations, would walk that growing layout again
    and again and find little to free. Reference counting still frees everything else as it
    goes."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def print_pdf(html: str, stylesheets: "list[CSS]", **options: str) -> bytes:
    # Imported here: WeasyPrint loads Pango when imported, which only the PDF needs.
    from weasyprint import HTML

    with cycles_collected_after():
        return HTML(string=compact(html)).write_pdf(stylesheets=stylesheets, **options)
