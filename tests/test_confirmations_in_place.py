"""A confirmation of "no change since the last report" stays in its place: the change form's
button keeps what the official typed, a side never assessed cannot be confirmed, and the report,
the exports, the dashboard and the feeds show the latest real update with "Confirmed unchanged
on …" beside it rather than the confirmation in its place."""

import csv
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone, translation
from openpyxl import load_workbook

from recommendations.models import ProgressUpdate
from recommendations.reporting.options import ReportOptions
from recommendations.reporting.query import report_rows
from recommendations.rules.choices import Side, Status, UpdateKind
from recommendations.services.rounds import confirm_unchanged, open_round
from tests import factories
from tests.helpers import change_url, open_change_form

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
EARLIER = TODAY - datetime.timedelta(days=30)
TESTBED = "A joint quantum testbed call is planned for the spring."


@pytest.fixture
def world():
    council = factories.CouncilFactory(number=3, date=TODAY + datetime.timedelta(days=60))
    eu = factories.OwnerFactory(code="CNECT", name="DG Connect", side=Side.EU)
    official = factories.OfficialFactory(owner=eu, user__username="anna")
    quant = factories.RecommendationFactory(
        reference="QUANT-4", lead_owner=eu, eu_status=Status.PLANNED, status=Status.PLANNED
    )
    factories.ProgressUpdateFactory(recommendation=quant, date=EARLIER, text=TESTBED)
    fresh = factories.RecommendationFactory(reference="QUANT-5", lead_owner=eu)
    open_round(council=council, deadline=TODAY + datetime.timedelta(days=10), author=None)
    return {"official": official, "quant": quant, "fresh": fresh}


def downloaded(client, url: str) -> bytes:
    response = client.get(url)
    return b"".join(response.streaming_content) if response.streaming else response.content


def confirmed(world):
    return confirm_unchanged(recommendations=[world["quant"]], author=world["official"].user)


def test_the_report_keeps_the_latest_update_and_says_it_was_confirmed_unchanged(world):
    confirmed(world)

    [row] = [r for r in report_rows(ReportOptions(as_of=TODAY)) if r.reference == "QUANT-4"]

    assert row.latest_update_date == EARLIER
    assert TESTBED in row.latest_update
    assert "no change since the last report" not in row.latest_update
    assert f"Confirmed unchanged on {TODAY:%-d %B %Y}" in row.latest_update


def test_the_japanese_report_dates_the_confirmation_in_japanese(world):
    confirmed(world)

    with translation.override("ja"):
        [row] = [r for r in report_rows(ReportOptions(as_of=TODAY)) if r.reference == "QUANT-4"]

    assert f"{TODAY.year}年{TODAY.month}月{TODAY.day}日" in row.latest_update
    assert "Confirmed" not in row.latest_update


def test_the_csv_and_xlsx_exports_show_the_real_update_with_the_confirmation_beside(world, client):
    confirmed(world)

    rows = list(csv.DictReader(io.StringIO(downloaded(client, "/report.csv").decode("utf-8-sig"))))
    [quant] = [row for row in rows if row["reference"] == "QUANT-4"]
    assert quant["latest_update"].startswith(TESTBED)
    assert "Confirmed unchanged on" in quant["latest_update"]
    assert quant["latest_update_date"] == EARLIER.isoformat()

    book = load_workbook(io.BytesIO(downloaded(client, "/report.xlsx")))
    cells = [
        str(cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value
    ]
    assert any(TESTBED in cell and "Confirmed unchanged on" in cell for cell in cells)


def test_a_report_downloaded_after_a_confirmation_imports_back_as_no_change(world, tmp_path):
    confirmed(world)
    path = tmp_path / "report.csv"
    call_command("export_report", "--format", "csv", "--output", str(path), stdout=io.StringIO())
    before = ProgressUpdate.objects.count()

    call_command("import_updates", str(path), "--as-secretariat", stdout=io.StringIO())

    assert ProgressUpdate.objects.count() == before


def test_the_dashboard_and_the_feed_list_the_update_not_the_confirmation(world, client):
    confirmed(world)

    home = client.get("/").content.decode()
    feed = client.get("/feed/").content.decode()

    for page in (home, feed):
        assert TESTBED in page
        assert "no change since the last report" not in page
        assert "Confirmed unchanged on" in page


def test_the_items_timeline_shows_the_confirmation_as_a_small_dated_mark(world, client):
    confirmed(world)

    page = client.get(world["quant"].get_absolute_url()).content.decode()

    mark = page.split('class="timeline-mark"')[1].split("</li>")[0]
    assert "EU side: no change since the last report" in mark
    assert TODAY.isoformat() in mark


def test_a_side_not_yet_assessed_cannot_be_confirmed_unchanged(world):
    with pytest.raises(ValidationError, match="QUANT-5: your side is not yet assessed"):
        confirm_unchanged(recommendations=[world["fresh"]], author=world["official"].user)

    assert not ProgressUpdate.objects.filter(kind=UpdateKind.CONFIRMATION).exists()


def test_the_button_on_a_never_assessed_item_asks_for_a_status_instead(world, client):
    client.force_login(world["official"].user)
    data = open_change_form(client, world["fresh"])

    response = client.post(change_url(world["fresh"]), {**data, "_confirm_unchanged": "1"})

    assert (
        "Set your side&#x27;s status on the item instead"
        in client.get(response["Location"]).content.decode()
    )
    assert not ProgressUpdate.objects.filter(kind=UpdateKind.CONFIRMATION).exists()


def test_the_button_with_nothing_typed_confirms_the_side(world, client):
    client.force_login(world["official"].user)
    data = open_change_form(client, world["quant"])

    client.post(change_url(world["quant"]), {**data, "_confirm_unchanged": "1"})

    [update] = ProgressUpdate.objects.filter(kind=UpdateKind.CONFIRMATION)
    assert update.recommendation == world["quant"]
    assert update.sides == {"eu": Status.PLANNED}


def test_the_button_keeps_what_the_official_typed_and_confirms_nothing(world, client):
    client.force_login(world["official"].user)
    data = open_change_form(client, world["quant"])
    text_field = next(name for name in data if name.startswith("updates") and name.endswith("text"))

    response = client.post(
        change_url(world["quant"]),
        {**data, text_field: "The call opened on Monday.", "_confirm_unchanged": "1"},
        follow=True,
    )

    assert world["quant"].updates.filter(text="The call opened on Monday.").exists()
    assert not ProgressUpdate.objects.filter(kind=UpdateKind.CONFIRMATION).exists()
    assert "nothing was confirmed as unchanged" in response.content.decode()


def test_the_admin_timeline_shows_the_confirmation_as_a_small_mark(world, client):
    confirmed(world)
    client.force_login(world["official"].user)

    page = client.get(change_url(world["quant"])).content.decode()

    mark = page.split('class="timeline-entry timeline-mark"')[1].split("</li>")[0]
    assert "EU side: no change since the last report" in mark
    assert TESTBED not in mark
