"""Publishing the Council report: stored once, served byte for byte whatever changes afterwards,
corrected editions beside the first, and what moved since the previous Council's edition."""

import datetime
import hashlib

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from recommendations.models import Edition, EditionFile, ReportingRound
from recommendations.rules.choices import Side, Status
from recommendations.services.rounds import open_round
from recommendations.services.statuses import set_statuses
from recommendations.services.steps import add_step, slip_step
from tests import factories
from tests.helpers import form_data

# Every test here publishes, storing files in a folder of its own.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

TODAY = timezone.localdate()


@pytest.fixture
def council():
    council = factories.CouncilFactory(number=3, date=TODAY + datetime.timedelta(days=30))
    eu = factories.OwnerFactory(code="CNECT", side=Side.EU)
    factories.RecommendationFactory(reference="AI-1", lead_owner=eu)
    factories.RecommendationFactory(reference="AI-2", lead_owner=eu, notes="Internal only")
    open_round(council=council, deadline=TODAY, author=None)
    return council


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_publishing_stores_every_format_with_its_digest_and_closes_the_round(council, capsys):
    call_command("publish_report", "--council", "3")

    edition = Edition.objects.get()
    assert (edition.council, edition.number) == (council, 1)
    names = ["report.csv", "report.docx", "report.html", "report.pdf", "report.xlsx"]
    for language in ("en", "ja"):
        assert sorted(edition.files.filter(language=language).values_list("name", flat=True)) == (
            names
        )
    printed = capsys.readouterr().out
    for stored in edition.files.all():
        content = stored.file.open("rb").read()
        assert hashlib.sha256(content).hexdigest() == stored.sha256
        assert f"{stored.sha256}  {stored.name}" in printed
    assert not ReportingRound.objects.open().exists()
    assert edition.statuses() == {"AI-1": "not_assessed", "AI-2": "not_assessed"}


def test_published_files_stay_byte_identical_after_a_later_status_change(council, client):
    call_command("publish_report", "--council", "3")
    before = {
        name: body(client.get(f"/reports/3/{name}"))
        for name in ("report.pdf", "report.csv", "report.xlsx", "report.html", "report.docx")
    }
    assert b"AI-1" in before["report.csv"] and b"Internal only" not in before["report.csv"]
    page = client.get("/reports/3/").content.decode()
    for stored in EditionFile.objects.filter(language="en"):
        assert hashlib.sha256(before[stored.name]).hexdigest() == stored.sha256
        assert stored.sha256 in page

    item = council.rounds.get().items().get(reference="AI-1")
    set_statuses(recommendation=item, author=None, sides={Side.EU: Status.COMPLETED})

    after = {name: body(client.get(f"/reports/3/{name}")) for name in before}
    assert after == before
    assert b"Completed" not in after["report.csv"]


def test_publishing_twice_without_a_reason_is_refused(council):
    call_command("publish_report", "--council", "3")
    with pytest.raises(CommandError, match="already published.*say what is corrected"):
        call_command("publish_report", "--council", "3")
    assert Edition.objects.count() == 1


def test_publishing_a_council_with_no_round_is_refused(council):
    factories.CouncilFactory(number=4, date=TODAY + datetime.timedelta(days=300))
    with pytest.raises(CommandError, match="Council no. 4 has had no reporting round"):
        call_command("publish_report", "--council", "4")
    with pytest.raises(CommandError, match="there is no Council no. 9"):
        call_command("publish_report", "--council", "9")
    assert not Edition.objects.exists()


def test_a_corrected_edition_keeps_the_first_reachable_and_says_what_was_corrected(council, client):
    call_command("publish_report", "--council", "3")
    first_csv = body(client.get("/reports/3/report.csv"))
    item = council.rounds.get().items().get(reference="AI-2")
    set_statuses(recommendation=item, author=None, sides={Side.EU: Status.PLANNED})

    call_command("publish_report", "--council", "3", "--reason", "AI-2 was planned already")

    assert body(client.get("/reports/3/1/report.csv")) == first_csv
    assert body(client.get("/reports/3/report.csv")) != first_csv
    current = client.get("/reports/3/").content.decode()
    assert "This is the current edition." in current
    assert "AI-2 was planned already" in current
    first = client.get("/reports/3/1/").content.decode()
    assert "This edition has been corrected" in first and 'href="/reports/3/2/"' in first


def test_an_edition_says_what_moved_since_the_previous_councils_edition(council, client):
    call_command("publish_report", "--council", "3")
    next_council = factories.CouncilFactory(number=4, date=TODAY + datetime.timedelta(days=300))
    ReportingRound.objects.update(closed_at=timezone.now())
    open_round(council=next_council, deadline=TODAY, author=None)
    item = next_council.rounds.get().items().get(reference="AI-1")
    set_statuses(recommendation=item, author=None, sides={Side.EU: Status.IN_PROGRESS})
    call_command("publish_report", "--council", "4")

    page = client.get("/reports/4/").content.decode()
    assert "AI-1" in page and "Not yet assessed" in page and "In progress" in page
    assert "AI-2</th>" not in page
    japanese = client.get("/ja/reports/4/")
    assert japanese.status_code == 200 and 'lang="ja"' in japanese.content.decode()


