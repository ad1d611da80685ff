"""Each response's date and the step that would unblock a stalled side, through the spreadsheet:
the exports carry them (CSV `eu_response_date`, `eu_stalled_step`, the same for `japan_`; XLSX
"EU response date", "EU side unblocked by", in English or Japanese) and the import reads them
back. A date is the day the side answered: none with "no response yet", none still to come in
the uploader's time zone, none before the recommendation. A step is named by its text: one of the
side's own steps on the item or the one the same row adds, and only for a stalled side. Officials
set their own side only, and a cell left as it was exported records nothing."""

import csv
import datetime
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from recommendations import imports
from recommendations.imports.reading import ImportRejected
from recommendations.models import NextStep, Recommendation
from recommendations.reporting.csv_export import CSV_COLUMNS, INTERNAL_CSV_COLUMNS, write_csv
from recommendations.reporting.options import ReportOptions
from recommendations.reporting.query import report_rows
from recommendations.reporting.xlsx_export import write_xlsx
from recommendations.rules.choices import Response, Side, StalledReason, Status, Visibility
from tests import factories
from tests.helpers import as_csv, officials_today

MADE = datetime.date(2024, 4, 17)
ANSWERED = datetime.date(2025, 3, 2)
IMPORT = reverse("admin:recommendations_recommendation_import_updates")


def made_on(day: datetime.date, **fields) -> Recommendation:
    """An item made on `day`: the earliest a response to it may be dated."""
    item = factories.RecommendationFactory(**fields)
    Recommendation.objects.filter(pk=item.pk).update(
        created_at=datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC)
    )
    item.refresh_from_db()
    return item


def official_of(side: str, code: str):
    return factories.OfficialFactory(owner=factories.OwnerFactory(code=code, side=side))


def stalled_japan_item(**fields) -> Recommendation:
    return made_on(
        MADE,
        japan_status=Status.STALLED,
        japan_stalled_reason=StalledReason.BUDGET,
        **fields,
    )


def exported(*, internal: bool = False, language: str = "en") -> list[dict]:
    target = io.StringIO()
    with translation.override(language):
        options = ReportOptions(as_of=timezone.localdate(), internal=internal)
        write_csv(report_rows(options), target, internal=internal)
    return list(csv.DictReader(io.StringIO(target.getvalue().lstrip("\ufeff"))))


def upload(rows, user=None):
    return imports.apply(filename="answers.csv", content=as_csv(rows), user=user, author=user)


def refused(rows, user=None) -> list[str]:
    before = Recommendation.history.count()
    with pytest.raises(ImportRejected) as rejected:
        upload(rows, user)
    assert Recommendation.history.count() == before
    return [str(error) for error in rejected.value.errors]


def xlsx(language: str) -> bytes:
    target = io.BytesIO()
    with translation.override(language):
        write_xlsx(ReportOptions(as_of=timezone.localdate()), target)
    return target.getvalue()


def edit_xlsx(content: bytes, reference: str, cells: dict[str, object]) -> bytes:
    """Edit cells of the item's row on the recommendations sheet, by heading."""
    book = load_workbook(io.BytesIO(content))
    sheet = book.worksheets[1]
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == reference:
            for heading, value in cells.items():
                row[header.index(heading)].value = value
    edited = io.BytesIO()
    book.save(edited)
    return edited.getvalue()


def headings(language: str, *names: str) -> list[str]:
    with translation.override(language):
        return [gettext(name) for name in names]


