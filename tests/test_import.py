"""Status updates by spreadsheet: preview, then all rows or none."""

import datetime
import io

import pytest
from django.core import signing
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from recommendations import imports
from recommendations.models import ProgressUpdate, Recommendation, Side, Status, Visibility
from recommendations.services.archive import archive
from recommendations.services.statuses import set_statuses
from tests import factories
from tests.helpers import officials_today

IMPORT = reverse("admin:recommendations_recommendation_import_updates")
REPORT_HEADER = (
    "reference,topic,recommendation,organisations,owner,co_owners,status,status_date,latest_update"
)


def csv_file(text, name="updates.csv"):
    upload = io.BytesIO(text.encode())
    upload.name = name
    return upload


def xlsx_bytes(rows, *, summary_first=True):
    """A workbook shaped like the Council report export: a Summary sheet, then the rows."""
    book = Workbook()
    if summary_first:
        book.active.title = "Summary"
        book.active.append(["status", "count"])
        book.active.append(["Planned", 3])
        sheet = book.create_sheet("Recommendations")
    else:
        sheet = book.active
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


@pytest.fixture
def items(db):
    meti = factories.OwnerFactory(code="METI", side=Side.JAPAN)
    mic = factories.OwnerFactory(code="MIC", side=Side.JAPAN)
    topic = factories.TopicFactory(code="AI")
    return {
        "AI-1": factories.RecommendationFactory(topic=topic, number="1", lead_owner=meti),
        "AI-2": factories.RecommendationFactory(topic=topic, number="2", lead_owner=meti),
        "AI-3": factories.RecommendationFactory(topic=topic, number="3", lead_owner=mic),
    }


@pytest.fixture
def official(items):
    return factories.OfficialFactory(owner=items["AI-1"].lead_owner).user


@pytest.fixture
def official_client(client, official):
    client.force_login(official)
    return client


def statuses():
    return dict(Recommendation.objects.values_list("reference", "status"))


def sides_and_status():
    """(EU side, Japan side, overall status) of each recommendation, by reference."""
    return {
        reference: (eu, japan, status)
        for reference, eu, japan, status in Recommendation.objects.values_list(
            "reference", "eu_status", "japan_status", "status"
        )
    }


@pytest.mark.django_db
def test_preview_shows_each_change_and_writes_nothing_until_confirmed(official_client, official):
    upload = csv_file(
        f"{REPORT_HEADER}\n"
        'AI-1,AI,"Promote sandboxes",JBCE,METI,,in_progress,2024-06-01,"Sandbox <b>opened</b>."\n'
        "AI-2,AI,Other,,METI,,Completed,2024-06-02,\n"
    )

    preview = official_client.post(IMPORT, {"file": upload})

    content = preview.content.decode()
    # A METI official's status column is the Japan side; the overall status follows the rule
    # (one side completed, the other not yet assessed: in progress).
    assert [
        (c.reference, c.side_changes, c.old_status, c.new_status, c.shown_text)
        for c in preview.context["changes"]
    ] == [
        (
            "AI-1",
            ["Japan side: Not yet assessed → In progress"],
            "Not yet assessed",
            "In progress",
            "Sandbox <b>opened</b>.",
        ),
        (
            "AI-2",
            ["Japan side: Not yet assessed → Completed"],
            "Not yet assessed",
            "In progress",
            "—",
        ),
    ]
    assert "Sandbox &lt;b&gt;opened&lt;/b&gt;." in content
    assert "Japan side: Not yet assessed → Completed" in content
    assert "→ In progress" in content
    assert set(statuses().values()) == {Status.NOT_ASSESSED}
    assert not Recommendation.objects.exclude(japan_status=Status.NOT_ASSESSED).exists()
    assert not ProgressUpdate.objects.exists()

    confirmed = official_client.post(IMPORT, {"token": preview.context["token"], "confirm": "1"})

    assert confirmed.status_code == 302
    assert sides_and_status() == {
        "AI-1": ("not_assessed", "in_progress", "in_progress"),
        "AI-2": ("not_assessed", "completed", "in_progress"),
        "AI-3": ("not_assessed", "not_assessed", "not_assessed"),
    }
    update = ProgressUpdate.objects.get(recommendation__reference="AI-1")
    assert (update.message, update.date, update.author, update.visibility) == (
        "Sandbox <b>opened</b>.\n\nJapan side: “In progress”. Overall status now “In progress”.",
        datetime.date(2024, 6, 1),
        official,
        Visibility.PUBLIC,
    )
    assert ProgressUpdate.objects.get(recommendation__reference="AI-2").message == (
        "Japan side: “Completed”. Overall status now “In progress”."
    )
    record = Recommendation.objects.get(reference="AI-1").history.first()
    assert (record.japan_status, record.status, record.history_user) == (
        Status.IN_PROGRESS,
        Status.IN_PROGRESS,
        official,
    )


