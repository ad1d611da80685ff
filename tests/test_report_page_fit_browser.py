"""The report page read in a real browser at 1280, 1024 and 390 px, in English and Japanese: no
heading and no number breaks inside a word ("Pl/a/n/n/e/d", "1/0"). A table wider than a phone
scrolls in its own box instead. Each width is kept as a screenshot in test-artifacts/."""

import pytest

from recommendations.models import Side, Status
from recommendations.services.statuses import set_statuses
from tests import factories
from tests.helpers import ARTIFACTS, open_page

WIDTHS = [1280, 1024, 390]

# Every word (a run of characters between spaces, or up to a hyphen) of the report's headings,
# table headings and numbers, measured with a Range: a word drawn on more than one line is broken
# inside itself.
# Japanese has no spaces: a heading's or a row name's phrases (the `phrases` filter's spans) are
# its words there, and a column heading such as 進行中 is one word.
BROKEN_WORDS = """() => {
  const broken = [];
  const units = document.querySelectorAll(
    '.report .count-table th, .report .count-table td, .report .status-chart th, '
    + '.report .status-chart td, .report-table thead th, .key-figures .figure, '
    + '.report h1, .report h2, .report h3');
  for (const element of units) {
    const phrased = element.closest(':lang(ja)') && element.querySelector('.phrase');
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (phrased && !node.parentElement.closest('.phrase')) continue;
      // A hyphen is a place to wrap: "follow-" and "up" are words of their own.
      const pattern = /[^\\s-]+-?/g;
      let match;
      while ((match = pattern.exec(node.data))) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (lines.size > 1) broken.push(`${element.tagName} «${match[0]}» on ${lines.size} lines`);
      }
    }
  }
  return broken;
}"""


SCROLLING_SUMMARY_TABLES = """() => [...document.querySelectorAll('.report-summary .table-box')]
  .filter((box) => box.scrollWidth > box.clientWidth + 1)
  .map((box) => box.querySelector('caption').textContent)"""


@pytest.fixture
def report_data(transactional_db):
    """Three topics, one with a dozen items so its counts run to two digits, statuses of every
    kind, and long topic names in both languages."""
    topics = [
        factories.TopicFactory(
            code="DFFT",
            name="Data Free Flow with Trust and cross-border data governance",
            name_ja="信頼性のある自由なデータ流通と越境データガバナンス",
            position=1,
        ),
        factories.TopicFactory(
            code="AI", name="Artificial Intelligence", name_ja="人工知能", position=2
        ),
        factories.TopicFactory(code="SEMI", name="Semiconductors", name_ja="半導体", position=3),
    ]
    statuses = [Status.PLANNED, Status.IN_PROGRESS, Status.COMPLETED, Status.ONGOING]
    for number in range(1, 15):
        item = factories.RecommendationFactory(topic=topics[0], number=str(number))
        status = statuses[number % len(statuses)]
        set_statuses(
            recommendation=item, sides={Side.EU: status, Side.JAPAN: status}, author=None, text="x"
        )
    for topic in topics[1:]:
        for number in range(1, 4):
            factories.RecommendationFactory(topic=topic, number=str(number))
    return topics


@pytest.mark.parametrize("width", WIDTHS)
def test_no_heading_or_number_of_the_report_breaks_inside_a_word(
    browser, live_server, report_data, width
):
    page = open_page(browser, live_server.url, viewport={"width": width, "height": 900})
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        for prefix in ["", "/ja"]:
            page.goto(f"{prefix}/report/")
            page.locator(".count-table").first.wait_for()
            page.screenshot(
                path=ARTIFACTS / f"report-fit-{prefix.strip('/') or 'en'}-{width}.png",
                full_page=True,
            )

            assert page.evaluate(BROKEN_WORDS) == [], f"{prefix}/report/ at {width}px"
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{prefix}/report/ scrolls sideways by {overflow}px at {width}px"
            if width >= 1024:
                # On a desktop every summary table is seen whole, without scrolling its box.
                assert page.evaluate(SCROLLING_SUMMARY_TABLES) == [], f"{prefix}/report/ {width}"
        assert page.console_errors == []
    finally:
        page.context.close()
