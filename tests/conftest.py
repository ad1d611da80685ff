import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from tests.factories import SuperuserFactory
from tests.helpers import ARTIFACTS, Client, MailServer, open_page

DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture(autouse=True, scope="session")
def files_of_this_process(tmp_path_factory):
    """Each process of the suite (`make test` runs one per core) stores its files and takes
    django-mailer's lock in a folder of its own: two processes writing one media folder would
    rename each other's editions, and a delivery that finds the lock taken sends nothing."""
    from django.test import override_settings
    from mailer import engine

    folder = tmp_path_factory.mktemp("process")
    lock = str(folder / "send_mail")
    # Read by django-mailer when it is imported; the servers the tests start read the variable.
    engine.LOCK_PATH = lock
    os.environ["MAILER_LOCK_PATH"] = lock
    storages = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder / "media")},
        },
    }
    with override_settings(STORAGES=storages, MAILER_LOCK_PATH=lock):
        yield


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
def media(settings, tmp_path):
    """Stored files (published editions) go to a folder of the test's own, read back from it."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    return tmp_path / "media"


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
    config.addinivalue_line(
        "markers",
        "redis: needs a Redis server (REDIS_URL); runs in make test-redis, deselected by the "
        "default -m 'not redis'",
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


@pytest.fixture
def open_as(browser, live_server, request):
    """Opens a page logged in as a user (anonymous for None) at a viewport's size; screenshots
    it into test-artifacts/ if the test fails."""
    pages = []

    def open_as(user, viewport=DESKTOP):
        page = open_page(browser, live_server.url, viewport=viewport, locale="en-GB")
        if user is not None:
            client = Client()
            client.force_login(user)
            session = client.cookies[settings.SESSION_COOKIE_NAME].value
            page.context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
            )
        # The admin names no icon; the browser's guess would be a console error.
        page.route("**/favicon.ico", lambda route: route.fulfill(status=204))
        pages.append(page)
        return page

    yield open_as
    report = getattr(request.node, "report_call", None)
    for number, page in enumerate(pages):
        if report is None or report.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=ARTIFACTS / f"{request.node.name}-{number}.png", full_page=True)
        page.context.close()


@pytest.fixture
def server(settings):
    """A real SMTP server (aiosmtpd) the outbox sends through; its messages in `received`."""
    mail_server = MailServer()
    settings.MAILER_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = mail_server.port
    mail_server.controller.start()
    yield mail_server
    mail_server.controller.stop()
