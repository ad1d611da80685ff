"""A corrected update says so wherever it is read (the feeds, the API, the Council report and its
spreadsheets), a withdrawn one appears on no public surface (feeds, API, report, alerts), and a
withdrawn update is no report in the round's counts."""

import datetime
import io
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from openpyxl import load_workbook

from recommendations.models import ProgressUpdate, Subscription
from recommendations.reporting.options import ReportOptions
from recommendations.reporting.xlsx_export import write_xlsx
from recommendations.rules.choices import Side, Status
from recommendations.services import alerts
from recommendations.services.own_updates import correct_update, withdraw_update
from recommendations.services.rounds import open_round
from recommendations.services.statuses import record_update
from tests import factories

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
FIRST_WORDS = "The joint call is planned for March."
CORRECTED = "The joint call is planned for May, after the budget vote."
TAKEN_BACK = "The testbed opens next week."
TODAY = timezone.localdate()
CORRECTED_ON = f"(corrected on {date_format(TODAY, 'DATE_FORMAT')})"


@pytest.fixture
def meti():
    return factories.OwnerFactory(code="METI", name="METI", name_ja="経済産業省", side=Side.JAPAN)


@pytest.fixture
def author(meti):
    return factories.OfficialFactory(owner=meti, user__username="hana").user


@pytest.fixture
def item(meti):
    return factories.RecommendationFactory(
        reference="QUANT-4", lead_owner=meti, eu_status=Status.PLANNED, japan_status=Status.PLANNED
    )


def written(item, author, text: str) -> ProgressUpdate:
    return record_update(update=ProgressUpdate(recommendation=item, text=text), author=author)


@pytest.fixture
def corrected(item, author):
    update = written(item, author, FIRST_WORDS)
    return correct_update(
        update_id=update.pk, author=author, text=CORRECTED, evidence_url="", reason="Date moved"
    )


@pytest.fixture
def withdrawn(item, author):
    update = written(item, author, TAKEN_BACK)
    return withdraw_update(update_id=update.pk, author=author, reason="Posted on the wrong item")


def feed_summaries(client) -> list[str]:
    response = client.get(reverse("recommendations:feed"))
    feed = ET.fromstring(response.content)  # noqa: S314 - our own feed, not untrusted input
    return [entry.find(f"{ATOM}summary").text for entry in feed.findall(f"{ATOM}entry")]


def csv_text(client) -> str:
    return b"".join(client.get("/report.csv").streaming_content).decode("utf-8-sig")


def xlsx_cells() -> list[str]:
    target = io.BytesIO()
    write_xlsx(ReportOptions(as_of=TODAY), target)
    target.seek(0)
    book = load_workbook(target)
    return [
        str(cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]


def test_the_feed_marks_a_corrected_update_as_corrected(client, corrected):
    [summary] = feed_summaries(client)

    assert CORRECTED in summary
    assert CORRECTED_ON in summary


def test_the_api_gives_when_an_update_was_corrected(client, corrected):
    [update] = client.get("/api/updates/").json()["results"]

    assert update["text"] == CORRECTED
    assert update["corrected_at"] is not None
    assert datetime.datetime.fromisoformat(update["corrected_at"]) == corrected.corrected_at


def test_the_api_gives_no_correction_for_an_update_never_corrected(client, item, author):
    written(item, author, FIRST_WORDS)

    [update] = client.get("/api/updates/").json()["results"]

    assert update["corrected_at"] is None


def test_the_council_report_marks_its_latest_update_as_corrected(client, corrected):
    page = client.get("/report/").content.decode()

    assert CORRECTED in page
    assert CORRECTED_ON in page


def test_the_report_spreadsheets_say_corrected_in_the_latest_update_cell(client, corrected):
    assert f"{CORRECTED} {CORRECTED_ON}" in csv_text(client)
    assert f"{CORRECTED} {CORRECTED_ON}" in xlsx_cells()


def test_a_corrected_update_reads_corrected_in_japanese_too(client, corrected):
    page = client.get("/ja/report/").content.decode()

    assert CORRECTED in page
    assert "訂正" in page


def test_a_withdrawn_update_is_in_no_feed_api_report_or_alert(client, item, withdrawn):
    subscription = Subscription.objects.create(
        email="reader@example.org",
        kind=Subscription.Kind.ITEM,
        key=item.reference,
        confirmed_at=timezone.now() - datetime.timedelta(days=2),
    )

    assert all(TAKEN_BACK not in summary for summary in feed_summaries(client))
    assert client.get("/api/updates/").json()["results"] == []
    assert TAKEN_BACK not in client.get("/report/").content.decode()
    assert TAKEN_BACK not in csv_text(client)
    assert TAKEN_BACK not in " ".join(xlsx_cells())
    since, until = timezone.now() - datetime.timedelta(days=1), timezone.now()
    assert alerts.changes_for(subscription, since=since, until=until).updates == []


def test_a_withdrawn_update_is_not_counted_as_a_report_of_the_round(admin_client, item, author):
    council = factories.CouncilFactory(number=3, date=TODAY + datetime.timedelta(days=60))
    reporting_round = open_round(
        council=council, deadline=TODAY + datetime.timedelta(days=10), author=None
    )
    update = written(item, author, TAKEN_BACK)
    withdraw_update(update_id=update.pk, author=author, reason="Posted on the wrong item")

    page = admin_client.get(reporting_round.get_absolute_url()).content.decode()

    assert "0 of 1 items have a report from at least one side due;" in page
    meti = page.split('<tr data-owner="METI">')[1].split("</tr>")[0]
    assert '<td class="updated">0</td>' in meti
    assert '<td class="outstanding">1</td>' in meti
    [row] = reporting_round.items()
    assert not row.jp_reported
