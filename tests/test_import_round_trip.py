"""The spreadsheet round trip: an official or the secretariat downloads the report (CSV or XLSX,
English or Japanese headings, public or internal), edits a cell and uploads the whole file. Only
what was edited is recorded, once; what is not theirs is skipped unless they changed it."""

import csv
import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from recommendations.models import ProgressUpdate, Recommendation, Side, Status, Visibility
from recommendations.rules.choices import Response
from recommendations.services.archive import archive
from recommendations.services.statuses import record_update
from tests import factories
from tests.helpers import CHANGELIST, officials_today

IMPORT = reverse("admin:recommendations_recommendation_import_updates")


@pytest.fixture
def tracker(db):
    """Seven items of three owners, as the report has them: updates public and internal, a
    multi-line one, one the export guards against formulas, an archived item, and an overall
    status that disagrees with its sides (set before the sides were tracked)."""
    meti = factories.OwnerFactory(code="METI", side=Side.JAPAN)
    mic = factories.OwnerFactory(code="MIC", side=Side.JAPAN)
    connect = factories.OwnerFactory(code="CNECT", side=Side.EU)
    topic = factories.TopicFactory(code="AI")

    def item(number, lead, **fields):
        return factories.RecommendationFactory(
            topic=topic, number=str(number), lead_owner=lead, **fields
        )

    items = {
        "AI-1": item(1, meti, eu_status=Status.PLANNED, status=Status.PLANNED),
        "AI-2": item(2, meti),
        "AI-3": item(3, mic),
        "AI-4": item(4, connect, co_owners=[meti]),
        "AI-5": item(5, connect, eu_status=Status.COMPLETED, status=Status.IN_PROGRESS),
        "AI-6": item(6, meti),
        "AI-7": item(7, mic, status=Status.PLANNED),
    }
    factories.ProgressUpdateFactory(
        recommendation=items["AI-1"], text="Sandbox opened.", date="2024-05-01"
    )
    factories.ProgressUpdateFactory(
        recommendation=items["AI-1"],
        text="Budget talks with the Ministry of Finance.",
        date="2024-05-10",
        visibility=Visibility.INTERNAL,
    )
    factories.ProgressUpdateFactory(
        recommendation=items["AI-3"], text="-5% budget", date="2024-05-02"
    )
    factories.ProgressUpdateFactory(
        recommendation=items["AI-4"],
        text="Consultation launched.\n\nSecond phase in June.",
        date="2024-05-03",
    )
    archive(recommendations=[items["AI-6"]], author=None)
    return items


@pytest.fixture
def meti_official(tracker):
    return factories.OfficialFactory(owner=tracker["AI-1"].lead_owner).user


def download(client, path, data=None):
    response = client.post(path, data) if data else client.get(path)
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def download_admin_export(client, action):
    """The changelist's export action over every item, archived ones included."""
    pks = [str(pk) for pk in Recommendation.objects.values_list("pk", flat=True)]
    return download(client, CHANGELIST, {"action": action, "_selected_action": pks})


def edit_csv(content, reference, column, value):
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    header = rows[0]
    reference_at = header.index("reference")
    for row in rows[1:]:
        if row[reference_at] == reference:
            row[header.index(column)] = value
    edited = io.StringIO()
    csv.writer(edited).writerows(rows)
    return ("\ufeff" + edited.getvalue()).encode()


def edit_xlsx(content, reference, heading, value):
    """Edit one cell of the sheet whose header has `heading`, as a spreadsheet would."""
    book = load_workbook(io.BytesIO(content))
    sheet = next(sheet for sheet in book.worksheets if heading in [c.value for c in sheet[1]])
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == reference:
            row[header.index(heading)].value = value
    edited = io.BytesIO()
    book.save(edited)
    return edited.getvalue()


def preview(client, content, name):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, content)})


def upload_and_confirm(client, content, name):
    """Preview, then confirm what the preview offers; returns the preview and the messages."""
    shown = preview(client, content, name)
    assert "errors" not in shown.context, [str(e) for e in shown.context["errors"]]
    confirmed = client.post(IMPORT, {"token": shown.context["token"], "confirm": "1"}, follow=True)
    return shown, [str(message) for message in confirmed.context["messages"]]


