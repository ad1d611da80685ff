"""Single sign-on against a real OpenID Connect provider (django-oauth-toolkit's, started by
the test in its own process): a known official's address signs them in, an unknown one is
refused and creates nothing."""

import html
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model

from tests import factories
from tests.oidc_provider.serve import PASSWORD

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def tracker_url(live_server) -> str:
    # An address with a dot: http.cookiejar files localhost's cookies under localhost.local
    # and never sends them back.
    return live_server.url.replace("localhost", "127.0.0.1")


@pytest.fixture
def provider(tracker_url, settings, tmp_path):
    """The provider, running, and the tracker configured for it as OIDC_ISSUER etc. would."""
    port = free_port()
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    callback = f"{tracker_url}/accounts/oidc/sso/login/callback/"
    process = subprocess.Popen(  # noqa: S603 -- this interpreter, this module
        [sys.executable, "-m", "tests.oidc_provider.serve", str(port), callback],
        cwd=Path(django_settings.BASE_DIR),
        env={
            **os.environ,
            "PROVIDER_DATABASE": str(tmp_path / "provider.sqlite3"),
            "PROVIDER_RSA_KEY": key.decode(),
        },
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout.readline().strip() == "ready"
        issuer = f"http://127.0.0.1:{port}/o"
        settings.SOCIALACCOUNT_PROVIDERS = {
            "openid_connect": {
                "APPS": [
                    {
                        "provider_id": "sso",
                        "name": "METI sign-in",
                        "client_id": "tracker",
                        "secret": "tracker-secret",
                        "settings": {"server_url": issuer, "oauth_pkce_enabled": True},
                    }
                ]
            }
        }
        settings.OIDC_ISSUER = issuer
        settings.REQUIRE_2FA = True
        # The test speaks plain http to the live server.
        settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=10)


def sign_in_with_the_provider(
    base_url: str, email: str
) -> tuple[requests.Session, requests.Response]:
    """What a browser does: the tracker's "Sign in with …" button, the provider's login form,
    and back to the tracker with the provider's code."""
    session = requests.Session()
    start = session.get(f"{base_url}/accounts/oidc/sso/login/", timeout=30)
    token = CSRF.search(start.text).group(1)
    at_provider = session.post(
        start.url, data={"csrfmiddlewaretoken": token}, headers={"Referer": start.url}, timeout=30
    )
    assert "/login/" in at_provider.url, at_provider.url
    back = session.post(
        at_provider.url,
        data={
            "csrfmiddlewaretoken": CSRF.search(at_provider.text).group(1),
            "username": email,
            "password": PASSWORD,
            "next": html.unescape(re.search(r'name="next" value="([^"]*)"', at_provider.text)[1]),
        },
        headers={"Referer": at_provider.url},
        timeout=30,
    )
    return session, back


def test_an_oidc_sign_in_for_a_known_address_signs_the_official_in(provider, tracker_url):
    official = factories.OfficialFactory(
        user__username="hana@meti.go.jp", user__email="hana@meti.go.jp"
    ).user

    session, back = sign_in_with_the_provider(tracker_url, "hana@meti.go.jp")

    # Signed in as the official, and, with no second factor yet, at its enrolment.
    assert back.status_code == 200, [r.url for r in back.history] + [back.url]
    assert back.url.startswith(f"{tracker_url}/admin/two-factor/")
    assert "Turn on two-factor authentication" in back.text
    official.refresh_from_db()
    assert official.socialaccount_set.get().provider == "sso"
    # Still nothing of the admin before the second factor.
    admin = session.get(f"{tracker_url}/admin/", allow_redirects=False, timeout=30)
    assert admin.headers["Location"].startswith("/admin/two-factor/")


def test_an_oidc_sign_in_for_an_unknown_address_is_refused(provider, tracker_url):
    factories.OfficialFactory(user__username="hana@meti.go.jp", user__email="hana@meti.go.jp")
    users_before = get_user_model().objects.count()

    session, back = sign_in_with_the_provider(tracker_url, "stranger@example.org")

    assert back.status_code == 403
    assert "No official of the tracker has the address stranger@example.org" in back.text
    assert get_user_model().objects.count() == users_before
    admin = session.get(f"{tracker_url}/admin/", allow_redirects=False, timeout=30)
    assert admin.headers["Location"].startswith("/admin/login/")