# The exports ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_exports_carry_the_unblocking_step_beside_the_stalled_reasons():
    item = stalled_japan_item()
    step = factories.NextStepFactory(recommendation=item, side=Side.JAPAN, text="Budget bill")
    Recommendation.objects.filter(pk=item.pk).update(japan_stalled_step=step)

    (row,) = exported()
    book = load_workbook(io.BytesIO(xlsx("ja")))
    header = [cell.value for cell in book.worksheets[1][1]]
    values = dict(zip(header, [cell.value for cell in book.worksheets[1][2]], strict=True))

    at = CSV_COLUMNS.index("japan_stalled_detail")
    assert CSV_COLUMNS[at + 1 : at + 3] == ["eu_stalled_step", "japan_stalled_step"]
    assert (row["eu_stalled_step"], row["japan_stalled_step"]) == ("", "Budget bill")
    assert headings("ja", "EU side unblocked by", "Japan side unblocked by") == [
        "EU側の停滞を解消するステップ",
        "日本側の停滞を解消するステップ",
    ]
    assert values["日本側の停滞を解消するステップ"] == "Budget bill"
    assert values["EU側の停滞を解消するステップ"] is None


@pytest.mark.django_db
def test_an_internal_unblocking_step_is_named_only_in_the_internal_files():
    item = stalled_japan_item()
    step = factories.NextStepFactory(
        recommendation=item, side=Side.JAPAN, text="Cabinet talks", visibility=Visibility.INTERNAL
    )
    Recommendation.objects.filter(pk=item.pk).update(japan_stalled_step=step)

    (public,) = exported()
    (internal,) = exported(internal=True)

    assert "japan_stalled_step" in INTERNAL_CSV_COLUMNS
    assert public["japan_stalled_step"] == ""
    assert internal["japan_stalled_step"] == "Cabinet talks"
    # The public file's empty cell did not show the step: uploaded back, it leaves it be.
    assert upload([public]).changes == []
    item.refresh_from_db()
    assert item.japan_stalled_step == step


# The response's date ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("written", ["2025-03-02", "2025/03/02", "2025/3/2"])
def test_a_response_goes_in_with_the_date_its_cell_gives(written):
    official = official_of(Side.EU, "CNECT")
    item = made_on(MADE, lead_owner=official.owner)
    rows = exported()
    rows[0] |= {"eu_response": "accepted", "eu_response_date": written}
    history = Recommendation.history.count()

    plan = upload(rows, official.user)

    item.refresh_from_db()
    assert (item.eu_response, item.eu_response_date) == (Response.ACCEPTED, ANSWERED)
    assert Recommendation.history.count() == history + 1
    assert "EU response dated 2025-03-02" in plan.changes[0].description


@pytest.mark.django_db
def test_a_response_that_changes_with_its_date_cell_empty_is_dated_today():
    item = made_on(MADE)
    rows = exported()
    rows[0] |= {"eu_response": "under_consideration"}

    upload(rows)

    item.refresh_from_db()
    assert item.eu_response_date == timezone.localdate()


@pytest.mark.django_db
def test_a_response_that_changes_keeps_the_date_its_cell_still_shows():
    item = made_on(MADE, eu_response=Response.UNDER_CONSIDERATION, eu_response_date=ANSWERED)
    rows = exported()
    rows[0] |= {"eu_response": "accepted"}

    upload(rows)
    second = upload(rows)

    item.refresh_from_db()
    assert (item.eu_response, item.eu_response_date) == (Response.ACCEPTED, ANSWERED)
    assert second.changes == []


@pytest.mark.django_db
def test_a_response_date_alone_corrects_the_date_in_one_history_row():
    item = made_on(MADE, japan_response=Response.ACCEPTED, japan_response_date=ANSWERED)
    rows = exported()
    rows[0] |= {"japan_response_date": "2025-03-05"}
    history = Recommendation.history.count()

    plan = upload(rows)

    item.refresh_from_db()
    assert (item.japan_response, item.japan_response_date) == (
        "accepted",
        datetime.date(2025, 3, 5),
    )
    assert Recommendation.history.count() == history + 1
    assert plan.changes[0].description == f"{item.reference} (Japan response dated 2025-03-05)"