def recorded():
    """Everything an import could leave behind: progress updates and history entries."""
    return (
        ProgressUpdate.objects.count(),
        Recommendation.history.count(),
        ProgressUpdate.history.count(),
    )


def sides(reference):
    item = Recommendation.objects.get(reference=reference)
    return (item.eu_status, item.japan_status, item.status)


METI_SKIPS = ["AI-3", "AI-5", "AI-7"]


def assert_one_japan_side_change_recorded(before, official):
    updates, history, update_history = recorded()
    assert (updates, history, update_history) == (before[0] + 1, before[1] + 1, before[2] + 1)
    assert sides("AI-2") == (Status.NOT_ASSESSED, Status.IN_PROGRESS, Status.IN_PROGRESS)
    update = ProgressUpdate.objects.get(recommendation__reference="AI-2")
    assert (update.message, update.author, update.date) == (
        "Japan side: “In progress”. Overall status now “In progress”.",
        official,
        officials_today(official),
    )
    # The other rows' statuses, including the one that disagrees with its sides, stay put.
    assert sides("AI-7") == (Status.NOT_ASSESSED, Status.NOT_ASSESSED, Status.PLANNED)
    assert ProgressUpdate.objects.filter(text="Sandbox opened.").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", [reverse("recommendations:report_csv"), reverse("recommendations:export_csv")]
)
def test_an_officials_whole_report_csv_goes_in_with_its_one_change_recorded_once(
    client, meti_official, path
):
    client.force_login(meti_official)
    content = edit_csv(download(client, path), "AI-2", "japan_status", "in_progress")
    before = recorded()

    shown, messages = upload_and_confirm(client, content, "council-report.csv")

    plan = shown.context["plan"]
    assert [change.reference for change in plan.changes] == ["AI-2"]
    assert [row.reference for row in plan.unchanged] == ["AI-1", "AI-4"]
    assert [row.reference for row in plan.skipped] == METI_SKIPS
    assert_one_japan_side_change_recorded(before, meti_official)
    assert messages == [
        "Applied 1 change: AI-2 (Japan side: Not yet assessed → In progress, overall status: "
        "Not yet assessed → In progress). 2 rows unchanged; "
        "3 rows skipped (items you may not change)."
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ja"])
def test_an_officials_whole_report_xlsx_in_either_language_goes_in_with_one_change(
    client, meti_official, language
):
    client.force_login(meti_official)
    exported = download(client, "/ja/report.xlsx" if language == "ja" else "/report.xlsx")
    with translation.override(language):
        heading, label = gettext("Japan side"), str(Status.IN_PROGRESS.label)
    assert (heading, label) == (("日本側", "実施中") if language == "ja" else ("Japan side", label))
    content = edit_xlsx(exported, "AI-2", heading, label)
    before = recorded()

    shown, _messages = upload_and_confirm(client, content, "council-report.xlsx")

    assert [change.reference for change in shown.context["changes"]] == ["AI-2"]
    assert len(shown.context["plan"].unchanged) == 2
    assert_one_japan_side_change_recorded(before, meti_official)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("download_file", "name"),
    [
        (lambda client: download(client, "/report.csv"), "report.csv"),
        (lambda client: download(client, "/report.xlsx"), "report.xlsx"),
        (lambda client: download(client, "/ja/report.xlsx"), "report.xlsx"),
        (lambda client: download(client, "/report.csv?internal=1"), "report-internal.csv"),
        (lambda client: download(client, "/report.xlsx?internal=1"), "report-internal.xlsx"),
        (lambda client: download_admin_export(client, "export_selected_csv"), "selected.csv"),
        (lambda client: download_admin_export(client, "export_selected_xlsx"), "selected.xlsx"),
    ],
    ids=[
        "report csv",
        "report xlsx",
        "japanese report xlsx",
        "internal report csv",
        "internal report xlsx",
        "admin export csv",
        "admin export xlsx",
    ],
)
@pytest.mark.parametrize("role", ["official", "secretariat"])
def test_a_downloaded_file_uploaded_unchanged_records_nothing(
    client, meti_official, download_file, name, role
):
    client.force_login(meti_official if role == "official" else factories.SuperuserFactory())
    content = download_file(client)
    before = recorded()

    shown = preview(client, content, name)

    plan = shown.context["plan"]
    assert plan.changes == [] and "token" not in shown.context
    skipped = {row.reference for row in plan.skipped}
    if role == "official":
        # The archived item is only in the admin's export; it is skipped like the others'.
        assert skipped - {"AI-6"} == set(METI_SKIPS)
    else:
        assert skipped <= {"AI-6"}
    assert "Nothing to apply" in shown.content.decode()
    assert recorded() == before


