"""Uploads that unpack or parse to far more than they weigh are refused quickly, by a message
that names the limit and where it was passed, and write nothing."""

import io
import random
import time
import tracemalloc
import zipfile
from collections.abc import Callable, Iterable

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from recommendations.imports import RowError
from recommendations.models import ProgressUpdate, Recommendation, Side
from tests import factories

IMPORT = reverse("admin:recommendations_recommendation_import_updates")
MIB = 1024 * 1024
# What any upload under the 1 MB limit may cost to answer.
MAX_SECONDS = 2
MAX_PEAK_BYTES = 100 * MIB
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"


def xlsx(
    sheet: Iterable[bytes],
    *,
    strings: Iterable[bytes] | None = None,
    title: str = "Recommendations",
    more_sheets: int = 0,
    filler: int = 0,
) -> bytes:
    """A workbook built part by part, its sheet and shared strings streamed in chunks so that
    a part of hundreds of MB is deflated without ever being held whole. `more_sheets` copies
    of the sheet follow it, and `filler` bytes of noise (an image, say) weigh the file down
    without unpacking to more than they weigh."""
    sheets = range(1, more_sheets + 2)
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as book:
        # What a spreadsheet writes, so that any reader takes it for a workbook.
        book.writestr(
            "[Content_Types].xml",
            f'<Types xmlns="{CONTENT_TYPES}">'
            '<Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                for n in sheets
            )
            + (
                '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                if strings
                else ""
            )
            + "</Types>",
        )
        book.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{PACKAGE_RELS}"><Relationship Id="rId1" '
            f'Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        book.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>'
            f'<sheet name="{title}" sheetId="1" r:id="rId1"/>'
            + "".join(f'<sheet name="S{n}" sheetId="{n}" r:id="rId{n}"/>' for n in sheets[1:])
            + "</sheets></workbook>",
        )
        book.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{PACKAGE_RELS}">'
            + (
                f'<Relationship Id="rIdS" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>'
                if strings
                else ""
            )
            + "".join(
                f'<Relationship Id="rId{n}" Type="{RELS}/worksheet" '
                f'Target="worksheets/sheet{n}.xml"/>'
                for n in sheets
            )
            + "</Relationships>",
        )
        if filler:
            book.writestr("xl/media/image1.png", random.Random(filler).randbytes(filler))
        chunks = list(sheet) if more_sheets else sheet
        parts = {f"xl/worksheets/sheet{n}.xml": chunks for n in sheets}
        for name, part_chunks in (parts | {"xl/sharedStrings.xml": strings}).items():
            if part_chunks:
                with book.open(name, "w", force_zip64=True) as part:
                    for chunk in part_chunks:
                        part.write(chunk)
    return stream.getvalue()


def sheet(*rows: bytes) -> Iterable[bytes]:
    yield f'<worksheet xmlns="{MAIN}"><sheetData>'.encode()
    yield from rows
    yield b"</sheetData></worksheet>"


def row(number: int, *cells: str) -> bytes:
    """A row of inline texts from column A."""
    return (
        f'<row r="{number}">'
        + "".join(
            f'<c r="{_letter(column)}{number}" t="inlineStr"><is><t>{cell}</t></is></c>'
            for column, cell in enumerate(cells, start=1)
        )
        + "</row>"
    ).encode()


