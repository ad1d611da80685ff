"""The secretariat's click path in a real browser (Debian's Chromium through Playwright): choose a
past date on /report/, see the report for it, download it, all under the Content Security Policy."""

import datetime

import pytest
from django.utils.formats import date_format
from playwright.sync_api import expect

from recommendations.models import Status
from tests.factories import CouncilFactory, TopicFactory
from tests.helpers import change, open_page, recorded_on


@pytest.fixture
def page(browser, live_server):
    page = open_page(browser, live_server.url, accept_downloads=True)
    context = page.context
    yield page
    context.close()


@pytest.fixture
def tracked(transactional_db):
    CouncilFactory(number=2, place="Brussels", date=datetime.date(2024, 4, 30))
    topic = TopicFactory(code="AI", name="Artificial Intelligence", position=1)
    recommendation = recorded_on(datetime.date(2024, 4, 1), topic=topic, reference="AI-1")
    change(recommendation, Status.IN_PROGRESS, datetime.date(2024, 6, 1), text="Started.")
    return recommendation


def test_secretariat_chooses_a_past_date_and_downloads_that_report(page, tracked):
    page.goto("/report/")
    expect(page.locator("#item-AI-1")).to_contain_text("In progress")

    page.fill("#id_as_of", "2024-05-15")
    page.fill("#id_since", "2024-04-02")
    page.click("text=Show the report")

    expect(page.locator("#item-AI-1")).to_contain_text("Not yet assessed")
    expect(page.locator(".report-facts")).to_contain_text(date_format(datetime.date(2024, 5, 15)))
    with page.expect_download() as download_info:
        page.click(".report-downloads >> text=PDF")
    download = download_info.value
    assert download.suggested_filename == "council-report-2024-05-15.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert page.console_errors == []


def test_report_on_a_phone_scrolls_sideways_only_inside_a_tables_box(page, tracked):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/report/?as_of=2024-06-01&since=2024-04-02")
    expect(page.locator("#item-AI-1")).to_be_visible()

    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= 390
    # Whatever is wider than the screen sits in a box of its own that scrolls.
    too_wide = page.evaluate(
        """() => [...document.querySelectorAll('main *')]
        .filter(e => e.getBoundingClientRect().right > 391 && !e.closest('.table-box'))
        .map(e => e.tagName + '.' + e.className)"""
    )
    assert too_wide == []
    box = page.locator(".report-topic .table-box").first
    assert box.evaluate("e => getComputedStyle(e).overflowX") == "auto"
    # The table scrolls rather than squeezing the recommendation to a few letters a line.
    assert page.locator("#item-AI-1 td").first.bounding_box()["width"] >= 200
    assert page.console_errors == []