@pytest.mark.django_db
def test_the_same_file_uploaded_twice_changes_nothing_the_second_time(client, meti_official):
    client.force_login(meti_official)
    content = edit_csv(download(client, "/report.csv"), "AI-2", "japan_status", "in_progress")
    upload_and_confirm(client, content, "council-report.csv")
    after_first = recorded()

    again = preview(client, content, "council-report.csv")

    assert again.context["changes"] == []
    assert [row.reference for row in again.context["plan"].unchanged] == ["AI-1", "AI-2", "AI-4"]
    assert recorded() == after_first


@pytest.mark.django_db
def test_a_changed_row_of_an_item_not_theirs_rejects_the_file_by_row_and_column(
    client, meti_official
):
    client.force_login(meti_official)
    content = edit_csv(download(client, "/report.csv"), "AI-2", "japan_status", "in_progress")
    content = edit_csv(content, "AI-3", "japan_status", "completed")
    before = recorded()

    shown = preview(client, content, "council-report.csv")

    # AI-3 is the third item of the report: row 4, the header being row 1.
    [error] = shown.context["errors"]
    assert (error.row, error.column) == (4, "japan_status")
    assert error.message == (
        "You may not change AI-3: your organisation does not own it. This row would change "
        "japan_status from “Not yet assessed” to “Completed”."
    )
    assert "token" not in shown.context
    assert recorded() == before
    assert sides("AI-2") == (Status.NOT_ASSESSED,) * 3


@pytest.mark.django_db
def test_a_refused_cell_of_the_japanese_xlsx_is_named_by_its_japanese_heading(
    client, meti_official
):
    client.force_login(meti_official)
    content = edit_xlsx(download(client, "/ja/report.xlsx"), "AI-3", "日本側", "完了")

    shown = preview(client, content, "council-report.xlsx")

    [error] = shown.context["errors"]
    assert (error.row, error.column) == (4, "日本側")
    assert "This row would change 日本側 from “Not yet assessed” to “Completed”." in error.message


@pytest.mark.django_db
def test_a_new_latest_update_text_records_one_update_and_no_status_history(client, meti_official):
    client.force_login(meti_official)
    content = edit_csv(
        download(client, "/report.csv"), "AI-1", "latest_update", "Sandbox extended to 2025."
    )
    updates, history, _ = recorded()
    version = Recommendation.objects.get(reference="AI-1").version

    shown, messages = upload_and_confirm(client, content, "council-report.csv")

    [change] = shown.context["changes"]
    assert (change.side_changes, change.status_moves, change.text) == (
        [],
        False,
        "Sandbox extended to 2025.",
    )
    update = ProgressUpdate.objects.order_by("-pk").first()
    assert (update.text, update.visibility, update.author, update.status) == (
        "Sandbox extended to 2025.",
        Visibility.PUBLIC,
        meti_official,
        "",
    )
    assert recorded()[:2] == (updates + 1, history)
    assert Recommendation.objects.get(reference="AI-1").version == version
    assert messages[0].startswith("Applied 1 change: AI-1 (new public progress update).")


@pytest.mark.django_db
def test_a_date_edited_on_a_row_that_records_nothing_is_refused_with_what_it_was(
    client, meti_official
):
    client.force_login(meti_official)
    content = edit_csv(download(client, "/report.csv"), "AI-1", "latest_update_date", "2024-05-09")

    shown = preview(client, content, "council-report.csv")

    [error] = shown.context["errors"]
    assert (error.row, error.column) == (2, "latest_update_date")
    assert "Leave it as it was (2024-05-01)." in error.message