def test_the_reports_page_lists_every_edition_in_a_fixed_number_of_queries(
    council, client, django_assert_max_num_queries
):
    call_command("publish_report", "--council", "3")
    call_command("publish_report", "--council", "3", "--reason", "typo")
    with django_assert_max_num_queries(4):  # editions with Councils, their files (+ session)
        response = client.get("/reports/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count(">report.pdf</a>") == 2
    assert "typo" in page


def test_an_unknown_edition_is_not_found(client, db):
    assert client.get("/reports/3/").status_code == 404


def test_backup_and_restore_carry_the_published_files(council, client, media, tmp_path):
    call_command("publish_report", "--council", "3")
    published = body(client.get("/reports/3/report.pdf"))
    backup = tmp_path / "tracker.json.gz"
    call_command("backup", "-o", str(backup))
    assert (tmp_path / "tracker.files.tar").is_file()

    # A new server: the storage is empty.
    for stored in EditionFile.objects.all():
        stored.file.storage.delete(stored.file.name)
    call_command("restore", str(backup), "--force")

    assert body(client.get("/reports/3/report.pdf")) == published


def test_restore_refuses_a_backup_whose_published_files_are_missing(council, tmp_path):
    call_command("publish_report", "--council", "3")
    backup = tmp_path / "tracker.json"
    call_command("backup", "-o", str(backup))
    (tmp_path / "tracker.files.tar").unlink()
    with pytest.raises(CommandError, match="tracker.files.tar.*missing"):
        call_command("restore", str(backup), "--force")
    assert Edition.objects.count() == 1


def test_a_file_left_by_a_killed_publication_is_replaced_under_its_final_name(council, media):
    # A run killed before its commit: the rows rolled back, a half-written file left behind.
    folder = media / "reports" / "council-3" / "edition-1"
    folder.mkdir(parents=True)
    (folder / "report.html").write_bytes(b"<html><body>half writ")

    call_command("publish_report", "--council", "3")

    stored = EditionFile.objects.get(name="report.html", language="en")
    assert stored.file.name == "reports/council-3/edition-1/report.html"
    content = (folder / "report.html").read_bytes()
    assert content.startswith(b"<!DOCTYPE html>")
    assert hashlib.sha256(content).hexdigest() == stored.sha256
    assert sorted(path.name for path in folder.iterdir()) == [
        "ja",
        "report.csv",
        "report.docx",
        "report.html",
        "report.pdf",
        "report.xlsx",
    ]


def test_a_publication_failing_half_way_leaves_neither_rows_nor_files(council, media):
    # Something at the PDF's final name that cannot be removed: the HTML is written first, then
    # the publication fails on the PDF.
    blocked = media / "reports" / "council-3" / "edition-1" / "report.pdf"
    blocked.mkdir(parents=True)
    (blocked / "something").write_bytes(b"")

    with pytest.raises(OSError):
        call_command("publish_report", "--council", "3")

    assert not Edition.objects.exists()
    assert not EditionFile.objects.exists()
    assert sorted(path.name for path in blocked.parent.iterdir()) == ["report.pdf"]
    assert ReportingRound.objects.get(council=council).is_open


def test_a_correction_is_not_published_over_one_published_since_its_page_was_opened(
    council, admin_client
):
    call_command("publish_report", "--council", "3")
    url = (
        "/admin/recommendations/reportinground/"
        f"{ReportingRound.objects.get(council=council).pk}/publish/"
    )
    fields = form_data(admin_client.get(url).content.decode(), "round-confirm")
    call_command("publish_report", "--council", "3", "--reason", "AI-2's owner corrected")

    refused = admin_client.post(url, fields | {"reason": ["AI-1's date corrected"]})

    assert "Edition 2 of Council no. 3 was published while this one was prepared" in (
        refused.content.decode()
    )
    assert list(Edition.objects.values_list("number", "reason")) == [
        (2, "AI-2's owner corrected"),
        (1, ""),
    ]
    # The page now shows edition 2: sent again, the correction is published over it.
    again = form_data(refused.content.decode(), "round-confirm")
    admin_client.post(url, again | {"reason": ["AI-1's date corrected"]})
    assert Edition.objects.current_of(council).number == 3


def test_a_published_edition_keeps_a_next_step_and_response_as_they_were_when_it_slips(
    council, client
):
    item = council.rounds.get().items().get(reference="AI-1")
    step = add_step(
        recommendation=item,
        side=Side.EU,
        text="Joint call for quantum testbeds",
        target_date=TODAY + datetime.timedelta(days=20),
        author=None,
    )
    call_command("publish_report", "--council", "3")
    published = body(client.get("/reports/3/report.csv")).decode()
    first_target = (TODAY + datetime.timedelta(days=20)).isoformat()
    assert "Joint call for quantum testbeds" in published and first_target in published

    slip_step(
        step=step,
        author=None,
        target_date=TODAY + datetime.timedelta(days=90),
        reason="Budget moved to next year",
    )

    # The live report moves on; the edition still says what was promised when it went out.
    assert "Budget moved to next year" in body(client.get("/report.csv")).decode()
    assert body(client.get("/reports/3/report.csv")).decode() == published
    assert "Budget moved to next year" not in published
