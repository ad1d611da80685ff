"""Reading an XLSX workbook's cells within limits, so that no upload takes a worker's memory or
time: the zip's declared sizes are checked before anything is unpacked, and each part is read
through a stream that stops at the first row, column, cell or element past its limit, before
the part is unpacked whole or a long text is built.

A workbook is a zip of XML parts; a megabyte of it can unpack to gigabytes of one repeated
text, of rows or of one row's cells. openpyxl builds every shared string, and each row's cells,
before a caller sees them; expat, fed in chunks, lets the limits be checked as the XML streams.
"""

import contextlib
import io
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from xml.parsers import expat

from django.template.defaultfilters import filesizeformat
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.cell import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import (
    CALENDAR_MAC_1904,
    CALENDAR_WINDOWS_1900,
    from_excel,
    from_ISO8601,
)

# The report's workbook has about ten parts; a workbook saved by a spreadsheet a few dozen.
MAX_PARTS = 200
# The 1 MB upload limit holds at most a few MB of text, and its XML about twice that; the 2,000
# rows the import takes, with a few thousand characters of text each, are under 10 MB. Every
# byte a reading parses costs time (20 MB take about half a second), so this bounds it too.
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_PART_BYTES = 16 * 1024 * 1024
# A sheet's XML packs to a fifth to a thirtieth of its size; a thousandfold is a repeated text.
# Parts of under a megabyte can only unpack to what the limits above allow anyway, but many of
# them can, so the workbook as a whole is held to the same ratio.
MAX_PACKING_RATIO = 200
RATIO_CHECKED_FROM_BYTES = 1024 * 1024
# The report's sheets have from 70 to a few thousand rows (the import takes 2,000) and about
# twenty columns; room for empty rows and a few columns of notes.
MAX_SHEET_ROWS = 3000
MAX_COLUMNS = 40
# Excel's own limit for a cell; a recommendation's text or an update is a few thousand.
MAX_CELL_CHARACTERS = 32767
# At most one different text a cell.
MAX_SHARED_STRINGS = MAX_SHEET_ROWS * MAX_COLUMNS
# A cell is two or three elements (c, v; c, is, t), a shared text two (si, t): the report's
# 2,000 rows of twenty columns are under 200,000. Counted over every part a reading parses, as
# each element costs a few microseconds whatever part it is in; this many take about a second.
MAX_ELEMENTS = 400_000
CHUNK_BYTES = 64 * 1024
# A message quotes at most this much of a value: enough to find it, never a whole text.
SHOWN_CHARACTERS = 200
CELL_REFERENCE = re.compile(r"^([A-Za-z]{1,3})")
REL_TYPES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


