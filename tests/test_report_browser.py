"""The secretariat's click path in a real browser (Debian's Chromium through Playwright): choose a
past date on /report/, see the report for it, download it, all under the Content Security Policy."""

import datetime

import pytest
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
    expect(page.locator(".report-facts")).to_contain_text("2024-05-15")
    with page.expect_download() as download_info:
        page.click(".report-downloads >> text=PDF")
    download = download_info.value
    assert download.suggested_filename == "council-report-2024-05-15.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert page.console_errors == []
