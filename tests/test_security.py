"""Hardening: login lockout, secure cookies and headers, a Content Security Policy the admin
works under, web-only evidence links, and production settings that refuse to start unsafe."""

import os
import re
import secrets
import subprocess
import sys
import threading
from pathlib import Path

import pyotp
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from playwright.sync_api import sync_playwright

from recommendations.models import ProgressUpdate, Side, Status
from recommendations.services.statuses import record_update
from tests import factories
from tests.helpers import form_data, launch

LOGIN = reverse("account_login")
PASSWORD = "a-long-test-password"


def log_in(client, username, password):
    return client.post(
        LOGIN,
        {"login": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR="10.0.0.7",
    )


@pytest.mark.django_db
def test_login_is_locked_after_five_failures_with_a_clear_message(client):
    user = factories.UserFactory(is_staff=True)

    for _attempt in range(5):
        failed = log_in(client, user.username, "wrong-password-guess")
        assert failed.status_code in {200, 429}

    locked = log_in(client, user.username, PASSWORD)

    assert locked.status_code == 429
    assert "Too many failed login attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_login_with_the_right_password_works_before_the_limit(client):
    user = factories.UserFactory(is_staff=True)
    for _attempt in range(4):
        log_in(client, user.username, "wrong-password-guess")

    response = log_in(client, user.username, PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_session_cookie_is_secure_and_http_only_in_production(client):
    user = factories.UserFactory(is_staff=True)

    response = log_in(client, user.username, PASSWORD)

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] and cookie["httponly"]
    assert settings.CSRF_COOKIE_SECURE


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/login/"])
def test_pages_carry_a_policy_without_inline_scripts_and_security_headers(client, path):
    response = client.get(path, secure=True)

    policy = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_no_template_has_an_inline_script_or_style():
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=\"")
    templates = Path(settings.BASE_DIR, "recommendations", "templates").rglob("*.html")

    offenders = [str(t) for t in templates if inline.search(t.read_text(encoding="utf-8"))]

    assert offenders == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "ftp://example.org/file", "data:text/html,hi", "file:///x"]
)
def test_evidence_links_other_than_http_or_https_are_refused(link):
    update = factories.ProgressUpdateFactory.build(
        recommendation=factories.RecommendationFactory(), evidence_url=link, text="Evidence."
    )

    with pytest.raises(ValidationError) as error:
        record_update(update=update, author=None)

    assert "evidence_url" in error.value.message_dict
    assert not ProgressUpdate.objects.exists()


@pytest.mark.django_db
def test_the_admin_refuses_a_javascript_evidence_link(admin_client):
    recommendation = factories.RecommendationFactory()
    url = reverse("admin:recommendations_recommendation_change", args=[recommendation.pk])
    data = form_data(admin_client.get(url).content.decode(), "recommendation_form")
    data.update({"updates-2-0-text": ["See link."], "updates-2-0-evidence_url": ["javascript:x"]})

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert not recommendation.updates.exists()


def run_manage(*args, **env):
    """manage.py in a fresh process with exactly the production environment given."""
    return run_python("manage.py", *args, **env)


def run_python(*args, **env):
    """Python in a fresh process in the project folder, with exactly the environment given."""
    keep = {"PATH", "HOME", "LANG", "TMPDIR", "DATABASE_URL", "VIRTUAL_ENV"}
    environment = {k: v for k, v in os.environ.items() if k in keep} | env
    return subprocess.run(  # noqa: S603 - our own code, fixed arguments
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_reports_no_warnings_under_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="tracker.example.org",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ALLOWED_HOSTS": "tracker.example.org"}, "SECRET_KEY must be set when DEBUG is off"),
        ({"SECRET_KEY": "x" * 50}, "ALLOWED_HOSTS must be set when DEBUG is off"),
    ],
)
def test_production_refuses_to_start_without_secret_key_or_allowed_hosts(env, message):
    result = run_python("-c", "import tracker.wsgi", DEBUG="0", **env)

    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.parametrize("debug", [{}, {"DEBUG": "true"}, {"DEBUG": "0"}])