@pytest.mark.django_db
def test_the_secretariats_whole_report_skips_nothing_and_records_its_edit_once(client, tracker):
    client.force_login(factories.SuperuserFactory())
    content = edit_csv(download(client, "/report.csv"), "AI-5", "japan_status", "completed")
    updates, history, _ = recorded()

    shown, _messages = upload_and_confirm(client, content, "council-report.csv")

    plan = shown.context["plan"]
    assert ([c.reference for c in plan.changes], len(plan.unchanged), plan.skipped) == (
        ["AI-5"],
        5,
        [],
    )
    assert sides("AI-5") == (Status.COMPLETED,) * 3
    assert recorded()[:2] == (updates + 1, history + 1)
    # Its overall status, "In progress" when downloaded, is what the item had: it says nothing.
    assert preview(client, content, "council-report.csv").context["changes"] == []


@pytest.mark.django_db
def test_an_update_recorded_on_a_row_after_the_preview_rejects_the_confirmation(
    client, meti_official, tracker
):
    client.force_login(meti_official)
    content = edit_csv(download(client, "/report.csv"), "AI-2", "japan_status", "in_progress")
    shown = preview(client, content, "council-report.csv")
    # AI-1's row was unchanged in the preview; with a newer public update its latest_update
    # now differs, and confirming would post the old text again.
    record_update(
        update=ProgressUpdate(recommendation=tracker["AI-1"], text="Sandbox closed."), author=None
    )
    before = recorded()

    refused = client.post(IMPORT, {"token": shown.context["token"], "confirm": "1"})

    assert [(e.row, e.column) for e in refused.context["errors"]] == [(2, "reference")]
    assert "AI-1 was changed by someone else after the preview" in refused.content.decode()
    assert recorded() == before


@pytest.mark.django_db
def test_the_preview_leads_with_the_changes_and_folds_away_the_rows_left_alone(
    client, meti_official
):
    client.force_login(meti_official)
    content = edit_csv(download(client, "/report.csv"), "AI-2", "japan_status", "in_progress")

    page = preview(client, content, "council-report.csv").content.decode()

    changes_at = page.index('id="import-changes"')
    left_alone_at = page.index('<details id="import-left-alone">')
    assert changes_at < left_alone_at < page.index('id="import-confirm"')
    assert "<caption>1 change to apply</caption>" in page
    assert "<mark>Japan side: Not yet assessed → In progress</mark>" in page
    assert "<mark>→ In progress</mark>" in page
    assert "<summary>2 rows unchanged; 3 rows skipped (items you may not change).</summary>" in page
    changes_table = page[changes_at:left_alone_at]
    assert re.findall(r'<th scope="row"[^>]*><a href="[^"]+">([^<]+)</a></th>', changes_table) == [
        "AI-2"
    ]
    assert 'value="Apply this change"' in page


@pytest.mark.django_db
def test_the_upload_form_is_laid_out_as_the_admins_own_forms(client, meti_official):
    client.force_login(meti_official)

    page = client.get(IMPORT).content.decode()
    no_file = client.post(IMPORT, {}).content.decode()

    assert '<fieldset class="module aligned ">' in page
    assert '<div class="form-row field-file">' in page
    assert '<div class="submit-row">' in page
    assert '<p class="errornote">' in no_file
    assert '<ul class="errorlist" id="id_file_error">' in no_file


def write(tmp_path, content, name):
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


@pytest.mark.django_db
def test_the_command_reports_changes_unchanged_skipped_and_refused(client, meti_official, tmp_path):
    client.force_login(meti_official)
    exported = download(client, "/report.csv")
    path = write(tmp_path, edit_csv(exported, "AI-2", "japan_status", "in_progress"), "r.csv")
    out = io.StringIO()

    call_command("import_updates", path, "--as", meti_official.username, stdout=out)
    call_command("import_updates", path, "--as", meti_official.username, stdout=out)

    today = timezone.localdate().isoformat()
    assert out.getvalue().splitlines() == [
        f"row 3: AI-2: Japan side: Not yet assessed → In progress; Not yet assessed → "
        f"In progress ({today}, public): —",
        "1 change, 2 unchanged, 3 skipped (items you may not change), 0 refused.",
        "Applied 1 status update.",
        "0 changes, 3 unchanged, 3 skipped (items you may not change), 0 refused.",
        "Applied 0 status updates.",
    ]
    assert ProgressUpdate.objects.filter(recommendation__reference="AI-2").count() == 1

    refused = write(tmp_path, edit_csv(exported, "AI-3", "japan_status", "completed"), "x.csv")
    with pytest.raises(CommandError) as rejected:
        call_command("import_updates", refused, "--as", meti_official.username)
    assert str(rejected.value).splitlines() == [
        "x.csv was rejected; nothing was written. 1 row refused. Fix these and run again:",
        "  row 4, japan_status: You may not change AI-3: your organisation does not own it. "
        "This row would change japan_status from “Not yet assessed” to “Completed”.",
    ]


