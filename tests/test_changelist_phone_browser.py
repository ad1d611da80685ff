"""The recommendations' list on a METI official's phone, in Japanese, in Debian's Chromium: the
text column keeps a readable width (its heading 本文 on one line, the text a few words a line)
and the table scrolls sideways inside its box rather than the page; the owners are named in
Japanese. Screenshots at 390 and 1280 px are kept (SHOTS)."""

import os
import pathlib

import pytest

from recommendations.models import Official, Side
from tests import factories
from tests.helpers import ARTIFACTS, CHANGELIST

# Kept for a reader to look at: test-artifacts/ unless SHOTS_DIR names another folder.
SHOTS = pathlib.Path(os.environ.get("SHOTS_DIR") or ARTIFACTS)
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
LONG_TEXT = (
    "The EU and Japan should seek mutual recognition of their cybersecurity certification "
    "schemes, including for cloud services and connected products, so that companies "
    "certified on one side are not audited twice."
)

# The text column's heading and first cell: their widths and how many lines the heading takes;
# the table's box, and whether the page itself scrolls sideways.
MEASURE = """() => {
    const heading = document.querySelector('#result_list th.column-short_text');
    const cell = document.querySelector('#result_list td.field-short_text');
    const box = document.querySelector('#result_list').parentElement;
    const walker = document.createTreeWalker(heading, NodeFilter.SHOW_TEXT);
    const tops = new Set();
    while (walker.nextNode()) {
        if (!walker.currentNode.textContent.trim()) continue;
        const range = document.createRange();
        range.selectNodeContents(walker.currentNode);
        for (const rect of range.getClientRects()) tops.add(Math.round(rect.top));
    }
    return {
        heading: heading.getBoundingClientRect().width,
        headingLines: tops.size,
        cell: cell.getBoundingClientRect().width,
        boxScrolls: box.scrollWidth > box.clientWidth,
        boxOverflow: getComputedStyle(box).overflowX,
        page: document.documentElement.scrollWidth,
        viewport: innerWidth,
    };
}"""


@pytest.fixture
def meti_official(transactional_db):
    meti = factories.OwnerFactory(code="METI", name="METI", name_ja="経済産業省", side=Side.JAPAN)
    factories.OwnerFactory(code="MIC", name="MIC", name_ja="総務省", side=Side.JAPAN)
    topic = factories.TopicFactory(
        code="CYBER", name="Cybersecurity", name_ja="サイバーセキュリティ"
    )
    for number in range(1, 6):
        factories.RecommendationFactory(
            topic=topic, number=str(number), lead_owner=meti, text=LONG_TEXT
        )
    official = factories.OfficialFactory(owner=meti, user__username="hana", language="ja")
    Official.objects.filter(pk=official.pk).update(language="ja")
    return official.user


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390", "1280"])
def test_the_japanese_changelist_keeps_a_readable_text_column(open_as, meti_official, viewport):
    page = open_as(meti_official, viewport)
    page.goto(CHANGELIST)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"changelist-ja-{viewport['width']}.png", full_page=True)

    found = page.evaluate(MEASURE)

    assert page.locator("html").get_attribute("lang") == "ja"
    # Some twenty characters of text a line at least; 本文 on one line.
    assert found["cell"] >= 200, found
    assert found["headingLines"] == 1, found
    assert found["page"] <= found["viewport"], "the page itself scrolls sideways"
    if viewport is PHONE:
        assert found["boxScrolls"] and found["boxOverflow"] in {"auto", "scroll"}, found
    first_row = page.locator("#result_list tbody tr").first
    assert first_row.locator("td.field-lead_owner_name").inner_text() == "経済産業省"
    assert first_row.locator(".item-topic").inner_text() == "サイバーセキュリティ"
    assert page.console_errors == []