@pytest.mark.django_db
def test_an_exported_response_date_uploaded_back_records_nothing():
    made_on(
        MADE, eu_response=Response.NOTED, eu_response_rationale="Kept.", eu_response_date=ANSWERED
    )
    history = Recommendation.history.count()

    plan = upload(exported())

    assert plan.changes == []
    assert Recommendation.history.count() == history


@pytest.mark.django_db
def test_a_response_date_with_no_response_yet_is_refused_naming_the_column():
    made_on(MADE)
    rows = exported()
    rows[0] |= {"eu_response_date": "2025-03-02"}

    assert refused(rows) == [
        "row 2, eu_response_date: eu_response is “No response yet”, which has no date: empty "
        "eu_response_date or choose a response."
    ]


@pytest.mark.django_db
def test_a_response_taken_back_to_no_response_yet_needs_its_date_emptied():
    item = made_on(MADE, eu_response=Response.ACCEPTED, eu_response_date=ANSWERED)
    rows = exported()
    rows[0] |= {"eu_response": "no_response"}

    assert "eu_response_date: eu_response is “No response yet”" in refused(rows)[0]
    rows[0] |= {"eu_response_date": ""}
    upload(rows)
    item.refresh_from_db()
    assert (item.eu_response, item.eu_response_date) == (Response.NO_RESPONSE, None)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "message"),
    [
        (
            lambda: timezone.localdate() + datetime.timedelta(days=1),
            "{day} is in the future; record a response once it is given.",
        ),
        (
            lambda: MADE - datetime.timedelta(days=1),
            "{day} is before the recommendation's date (2024-04-17).",
        ),
    ],
    ids=["future", "before the recommendation"],
)
def test_a_response_date_in_the_future_or_before_the_recommendation_is_refused(day, message):
    made_on(MADE)
    rows = exported()
    rows[0] |= {"japan_response": "accepted", "japan_response_date": day().isoformat()}

    assert refused(rows) == [f"row 2, japan_response_date: {message.format(day=day())}"]


@pytest.mark.django_db
def test_an_unreadable_response_date_is_refused_in_its_column():
    made_on(MADE)
    rows = exported()
    rows[0] |= {"japan_response": "accepted", "japan_response_date": "2 March"}

    assert refused(rows) == [
        "row 2, japan_response_date: “2 March” is not a date; write it as YYYY-MM-DD."
    ]


@pytest.mark.django_db
def test_an_official_may_not_set_the_other_sides_response_date():
    official = official_of(Side.EU, "CNECT")
    made_on(MADE, lead_owner=official.owner, japan_response=Response.ACCEPTED)
    rows = exported()
    rows[0] |= {"japan_response_date": "2025-03-02"}

    (error,) = refused(rows, official.user)

    assert error.startswith("row 2, japan_response_date: You may set only the EU side")


@pytest.mark.django_db
@time_machine.travel(datetime.datetime(2026, 6, 10, 16, 0, tzinfo=datetime.UTC), tick=False)
def test_a_future_response_date_is_judged_on_the_uploaders_own_day(client):
    # 16:00 UTC: the 11th in Tokyo, still the 10th in Brussels.
    tokyo, brussels = official_of(Side.JAPAN, "METI"), official_of(Side.EU, "CNECT")
    item = made_on(MADE, lead_owner=tokyo.owner, co_owners=[brussels.owner])
    rows = exported()
    rows[0] |= {"japan_response": "accepted", "japan_response_date": "2026-06-11"}
    rows[0] |= {"eu_response": "accepted", "eu_response_date": "2026-06-11"}
    tokyo_rows = [rows[0] | {"eu_response": "no_response", "eu_response_date": ""}]
    brussels_rows = [rows[0] | {"japan_response": "no_response", "japan_response_date": ""}]

    client.force_login(brussels.user)
    refusal = client.post(IMPORT, {"file": SimpleUploadedFile("a.csv", as_csv(brussels_rows))})
    client.force_login(tokyo.user)
    shown = client.post(IMPORT, {"file": SimpleUploadedFile("a.csv", as_csv(tokyo_rows))})
    client.post(IMPORT, {"token": shown.context["token"], "confirm": "1"})

    assert [str(error) for error in refusal.context["errors"]] == [
        "row 2, eu_response_date: 2026-06-11 is in the future; record a response once it is given."
    ]
    item.refresh_from_db()
    assert item.japan_response_date == officials_today(tokyo.user) == datetime.date(2026, 6, 11)