@pytest.mark.django_db
def test_a_sheet_with_only_the_import_columns_and_visibility_works(official_client):
    upload = csv_file(
        "reference,status,status_date,latest_update,visibility\n"
        "AI-1,planned,2024-05-01,Budget requested.,internal\n"
    )

    preview = official_client.post(IMPORT, {"file": upload})
    official_client.post(IMPORT, {"token": preview.context["token"], "confirm": "1"})

    update = ProgressUpdate.objects.get()
    assert (update.status, update.visibility, update.date, update.message) == (
        Status.PLANNED,
        Visibility.INTERNAL,
        datetime.date(2024, 5, 1),
        "Budget requested.\n\nJapan side: “Planned”. Overall status now “Planned”.",
    )
    assert sides_and_status()["AI-1"] == ("not_assessed", "planned", "planned")


@pytest.mark.django_db
def test_the_recommendations_sheet_of_a_report_xlsx_is_imported_with_real_dates(official_client):
    content = xlsx_bytes(
        [
            REPORT_HEADER.split(","),
            ["AI-1", "AI", "Text", "", "METI", "", "Ongoing", datetime.date(2024, 7, 1), "Held."],
        ]
    )
    upload = io.BytesIO(content)
    upload.name = "council-report.xlsx"

    preview = official_client.post(IMPORT, {"file": upload})
    official_client.post(IMPORT, {"token": preview.context["token"], "confirm": "1"})

    recommendation = Recommendation.objects.get(reference="AI-1")
    # The Japan side is ongoing, the EU side not yet assessed: in progress overall.
    assert (
        recommendation.japan_status,
        recommendation.japan_status_date,
        recommendation.status,
        recommendation.status_date,
    ) == (Status.ONGOING, datetime.date(2024, 7, 1), Status.IN_PROGRESS, datetime.date(2024, 7, 1))


def tomorrow(official):
    """The day after the official's own today, which is Tokyo's for a Japanese ministry."""
    return (officials_today(official) + datetime.timedelta(days=1)).isoformat()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rows", "row", "column", "message"),
    [
        ("AI-9,planned,2024-06-01,x", 2, "reference", "No recommendation has the reference"),
        ("AI-1,finished,2024-06-01,x", 2, "status", "“finished” is not a status"),
        ("AI-1,planned,01/06/2024,x", 2, "status_date", "is not a date"),
        ("AI-1,planned,2024-13-40,x", 2, "status_date", "is not a date"),
        ("AI-1,planned,{tomorrow},x", 2, "status_date", "is in the future"),
        ("AI-3,planned,2024-06-01,x", 2, "status", "your organisation does not own it"),
        ("AI-1,planned,2024-06-01,x\nAI-1,stalled,2024-06-01,y", 3, "reference", "also on row 3"),
        ("AI-1,planned,2024-06-01,x,secret", 2, "visibility", "not a visibility"),
    ],
)
def test_one_bad_row_rejects_the_whole_file_with_its_row_and_column(
    official_client, official, rows, row, column, message
):
    good_row = "AI-2,completed,2024-06-01,Fine.\n"
    upload = csv_file(
        "reference,status,status_date,latest_update,visibility\n"
        + good_row
        + rows.format(tomorrow=tomorrow(official))
        + "\n"
    )

    response = official_client.post(IMPORT, {"file": upload})

    errors = response.context["errors"]
    assert [(e.row, e.column) for e in errors] == [(row + 1, column)]
    assert message in errors[0].message
    assert message in response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    assert "token" not in response.context
    assert set(statuses().values()) == {Status.NOT_ASSESSED}
    assert not ProgressUpdate.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("updates.csv", b"", "The file is empty."),
        ("updates.csv", b"reference,status\n", "no rows to import"),
        ("updates.pdf", b"%PDF-1.7 reference,status", "Only CSV and XLSX files"),
        ("updates.xlsx", b"reference,status\nAI-1,planned\n", "could not be read as a XLSX"),
        ("updates.csv", "reference,status\nAI-1,planned\n".encode("utf-16"), "not UTF-8"),
        ("updates.csv", b"reference\nAI-1\n", "This column is missing"),
        (
            "updates.csv",
            b"reference,status\n" + b"AI-1,planned\n" * (imports.MAX_FILE_BYTES // 13),
            "larger than 1024 KB",
        ),
    ],
)
def test_a_wrong_empty_or_oversized_file_is_rejected(official_client, name, content, message):
    upload = io.BytesIO(content)
    upload.name = name

    response = official_client.post(IMPORT, {"file": upload})

    assert response.status_code == 200
    assert message in " ".join(e.message for e in response.context["errors"])
    assert not ProgressUpdate.objects.exists()


