"""The report's files rendered once per data version: one rendering for concurrent requests, 304
for a reader who has the file, a new rendering once the data changes, a throttle on renderings
asked for in bulk, and the internal file never served to the public."""

import logging
import threading

import pytest
from django.core.cache import cache
from django.db import connections
from django.urls import reverse

from recommendations.rules.choices import Side, Status, Visibility
from recommendations.services.statuses import set_statuses
from tests import factories
from tests.helpers import Client

RENDERINGS = "recommendations.reporting.renderings"


@pytest.fixture
def renders(caplog):
    """The renderings made so far, as the log line each one writes."""
    caplog.set_level(logging.INFO, logger=RENDERINGS)

    def count() -> int:
        return sum(
            1
            for record in caplog.records
            if record.name == RENDERINGS and record.getMessage().startswith("report_rendered")
        )

    return count


@pytest.fixture
def tracked(db):
    topic = factories.TopicFactory(code="AI", name="Artificial Intelligence", position=1)
    first = factories.RecommendationFactory(topic=topic, number="1", reference="AI-1")
    factories.RecommendationFactory(topic=topic, number="2", reference="AI-2")
    factories.ProgressUpdateFactory(recommendation=first, text="PUBLIC-UPDATE")
    factories.ProgressUpdateFactory(
        recommendation=first, text="INTERNAL-UPDATE", visibility=Visibility.INTERNAL
    )
    return first


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.django_db(transaction=True)
def test_two_readers_asking_at_once_for_a_new_pdf_get_one_rendering(tracked, renders):
    start = threading.Barrier(2)
    answers: list = [None, None]

    def download(index: int) -> None:
        try:
            start.wait()
            response = Client().get(reverse("recommendations:report_pdf"))
            answers[index] = (response.status_code, body(response), response["ETag"])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=download, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert renders() == 1
    (first_status, first_pdf, first_etag), (second_status, second_pdf, second_etag) = answers
    assert first_status == second_status == 200
    assert first_pdf.startswith(b"%PDF") and first_pdf == second_pdf
    assert first_etag == second_etag


def test_a_reader_who_has_the_file_gets_304_and_nothing_is_rendered(client, tracked, renders):
    url = reverse("recommendations:report_xlsx")
    first = client.get(url)
    assert first.status_code == 200
    assert first["ETag"].startswith('"') and first["Last-Modified"].endswith("GMT")

    # Not even a rendering kept elsewhere is needed to know the reader's file is current.
    cache.clear()
    again = client.get(url, headers={"If-None-Match": first["ETag"]})

    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert renders() == 1


def test_a_second_download_of_unchanged_data_is_served_without_rendering(client, tracked, renders):
    url = reverse("recommendations:report_docx")
    first = client.get(url)
    second = client.get(url)

    assert first.status_code == second.status_code == 200
    assert body(first) == body(second)
    assert renders() == 1


def test_a_status_change_renders_the_file_again(client, tracked, renders):
    url = reverse("recommendations:report_csv")
    first = client.get(url)
    assert ",completed," not in body(first).decode("utf-8-sig")

    set_statuses(
        recommendation=tracked,
        sides={Side.EU: Status.COMPLETED, Side.JAPAN: Status.COMPLETED},
        author=factories.SuperuserFactory(),
    )
    changed = client.get(url, headers={"If-None-Match": first["ETag"]})

    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
    assert ",completed," in body(changed).decode("utf-8-sig")
    assert renders() == 2


def test_a_client_asking_for_many_new_renderings_is_told_when_to_come_back(
    client, tracked, settings, renders
):
    settings.REPORT_RENDERS_PER_MINUTE = 2
    url = reverse("recommendations:report_xlsx")
    for day in ("2026-01-01", "2026-01-02"):
        assert client.get(url, {"as_of": day}).status_code == 200

    refused = client.get(url, {"as_of": "2026-01-03"})

    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 61
    assert "try again in a minute" in refused.content.decode()
    # A file already rendered is served whatever the rate, and so is a cheap format.
    assert client.get(url, {"as_of": "2026-01-01"}).status_code == 200
    assert (
        client.get(reverse("recommendations:report_csv"), {"as_of": "2026-01-03"}).status_code
        == 200
    )
    assert renders() == 3


def test_the_throttle_speaks_japanese_on_japanese_pages(client, tracked, settings):
    settings.REPORT_RENDERS_PER_MINUTE = 0

    refused = client.get("/ja/report.xlsx")

    assert refused.status_code == 429
    assert "短時間に多くの報告書ファイル" in refused.content.decode()


def test_the_internal_file_is_never_served_to_the_public(tracked, renders):
    official, client = Client(), Client()
    official.force_login(factories.OfficialFactory().user)
    url = reverse("recommendations:report_csv")
    internal = official.get(url, {"internal": "1"})
    assert "INTERNAL-UPDATE" in body(internal).decode("utf-8-sig")
    assert "private" in internal["Cache-Control"]

    public = client.get(url)
    with_internal_etag = client.get(url, headers={"If-None-Match": internal["ETag"]})

    assert "INTERNAL-UPDATE" not in body(public).decode("utf-8-sig")
    assert public["ETag"] != internal["ETag"]
    assert with_internal_etag.status_code == 200
    assert "INTERNAL-UPDATE" not in body(with_internal_etag).decode("utf-8-sig")
    assert client.get(url, {"internal": "1"}).status_code == 403
    # An official asking for the public file is given the public one, kept for everyone.
    assert "INTERNAL-UPDATE" not in body(official.get(url)).decode("utf-8-sig")
    assert renders() == 2