# The step that would unblock a stalled side -----------------------------------------------


@pytest.mark.django_db
def test_the_unblocking_step_goes_in_by_its_text_in_one_history_row():
    item = stalled_japan_item()
    factories.NextStepFactory(recommendation=item, side=Side.JAPAN, text="Guidelines")
    step = factories.NextStepFactory(recommendation=item, side=Side.JAPAN, text="Budget bill")
    rows = exported()
    rows[0] |= {"japan_stalled_step": "  budget   BILL "}
    history = Recommendation.history.count()

    plan = upload(rows)
    again = upload(rows)

    item.refresh_from_db()
    assert item.japan_stalled_step == step
    assert Recommendation.history.count() == history + 1
    assert plan.changes[0].answer_changes == ["Japan side unblocked by: Budget bill"]
    assert again.changes == []


@pytest.mark.django_db
def test_the_unblocking_step_may_be_the_one_the_same_row_adds():
    official = official_of(Side.JAPAN, "METI")
    item = made_on(MADE, lead_owner=official.owner)
    rows = exported()
    rows[0] |= {
        "japan_status": "stalled",
        "japan_stalled_reason": "legislation",
        "japan_next_step": "Draft bill",
        "japan_next_step_target": "2027-06-30",
        "japan_stalled_step": "Draft bill",
    }

    upload(rows, official.user)
    again = upload(exported(), official.user)

    item.refresh_from_db()
    step = NextStep.objects.get(recommendation=item)
    assert (item.japan_status, item.japan_stalled_step) == (Status.STALLED, step)
    assert (step.text, step.side) == ("Draft bill", Side.JAPAN)
    assert again.changes == []


@pytest.mark.django_db
def test_a_text_that_names_none_of_the_sides_steps_is_refused_with_the_steps_allowed():
    item = stalled_japan_item()
    factories.NextStepFactory(recommendation=item, side=Side.JAPAN, text="Guidelines")
    factories.NextStepFactory(
        recommendation=item,
        side=Side.JAPAN,
        text="Budget bill",
        target_date=datetime.date(2027, 9, 1),
    )
    # The other side's step does not unblock this one.
    factories.NextStepFactory(recommendation=item, side=Side.EU, text="Joint call")
    rows = exported()
    rows[0] |= {"japan_stalled_step": "Joint call"}

    assert refused(rows) == [
        "row 2, japan_stalled_step: “Joint call” is not one of the Japan side's next steps on "
        "this recommendation; use one of: “Guidelines”, “Budget bill”."
    ]


@pytest.mark.django_db
def test_a_step_named_for_a_side_with_no_steps_is_refused_saying_to_add_one():
    stalled_japan_item()
    rows = exported()
    rows[0] |= {"japan_stalled_step": "Budget bill"}

    (error,) = refused(rows)

    assert error.startswith("row 2, japan_stalled_step: “Budget bill” is not a next step")
    assert "Add it as the Japan side's next step first" in error


@pytest.mark.django_db
def test_an_empty_cell_clears_the_unblocking_step():
    item = stalled_japan_item()
    step = factories.NextStepFactory(recommendation=item, side=Side.JAPAN, text="Budget bill")
    Recommendation.objects.filter(pk=item.pk).update(japan_stalled_step=step)
    rows = exported()
    rows[0] |= {"japan_stalled_step": ""}

    plan = upload(rows)

    item.refresh_from_db()
    assert (item.japan_stalled_step, item.japan_stalled_reason) == (None, StalledReason.BUDGET)
    assert plan.changes[0].answer_changes == ["Japan side: no step named to unblock it"]


