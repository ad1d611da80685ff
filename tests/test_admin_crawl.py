"""No admin address answers a server error, for any role: every kind of page the secretariat, a
METI official and a DG Connect official can reach from the admin's home is opened, link by link,
with each changelist action's intermediate page and hostile filter values besides.

Every failure is collected before the one assertion, so a red run names every bad address."""

import datetime
import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from axes.models import AccessAttempt, AccessLog
from django.db import models, transaction
from django.urls import resolve
from django.utils import timezone

from recommendations.models import Edition, ReportingRound
from recommendations.rules.choices import Side, Status, Visibility
from recommendations.services.rounds import close_round, open_round
from tests import factories
from tests.helpers import Client

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
# Object pages of one kind opened (two items' change forms, two histories): the second finds
# what only shows with other data (an item an official owns, and one they do not); the rest
# would repeat them. One list page of each kind: one value per filter, each sort order once.
OBJECT_PAGES_PER_KIND = 2
# Enough for every kind of page of the small data set below, with room to spare; a bound all
# the same, so a link that breeds links cannot run for ever.
MAX_URLS = 400
# Links to leave alone: logging out ends the crawl's session.
SKIPPED = ("/admin/logout/",)
HUGE = "99999999999999999999"
# Values a visitor may type into any changelist's address.
HOSTILE_QUERIES = [
    {"pk__in": "abc"},
    {"pk": HUGE},
    {"id__gte": f"-{HUGE}"},
    {"o": "99"},
    {"o": "abc.-1.1.1"},
    {"p": "-1"},
    {"p": HUGE},
    {"no_such_field": "1"},
    {"q": "nul\x00byte"},
    {"q": "%" * 300},
    {"_to_field": "password"},
    {"_popup": "1", "_to_field": "id"},
]
# Each date field of the changelist's model, with values no calendar has.
HOSTILE_DATES = [{"__year": HUGE}, {"__year": "-1"}]
# The date hierarchy's, drilled into as its links do, to the edges of the calendar and past.
HOSTILE_HIERARCHY = [
    {"__year": HUGE},
    {"__year": "9999", "__month": "12", "__day": "31"},
    {"__year": "9999", "__month": "12"},
    {"__year": "9999"},
    {"__year": "1", "__month": "1", "__day": "1"},
    {"__year": "2024", "__month": HUGE},
    {"__year": "2024", "__month": "2", "__day": HUGE},
    {"__year": "2024", "__month": "2", "__day": "30"},
    {"__year": "-1"},
    {"__month": HUGE},
    {"__day": "abc"},
]
# Values no filter offers, for each parameter a changelist's own filter links use.
HOSTILE_FILTER_VALUES = ["abc", HUGE]


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


def filters_of(url: str) -> set[str]:
    """The filters an address applies, by name: a date hierarchy's year, month and day count
    as one, since its links drill down through them."""
    names = {name for name, _value in parse_qsl(urlsplit(url).query, keep_blank_values=True)}
    return {re.sub(r"__(year|month|day)$", "__date", name) for name in names}


def kind(url: str) -> tuple[str, ...]:
    """What a page is, as far as the crawl cares: its address with each object's id taken out,
    the names of its query's parameters (not their values) and the column it is sorted by.
    Pages of one kind run the same code: a list filtered on one topic and on another, one
    item's change form and the next one's."""
    parts = urlsplit(url)
    path = re.sub(r"/\d+(?=/)", "/<id>", parts.path)
    if "<id>" in path:
        # An object's page, reached from the plain list or a filtered one: the same form.
        return (path,)
    params = parse_qsl(parts.query, keep_blank_values=True)
    # A sort by one column and by another run different code; the same column descending, or
    # followed by a second one, do not.
    sort = [value.split(".")[0].lstrip("-") for name, value in params if name == "o"]
    return (
        path,
        *sorted({name for name, _value in params}),
        *sort,
    )