def _letter(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


HEADER = row(1, "reference", "status", "latest_update")


def repeated(text: bytes, size: int) -> Iterable[bytes]:
    chunk = text * (MIB // len(text))
    for _ in range(size // len(chunk)):
        yield chunk


@pytest.fixture(scope="module")
def shared_string_bomb() -> bytes:
    """500 MiB of one shared string, deflated to half a megabyte."""
    return xlsx(
        sheet(HEADER, b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>'),
        strings=[
            f'<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>'.encode(),
            *repeated(b"A", 500 * MIB),
            b"</t></si></sst>",
        ],
    )


@pytest.fixture(scope="module")
def rows_bomb() -> bytes:
    """290 MiB of rows, deflated to a third of a megabyte."""
    return xlsx(sheet(HEADER, *repeated(b'<row><c t="n"><v>1</v></c></row>', 290 * MIB)))


@pytest.fixture
def items(db):
    meti = factories.OwnerFactory(code="METI", side=Side.JAPAN)
    topic = factories.TopicFactory(code="AI")
    return [
        factories.RecommendationFactory(topic=topic, number=str(n), lead_owner=meti) for n in (1, 2)
    ]


@pytest.fixture
def official_client(client, items):
    """An official of the ministry that owns the items, as most uploads come from one."""
    client.force_login(factories.OfficialFactory(owner=items[0].lead_owner).user)
    return client


def state() -> tuple:
    """What an import could write: statuses, their history and the updates."""
    return (
        list(Recommendation.objects.values_list("reference", "status", "version")),
        Recommendation.history.count(),
        ProgressUpdate.objects.count(),
    )


def outcome(call: Callable[[], object]) -> object:
    """What the call returns, or what it raises (the command refuses by raising)."""
    try:
        return call()
    except Exception as raised:  # noqa: BLE001 - the caller checks what was raised
        return raised


def measured(call: Callable[[], object]) -> object:
    """The call's outcome, after checking it took under 2 s and, called once more while
    tracemalloc traces it (which slows it several times over), peaked under 100 MiB."""
    started = time.perf_counter()
    first = outcome(call)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    try:
        outcome(call)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seconds < MAX_SECONDS, f"took {seconds:.2f} s"
    assert peak < MAX_PEAK_BYTES, f"peaked at {peak / MIB:.0f} MiB"
    return first


def upload(client, content: bytes, name: str = "updates.xlsx") -> list[RowError]:
    """Each error the import page shows for the upload."""
    assert len(content) < 1024 * 1024
    before = state()

    def post():
        file = io.BytesIO(content)
        file.name = name
        return client.post(IMPORT, {"file": file})

    response = measured(post)
    assert response.status_code == 200
    assert "The file was rejected and nothing was changed" in response.content.decode()
    assert len(response.content) < 100_000
    assert state() == before
    return response.context["errors"]


def shown(client, content: bytes, name: str = "updates.xlsx") -> list[str]:
    """Each error the import page shows for the upload, as "row, column: message"."""
    return [str(error) for error in upload(client, content, name)]


def command(tmp_path, content: bytes, name: str = "updates.xlsx") -> str:
    before = state()
    path = tmp_path / name
    path.write_bytes(content)
    refused = measured(
        lambda: call_command("import_updates", str(path), "--as-secretariat", stdout=io.StringIO())
    )
    assert isinstance(refused, CommandError)
    assert state() == before
    assert "nothing was written" in str(refused)
    return str(refused)


@pytest.mark.django_db
def test_a_shared_string_of_500_mib_is_refused_by_the_size_it_declares(
    official_client, tmp_path, shared_string_bomb
):
    (error,) = shown(official_client, shared_string_bomb)

    assert error.startswith("file: The workbook unpacks to 500.0")
    assert "more than the 20.0" in error
    assert "AAAAAAAAAA" not in error
    assert "The workbook unpacks to 500.0" in command(tmp_path, shared_string_bomb)


@pytest.mark.django_db
def test_290_mb_of_rows_are_refused_before_they_are_read(official_client, tmp_path, rows_bomb):
    (error,) = shown(official_client, rows_bomb)

    assert "The workbook unpacks to 2" in error
    assert "The workbook unpacks to" in command(tmp_path, rows_bomb)


@pytest.mark.django_db
def test_one_row_of_300_mb_is_refused_by_its_packing_ratio(official_client, tmp_path):
    # Under the total size limit, so the packing ratio is what refuses it.
    one_row = xlsx(
        sheet(HEADER, b'<row r="2">', *repeated(b'<c t="n"><v>1</v></c>', 15 * MIB), b"</row>")
    )

    (error,) = shown(official_client, one_row)

    assert error.startswith("file: The workbook's part xl/worksheets/sheet1.xml unpacks to ")
    assert "times its packed size" in error
    assert "times its packed size" in command(tmp_path, one_row)


@pytest.mark.django_db
def test_rows_past_the_sheets_limit_are_refused_at_the_first_row_past_it(official_client, tmp_path):
    many = xlsx(sheet(HEADER, *(row(number, "AI-1") for number in range(2, 50_000))))

    assert shown(official_client, many) == [
        "row 3001: The sheet “Recommendations” has more than 3000 rows; delete the empty rows "
        "below the table, or split the file."
    ]
    assert "row 3001: The sheet “Recommendations” has more than 3000 rows" in command(
        tmp_path, many
    )


@pytest.mark.django_db
def test_a_wide_sheet_is_refused_at_its_first_column_past_the_limit(official_client, tmp_path):
    wide = xlsx(sheet(row(1, "reference", "status", *(f"note {n}" for n in range(3, 20_000)))))

    assert shown(official_client, wide) == [
        "row 1, AO: The sheet “Recommendations” has a value beyond its first 40 columns; delete "
        "the columns after the table."
    ]
    assert "row 1, AO: The sheet “Recommendations” has a value beyond" in command(tmp_path, wide)


@pytest.mark.django_db
def test_a_cell_longer_than_a_cell_may_be_is_named_by_sheet_row_and_column(
    official_client, tmp_path
):
    long_cell = xlsx(sheet(HEADER, row(2, "AI-1", "planned", "x" * 900_000)))

    assert shown(official_client, long_cell) == [
        "row 2, C: In the sheet “Recommendations”, this cell has more than 32767 characters."
    ]
    assert "row 2, C: In the sheet" in command(tmp_path, long_cell)


@pytest.mark.django_db
def test_a_shared_string_longer_than_a_cell_may_be_is_refused_where_a_cell_shows_it(
    official_client,
):
    shown_twice = xlsx(
        sheet(HEADER, b'<row r="2"><c r="A2" t="s"><v>1</v></c><c r="C2" t="s"><v>0</v></c></row>'),
        strings=[
            f'<sst xmlns="{MAIN}"><si><t>'.encode(),
            b"y" * 40_000,
            b"</t></si><si><t>AI-1</t></si></sst>",
        ],
    )

    assert shown(official_client, shown_twice) == [
        "row 2, C: In the sheet “Recommendations”, this cell has more than 32767 characters."
    ]


@pytest.mark.django_db
def test_a_csv_cell_of_1_mb_is_named_by_row_and_column(official_client, tmp_path):
    content = b"reference,status,latest_update\nAI-1,planned,Fine.\nAI-2,planned," + b"z" * (
        1024 * 1024 - 70
    )

    assert shown(official_client, content, "updates.csv") == [
        "row 3, latest_update: This cell has more than 32767 characters."
    ]
    assert "row 3, latest_update: This cell has more than 32767 characters." in command(
        tmp_path, content, "updates.csv"
    )


@pytest.mark.django_db
def test_a_quoted_csv_cell_between_the_cell_and_the_csv_limits_is_named_too(official_client):
    content = f'reference,status,latest_update\nAI-1,planned,"{"w" * 40_000}"\n'.encode()

    assert shown(official_client, content, "updates.csv") == [
        "row 2, latest_update: This cell has more than 32767 characters."
    ]


@pytest.mark.django_db
def test_a_long_value_is_quoted_at_most_200_characters(official_client):
    content = f"reference,status,status_date\nAI-1,planned,{'9' * 20_000}\n".encode()

    (error,) = shown(official_client, content, "updates.csv")

    quoted = error.split("“")[1].split("”")[0]
    assert len(quoted) == 200
    assert quoted.endswith("…")
    assert "is not a date; write it as YYYY-MM-DD." in error


@pytest.mark.django_db
def test_sheets_of_empty_cells_are_refused_by_the_elements_the_workbook_holds(
    official_client, tmp_path
):
    # Ten sheets of 200,000 empty cells each, none too big or too packed by itself, and none
    # titled as the report's sheet: each would be looked through for the header.
    empty_cells = xlsx(
        sheet(b'<row r="1">', b"<c/>" * 200_000, b"</row>"),
        title="Sheet1",
        more_sheets=9,
        filler=900_000,
    )

    assert shown(official_client, empty_cells) == [
        "file: The workbook holds more than 400000 XML elements (the limit was passed in the "
        "sheet “S2”), more than a sheet of 3000 rows and 40 columns needs."
    ]
    assert "The workbook holds more than 400000 XML elements" in command(tmp_path, empty_cells)


@pytest.mark.django_db
def test_a_workbook_of_more_texts_than_cells_is_refused(official_client, tmp_path):
    texts = xlsx(
        sheet(HEADER),
        strings=[
            f'<sst xmlns="{MAIN}">'.encode(),
            *(f"<si><t>{n}</t></si>".encode() for n in range(120_001)),
            b"</sst>",
        ],
    )

    assert shown(official_client, texts) == [
        "file: The workbook holds more than 120000 different texts."
    ]
    assert "The workbook holds more than 120000 different texts." in command(tmp_path, texts)


@pytest.mark.django_db
def test_a_long_sheet_title_is_quoted_at_most_200_characters(official_client):
    long_cell = xlsx(sheet(HEADER, row(2, "AI-1", "planned", "x" * 40_000)), title="T" * 5000)

    (error,) = shown(official_client, long_cell)

    title = error.split("“")[1].split("”")[0]
    assert title == "T" * 199 + "…"
    assert error.endswith("this cell has more than 32767 characters.")


@pytest.mark.django_db
def test_an_unknown_long_reference_is_quoted_at_most_200_characters(official_client, tmp_path):
    content = f"reference,status\nAI-{'9' * 30_000},planned\n".encode()

    (error,) = shown(official_client, content, "updates.csv")

    assert error == f"row 2, reference: No recommendation has the reference “AI-{'9' * 196}…”."
    assert f"“AI-{'9' * 196}…”" in command(tmp_path, content, "updates.csv")


@pytest.mark.django_db
def test_a_long_heading_is_named_in_at_most_200_characters(official_client):
    heading = "Status" + " " * 30_000 + "since"
    content = f"reference,status,{heading}\nAI-1,planned,someday\n".encode()

    (error,) = upload(official_client, content, "updates.csv")

    assert (error.row, error.column) == (2, "Status" + " " * 193 + "…")
    assert error.message == "“someday” is not a date; write it as YYYY-MM-DD."