@pytest.mark.django_db
def test_a_side_that_is_not_stalled_may_not_name_a_step_to_unblock_it():
    item = made_on(MADE)
    factories.NextStepFactory(recommendation=item, side=Side.EU, text="Joint call")
    rows = exported()
    rows[0] |= {"eu_stalled_step": "Joint call"}

    assert refused(rows) == [
        "row 2, eu_stalled_step: Only a stalled side is unblocked by a step: the EU side is not "
        "stalled. Leave this empty."
    ]


@pytest.mark.django_db
def test_an_official_may_not_name_the_other_sides_unblocking_step():
    official = official_of(Side.EU, "CNECT")
    item = stalled_japan_item(lead_owner=official.owner)
    factories.NextStepFactory(recommendation=item, side=Side.JAPAN, text="Budget bill")
    rows = exported()
    rows[0] |= {"japan_stalled_step": "Budget bill"}

    (error,) = refused(rows, official.user)

    assert error.startswith("row 2, japan_stalled_step: You may set only the EU side")


@pytest.mark.django_db
def test_the_preview_says_what_the_date_and_the_step_change(client):
    item = stalled_japan_item(japan_response=Response.ACCEPTED, japan_response_date=ANSWERED)
    factories.NextStepFactory(recommendation=item, side=Side.JAPAN, text="Budget bill")
    rows = exported()
    rows[0] |= {"japan_response_date": "2025-03-05", "japan_stalled_step": "Budget bill"}
    client.force_login(factories.SuperuserFactory())

    shown = client.post(IMPORT, {"file": SimpleUploadedFile("a.csv", as_csv(rows))})

    page = shown.content.decode()
    assert "<mark>Japan response dated 2025-03-05</mark>" in page
    assert "<mark>Japan side unblocked by: Budget bill</mark>" in page


# A Japanese sheet -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_japanese_xlsx_sets_the_date_and_the_step_under_its_japanese_headings():
    official = official_of(Side.JAPAN, "METI")
    item = stalled_japan_item(lead_owner=official.owner)
    step = factories.NextStepFactory(recommendation=item, side=Side.JAPAN, text="予算法案")
    response, date, unblocked = headings(
        "ja", "Japan response", "Japan response date", "Japan side unblocked by"
    )
    with translation.override("ja"):
        accepted = str(Response.ACCEPTED.label)
    content = edit_xlsx(
        xlsx("ja"),
        item.reference,
        {response: accepted, date: datetime.datetime(2025, 3, 2), unblocked: "予算法案"},
    )

    imports.apply(filename="報告.xlsx", content=content, user=official.user, author=official.user)
    again = imports.plan(filename="報告.xlsx", content=content, user=official.user)

    item.refresh_from_db()
    assert (item.japan_response, item.japan_response_date) == (Response.ACCEPTED, ANSWERED)
    assert item.japan_stalled_step == step
    assert again.changes == []


@pytest.mark.django_db
def test_a_japanese_csv_is_refused_in_japanese_under_its_japanese_heading():
    item = stalled_japan_item()
    factories.NextStepFactory(recommendation=item, side=Side.JAPAN, text="予算法案")
    (row,) = exported(language="ja")
    date, unblocked = headings("ja", "EU response date", "Japan side unblocked by")
    row |= {date: "2025/03/02", unblocked: "閣議決定"}

    with translation.override("ja"), pytest.raises(ImportRejected) as rejected:
        upload([row])

    assert sorted(str(error) for error in rejected.value.errors) == [
        "row 2, EU側の回答日: EU側の回答が「回答なし」のため、日付は付けられません。"
        "EU側の回答日を空にするか、回答を選んでください。",
        "row 2, 日本側の停滞を解消するステップ: 「閣議決定」はこの提言の日本側の次のステップでは"
        "ありません。次のいずれかを使ってください：「予算法案」。",
    ]
