"""The sign-in lockout through the real login page: five wrong passwords lock one official
however their name is typed, and behind a reverse proxy each client is counted by its own
address rather than the proxy's."""

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from tests import factories

PASSWORD = "a-long-test-password"
ADMIN = reverse("admin:index")
SPELLINGS = [
    "lock1@mic.go.jp",
    "LOCK1@mic.go.jp",
    "Lock1@Mic.go.jp",
    " lock1@mic.go.jp",
    "lock1@MIC.GO.JP ",
]


@pytest.fixture(autouse=True)
def second_factor_required(settings):
    settings.REQUIRE_2FA = True


@pytest.fixture
def official(db):
    return factories.OfficialFactory(user__username="lock1@mic.go.jp").user


def sign_in(client, login, password=PASSWORD, **headers):
    return client.post(
        reverse("account_login"),
        {"login": login, "password": password, "next": ADMIN},
        **({"REMOTE_ADDR": "10.0.0.8"} | headers),
    )


def signed_in(response) -> bool:
    return response.status_code == 302 and response.url.startswith(reverse("two_factor"))


def test_five_wrong_passwords_over_mixed_spellings_lock_every_spelling(client, official):
    statuses = [sign_in(client, login, "wrong-guess").status_code for login in SPELLINGS]

    assert statuses == [200, 200, 200, 200, 429]
    for login in SPELLINGS:
        refused = sign_in(client, login)
        assert refused.status_code == 429, login
        assert "Too many failed login attempts" in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_variant_spelling_with_the_right_password_does_not_lift_the_lock(client, official):
    for _attempt in range(5):
        sign_in(client, "lock1@mic.go.jp", "wrong-guess")

    assert sign_in(client, "LOCK1@MIC.GO.JP").status_code == 429
    assert sign_in(client, "lock1@mic.go.jp").status_code == 429
    assert "_auth_user_id" not in client.session


def test_before_the_lock_any_spelling_signs_in_and_starts_the_count_again(client, official):
    for login in SPELLINGS[:4]:
        sign_in(client, login, "wrong-guess")

    assert signed_in(sign_in(client, "Lock1@Mic.go.jp"))
    client.logout()
    # The success cleared the four failures: four more do not lock.
    assert [sign_in(client, "LOCK1@mic.go.jp", "x").status_code for _ in range(4)] == [200] * 4
    assert signed_in(sign_in(client, "lock1@mic.go.jp"))


def test_behind_a_trusted_proxy_each_client_is_counted_by_its_own_address(
    client, official, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}

    # An attacker writes an address of their own choosing before the one the proxy appends.
    attacker = [
        sign_in(
            client,
            "lock1@mic.go.jp",
            "x",
            **proxy,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.5",
        )
        for n in range(6)
    ]
    official_there = sign_in(
        client, "lock1@mic.go.jp", **proxy, HTTP_X_FORWARDED_FOR="198.51.100.7"
    )

    assert [response.status_code for response in attacker] == [200] * 4 + [429] * 2
    assert signed_in(official_there)


def test_without_a_trusted_proxy_a_forwarded_for_header_changes_nothing(client, official):
    statuses = [
        sign_in(client, "lock1@mic.go.jp", "x", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code
        for n in range(5)
    ]

    assert statuses == [200] * 4 + [429]
    assert sign_in(client, "lock1@mic.go.jp", HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429
    # Another address is another client.
    assert signed_in(sign_in(client, "lock1@mic.go.jp", REMOTE_ADDR="10.0.0.9"))


def test_wrong_codes_behind_a_trusted_proxy_lock_the_client_not_the_proxy(
    client, official, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    secret = pyotp.random_base32()
    TOTP.activate(official, secret)
    behind = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.5"}
    sign_in(client, "lock1@mic.go.jp", **behind)
    codes = [
        client.post(reverse("mfa_authenticate"), {"code": "123456"}, **behind).status_code
        for _attempt in range(5)
    ]
    assert codes == [200] * 4 + [429]

    elsewhere = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    client.logout()
    assert sign_in(client, "lock1@mic.go.jp", **elsewhere).url == reverse("mfa_authenticate")
    assert (
        client.post(
            reverse("mfa_authenticate"), {"code": pyotp.TOTP(secret).now()}, **elsewhere
        ).status_code
        == 302
    )


def test_wrong_passwords_in_any_spelling_and_wrong_codes_add_up_to_one_lock(client, official):
    app = pyotp.TOTP(pyotp.random_base32())
    TOTP.activate(official, app.secret)
    for login in ["LOCK1@MIC.GO.JP", " Lock1@mic.go.jp"]:
        sign_in(client, login, "wrong-guess")
    sign_in(client, "Lock1@Mic.Go.Jp")
    codes = [
        client.post(reverse("mfa_authenticate"), {"code": "123456"}, REMOTE_ADDR="10.0.0.8")
        for _attempt in range(3)
    ]

    assert [response.status_code for response in codes] == [200, 200, 429]
    client.logout()
    assert sign_in(client, "lock1@mic.go.jp").status_code == 429
