"""The round walked end to end in Debian's Chromium, on a desktop and on a phone: the secretariat
opens a round from the admin, an official reports on their item, the secretariat publishes
edition 1 and then a corrected edition 2 with its reason, and the edition's page says what it
corrects. Screenshots of each step go to test-artifacts/round-walk/ (or $SCREENSHOTS_DIR), to
be looked at."""

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone

from recommendations.models import Edition, ProgressUpdate, ReportingRound
from recommendations.rules.choices import Side, Status
from tests import factories
from tests.helpers import ARTIFACTS, change_url

SHOTS = Path(os.environ.get("SCREENSHOTS_DIR") or ARTIFACTS / "round-walk")
REASON = "AI-2's Japanese status was misread"
REPORTED = "The joint call for AI testbeds opened on Monday."
# Publishing renders the edition's files in the request (the test's task backend runs at once).
PUBLISHING = 180_000


@pytest.fixture
def world(transactional_db):
    today = timezone.localdate()
    council = factories.CouncilFactory(number=3, date=today + datetime.timedelta(days=60))
    eu = factories.OwnerFactory(code="CNECT", name="DG Connect", side=Side.EU)
    jp = factories.OwnerFactory(code="METI", name="METI", side=Side.JAPAN)
    official = factories.OfficialFactory(owner=eu, user__username="anna")
    factories.OfficialFactory(owner=jp, user__username="hana")
    assessed = {"eu_status": Status.PLANNED, "japan_status": Status.PLANNED}
    item = factories.RecommendationFactory(reference="AI-1", lead_owner=eu, **assessed)
    factories.RecommendationFactory(reference="AI-2", lead_owner=jp, **assessed)
    return {
        "council": council,
        "official": official.user,
        "secretariat": factories.SuperuserFactory(),
        "item": item,
    }


def shot(page, name: str, width: int) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


def sideways(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_the_round_goes_from_opening_to_a_corrected_edition(open_as, world, width):
    viewport = {"width": width, "height": 900}
    secretariat = open_as(world["secretariat"], viewport)
    secretariat.context.set_default_timeout(PUBLISHING)

    # The secretariat opens the round for Council 3.
    secretariat.goto("/admin/recommendations/reportinground/add/")
    secretariat.select_option("#id_council", str(world["council"].pk))
    secretariat.fill("#id_deadline", (timezone.localdate() + datetime.timedelta(14)).isoformat())
    with secretariat.expect_navigation():
        secretariat.locator("input[name=_save]").click()
    assert "The round is open" in secretariat.locator(".messagelist").inner_text()
    summary = secretariat.locator(".round-summary").inner_text()
    assert "0 of 2 items have a report from at least one side due;" in summary
    shot(secretariat, "1-round-opened", width)
    round_url = secretariat.url

    # The official reports on their item from its change form.
    official = open_as(world["official"], viewport)
    official.goto(change_url(world["item"]))
    official.fill('textarea[name="updates-2-0-text"]', REPORTED)
    with official.expect_navigation():
        official.locator("input[name=_save]").click()
    assert official.locator(".messagelist .success").count() == 1
    shot(official, "2-official-reported", width)
    assert ProgressUpdate.objects.filter(text=REPORTED).exists()

    secretariat.goto(round_url)
    summary = secretariat.locator(".round-summary").inner_text()
    assert "1 of 2 items has a report from at least one side due;" in summary

    # Edition 1.
    with secretariat.expect_navigation():
        secretariat.get_by_role("link", name="Close and publish the report").click()
    shot(secretariat, "3-publish-confirmation", width)
    with secretariat.expect_navigation():
        secretariat.get_by_role("button", name="Yes, publish").click()
    secretariat.wait_for_selector("text=Published:")
    first = Edition.objects.get()
    assert first.number == 1

    # Edition 2, a correction with its reason.
    secretariat.goto(round_url)
    with secretariat.expect_navigation():
        secretariat.get_by_role("link", name="Publish a corrected edition").click()
    secretariat.fill("#id_reason", REASON)
    shot(secretariat, "4-correction-confirmation", width)
    assert sideways(secretariat) <= 0, "the correction's confirmation scrolls sideways"
    with secretariat.expect_navigation():
        secretariat.get_by_role("button", name="Yes, publish").click()
    secretariat.wait_for_selector("text=Published:")
    second = Edition.objects.get(number=2)
    assert not ReportingRound.objects.open().exists()

    # Anyone reads what edition 2 corrects on its page.
    reader = open_as(None, viewport)
    reader.goto(second.get_absolute_url())
    assert f"Corrected edition of edition 1: {REASON}" in reader.locator("main").inner_text()
    shot(reader, "5-corrected-edition", width)
    assert sideways(reader) <= 0, "the edition page scrolls sideways"
    for page in (secretariat, official, reader):
        assert page.console_errors == []