def admin_links(page_url: str, hrefs: list[str]) -> list[str]:
    """The page's links into the admin worth following: one filter at a time (a combination of
    two runs the code each runs alone), logging out left alone."""
    links = []
    for href in hrefs:
        parts = urlsplit(urljoin("http://testserver" + page_url, href))
        if parts.netloc != "testserver" or not parts.path.startswith("/admin/"):
            continue
        if parts.path.startswith(SKIPPED):
            continue
        link = canonical(parts.path + (f"?{parts.query}" if parts.query else ""))
        if len(filters_of(link)) <= 1:
            links.append(link)
    return links


def crawl(client) -> tuple[list[str], set[str], dict[str, set[str]]]:
    """Open every kind of admin page reachable from /admin/ (breadth first, up to MAX_URLS),
    post each changelist action without its confirmation (and roll back whatever it wrote),
    and return the failures, the pages opened and the changelists found, each with the
    parameters its filter links use."""
    failures: list[str] = []
    seen = {"/admin/"}
    queue = deque(["/admin/"])
    changelists: dict[str, set[str]] = {}
    opened: set[str] = set()
    kinds: Counter = Counter()
    while queue and len(opened) < MAX_URLS:
        url = queue.popleft()
        page_kind = kind(url)
        if kinds[page_kind] >= (OBJECT_PAGES_PER_KIND if "<id>" in page_kind[0] else 1):
            continue
        kinds[page_kind] += 1
        response = client.get(url)
        opened.add(url)
        if response.status_code >= 500:
            failures.append(f"GET {url} -> {response.status_code}")
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        reader = LinkReader()
        reader.feed(response.content.decode())
        links = admin_links(url, reader.links)
        if "?" not in url and resolve(url).url_name.endswith("_changelist"):
            changelists[url] = {
                name
                for link in links
                if urlsplit(link).path == url
                for name, _value in parse_qsl(urlsplit(link).query)
            }
            failures += post_actions(client, url, reader)
        for link in links:
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


def hostile_queries(changelist: str, filter_names: set[str]) -> list[dict[str, str]]:
    """What to type into the changelist's address: the values any changelist may be sent, each
    date field of its model out of the calendar, its date hierarchy drilled past the edges, and
    values none of its filters offers."""
    model_admin = resolve(changelist).func.model_admin
    date_fields = [
        field.name
        for field in model_admin.model._meta.get_fields()
        if isinstance(field, models.DateField) and field.name != model_admin.date_hierarchy
    ]
    queries = list(HOSTILE_QUERIES)
    for field in date_fields:
        queries += [{field + suffix: value for suffix, value in q.items()} for q in HOSTILE_DATES]
    if model_admin.date_hierarchy:
        field = model_admin.date_hierarchy
        queries += [
            {field + suffix: value for suffix, value in q.items()} for q in HOSTILE_HIERARCHY
        ]
    for name in sorted(filter_names - {"o", "p", "q", "_facets", "all"}):
        queries += [{name: value} for value in HOSTILE_FILTER_VALUES]
    return queries


def hostile(client, changelists: dict[str, set[str]]) -> list[str]:
    failures = []
    for changelist, filter_names in sorted(changelists.items()):
        for query in hostile_queries(changelist, filter_names):
            url = f"{changelist}?{urlencode(query)}"
            response = client.get(url)
            if response.status_code >= 500:
                failures.append(f"GET {url} -> {response.status_code}")
    return failures


@pytest.fixture
def world(media):
    """A small tracker in use: two topics, items led by DG Connect and by METI and co-owned
    across, with public and internal updates, one archived, one with a parent; the last Council
    with its closed round and published edition, the next with a round open; an official of
    each owner, and a failed sign-in in the lockout log."""
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
    # The crawl went where each role works: past the home page, into the changelists, and
    # ended before its bound.
    assert reached["secretariat"][1] >= 15
    assert all(30 < pages < MAX_URLS for pages, _changelists in reached.values())