@pytest.mark.django_db
def test_confirming_a_preview_of_items_changed_since_applies_nothing(official_client, items):
    upload = csv_file("reference,status\nAI-1,planned\nAI-2,planned\n")
    preview = official_client.post(IMPORT, {"file": upload})
    set_statuses(
        recommendation=items["AI-2"],
        sides={Side.EU: Status.STALLED},
        answers={"eu_stalled_reason": "budget"},
        author=None,
    )

    response = official_client.post(IMPORT, {"token": preview.context["token"], "confirm": "1"})

    assert "AI-2 was changed by someone else after the preview" in response.content.decode()
    assert sides_and_status()["AI-1"] == ("not_assessed", "not_assessed", "not_assessed")
    assert sides_and_status()["AI-2"] == ("stalled", "not_assessed", "stalled")
    # Only the EU side's own update: none from the file.
    assert (
        ProgressUpdate.objects.get().message == "EU side: “Stalled”. Overall status now “Stalled”."
    )


@pytest.mark.django_db
def test_an_altered_preview_is_refused(official_client):
    forged = signing.dumps({"filename": "x.csv", "content": "", "versions": {}}, salt="other")

    response = official_client.post(IMPORT, {"token": forged, "confirm": "1"})

    assert "expired or was altered" in response.content.decode()


@pytest.mark.django_db
def test_the_import_page_is_linked_from_the_changelist(official_client):
    page = official_client.get(reverse("admin:recommendations_recommendation_changelist"))

    assert f'href="{IMPORT}"' in page.content.decode()


