import django.test
import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import translation

from recommendations.sign_in.session import SESSION_KEY as SECOND_FACTOR_SESSION_KEY
from tests.factories import SuperuserFactory


@pytest.fixture(autouse=True)
def english_outside_requests():
    """A request to a /ja/ page leaves Japanese active in the test's thread, which would make
    the next reverse() answer /ja/…; each test starts and ends in the default language."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: a count cached by one test must not answer the
    next one's request."""
    cache.clear()
    yield
    cache.clear()


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
        session = self.session
        session[SECOND_FACTOR_SESSION_KEY] = session[SESSION_KEY]
        session.save()


@pytest.fixture
def client():
    return Client()


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module, closed when its tests are done: Playwright's sync API allows
    one instance per thread at a time."""
    from playwright.sync_api import sync_playwright

    from tests.helpers import launch

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def secretariat_user(db):
    return SuperuserFactory()


@pytest.fixture
def admin_client(client, secretariat_user):
    client.force_login(secretariat_user)
    return client


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "postgres: needs PostgreSQL's real row locks; runs in the PostgreSQL pass "
        "(make test-postgres), deselected on SQLite",
    )


def pytest_collection_modifyitems(config, items):
    # SQLite ignores SELECT ... FOR UPDATE, so a locking test there would prove nothing.
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    needs_postgres = [item for item in items if item.get_closest_marker("postgres")]
    if needs_postgres:
        config.hook.pytest_deselected(items=needs_postgres)
        items[:] = [item for item in items if not item.get_closest_marker("postgres")]


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Lets fixtures see how the test went (the browser tests save a screenshot on failure).
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report