def test_management_commands_run_on_a_fresh_checkout_without_production_variables(debug):
    result = run_manage("check", **debug)

    assert result.returncode == 0, result.stderr


def test_check_deploy_flags_the_development_key_when_none_is_set():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", DEBUG="0", ALLOWED_HOSTS="example.org"
    )

    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


@pytest.fixture
def official_with_password(transactional_db):
    meti = factories.OwnerFactory(code="METI", government="Government of Japan", side=Side.JAPAN)
    official = factories.OfficialFactory(owner=meti, user__username="hana@meti.go.jp")
    recommendation = factories.RecommendationFactory(lead_owner=meti)
    return official.user, recommendation


def sign_in(page, username):
    """Password, then enrolment of an authenticator app: every admin page is behind it."""
    page.goto("/admin/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/two-factor/**")
    secret = page.locator("#totp-secret").inner_text()
    page.fill("#id_code", pyotp.TOTP(secret).now())
    page.click("#two-factor-form input[type=submit]")
    page.click("text=I have kept them: continue")


def walk_through_the_admin(base_url, official, secretariat, recommendation, violations):
    """An official logs in, edits and saves a recommendation and opens the import page; the
    secretariat opens the richer form and the history. Policy violations are collected."""
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(base_url=base_url)
            page.on(
                "console",
                lambda message: (
                    violations.append(f"{page.url}: {message.text}")
                    if "Content Security Policy" in message.text
                    else None
                ),
            )
            sign_in(page, official.username)
            page.goto(f"/admin/recommendations/recommendation/{recommendation.pk}/change/")
            page.fill("#id_notes", "Checked in the browser.")
            # Their own side: the overall status is not theirs to set, only to see.
            assert page.locator("#id_status").count() == 0
            page.select_option("#id_japan_status", "planned")
            page.click("input[name=_save]")
            # Saved, the official is back at their own items on the admin's home.
            page.wait_for_url(re.compile(r"/admin/(#own-items)?$"))
            assert "was changed successfully" in page.content()
            page.goto("/admin/recommendations/recommendation/import-updates/")
            assert page.locator("#import-upload").is_visible()
            # The secretariat's form has the richer widgets: two-box selectors, autocomplete.
            page.context.clear_cookies()
            sign_in(page, secretariat.username)
            page.goto(f"/admin/recommendations/recommendation/{recommendation.pk}/change/")
            assert page.locator("#id_co_owners_from").is_visible()
            page.goto(f"/admin/recommendations/recommendation/{recommendation.pk}/history/")
            assert official.username in page.locator("#change-history").inner_text()
        finally:
            browser.close()


def test_the_admin_works_under_the_policy_in_a_real_browser(live_server, official_with_password):
    user, recommendation = official_with_password
    secretariat = factories.SuperuserFactory()
    violations, failures = [], []

    def run():
        try:
            walk_through_the_admin(live_server.url, user, secretariat, recommendation, violations)
        except Exception as error:  # Reported below, in the test's own thread.
            failures.append(error)

    # Playwright's sync API needs a thread without an event loop; the browser tests of the
    # public pages keep one running for the whole session.
    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=120)

    assert not thread.is_alive()
    if failures:
        raise failures[0]
    recommendation.refresh_from_db()
    assert recommendation.notes == "Checked in the browser."
    assert (recommendation.japan_status, recommendation.status) == (Status.PLANNED,) * 2
    assert violations == []


@pytest.mark.django_db
def test_tests_can_still_log_in_with_the_client_and_lockout_counts_there_too(client):
    user = factories.UserFactory(is_staff=True)

    assert client.login(username=user.username, password=PASSWORD)
    client.logout()
    for _attempt in range(5):
        assert not client.login(username=user.username, password="wrong-password-guess")
    assert not client.login(username=user.username, password=PASSWORD)