class Refused(Exception):
    """The workbook passes a limit; `message` says which, `row` and `column` where."""

    def __init__(self, message: str, *, row: int | None = None, column: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.row = row
        self.column = column


class _FirstRowRead(Exception):
    """Stops reading a sheet once its first row is read."""


def shown(value: str) -> str:
    """A value as a message quotes it: cut, with "…", past SHOWN_CHARACTERS."""
    return Truncator(value).chars(SHOWN_CHARACTERS)


def _local(name: str) -> str:
    """An element's or attribute's name less its prefix: x:c, as some writers put it, is c."""
    return name.rpartition(":")[2]


def _refuse_doctype(*_args: object) -> None:
    # No workbook part has a DTD; one is only there to expand entities.
    raise ValueError("a workbook part declares a DTD")


class Workbook:
    """The sheets of an XLSX workbook, by title, in the workbook's order."""

    def __init__(self, content: bytes) -> None:
        self.archive = zipfile.ZipFile(io.BytesIO(content))
        _check_sizes(self.archive.infolist())
        self.elements = 0
        main = self._relationships("")
        workbook_path = next(
            (target for kind, target in main.values() if kind == "officeDocument"),
            "xl/workbook.xml",
        )
        parts = self._relationships(workbook_path)
        titles: list[tuple[str, str]] = []
        self.epoch = CALENDAR_WINDOWS_1900

        def start(name: str, attrs: dict[str, str]) -> None:
            if name == "workbookPr" and attrs.get("date1904") in ("1", "true"):
                self.epoch = CALENDAR_MAC_1904
            elif name == "sheet":
                relation = next((v for k, v in attrs.items() if _local(k) == "id"), "")
                kind, target = parts.get(relation, ("", ""))
                if kind == "worksheet":
                    titles.append((attrs.get("name", ""), target))

        self._parse(workbook_path, start=start)
        self.sheets = dict(titles)
        self.titles = [title for title, _target in titles]
        by_kind = {kind: target for kind, target in parts.values()}
        self.dates, self.durations = self._date_styles(by_kind.get("styles"))
        self.strings = self._shared_strings(by_kind.get("sharedStrings"))

    def _parse(
        self,
        path: str,
        *,
        start: Callable[[str, dict[str, str]], None],
        end: Callable[[str], None] | None = None,
        text: Callable[[str], None] | None = None,
        where: str = "",
    ) -> None:
        """Stream one part through expat, counting the workbook's elements and the bytes the
        part unpacks to."""
        info = self.archive.getinfo(path)
        # Without namespace processing, which the parts read here do not need: they hold no
        # names of the same local name from another vocabulary.
        parser = expat.ParserCreate()
        parser.StartDoctypeDeclHandler = _refuse_doctype
        # Text comes in one call a chunk, not one a line: a part of line ends is one call.
        parser.buffer_text = True
        parser.buffer_size = CHUNK_BYTES

        elements = self.elements

        def counted_start(name: str, attrs: dict[str, str]) -> None:
            nonlocal elements
            elements += 1
            if elements > MAX_ELEMENTS:
                raise Refused(
                    _(
                        "The workbook holds more than %(max)d XML elements (the limit was passed "
                        "in %(part)s), more than a sheet of %(rows)d rows and %(columns)d "
                        "columns needs."
                    )
                    % {
                        "part": where or shown(path),
                        "max": MAX_ELEMENTS,
                        "rows": MAX_SHEET_ROWS,
                        "columns": MAX_COLUMNS,
                    }
                )
            start(_local(name) if ":" in name else name, attrs)

        parser.StartElementHandler = counted_start
        if end is not None:
            parser.EndElementHandler = end
        if text is not None:
            parser.CharacterDataHandler = text
        unpacked = 0
        try:
            with self.archive.open(info) as stream:
                while chunk := stream.read(CHUNK_BYTES):
                    # zipfile stops at the declared size; this holds if it ever did not.
                    unpacked += len(chunk)
                    if unpacked > info.file_size:
                        raise ValueError(f"{path} unpacks to more than it declares")
                    parser.Parse(chunk, False)
            parser.Parse(b"", True)
        finally:
            # Counted on over the workbook's next parts, even after a first row stops a part.
            self.elements = elements

    def _relationships(self, source: str) -> dict[str, tuple[str, str]]:
        """Each relationship of a part: id → (kind, target part's path)."""
        folder, name = posixpath.split(source)
        path = posixpath.join(folder, "_rels", f"{name}.rels")
        found: dict[str, tuple[str, str]] = {}
        if path not in self.archive.NameToInfo:
            return found

        def start(element: str, attrs: dict[str, str]) -> None:
            if _local(element) == "Relationship":
                target = attrs.get("Target", "")
                target = (
                    target.lstrip("/")
                    if target.startswith("/")
                    else posixpath.normpath(posixpath.join(folder, target))
                )
                kind = attrs.get("Type", "").removeprefix(REL_TYPES)
                found[attrs.get("Id", "")] = (kind, target)

        self._parse(path, start=start)
        return found

    def _date_styles(self, path: str | None) -> tuple[set[int], set[int]]:
        """The cell styles that show a number as a date, and those that show a duration."""
        if path is None or path not in self.archive.NameToInfo:
            return set(), set()
        formats: dict[int, str] = dict(BUILTIN_FORMATS)
        styles: list[int] = []
        inside = []

        def start(name: str, attrs: dict[str, str]) -> None:
            inside.append(name)
            if name == "numFmt":
                formats[int(attrs.get("numFmtId", "0"))] = attrs.get("formatCode", "")
            elif name == "xf" and len(inside) > 1 and inside[-2] == "cellXfs":
                styles.append(int(attrs.get("numFmtId", "0")))

        def end(_name: str) -> None:
            inside.pop()

        self._parse(path, start=start, end=end)
        dates = {i for i, f in enumerate(styles) if is_date_format(formats.get(f, ""))}
        return dates, {i for i in dates if is_timedelta_format(formats[styles[i]])}

    def _shared_strings(self, path: str | None) -> list[str | None]:
        """The workbook's texts, each None where it is longer than a cell may be (the cell that
        shows it is refused), never built whole."""
        strings: list[str | None] = []
        if path is None or path not in self.archive.NameToInfo:
            return strings
        pieces: list[str] = []
        length = 0
        reading = False
        phonetic = 0

        def start(name: str, _attrs: dict[str, str]) -> None:
            nonlocal length, reading, phonetic
            if name == "si":
                pieces.clear()
                length = 0
            elif name == "rPh":
                phonetic += 1
            elif name == "t" and not phonetic:
                reading = True

        def end(name: str) -> None:
            nonlocal reading, phonetic
            name = _local(name)
            if name == "t":
                reading = False
            elif name == "rPh":
                phonetic -= 1
            elif name == "si":
                if len(strings) >= MAX_SHARED_STRINGS:
                    raise Refused(
                        _("The workbook holds more than %(max)d different texts.")
                        % {"max": MAX_SHARED_STRINGS}
                    )
                strings.append("".join(pieces) if length <= MAX_CELL_CHARACTERS else None)

        def text(data: str) -> None:
            nonlocal length
            if reading:
                length += len(data)
                if length <= MAX_CELL_CHARACTERS:
                    pieces.append(data)

        self._parse(path, start=start, end=end, text=text)
        return strings

    def rows(self, title: str, *, first_only: bool = False) -> list[tuple]:
        """The values of a sheet's rows from row 1 to its last with a value, each as wide as
        its widest: what openpyxl's iter_rows(values_only=True) gives, within the limits."""
        found: dict[int, dict[int, object]] = {}
        with contextlib.suppress(_FirstRowRead):
            self._read_sheet(title, found, first_only=first_only)
        if not found:
            return []
        width = max(max(cells) for cells in found.values())
        return [
            tuple(found.get(number, {}).get(column) for column in range(1, width + 1))
            for number in range(1, max(found) + 1)
        ]

    def _read_sheet(
        self, title: str, found: dict[int, dict[int, object]], *, first_only: bool
    ) -> None:
        row_number = column = 0
        cell: dict[str, str] = {}
        pieces: list[str] = []
        length = 0
        has_value = reading = False
        phonetic = 0
        cells: dict[int, object] = {}

        def where() -> str:
            return get_column_letter(column) if column <= 16384 else str(column)

        def start(name: str, attrs: dict[str, str]) -> None:
            nonlocal row_number, column, cell, length, has_value, reading, phonetic
            if name == "c":
                # An empty cell costs no more than this: its reference is read with its value.
                cell = attrs
                column += 1
                has_value = reading = False
                phonetic = 0
            elif name == "v" or (name == "t" and cell.get("t") == "inlineStr" and not phonetic):
                if not has_value:  # the first of a rich text's runs
                    reference = CELL_REFERENCE.match(cell.get("r", ""))
                    if reference:
                        column = column_index_from_string(reference[1].upper())
                    pieces.clear()
                    length = 0
                has_value = reading = True
            elif name == "rPh":
                phonetic += 1
            elif name == "row":
                row_number = int(attrs["r"]) if "r" in attrs else row_number + 1
                column = 0
                cells.clear()
                if row_number > MAX_SHEET_ROWS:
                    raise Refused(
                        _(
                            "The sheet “%(sheet)s” has more than %(max)d rows; delete the empty "
                            "rows below the table, or split the file."
                        )
                        % {"sheet": shown(title), "max": MAX_SHEET_ROWS},
                        row=row_number,
                    )

        def end(name: str) -> None:
            nonlocal reading, phonetic
            if ":" in name:
                name = _local(name)
            if name == "c":
                if not has_value:
                    return
                style = int(cell.get("s", "0") or 0)
                value = self._value(cell.get("t", "n"), style, "".join(pieces))
                if value is None:
                    return
                if value is _TOO_LONG:
                    # A shared text too long for a cell is refused where a cell shows it.
                    raise _too_long(title, row_number, where())
                if column > MAX_COLUMNS:
                    raise Refused(
                        _(
                            "The sheet “%(sheet)s” has a value beyond its first %(max)d columns; "
                            "delete the columns after the table."
                        )
                        % {"sheet": shown(title), "max": MAX_COLUMNS},
                        row=row_number,
                        column=where(),
                    )
                cells[column] = value
            elif name in ("v", "t"):
                reading = False
            elif name == "rPh":
                phonetic -= 1
            elif name == "row":
                if cells:
                    found[row_number] = dict(cells)
                if first_only:
                    raise _FirstRowRead

        def text(data: str) -> None:
            nonlocal length
            if reading:
                length += len(data)
                if length > MAX_CELL_CHARACTERS:
                    raise _too_long(title, row_number, where())
                pieces.append(data)

        self._parse(
            self.sheets[title],
            start=start,
            end=end,
            text=text,
            where=_("the sheet “%(sheet)s”") % {"sheet": shown(title)},
        )

    def _value(self, kind: str, style: int, written: str) -> object:
        """A cell's value as openpyxl reads it with data_only: the value last calculated."""
        if not written:
            return None
        if kind == "s":
            shared = self.strings[int(written)]
            return _TOO_LONG if shared is None else shared
        if kind == "b":
            return bool(int(written))
        if kind == "d":
            return from_ISO8601(written)
        if kind != "n":  # str, inlineStr, e (an error such as #N/A)
            return written
        number: int | float = (
            float(written) if any(mark in written for mark in ".Ee") else int(written)
        )
        if style in self.dates:
            try:
                return from_excel(number, self.epoch, timedelta=style in self.durations)
            except (OverflowError, ValueError):
                return number
        return number


_TOO_LONG = object()


def _too_long(title: str, row: int, column: str) -> Refused:
    return Refused(
        _("In the sheet “%(sheet)s”, this cell has more than %(max)d characters.")
        % {"sheet": shown(title), "max": MAX_CELL_CHARACTERS},
        row=row,
        column=column,
    )


def _check_sizes(parts: list[zipfile.ZipInfo]) -> None:
    """Refuse a workbook by what its zip declares, before any part is unpacked."""
    if len(parts) > MAX_PARTS:
        raise Refused(
            _("The workbook has %(count)d parts, more than the %(max)d a spreadsheet has.")
            % {"count": len(parts), "max": MAX_PARTS}
        )
    total = sum(part.file_size for part in parts)
    if total > MAX_UNPACKED_BYTES:
        raise Refused(
            _(
                "The workbook unpacks to %(size)s, more than the %(max)s allowed; keep only the "
                "report's sheets, or split the file."
            )
            % {"size": filesizeformat(total), "max": filesizeformat(MAX_UNPACKED_BYTES)}
        )
    for part in parts:
        if part.file_size > MAX_PART_BYTES:
            raise Refused(
                _(
                    "The workbook's part %(part)s unpacks to %(size)s, more than the %(max)s "
                    "allowed."
                )
                % {
                    "part": shown(part.filename),
                    "size": filesizeformat(part.file_size),
                    "max": filesizeformat(MAX_PART_BYTES),
                }
            )
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > RATIO_CHECKED_FROM_BYTES and ratio > MAX_PACKING_RATIO:
            raise Refused(
                _(
                    "The workbook's part %(part)s unpacks to %(ratio)d times its packed size; a "
                    "spreadsheet's parts unpack to less than %(max)d times theirs."
                )
                % {"part": shown(part.filename), "ratio": ratio, "max": MAX_PACKING_RATIO}
            )
    packed = sum(part.compress_size for part in parts)
    if total > RATIO_CHECKED_FROM_BYTES and total / max(packed, 1) > MAX_PACKING_RATIO:
        raise Refused(
            _(
                "The workbook unpacks to %(ratio)d times its packed size; a spreadsheet unpacks "
                "to less than %(max)d times its size."
            )
            % {"ratio": total / max(packed, 1), "max": MAX_PACKING_RATIO}
        )


def first_rows(book: Workbook) -> Iterator[tuple[str, tuple]]:
    """Each sheet's title and first row, read no further."""
    for title in book.titles:
        rows = book.rows(title, first_only=True)
        yield title, rows[0] if rows else ()
