"""No admin address answers a server error, for any role: every page the secretariat, a METI
official and a DG Connect official can reach from the admin's home is opened, link by link, with
each changelist action's intermediate page and a set of hostile filter values besides.

Every failure is collected before the one assertion, so a red run names every bad address."""

import datetime
from collections import deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from axes.models import AccessAttempt, AccessLog
from django.db import transaction
from django.utils import timezone

from recommendations.choices import Side, Status, Visibility
from recommendations.models import Edition, ReportingRound
from recommendations.services.rounds import close_round, open_round
from tests import factories
from tests.helpers import Client

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
# Enough for every page of the small data set below, each filter value and each sort order,
# with room to spare; a bound all the same, so a link that breeds links cannot run for ever.
MAX_URLS = 150
# Links to leave alone: logging out ends the crawl's session; the language switch and the site
# outside /admin/ are not the admin.
SKIPPED = ("/admin/logout/",)
# Values a visitor may type into any changelist's address.
HOSTILE_QUERIES = [
    {"date__year": "99999999999999999999"},
    {"date__year": "9999", "date__month": "12", "date__day": "31"},
    {"date__year": "9999", "date__month": "12"},
    {"date__year": "1", "date__month": "1", "date__day": "1"},
    {"date__year": "2024", "date__month": "99999999999999999999"},
    {"date__year": "2024", "date__month": "2", "date__day": "99999999999999999999"},
    {"date__year": "-1"},
    {"date__month": "99999999999999999999"},
    {"date__day": "abc"},
    {"attempt_time__year": "99999999999999999999"},
    {"attempt_time__year": "9999", "attempt_time__month": "12", "attempt_time__day": "31"},
    {"attempt_time__year": "1", "attempt_time__month": "1", "attempt_time__day": "1"},
    {"pk__in": "abc"},
    {"pk": "99999999999999999999"},
    {"id__gte": "-99999999999999999999"},
    {"o": "99"},
    {"o": "abc.-1.1.1"},
    {"p": "-1"},
    {"p": "99999999999999999999"},
    {"p": "abc"},
    {"no_such_field": "1"},
    {"q": "nul\x00byte"},
    {"q": "%" * 300},
    {"topic__id__exact": "abc"},
    {"status__exact": "no-such-status"},
    {"stale": "2", "divergent": "x", "round": "nope", "archived": "maybe"},
    {"_to_field": "password"},
    {"_popup": "1", "_to_field": "id"},
    {"e": "1"},
]