def write(tmp_path, text, name="updates.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def import_command(tmp_path, text, *options) -> str:
    """What `import_updates` prints for a file holding `text`."""
    out = io.StringIO()
    call_command("import_updates", write(tmp_path, text), *options, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_command_dry_run_lists_the_changes_and_writes_nothing(items, tmp_path):
    output = import_command(
        tmp_path,
        "reference,status,japan_status,status_date,latest_update\n"
        "AI-3,not_assessed,planned,2024-06-01,Budgeted.\n",
        "--dry-run",
        "--as-secretariat",
    )

    assert (
        "row 2: AI-3: Japan side: Not yet assessed → Planned; Not yet assessed → Planned "
        "(2024-06-01, public): Budgeted."
    ) in output
    assert "Dry run: 1 rows checked, nothing written." in output
    assert sides_and_status()["AI-3"] == ("not_assessed", "not_assessed", "not_assessed")
    assert not ProgressUpdate.objects.exists()


@pytest.mark.django_db
def test_command_applies_every_row_in_one_go(items, tmp_path):
    output = import_command(
        tmp_path,
        "reference,status,eu_status,japan_status,status_date,japan_stalled_reason\n"
        "AI-1,planned,planned,planned,2024-06-01,\n"
        "AI-3,stalled,,stalled,,legislation\n",
        "--as-secretariat",
    )

    assert "Applied 2 status updates" in output
    assert sides_and_status() == {
        "AI-1": ("planned", "planned", "planned"),
        "AI-2": ("not_assessed", "not_assessed", "not_assessed"),
        "AI-3": ("not_assessed", "stalled", "stalled"),
    }
    assert Recommendation.objects.get(reference="AI-1").status_date == datetime.date(2024, 6, 1)
    assert Recommendation.objects.get(reference="AI-3").status_date == timezone.localdate()
    assert ProgressUpdate.objects.count() == 2


@pytest.mark.django_db
def test_command_as_an_official_keeps_to_their_owners_items_and_writes_nothing_else(
    official, tmp_path
):
    path = write(tmp_path, "reference,status\nAI-1,planned\nAI-3,planned\n")

    with pytest.raises(CommandError, match="row 3, status: You may not change AI-3"):
        call_command("import_updates", path, "--as", official.username, stdout=io.StringIO())

    assert set(statuses().values()) == {Status.NOT_ASSESSED}


@pytest.mark.django_db
def test_command_signs_the_updates_with_the_user_it_runs_as(official, tmp_path):
    import_command(tmp_path, "reference,status\nAI-1,planned\n", "--as", official.username)

    assert ProgressUpdate.objects.get().author == official
    assert Recommendation.objects.get(reference="AI-1").history.first().history_user == official


@pytest.mark.django_db
def test_command_reports_a_missing_file_or_unknown_user_clearly(items, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_updates", str(tmp_path / "missing.csv"), "--as-secretariat")
    with pytest.raises(CommandError, match="No user is called 'nobody'"):
        call_command(
            "import_updates", write(tmp_path, "reference,status\nAI-1,planned\n"), "--as", "nobody"
        )


@pytest.mark.django_db
def test_the_command_refuses_a_file_until_told_whose_rights_apply(items, tmp_path):
    path = write(tmp_path, "reference,status\nAI-1,planned\n")

    with pytest.raises(CommandError, match="one of the arguments --as --as-secretariat"):
        call_command("import_updates", path, stdout=io.StringIO())

    assert Recommendation.objects.get(reference="AI-1").status == "not_assessed"
    assert not ProgressUpdate.objects.exists()


@pytest.mark.django_db
def test_an_archived_item_cannot_be_imported_even_by_the_secretariat(items, tmp_path):
    archive(recommendations=[items["AI-1"]], author=None)

    with pytest.raises(CommandError, match="AI-1 is archived"):
        call_command(
            "import_updates",
            write(tmp_path, "reference,status\nAI-1,planned\n"),
            "--as-secretariat",
        )


@pytest.mark.django_db
def test_a_user_with_no_role_cannot_open_the_import_page(client):
    client.force_login(factories.UserFactory(is_staff=True))

    assert client.get(IMPORT).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [2, 40])
def test_the_preview_runs_the_same_number_of_queries_whatever_the_rows(
    client, django_assert_num_queries, rows
):
    official = factories.OfficialFactory()
    topic = factories.TopicFactory(code="BULK")
    for number in range(1, rows + 1):
        factories.RecommendationFactory(topic=topic, number=str(number), lead_owner=official.owner)
    client.force_login(official.user)
    lines = "".join(f"BULK-{number},planned,2024-06-01,x\n" for number in range(1, rows + 1))

    # session, user, the official's group check and owner, their model permissions (user and
    # group, for the admin's menu), the file's recommendations and their next steps, the ones
    # they may change.
    with django_assert_num_queries(9):
        response = client.post(
            IMPORT, {"file": csv_file("reference,status,status_date,latest_update\n" + lines)}
        )
    assert response.status_code == 200
    assert len(response.context["changes"]) == rows
    content = response.content.decode()
    assert content.count("<mark>x</mark>") == rows  # each row's update text
    assert all(f">BULK-{number}</a>" in content for number in range(1, rows + 1))


def download(client, name):
    response = client.get(reverse(f"recommendations:{name}"))
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.django_db
def test_the_council_report_csv_comes_back_in_with_the_statuses_edited(client, items, tmp_path):
    from tests.factories import ProgressUpdateFactory

    ProgressUpdateFactory(recommendation=items["AI-1"], text="-5% budget", date="2024-05-01")
    exported = download(client, "report_csv").decode("utf-8-sig")
    edited = [
        line.replace(",not_assessed,", ",in_progress,") if line.startswith("AI-2,") else line
        for line in exported.splitlines()
    ]
    path = tmp_path / "council-report.csv"
    path.write_text("\n".join(edited) + "\n", encoding="utf-8-sig")

    call_command("import_updates", str(path), "--as-secretariat", stdout=io.StringIO())

    assert statuses() == {"AI-1": "not_assessed", "AI-2": "in_progress", "AI-3": "not_assessed"}
    # The export's formula guard (a leading apostrophe) does not come back into the text, and
    # the unchanged row does not post its latest update again.
    assert ProgressUpdate.objects.filter(text="-5% budget").count() == 1


@pytest.mark.django_db
def test_the_council_report_xlsx_comes_back_in_from_its_recommendations_sheet(client, items):
    from openpyxl import load_workbook

    set_statuses(recommendation=items["AI-1"], sides={Side.EU: Status.COMPLETED}, author=None)
    book = load_workbook(io.BytesIO(download(client, "report_xlsx")))
    sheet = book["Recommendations"]
    header = [cell.value for cell in sheet[1]]
    sheet.cell(row=1, column=len(header) + 1, value="override_reason")
    for row in sheet.iter_rows(min_row=2):
        if row[header.index("Reference")].value == "AI-3":
            row[header.index("Status")].value = "Stalled"
            sheet.cell(row=row[0].row, column=len(header) + 1, value="Budget frozen.")
    edited = io.BytesIO()
    book.save(edited)

    changes = imports.plan(filename="council-report.xlsx", content=edited.getvalue())

    # The rows left as exported change nothing; the edited one overrides the sides, with its
    # reason.
    assert [
        (c.reference, c.side_changes, c.old_status, c.new_status, c.reason) for c in changes
    ] == [
        ("AI-3", [], "Not yet assessed", "Stalled", "Budget frozen."),
    ]


@pytest.mark.django_db
def test_an_official_reimporting_the_report_xlsx_unchanged_moves_no_side(client):
    item, official = japanese_item(
        eu_status=Status.COMPLETED, japan_status=Status.PLANNED, status=Status.IN_PROGRESS
    )
    exported = download(client, "report_xlsx")

    changes = imports.plan(filename="council-report.xlsx", content=exported, user=official)

    assert [(c.reference, c.side_changes, c.new_status) for c in changes] == []


@pytest.mark.django_db
def test_an_officials_edit_in_the_japan_side_column_of_the_report_xlsx_sets_that_side(client):
    from openpyxl import load_workbook

    item, official = japanese_item(
        eu_status=Status.COMPLETED, japan_status=Status.PLANNED, status=Status.IN_PROGRESS
    )
    book = load_workbook(io.BytesIO(download(client, "report_xlsx")))
    sheet = book["Recommendations"]
    header = [cell.value for cell in sheet[1]]
    sheet.cell(row=2, column=header.index("Japan side") + 1, value="Completed")
    edited = io.BytesIO()
    book.save(edited)

    imports.apply(filename="council-report.xlsx", content=edited.getvalue(), user=official)

    item.refresh_from_db()
    assert (item.eu_status, item.japan_status, item.status) == (Status.COMPLETED,) * 3


@pytest.mark.django_db
def test_an_empty_cell_in_the_officials_side_column_leaves_their_side_alone():
    item, official = japanese_item(
        eu_status=Status.COMPLETED, japan_status=Status.PLANNED, status=Status.IN_PROGRESS
    )
    sheet = f"reference,status,japan_status,latest_update\n{item.reference},In progress,,Noted.\n"

    [change] = imports.plan(filename="updates.csv", content=sheet.encode(), user=official)

    assert (change.side_changes, change.new_status) == ([], "In progress")


# The bilateral rule: an official's status is their own side's; the overall status follows.


def japanese_item(**statuses):
    """An item of a Japanese owner (METI) and an official of that owner."""
    meti = factories.OwnerFactory(code="METI", side=Side.JAPAN)
    item = factories.RecommendationFactory(
        topic=factories.TopicFactory(code="AI"), number="1", lead_owner=meti, **statuses
    )
    return item, factories.OfficialFactory(owner=meti).user


@pytest.mark.django_db
def test_an_officials_plain_sheet_sets_their_own_side_and_the_overall_status_follows(client):
    item, official = japanese_item(
        eu_status=Status.PLANNED, japan_status=Status.NOT_ASSESSED, status=Status.PLANNED
    )
    client.force_login(official)
    upload = csv_file(
        "reference,status,status_date,latest_update\nAI-1,completed,2024-06-01,Law passed.\n"
    )

    preview = client.post(IMPORT, {"file": upload})

    [change] = preview.context["changes"]
    # "Completed" is the Japan side's; with the EU side planned, the item is in progress.
    assert (change.side_changes, change.old_status, change.new_status) == (
        ["Japan side: Not yet assessed → Completed"],
        "Planned",
        "In progress",
    )
    content = preview.content.decode()
    assert '<th scope="col">Sides</th>' in content
    assert "<td><mark>Japan side: Not yet assessed → Completed</mark></td>" in content
    assert sides_and_status()["AI-1"] == ("planned", "not_assessed", "planned")

    client.post(IMPORT, {"token": preview.context["token"], "confirm": "1"})

    item.refresh_from_db()
    assert (item.eu_status, item.japan_status, item.status) == (
        Status.PLANNED,
        Status.COMPLETED,
        Status.IN_PROGRESS,
    )
    assert (item.japan_status_by, item.japan_status_date, item.eu_status_by) == (
        official,
        datetime.date(2024, 6, 1),
        None,
    )
    assert ProgressUpdate.objects.get().message == (
        "Law passed.\n\nJapan side: “Completed”. Overall status now “In progress”."
    )


@pytest.mark.django_db
def test_an_eu_officials_plain_sheet_sets_the_eu_side_only(tmp_path):
    connect = factories.OwnerFactory(code="CNECT", side=Side.EU)
    item = factories.RecommendationFactory(lead_owner=connect, japan_status=Status.IN_PROGRESS)
    official = factories.OfficialFactory(owner=connect).user
    path = write(tmp_path, f"reference,status\n{item.reference},in_progress\n")

    call_command("import_updates", path, "--as", official.username, stdout=io.StringIO())

    item.refresh_from_db()
    assert (item.eu_status, item.japan_status, item.status, item.eu_status_by) == (
        Status.IN_PROGRESS,
        Status.IN_PROGRESS,
        Status.IN_PROGRESS,
        official,
    )


EXPORT_HEADER = "reference,status,eu_status,japan_status,latest_update"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status", ["planned", "in_progress"], ids=["left as it was", "set to what the sides give"]
)
def test_an_officials_export_sheet_sets_their_side_from_its_own_column(status):
    item, official = japanese_item(eu_status=Status.PLANNED, status=Status.PLANNED)
    content = f"{EXPORT_HEADER}\nAI-1,{status},planned,in_progress,Pilot.\n".encode()

    imports.apply(filename="report.csv", content=content, user=official, author=official)

    item.refresh_from_db()
    assert (item.eu_status, item.japan_status, item.status) == (
        Status.PLANNED,
        Status.IN_PROGRESS,
        Status.IN_PROGRESS,
    )
    assert ProgressUpdate.objects.get().message == (
        "Pilot.\n\nJapan side: “In progress”. Overall status now “In progress”."
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (
            "AI-2,planned,completed,not_assessed,,",
            "eu_status",
            "You may set only the Japan side; leave this as it is (“Planned”).",
        ),
        ("AI-2,completed,planned,in_progress,,", "status", "set your side in japan_status"),
        ("AI-2,planned,planned,in_progress,,Budget frozen.", "override_reason", "secretariat"),
    ],
    ids=["other side changed", "overall neither current nor derived", "override reason"],
)
def test_an_officials_export_sheet_may_not_set_the_other_side_or_the_overall_status(
    client, row, column, message
):
    meti = factories.OwnerFactory(code="METI", side=Side.JAPAN)
    topic = factories.TopicFactory(code="AI")
    for number in ("1", "2"):
        factories.RecommendationFactory(
            topic=topic,
            number=number,
            lead_owner=meti,
            eu_status=Status.PLANNED,
            status=Status.PLANNED,
        )
    official = factories.OfficialFactory(owner=meti).user
    client.force_login(official)
    content = (
        f"{EXPORT_HEADER},override_reason\nAI-1,planned,planned,in_progress,Pilot.,\n{row}\n"
    ).encode()
    upload = io.BytesIO(content)
    upload.name = "report.csv"

    preview = client.post(IMPORT, {"file": upload})

    errors = preview.context["errors"]
    assert [(e.row, e.column) for e in errors] == [(3, column)]
    assert message in errors[0].message
    assert "token" not in preview.context
    # Applying the same file writes nothing either, not even the good first row.
    with pytest.raises(imports.ImportRejected):
        imports.apply(filename="report.csv", content=content, user=official, author=official)
    assert set(sides_and_status().values()) == {("planned", "not_assessed", "planned")}
    assert not ProgressUpdate.objects.exists()


