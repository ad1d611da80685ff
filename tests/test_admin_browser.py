"""The admin on a laptop, in Debian's Chromium: at 1280×800 and 1440×900 the recommendations' list,
an item's page, an official's home, the bulk action and the password page show everything
without sideways scrolling, and the object tools keep clear of the headings. A failing test
leaves a screenshot in test-artifacts/."""

import datetime
import itertools
from types import SimpleNamespace

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import expect

from recommendations.models import Side, Status
from tests import factories
from tests.helpers import CHANGELIST, change_url

VIEWPORTS = [
    pytest.param({"width": 1280, "height": 800}, id="1280x800"),
    pytest.param({"width": 1440, "height": 900}, id="1440x900"),
]
LONG_TEXT = (
    "The EU and Japan should seek mutual interoperability and mutual recognition of their "
    "cybersecurity certification schemes, including for cloud services, connected products and "
    "critical infrastructure, so that companies certified on one side are not audited twice."
)
LONG_UPDATE = (
    "The working group met with stakeholders and agreed a roadmap for the joint pilot on "
    "trusted data flows; the next step is a call for participants, to be published after the "
    "summer, with a first report to the Digital Partnership Council."
)

# Whether the text of any heading of the page's title area meets an object tool's button.
OBJECT_TOOLS_OVERLAP = """() => {
    const tools = [...document.querySelectorAll('.object-tools li')]
        .map(tool => tool.getBoundingClientRect());
    for (const heading of document.querySelectorAll('#content > h1, #content > h2')) {
        const range = document.createRange();
        range.selectNodeContents(heading);
        for (const a of range.getClientRects()) {
            for (const b of tools) {
                if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) {
                    return true;
                }
            }
        }
    }
    return false;
}"""
# The page's width, and the elements of `root` cut off: wider than their own box, or reaching
# past the root's right edge. Screen-reader-only text is clipped on purpose.
CLIPPED = """(root) => {
    const box = document.querySelector(root);
    const right = box.getBoundingClientRect().right;
    const cut = el => el.scrollWidth > el.clientWidth + 1
                      && getComputedStyle(el).overflowX !== 'visible';
    const clipped = [...box.querySelectorAll('*')]
        .filter(el => el.getClientRects().length && !el.closest('.visually-hidden'))
        .filter(el => cut(el) || el.getBoundingClientRect().right > right + 1)
        .map(el => `${el.tagName}.${el.className}: ${el.textContent.trim().slice(0, 40)}`);
    return {page: document.documentElement.scrollWidth, viewport: innerWidth, clipped};
}"""


@pytest.fixture
def tracker(transactional_db):
    """Thirty items with long texts in two topics, led or co-owned by four owners, most of them
    with no recent update; one METI item with a long timeline."""
    factories.CouncilFactory(date=timezone.localdate() + datetime.timedelta(weeks=4))
    topics = [
        factories.TopicFactory(code="CYBER", name="Cybersecurity"),
        factories.TopicFactory(code="DFFT", name="Data Free Flow with Trust (DFFT)"),
    ]
    owners = [
        factories.OwnerFactory(code="DG-CONNECT", name="DG Connect", side=Side.EU),
        factories.OwnerFactory(code="METI", name="METI", side=Side.JAPAN),
        factories.OwnerFactory(code="MIC", name="MIC", side=Side.JAPAN),
        factories.OwnerFactory(code="DIGITAL-AGENCY", name="Digital Agency", side=Side.JAPAN),
    ]
    statuses = itertools.cycle(Status.values)
    items = []
    for n in range(1, 31):
        items.append(
            factories.RecommendationFactory(
                topic=topics[n % 2],
                number=f"{n}",
                title="Interoperable certification schemes" if n % 5 == 0 else "",
                text=LONG_TEXT,
                lead_owner=owners[n % 4],
                co_owners=[owners[1]] if n % 3 == 0 else [],
                status=next(statuses),
                eu_status=next(statuses),
                japan_status=Status.NOT_ASSESSED,
                status_date=datetime.date(2024, 4, 17),
            )
        )
    own = items[0]
    own.lead_owner = owners[1]
    own.save()
    for weeks in range(5):
        factories.ProgressUpdateFactory(
            recommendation=own,
            text=LONG_UPDATE,
            evidence_url="https://example.org/press-release",
            date=timezone.localdate() - datetime.timedelta(weeks=weeks),
        )
    return SimpleNamespace(
        secretariat=factories.SuperuserFactory(),
        official=factories.OfficialFactory(
            owner=owners[1], user__username="hana.sato@meti.go.jp"
        ).user,
        own=own,
        not_theirs=items[1],
    )


def assert_fits(page, root):
    found = page.evaluate(CLIPPED, root)
    assert found["page"] <= found["viewport"], "the page scrolls sideways"
    assert found["clipped"] == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("role", ["secretariat", "official"])