class LinkReader(HTMLParser):
    """The page's links, and each changelist action form's actions and row checkboxes."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.actions: list[str] = []
        self.selected: list[str] = []
        self._in_action_select = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "select" and attrs.get("name") == "action":
            self._in_action_select = True
        elif tag == "option" and self._in_action_select and attrs.get("value"):
            self.actions.append(attrs["value"])
        elif tag == "input" and attrs.get("name") == "_selected_action":
            self.selected.append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._in_action_select = False


def canonical(url: str) -> str:
    """The address with its query's parameters in one order, so a link reached twice with its
    parameters shuffled is opened once."""
    parts = urlsplit(url)
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return parts.path + (f"?{query}" if query else "")


def admin_links(page_url: str, hrefs: list[str]) -> list[str]:
    links = []
    for href in hrefs:
        parts = urlsplit(urljoin("http://testserver" + page_url, href))
        if parts.netloc != "testserver" or not parts.path.startswith("/admin/"):
            continue
        if parts.path.startswith(SKIPPED):
            continue
        links.append(canonical(parts.path + (f"?{parts.query}" if parts.query else "")))
    return links


def crawl(client) -> tuple[list[str], set[str], set[str]]:
    """Open every admin page reachable from /admin/ (breadth first, up to MAX_URLS), post each
    changelist action without its confirmation (and roll back whatever it wrote), and return
    the failures, the pages opened and the changelists found."""
    failures: list[str] = []
    seen = {"/admin/"}
    queue = deque(["/admin/"])
    changelists: set[str] = set()
    opened: set[str] = set()
    while queue and len(opened) < MAX_URLS:
        url = queue.popleft()
        response = client.get(url)
        opened.add(url)
        if response.status_code >= 500:
            failures.append(f"GET {url} -> {response.status_code}")
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        reader = LinkReader()
        reader.feed(response.content.decode())
        if reader.actions and "?" not in url:
            changelists.add(url)
            failures += post_actions(client, url, reader)
        for link in admin_links(url, reader.links):
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return failures, opened, changelists


def post_actions(client, url: str, reader: LinkReader) -> list[str]:
    """Each action of the changelist at `url` on its first rows, as the action button posts
    it: actions with a confirmation step answer it, the others act; either way nothing stays."""
    failures = []
    for action in reader.actions:
        data = {"action": action, "index": "0", "_selected_action": reader.selected[:3]}
        with transaction.atomic():
            response = client.post(url, data)
            transaction.set_rollback(True)
        if response.status_code >= 500:
            failures.append(f"POST {url} action={action} -> {response.status_code}")
    return failures


def hostile(client, changelists: set[str]) -> list[str]:
    failures = []
    for changelist in sorted(changelists):
        for query in HOSTILE_QUERIES:
            url = f"{changelist}?{urlencode(query)}"
            response = client.get(url)
            if response.status_code >= 500:
                failures.append(f"GET {url} -> {response.status_code}")
    return failures


@pytest.fixture
def world(settings, tmp_path):
    """A small tracker in use: two topics, items led by DG Connect and by METI and co-owned
    across, with public and internal updates, one archived, one with a parent; the last Council
    with its closed round and published edition, the next with a round open; an official of
    each owner, and a failed sign-in in the lockout log."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    last = factories.CouncilFactory(number=2, date=TODAY - datetime.timedelta(days=300))
    upcoming = factories.CouncilFactory(number=3, date=TODAY + datetime.timedelta(days=60))
    dg_connect = factories.OwnerFactory(code="CNECT", name="DG Connect", side=Side.EU)
    meti = factories.OwnerFactory(code="METI", name="METI", side=Side.JAPAN)
    ai = factories.TopicFactory(code="AI", position=1)
    cyber = factories.TopicFactory(code="CYBER", position=2)
    jbce = factories.OrganisationFactory(acronym="JBCE", side=Side.JAPAN)
    long_ago = TODAY - datetime.timedelta(days=400)
    items = [
        factories.RecommendationFactory(
            topic=ai, number="1", lead_owner=dg_connect, status_date=long_ago
        ),
        factories.RecommendationFactory(
            topic=ai, number="2", lead_owner=dg_connect, co_owners=[meti], organisations=[jbce]
        ),
        factories.RecommendationFactory(
            topic=ai, number="3", lead_owner=meti, status=Status.IN_PROGRESS, status_date=long_ago
        ),
        factories.RecommendationFactory(
            topic=cyber, number="1", lead_owner=meti, co_owners=[dg_connect], title="Heading"
        ),
    ]
    factories.RecommendationFactory(topic=cyber, number="2", lead_owner=meti, parent=items[3])
    factories.RecommendationFactory(
        topic=cyber, number="3", lead_owner=dg_connect, archived_at=timezone.now()
    )
    for number, item in enumerate(items):
        factories.ProgressUpdateFactory(
            recommendation=item, date=TODAY - datetime.timedelta(days=10 * number)
        )
        factories.ProgressUpdateFactory(
            recommendation=item,
            date=TODAY - datetime.timedelta(days=500),
            visibility=Visibility.INTERNAL,
        )
    past_round = ReportingRound.objects.create(
        council=last, deadline=last.date, opened_at=timezone.now()
    )
    close_round(reporting_round=past_round)
    Edition.objects.create(
        council=last, number=1, round=past_round, as_of=last.date, published_at=timezone.now()
    )
    open_round(council=upcoming, deadline=TODAY + datetime.timedelta(days=14), author=None)
    AccessAttempt.objects.create(
        username="mallory", ip_address="127.0.0.1", user_agent="crawler", failures_since_start=3
    )
    AccessLog.objects.create(username="anna", ip_address="127.0.0.1", user_agent="browser")
    return {
        "secretariat": factories.SuperuserFactory(),
        "METI official": factories.OfficialFactory(owner=meti).user,
        "DG Connect official": factories.OfficialFactory(owner=dg_connect).user,
    }


def test_no_admin_address_answers_a_server_error_for_any_role(world):
    failures = []
    reached = {}
    for role, user in world.items():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        found, opened, changelists = crawl(client)
        failures += [f"{role}: {failure}" for failure in found]
        failures += [f"{role}: {failure}" for failure in hostile(client, changelists)]
        reached[role] = (len(opened), len(changelists))

    assert not failures, "\n".join(failures)
    # The crawl went where each role works: past the home page, into the changelists.
    assert reached["secretariat"][1] >= 10
    assert all(pages > 30 for pages, _changelists in reached.values())
