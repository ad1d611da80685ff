"""The report's files rendered once per data version: one rendering for concurrent requests, 304
for a reader who has the file, a new rendering once the data changes, a throttle on renderings
asked for in bulk, and the internal file never served to the public."""

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import replace

import pytest
from django.core.cache import cache
from django.db import connections
from django.urls import reverse

from recommendations.reporting import formats, renderings
from recommendations.rules.choices import Side, Status, Visibility
from recommendations.services.statuses import set_statuses
from tests import factories
from tests.helpers import Client


@pytest.fixture
def renders(monkeypatch):
    """How many files the registry's writers have written so far: each writer is the real one,
    counted on its way in."""
    written: list[str] = []
    for code, entry in list(formats.FORMATS.items()):

        def counted(*args, _write=entry.write, _code=code):
            written.append(_code)
            return _write(*args)

        monkeypatch.setitem(formats.FORMATS, code, replace(entry, write=counted))
    return lambda: len(written)


def held_while_rendering(monkeypatch, code: str) -> tuple[threading.Event, threading.Event]:
    """Make the writer of `code` say when it starts and wait, before writing, until released."""
    started, release = threading.Event(), threading.Event()
    entry = formats.FORMATS[code]

    def held(*args):
        started.set()
        release.wait(timeout=120)
        return entry.write(*args)

    monkeypatch.setitem(formats.FORMATS, code, replace(entry, write=held))
    return started, release


@contextlib.contextmanager
def while_a_reader_renders(monkeypatch, code: str, url: str) -> Iterator[list]:
    """A first reader asks for `url` in a thread of its own and is held in the writer of
    `code`; the block runs meanwhile; then the writer goes on. Yields the first reader's
    answer, in a list, filled once the block is done."""
    started, release = held_while_rendering(monkeypatch, code)
    answers: list = []

    def first_reader() -> None:
        try:
            answers.append(Client().get(url))
        finally:
            connections.close_all()

    rendering = threading.Thread(target=first_reader)
    rendering.start()
    try:
        assert started.wait(timeout=120)
        yield answers
    finally:
        release.set()
        rendering.join(timeout=120)


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
    # A file already rendered is still served, and so is a cheap format.
    assert client.get(url, {"as_of": "2026-01-01"}).status_code == 200
    assert (
        client.get(reverse("recommendations:report_csv"), {"as_of": "2026-01-03"}).status_code
        == 200
    )
    assert renders() == 3


def test_a_client_downloading_one_file_over_and_over_is_told_when_to_come_back(
    client, tracked, settings, renders
):
    settings.REPORT_DOWNLOADS_PER_MINUTE = 3
    url = reverse("recommendations:report_pdf")
    first = client.get(url)
    assert first.status_code == 200
    for _ in range(2):
        assert client.get(url).status_code == 200

    refused = client.get(url)

    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 61
    # A reader who has the file is still told it is current, and other formats are counted apart.
    assert client.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304
    assert client.get(reverse("recommendations:report_docx")).status_code == 200
    assert renders() == 2


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


@pytest.mark.django_db(transaction=True)
def test_a_reader_who_comes_while_the_new_file_renders_gets_the_earlier_one_marked(
    tracked, renders, monkeypatch
):
    url = reverse("recommendations:report_xlsx")
    earlier = Client().get(url)
    set_statuses(
        recommendation=tracked,
        sides={Side.EU: Status.COMPLETED, Side.JAPAN: Status.COMPLETED},
        author=factories.SuperuserFactory(),
    )
    with while_a_reader_renders(monkeypatch, "xlsx", url) as answers:
        meanwhile = Client().get(url)

    assert meanwhile.status_code == 200
    assert body(meanwhile) == body(earlier)
    assert meanwhile["ETag"] == earlier["ETag"]
    assert "earlier rendering" in meanwhile["X-Report-Note"]
    assert "no-store" in meanwhile["Cache-Control"]
    (current,) = answers
    assert current.status_code == 200 and current["ETag"] != earlier["ETag"]
    assert "X-Report-Note" not in current
    assert renders() == 2


@pytest.mark.django_db(transaction=True)
def test_a_reader_who_finds_every_rendering_place_taken_is_told_to_come_back_soon(
    tracked, renders, monkeypatch, settings
):
    # One place in the pool (the default), taken by a Word file still rendering; a reader of
    # the PDF waits half a second for it, not the half-minute readers are given in production.
    assert settings.REPORT_RENDER_SLOTS == 1
    monkeypatch.setattr(renderings, "WAIT_SECONDS", 0.5)
    docx = reverse("recommendations:report_docx")
    with while_a_reader_renders(monkeypatch, "docx", docx) as answers:
        refused = Client().get(reverse("recommendations:report_pdf"))

    assert refused.status_code == 503
    assert int(refused["Retry-After"]) == renderings.RETRY_AFTER_SECONDS
    assert "please try again in a few seconds" in refused.content.decode()
    (first,) = answers
    assert first.status_code == 200
    # Only the Word file was rendered, not the refused reader's; asked again, it is.
    assert renders() == 1
    again = Client().get(reverse("recommendations:report_pdf"))
    assert again.status_code == 200 and body(again).startswith(b"%PDF")
    assert renders() == 2


@pytest.mark.django_db(transaction=True)
def test_a_reader_waiting_on_a_first_rendering_that_does_not_finish_is_told_to_come_back(
    tracked, monkeypatch
):
    monkeypatch.setattr(renderings, "WAIT_SECONDS", 0.5)
    url = reverse("recommendations:report_xlsx")
    with while_a_reader_renders(monkeypatch, "xlsx", url):
        # No earlier rendering of this file to give meanwhile: the data has never had one.
        refused = Client().get(url)

    assert refused.status_code == 503
    assert refused["Retry-After"]
    assert Client().get(url).status_code == 200