def overridable_item():
    """EU side planned, Japan side in progress: the sides give "In progress"."""
    return factories.RecommendationFactory(
        topic=factories.TopicFactory(code="AI"),
        number="1",
        eu_status=Status.PLANNED,
        japan_status=Status.IN_PROGRESS,
        status=Status.IN_PROGRESS,
    )


@pytest.mark.django_db
def test_the_secretariat_overriding_the_sides_without_a_reason_is_refused(client, tmp_path):
    overridable_item()
    sheet = "reference,status,latest_update\nAI-1,completed,Done.\n"
    path = write(tmp_path, sheet)

    with pytest.raises(
        CommandError, match="row 2, status: The EU and Japan sides give “In progress”"
    ):
        call_command("import_updates", path, "--as-secretariat", stdout=io.StringIO())

    client.force_login(factories.SuperuserFactory())
    response = client.post(IMPORT, {"file": csv_file(sheet)})

    errors = response.context["errors"]
    assert [(e.row, e.column) for e in errors] == [(2, "status")]
    assert "The EU and Japan sides give “In progress”" in errors[0].message
    assert "override_reason" in errors[0].message
    assert sides_and_status()["AI-1"] == ("planned", "in_progress", "in_progress")
    assert not ProgressUpdate.objects.exists()


@pytest.mark.django_db
def test_the_secretariat_overrides_the_sides_on_the_command_line_with_a_reason(tmp_path):
    item = overridable_item()
    path = write(
        tmp_path,
        "reference,status,override_reason\nAI-1,completed,Both laws in force; EU data lags.\n",
    )

    call_command("import_updates", path, "--as-secretariat", stdout=io.StringIO())

    item.refresh_from_db()
    assert (item.eu_status, item.japan_status, item.status, item.status_override_reason) == (
        Status.PLANNED,
        Status.IN_PROGRESS,
        Status.COMPLETED,
        "Both laws in force; EU data lags.",
    )
    update = ProgressUpdate.objects.get()
    assert (update.status, update.message) == (Status.COMPLETED, "Status changed to “Completed”.")


