"""What several test modules share, kept here so that no test module imports another: recording
history on chosen days, posting admin forms as a browser would, and launching the browser.

Fixtures live in conftest.py; model factories in factories.py."""

from __future__ import annotations

import asyncio
import csv
import datetime
import email
import email.policy
import io
import socket
import zoneinfo
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

import django.test
from aiosmtpd.controller import Controller
from django.conf import settings
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from recommendations.models import Recommendation, Side, Visibility
from recommendations.services.statuses import set_statuses
from recommendations.sign_in.session import SESSION_KEY as SECOND_FACTOR_SESSION_KEY
from tests.factories import RecommendationFactory

# Where the browser tests leave their screenshots: for a person to look at, and for a failure.
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"

if TYPE_CHECKING:
    # For the annotations only: the tests that never open a browser need not load Playwright.
    from playwright.sync_api import Browser, Page, Playwright


# History on chosen days -------------------------------------------------------------------


def officials_today(user) -> datetime.date:
    """The day it is where the official works: the day their requests record (Tokyo's day is
    the next one from 15:00 UTC)."""
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(user.official.time_zone_name))


def on(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def recorded_on(day: datetime.date, **fields) -> Recommendation:
    """A recommendation whose history starts on `day`, as if it had been entered then."""
    recommendation = RecommendationFactory(status_date=day, **fields)
    Recommendation.history.filter(id=recommendation.pk).update(history_date=on(day))
    return recommendation


def change(recommendation, status, day, *, text="", visibility=Visibility.PUBLIC):
    """Move the overall status the way officials do: both sides report `status` (so the overall
    status follows), recorded in the history on `day`."""
    recommendation._history_date = on(day)
    # A stalled side says why; which reason does not matter to the tests that use this.
    stalled = {"eu_stalled_reason": "other_side", "japan_stalled_reason": "other_side"}
    return set_statuses(
        recommendation=recommendation,
        author=None,
        sides={Side.EU: status, Side.JAPAN: status},
        answers=stalled if status == "stalled" else None,
        text=text,
        visibility=visibility,
        on=day,
    )


# Admin forms, as a browser submits them ---------------------------------------------------


class _FormReader(HTMLParser):
    def __init__(self, form_id):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, list[str]] = {}
        self._select = None
        self._select_has_selected = False
        self._first_option = None
        self._textarea = None

    def _add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self._add(name, attrs.get("value", "on"))
            elif kind not in {"submit", "button", "file", "image"}:
                self._add(name, attrs.get("value") or "")
        elif tag == "select" and name:
            self._select, self._select_has_selected, self._first_option = name, False, None
            self._multiple = "multiple" in attrs
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in attrs:
                self._select_has_selected = True
                self._add(self._select, value)
        elif tag == "textarea" and name:
            self._textarea = name
            self._add(name, "")

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        if tag == "select" and self._select:
            if (
                not self._select_has_selected
                and not self._multiple
                and self._first_option is not None
            ):
                self._add(self._select, self._first_option)
            self._select = None
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            # The first newline after <textarea> is not part of the value.
            value = self.data[self._textarea][-1] + data
            self.data[self._textarea][-1] = value.removeprefix("\n")


def as_csv(rows: list[dict]) -> bytes:
    """Rows as a CSV file, headed by the first row's keys, as a spreadsheet saves them."""
    target = io.StringIO()
    writer = csv.DictWriter(target, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return target.getvalue().encode()


def form_data(html: str, form_id: str) -> dict[str, list[str]]:
    """The form's fields as the browser would submit it unchanged: management forms, inlines,
    checked boxes and each select's chosen (or first) option included."""
    reader = _FormReader(form_id)
    reader.feed(html)
    return reader.data


CHANGELIST = reverse("admin:recommendations_recommendation_changelist")


def bulk_status(recommendations, **fields) -> dict:
    """The bulk status action's form as submitted ("apply"), with `status`, `target`, `reason`
    and so on from `fields`."""
    return {
        "action": "change_status_action",
        "_selected_action": [recommendation.pk for recommendation in recommendations],
        "apply": "1",
        "text": "",
        "visibility": "public",
        **fields,
    }


def change_url(recommendation) -> str:
    return reverse("admin:recommendations_recommendation_change", args=[recommendation.pk])


def open_change_form(client, recommendation) -> dict[str, list[str]]:
    """A recommendation's admin form as the browser would submit it unchanged."""
    page = client.get(change_url(recommendation))
    return form_data(page.content.decode(), "recommendation_form")


def post_change_form(client, recommendation, **changes):
    """Load the change form as a browser does, edit some fields, and submit it."""
    data = open_change_form(client, recommendation)
    data.update(
        {name: value if isinstance(value, list) else [value] for name, value in changes.items()}
    )
    return client.post(change_url(recommendation), data)


# The browser ------------------------------------------------------------------------------

# Debian's Chromium (Playwright may not download its own), headless, without the background
# traffic a closed network refuses.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def open_page(browser: Browser, base_url: str, *, timeout: int = 15_000, **options) -> Page:
    """A page in a fresh context whose console errors (a style or script the Content Security
    Policy blocks, a failed load) are kept in `page.console_errors` for the test to check."""
    context = browser.new_context(base_url=base_url, **options)
    context.set_default_timeout(timeout)
    page = context.new_page()
    page.console_errors = []
    page.on(
        "console",
        lambda message: message.type == "error" and page.console_errors.append(message.text),
    )
    return page


class Client(django.test.Client):
    """Django's test client, whose login() passes a request as the login form does: the lockout
    backend (django-axes) refuses to authenticate without one.

    Its shortcuts (login, force_login) skip the sign-in pages, so they mark the session as past
    the second factor too: the tests that use them are about what comes after signing in. The
    sign-in's own tests (test_sign_in*.py) post to the real pages instead."""

    def login(self, **credentials):
        request = HttpRequest()
        request.META["REMOTE_ADDR"] = "127.0.0.1"
        logged_in = super().login(request=request, **credentials)
        if logged_in:
            self._second_factor_passed()
        return logged_in

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        self._second_factor_passed()

    def _second_factor_passed(self):
        mark_client_verified(self)


def mark_client_verified(client: django.test.Client) -> None:
    """For Django's test client after force_login: the session of its signed-in user counts as
    past the second factor."""
    session = client.session
    session[SECOND_FACTOR_SESSION_KEY] = session[AUTH_SESSION_KEY]
    session.save()


# Mail -----------------------------------------------------------------------------------------


class MailServer:
    """aiosmtpd on a loopback port, keeping every message it accepts."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.received: list[email.message.EmailMessage] = []
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0)
        self.received.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [message for message in self.received if message["To"] == address]