# Each side's formal response and stalled reason ---------------------------------------------


@pytest.mark.django_db
def test_the_csv_has_the_response_columns_after_the_existing_ones(client, tracker):
    rows = list(
        csv.reader(io.StringIO(download(client, reverse("recommendations:report_csv")).decode()))
    )

    header = rows[0]
    assert header.index("translation_status") < header.index("eu_response")
    assert header[header.index("translation_status") + 1 :][:4] == [
        "eu_response",
        "japan_response",
        "eu_response_rationale",
        "japan_response_rationale",
    ]
    first = dict(zip(header, rows[1], strict=True))
    assert (first["eu_response"], first["japan_response"]) == ("no_response", "no_response")


@pytest.mark.django_db
def test_an_officials_response_goes_in_through_the_csv_once(client, meti_official):
    client.force_login(meti_official)
    content = edit_csv(
        download(client, reverse("recommendations:report_csv")),
        "AI-2",
        "japan_response",
        "not_accepted",
    )
    content = edit_csv(content, "AI-2", "japan_response_rationale", "Covered by the APPI.")
    history = Recommendation.history.count()

    shown, messages = upload_and_confirm(client, content, "council-report.csv")
    again = preview(client, content, "council-report.csv")

    item = Recommendation.objects.get(reference="AI-2")
    assert (item.japan_response, item.japan_response_rationale) == (
        "not_accepted",
        "Covered by the APPI.",
    )
    assert item.japan_response_date == officials_today(meti_official)
    assert item.japan_status == Status.NOT_ASSESSED
    assert Recommendation.history.count() == history + 1
    assert "Japan response: Not accepted" in messages[0]
    assert again.context["plan"].changes == []


@pytest.mark.django_db
def test_a_not_accepted_without_its_rationale_is_refused_by_row_and_column(client, meti_official):
    client.force_login(meti_official)
    content = edit_csv(
        download(client, reverse("recommendations:report_csv")), "AI-2", "japan_response", "noted"
    )

    shown = preview(client, content, "council-report.csv")

    errors = [str(error) for error in shown.context["errors"]]
    assert len(errors) == 1
    assert errors[0].startswith("row 3, japan_response_rationale:")
    assert Recommendation.objects.get(reference="AI-2").japan_response == "no_response"


@pytest.mark.django_db
def test_an_unknown_response_code_is_refused_naming_row_and_column_and_nothing_is_written(
    client, meti_official
):
    client.force_login(meti_official)
    content = edit_csv(
        download(client, reverse("recommendations:report_csv")), "AI-2", "japan_response", "maybe"
    )
    content = edit_csv(content, "AI-1", "japan_status", "completed")
    before = recorded()

    shown = preview(client, content, "council-report.csv")

    errors = [str(error) for error in shown.context["errors"]]
    assert errors == [
        "row 3, japan_response: “maybe” is not one of: no_response, accepted, "
        "accepted_in_principle, under_consideration, noted, not_accepted."
    ]
    assert recorded() == before


@pytest.mark.django_db
def test_an_official_may_not_set_the_other_sides_response_through_the_import(client, meti_official):
    client.force_login(meti_official)
    content = edit_csv(
        download(client, reverse("recommendations:report_csv")), "AI-2", "eu_response", "accepted"
    )

    shown = preview(client, content, "council-report.csv")

    errors = [str(error) for error in shown.context["errors"]]
    assert errors and errors[0].startswith("row 3, eu_response: You may set only the Japan side")