@pytest.mark.django_db
def test_a_superusers_override_keeps_its_reason_out_of_the_public_update(client):
    item = overridable_item()
    client.force_login(factories.SuperuserFactory())
    upload = csv_file(
        "reference,status,latest_update,override_reason\n"
        "AI-1,completed,Carried out.,Japan's report is late.\n"
    )

    preview = client.post(IMPORT, {"file": upload})
    [change] = preview.context["changes"]
    assert (change.side_changes, change.new_status) == ([], "Completed")
    client.post(IMPORT, {"token": preview.context["token"], "confirm": "1"})

    item.refresh_from_db()
    assert (item.status, item.status_override_reason) == (
        Status.COMPLETED,
        "Japan's report is late.",
    )
    update = ProgressUpdate.objects.get()
    assert (update.text, update.visibility) == ("Carried out.", Visibility.PUBLIC)
    assert "late" not in update.text


def long_text(sentence: str) -> str:
    """A text of 5,000 characters, as a pasted report would be."""
    return (sentence * (5000 // len(sentence) + 1))[:5000]


@pytest.mark.django_db
def test_the_preview_quotes_a_long_update_and_reason_cut_but_applies_them_whole(client):
    item = overridable_item()
    text = long_text("The sandbox opened to twelve firms. ")
    reason = long_text("Japan's report is late this round. ")
    client.force_login(factories.SuperuserFactory())
    upload = csv_file(
        f'reference,status,latest_update,override_reason\nAI-1,completed,"{text}","{reason}"\n'
    )

    preview = client.post(IMPORT, {"file": upload})

    content = preview.content.decode().replace("&#x27;", "'")
    for whole in (text, reason):
        assert f"{whole[:199]}…" in content
        assert whole[:201] not in content
    client.post(IMPORT, {"token": preview.context["token"], "confirm": "1"})
    item.refresh_from_db()
    assert item.status_override_reason == reason
    assert ProgressUpdate.objects.get().text == text


@pytest.mark.django_db
def test_a_refused_row_quotes_its_long_update_as_far_as_two_hundred_characters(official_client):
    text = long_text("Funding agreed with the ministry. ")
    upload = csv_file(f'reference,status,latest_update\nAI-3,not_assessed,"{text}"\n')

    response = official_client.post(IMPORT, {"file": upload})

    [error] = response.context["errors"]
    assert "your organisation does not own it" in error.message
    assert f"“{text[:199]}…”" in error.message
    assert text[:201] not in response.content.decode()
