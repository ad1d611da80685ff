"""The next steps walked through in Debian's Chromium, in English and Japanese, on a laptop and a
phone: an official records two steps in the change form and one of them slips; the secretariat
sees the overdue one on the dashboard and at the top of the PDF report. Screenshots of each page
are kept for a reader to look at."""

import datetime
import io
import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from recommendations.models import NextStep, Recommendation
from recommendations.rules.choices import Side, StepState
from tests import factories
from tests.helpers import ARTIFACTS, change_url

# The screenshots to look at, in the test artifacts unless NEXT_STEPS_SHOTS names a folder.
SHOTS = Path(os.environ.get("NEXT_STEPS_SHOTS") or ARTIFACTS / "next-steps")
TODAY = timezone.localdate()
LATE = TODAY - datetime.timedelta(days=7)
PLANNED = TODAY + datetime.timedelta(days=14)
SLIPPED = TODAY + datetime.timedelta(days=60)
WORDS = {
    "en": {"save": "Save and continue editing", "overdue": "Overdue", "prefix": ""},
    "ja": {"save": "保存して編集を続ける", "overdue": "期限超過", "prefix": "/ja"},
}


@pytest.fixture
def walk(transactional_db):
    factories.CouncilFactory(number=3, date=TODAY + datetime.timedelta(days=30))
    owner = factories.OwnerFactory(code="CNECT", name="DG Connect", side=Side.EU)
    item = factories.RecommendationFactory(
        reference="QC-1",
        topic__code="QC",
        lead_owner=owner,
        text="Build quantum testbeds together.",
    )
    Recommendation.objects.filter(pk=item.pk).update(
        created_at=datetime.datetime(2024, 4, 17, tzinfo=datetime.UTC)
    )
    official = factories.OfficialFactory(owner=owner)
    return item, official, factories.SuperuserFactory()


def shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


def add_step(page, index, text, target, save):
    page.fill(f"#id_next_steps-{index}-text", text)
    page.fill(f"#id_next_steps-{index}-target_date", target.isoformat())
    page.click(f"input[value='{save}']")


@pytest.mark.parametrize("language", ["en", "ja"])
@pytest.mark.parametrize("width", [1280, 390])
def test_an_official_records_two_steps_one_slips_and_the_secretariat_sees_the_overdue_one(
    open_as, live_server, walk, language, width
):
    item, official, secretariat = walk
    words = WORDS[language]
    viewport = {"width": width, "height": 900}
    name = f"{language}-{width}"

    page = open_as(official.user, viewport=viewport)
    page.goto(words["prefix"] + change_url(item))
    add_step(page, 0, "Joint call for quantum testbeds", LATE, words["save"])
    expect(page.locator("#id_next_steps-0-text")).to_have_value("Joint call for quantum testbeds")
    add_step(page, 1, "Common testbed guidelines", PLANNED, words["save"])
    page.fill("#id_next_steps-1-target_date", SLIPPED.isoformat())
    page.fill("#id_next_steps-1-slip_reason", "The guidelines wait for the call's results.")
    page.click(f"input[value='{words['save']}']")
    expect(page.locator("#id_next_steps-1-target_date")).to_have_value(SLIPPED.isoformat())
    page.locator("#next_steps-group").scroll_into_view_if_needed()
    shoot(page, f"{name}-change-form")
    slipped = NextStep.objects.get(text="Common testbed guidelines")
    assert (slipped.state, slipped.first_target_date) == (StepState.SLIPPED, PLANNED)
    assert NextStep.objects.overdue(TODAY).get().text == "Joint call for quantum testbeds"

    page = open_as(secretariat, viewport=viewport)
    page.goto(words["prefix"] + "/")
    link = page.locator(".steps-by-owner a.overdue")
    expect(link).to_be_visible()
    link.scroll_into_view_if_needed()
    shoot(page, f"{name}-dashboard")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    link.click()
    expect(page.locator("main")).to_contain_text("QC-1")

    response = page.request.get(f"{live_server.url}{words['prefix']}/report.pdf")
    assert response.ok
    reader = PdfReader(io.BytesIO(response.body()))
    opening = "\n".join(page.extract_text() for page in reader.pages[:3])
    assert words["overdue"] in opening
    assert "Joint call for quantum testbeds" in opening
    # Slipped past the Council, the other step is not due before it.
    assert "Common testbed guidelines" not in opening
    assert page.console_errors == []