@pytest.mark.django_db
def test_a_side_stalled_through_the_import_needs_its_reason(client, meti_official):
    client.force_login(meti_official)
    exported = download(client, reverse("recommendations:report_csv"))
    stalled = edit_csv(exported, "AI-2", "japan_status", "stalled")

    refused = preview(client, stalled, "council-report.csv")
    shown, _messages = upload_and_confirm(
        client, edit_csv(stalled, "AI-2", "japan_stalled_reason", "budget"), "council-report.csv"
    )

    assert [str(e) for e in refused.context["errors"]][0].startswith(
        "row 3, japan_stalled_reason: Say why the Japan side is stalled"
    )
    item = Recommendation.objects.get(reference="AI-2")
    assert (item.japan_status, item.japan_stalled_reason) == ("stalled", "budget")


@pytest.mark.django_db
def test_the_japanese_xlsx_response_label_goes_in(client, meti_official):
    client.force_login(meti_official)
    exported = download(client, "/ja/report.xlsx")
    with translation.override("ja"):
        heading, label = gettext("Japan response"), str(Response.UNDER_CONSIDERATION.label)

    upload_and_confirm(client, edit_xlsx(exported, "AI-2", heading, label), "report.xlsx")

    assert Recommendation.objects.get(reference="AI-2").japan_response == "under_consideration"


# Each response's date and the step that would unblock a stalled side ------------------------


@pytest.fixture
def answered(tracker):
    """AI-2 answered by Japan on a day, stalled, with a public and an internal step of its own,
    the public one named as what would unblock it."""
    item = tracker["AI-2"]
    Recommendation.objects.filter(pk=item.pk).update(
        created_at=datetime.datetime(2024, 4, 17, 10, tzinfo=datetime.UTC)
    )
    step = factories.NextStepFactory(recommendation=item, side=Side.JAPAN, text="Budget bill")
    factories.NextStepFactory(
        recommendation=item, side=Side.JAPAN, text="Cabinet talks", visibility=Visibility.INTERNAL
    )
    Recommendation.objects.filter(pk=item.pk).update(
        japan_status=Status.STALLED,
        japan_stalled_reason="budget",
        japan_stalled_step=step,
        japan_response=Response.ACCEPTED,
        japan_response_date="2025-03-02",
        eu_response=Response.NOTED,
        eu_response_rationale="Kept under review.",
        eu_response_date="2025-02-01",
    )
    return step


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/report.csv", "report.csv"),
        ("/ja/report.csv", "report.csv"),
        ("/report.xlsx", "report.xlsx"),
        ("/ja/report.xlsx", "report.xlsx"),
        ("/report.csv?internal=1", "report-internal.csv"),
        ("/report.xlsx?internal=1", "report-internal.xlsx"),
    ],
)
@pytest.mark.parametrize("role", ["official", "secretariat"])
def test_a_file_with_response_dates_and_an_unblocking_step_uploaded_unchanged_records_nothing(
    client, meti_official, answered, path, name, role
):
    client.force_login(meti_official if role == "official" else factories.SuperuserFactory())
    content = download(client, path)
    before = recorded()

    shown = preview(client, content, name)

    assert "errors" not in shown.context, [str(e) for e in shown.context["errors"]]
    assert shown.context["plan"].changes == []
    assert recorded() == before


@pytest.mark.django_db
def test_an_officials_new_date_and_unblocking_step_go_in_once_through_the_csv(
    client, meti_official, answered
):
    client.force_login(meti_official)
    exported = download(client, "/report.csv?internal=1")
    content = edit_csv(exported, "AI-2", "japan_response_date", "2025/03/05")
    content = edit_csv(content, "AI-2", "japan_stalled_step", "Cabinet talks")
    history = Recommendation.history.count()

    shown, messages = upload_and_confirm(client, content, "report-internal.csv")
    again = preview(client, content, "report-internal.csv")

    item = Recommendation.objects.get(reference="AI-2")
    assert item.japan_response_date.isoformat() == "2025-03-05"
    assert item.japan_stalled_step.text == "Cabinet talks"
    assert Recommendation.history.count() == history + 1
    assert messages[0].startswith(
        "Applied 1 change: AI-2 (Japan response dated 2025-03-05, "
        "Japan side unblocked by: Cabinet talks)."
    )
    assert again.context["plan"].changes == []