def test_the_changelist_shows_every_column_without_sideways_scrolling(
    open_as, tracker, role, viewport
):
    page = open_as(getattr(tracker, role), viewport)

    page.goto(CHANGELIST)

    table = page.evaluate(
        """() => {
            const table = document.querySelector('#result_list');
            return {width: table.scrollWidth, box: table.parentElement.clientWidth,
                    right: table.parentElement.getBoundingClientRect().right,
                    columns: [...table.querySelectorAll('thead th')].map(th => ({
                        name: th.className, right: th.getBoundingClientRect().right}))};
        }"""
    )
    assert table["width"] <= table["box"]
    names = [next(n for n in c["name"].split() if "column" in n) for c in table["columns"]]
    assert names == [
        "action-checkbox-column",
        "column-reference",
        "column-short_text",
        "column-lead_owner_name",
        "column-statuses",
        "column-flags",
        "column-last_update",
    ]
    assert all(column["right"] <= table["right"] + 1 for column in table["columns"])
    assert_fits(page, "#changelist")
    assert page.locator("#result_list tbody tr").count() == 30
    assert page.console_errors == []


def test_the_full_text_is_one_click_away_in_the_changelist(open_as, tracker):
    page = open_as(tracker.official, VIEWPORTS[0].values[0])
    page.goto(CHANGELIST)
    summary = page.locator(f"tr:has(a:text-is('{tracker.own.reference}')) .item-text summary")
    folded = summary.evaluate("el => el.scrollHeight > el.clientHeight + 1")

    summary.click()

    assert folded, "the long text is cut to two lines"
    assert summary.evaluate("el => el.parentElement.open && el.scrollHeight <= el.clientHeight")
    assert_fits(page, "#changelist")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_change_form_gives_the_timeline_text_the_width_and_keeps_its_tools_clear(
    open_as, tracker, viewport
):
    page = open_as(tracker.official, viewport)

    page.goto(change_url(tracker.own))

    share = page.evaluate(
        """() => {
            const entry = document.querySelector('.timeline-entry');
            const text = entry.querySelector('.timeline-text');
            return text.getBoundingClientRect().width / entry.getBoundingClientRect().width;
        }"""
    )
    assert share > 0.6
    assert page.locator(".timeline-entry").count() == 5
    assert not page.evaluate(OBJECT_TOOLS_OVERLAP)
    assert_fits(page, "#content")
    # Their side first: the field they came for is on the first screen.
    assert page.locator("#id_japan_status").bounding_box()["y"] < viewport["height"]
    assert page.console_errors == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_read_only_item_says_why_before_anything_else(open_as, tracker, viewport):
    page = open_as(tracker.official, viewport)

    page.goto(change_url(tracker.not_theirs))

    reason = page.locator(".read-only-reason")
    assert "METI neither leads nor co-owns" in reason.inner_text()
    first_fieldset = page.locator("#recommendation_form fieldset").first
    assert reason.bounding_box()["y"] < first_fieldset.bounding_box()["y"]
    assert not page.evaluate(OBJECT_TOOLS_OVERLAP)
    assert_fits(page, "#content")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_an_officials_home_leads_with_their_items_stale_first(open_as, tracker, viewport):
    page = open_as(tracker.official, viewport)

    page.goto(reverse("admin:index"))

    rows = page.locator("#own-items tbody tr")
    assert rows.first.get_attribute("class") == "stale"
    # The item with this week's update comes after every stale one.
    # (Under its reference, whether the owner leads it or co-owns it.)
    assert rows.last.locator("th").inner_text().splitlines()[0] == tracker.own.reference
    rows.first.locator("a").click()
    page.wait_for_url("**/change/")
    assert page.locator("#id_japan_status").count() == 1
    page.go_back()
    assert_fits(page, "#content-main")
    assert page.console_errors == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_bulk_action_page_uses_the_admins_form_and_fits(open_as, tracker, viewport):
    page = open_as(tracker.secretariat, viewport)
    page.goto(CHANGELIST)
    for row in range(3):
        page.locator("input.action-select").nth(row).check()
    page.select_option("select[name=action]", "change_status_action")

    with page.expect_navigation():
        page.locator("button[name=index]").click()

    expect(page.locator("fieldset.module.aligned .form-row.field-status")).to_be_visible()
    label, field = (
        page.locator(f".field-status {selector}").bounding_box() for selector in ["label", "select"]
    )
    # Label and field side by side, as in every admin form.
    assert label["x"] < field["x"] and abs(label["y"] - field["y"]) < 20
    assert_fits(page, "#content")
    assert page.console_errors == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_password_page_names_the_account_and_its_rules_and_fits(open_as, tracker, viewport):
    user = tracker.official
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(user)])
    page = open_as(None, viewport)

    page.goto(link)

    assert page.title().startswith("Choose your password")
    assert "hana.sato@meti.go.jp" in page.locator("#content-main").inner_text()
    rules = page.locator(".password-rules")
    assert "at least 12 characters" in rules.inner_text()
    assert rules.bounding_box()["y"] < page.locator("#id_new_password1").bounding_box()["y"]
    assert_fits(page, "#content")
    assert page.console_errors == []
