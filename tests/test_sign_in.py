"""Signing in with a second factor, through the real pages: the password, then a code from an
authenticator app or a recovery code; REQUIRE_2FA keeping the admin closed until then; the
secretariat's reset for a lost device; django-axes locking out repeated wrong codes."""

import logging

import pyotp
import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from recommendations.models import Official, RecoveryCode
from recommendations.services.two_factor import new_recovery_codes
from tests import factories

PASSWORD = "a-long-test-password"
ADMIN = reverse("admin:index")
CHANGELIST = reverse("admin:recommendations_recommendation_changelist")


@pytest.fixture(autouse=True)
def second_factor_required(settings):
    settings.REQUIRE_2FA = True


@pytest.fixture
def official(db):
    return factories.OfficialFactory(
        user__username="hana@meti.go.jp", user__email="hana@meti.go.jp"
    ).user


def enrolled(user) -> pyotp.TOTP:
    """The user's authenticator app, as if scanned from the enrolment page."""
    secret = pyotp.random_base32()
    TOTP.activate(user, secret)
    return pyotp.TOTP(secret)


def sign_in(client, user, password=PASSWORD):
    return client.post(
        reverse("account_login"),
        {"login": user.username, "password": password, "next": ADMIN},
        REMOTE_ADDR="10.0.0.8",
    )


def second_factor(client, code):
    return client.post(reverse("mfa_authenticate"), {"code": code}, REMOTE_ADDR="10.0.0.8")


def test_a_correct_password_without_a_second_factor_opens_no_admin_page(client, official):
    response = sign_in(client, official)

    assert response.status_code == 302
    assert response.url.startswith(reverse("two_factor"))
    for page in [ADMIN, CHANGELIST, reverse("admin:recommendations_official_changelist")]:
        refused = client.get(page)
        assert refused.status_code == 302 and refused.url.startswith(reverse("two_factor"))
    # Outside the admin the half-signed-in session counts as signed out: no internal report.
    assert "_auth_user_id" in client.session


def test_enrolling_an_authenticator_app_opens_the_admin_and_shows_recovery_codes_once(
    client, official
):
    sign_in(client, official)
    enrolment = client.get(reverse("two_factor"))
    secret = enrolment.context["secret"]
    assert 'src="data:image/svg+xml;base64,' in enrolment.content.decode()

    done = client.post(reverse("two_factor"), {"code": pyotp.TOTP(secret).now(), "next": ADMIN})

    codes = done.context["codes"]
    assert len(codes) == 10 and all(code in done.content.decode() for code in codes)
    assert done["Cache-Control"] == "no-store"
    stored = RecoveryCode.objects.filter(user=official)
    assert stored.count() == 10
    assert not any(code in row.code_hash or code == row.salt for row in stored for code in codes)
    assert Authenticator.objects.filter(user=official, type="totp").exists()
    assert client.get(ADMIN).status_code == 200
    # Shown once: the page of an enrolled official shows how many are left, not the codes.
    page = client.get(reverse("two_factor")).content.decode()
    assert "10 unused recovery codes" in page and codes[0] not in page


def test_a_wrong_code_at_enrolment_enrols_nothing(client, official):
    sign_in(client, official)
    client.get(reverse("two_factor"))

    response = client.post(reverse("two_factor"), {"code": "000000"})

    assert response.status_code == 200 and "codes" not in response.context
    assert not Authenticator.objects.filter(user=official).exists()
    assert client.get(ADMIN).status_code == 302


def enrol(client) -> list[str]:
    """Enrol through the page, as the official does; the recovery codes it shows."""
    secret = client.get(reverse("two_factor")).context["secret"]
    shown = client.post(reverse("two_factor"), {"code": pyotp.TOTP(secret).now(), "next": ADMIN})
    return shown.context["codes"]


def test_the_email_addresses_page_is_closed_and_opening_it_adds_no_address(client, official):
    sign_in(client, official)

    opened = client.get("/accounts/email/")
    posted = client.post("/accounts/email/", {"action_add": "", "email": "mine@example.org"})

    assert opened.status_code == 404 and posted.status_code == 404
    assert not EmailAddress.objects.filter(user=official).exists()
    enrol(client)
    assert Authenticator.objects.filter(user=official, type="totp").exists()
    assert client.get(ADMIN).status_code == 200


def test_an_unverified_address_left_on_the_account_does_not_block_enrolment(client, official):
    EmailAddress.objects.create(user=official, email=official.email, verified=False)
    EmailAddress.objects.create(user=official, email="someone-else@example.org", verified=False)
    sign_in(client, official)

    enrol(client)

    assert Authenticator.objects.filter(user=official, type="totp").exists()
    assert client.get(ADMIN).status_code == 200
    assert list(EmailAddress.objects.filter(user=official).values_list("email", "verified")) == [
        (official.email, True)
    ]


def test_a_strangers_password_reset_request_does_not_block_enrolment(client, official, mailoutbox):
    client.post(reverse("account_reset_password"), {"email": official.email})
    sign_in(client, official)

    enrol(client)

    assert Authenticator.objects.filter(user=official, type="totp").exists()
    assert client.get(ADMIN).status_code == 200


def test_a_strangers_password_reset_request_after_enrolment_does_not_bar_a_security_key(
    client, official, mailoutbox
):
    sign_in(client, official)
    recovery_codes = enrol(client)
    client.logout()
    client.post(reverse("account_reset_password"), {"email": official.email})
    sign_in(client, official)
    second_factor(client, recovery_codes[0])

    adding = client.get(reverse("mfa_add_webauthn"), follow=True)

    assert adding.redirect_chain[:1] != [(reverse("mfa_index"), 302)]
    assert "verified your email address" not in adding.content.decode()


def test_an_address_another_account_has_verified_does_not_bar_enrolment(client, official):
    other = factories.OfficialFactory(user__email=official.email).user
    EmailAddress.objects.create(user=other, email=official.email, verified=True)
    EmailAddress.objects.create(user=official, email=official.email, verified=False)
    sign_in(client, official)

    enrol(client)

    assert Authenticator.objects.filter(user=official, type="totp").exists()
    assert client.get(ADMIN).status_code == 200


def test_an_enrolled_official_signs_in_with_a_code_from_their_app(client, official):
    app = enrolled(official)

    asked = sign_in(client, official)
    assert asked.url == reverse("mfa_authenticate")
    # Not signed in until the code is given.
    assert "_auth_user_id" not in client.session
    assert client.get(ADMIN).url.startswith(reverse("admin:login"))

    response = second_factor(client, app.now())

    assert response.status_code == 302
    assert client.get(ADMIN).status_code == 200


def test_a_code_from_the_app_signs_in_once_even_at_another_worker(client, official):
    app = enrolled(official)
    code = app.now()
    sign_in(client, official)
    second_factor(client, code)
    assert client.get(ADMIN).status_code == 200

    client.logout()
    # Another worker: its own memory has never seen the code.
    cache.clear()
    sign_in(client, official)
    refused = second_factor(client, code)

    assert refused.status_code == 200
    assert "Incorrect code" in refused.content.decode()
    assert client.get(ADMIN).status_code == 302


def test_the_code_typed_at_enrolment_does_not_sign_in_again(client, official):
    sign_in(client, official)
    code = pyotp.TOTP(client.get(reverse("two_factor")).context["secret"]).now()
    client.post(reverse("two_factor"), {"code": code, "next": ADMIN})
    client.logout()
    cache.clear()

    sign_in(client, official)
    refused = second_factor(client, code)

    assert "Incorrect code" in refused.content.decode()
    assert client.get(ADMIN).status_code == 302


def test_the_code_typed_on_allauths_activation_page_does_not_sign_in_again(
    client, official, settings, django_capture_on_commit_callbacks
):
    # Without the requirement an official signs in on the password alone and may add an
    # authenticator app later, on allauth's own page.
    settings.REQUIRE_2FA = False
    sign_in(client, official)
    # allauth asks for the password again before adding one.
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD}, REMOTE_ADDR="10.0.0.8")
    activation = client.get(reverse("mfa_activate_totp"))
    code = pyotp.TOTP(activation.context["form"].secret).now()
    # allauth announces the new authenticator once its transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        activated = client.post(reverse("mfa_activate_totp"), {"code": code})
    assert activated.status_code == 302
    assert Authenticator.objects.filter(user=official, type="totp").exists()
    client.logout()
    # Another worker: its own memory has never seen the code.
    cache.clear()

    assert sign_in(client, official).url == reverse("mfa_authenticate")
    refused = second_factor(client, code)

    assert "Incorrect code" in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_recovery_code_lets_them_in_once_and_never_again(client, official):
    enrolled(official)
    code = new_recovery_codes(user=official)[3]

    sign_in(client, official)
    second_factor(client, code.upper().replace("-", ""))
    assert client.get(ADMIN).status_code == 200

    client.logout()
    sign_in(client, official)
    refused = second_factor(client, code)
    assert refused.status_code == 200
    assert "Incorrect code" in refused.content.decode()
    assert client.get(ADMIN).status_code == 302
    assert RecoveryCode.objects.unused().filter(user=official).count() == 9


def test_repeated_wrong_codes_lock_the_account_out_even_for_the_right_code(client, official):
    app = enrolled(official)
    sign_in(client, official)

    statuses = [second_factor(client, "123456").status_code for _attempt in range(5)]
    locked = second_factor(client, app.now())

    assert statuses[:4] == [200] * 4 and statuses[4] == 429
    assert locked.status_code == 429
    assert "Too many failed login attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # The password step is locked for them too.
    client.logout()
    assert sign_in(client, official).status_code == 429


def test_the_reset_command_removes_the_second_factor_and_is_recorded_in_the_history(
    client, official
):
    enrolled(official)
    new_recovery_codes(user=official)

    call_command("reset_2fa", "Hana@METI.go.jp")

    assert not Authenticator.objects.filter(user=official).exists()
    assert not RecoveryCode.objects.filter(user=official).exists()
    record = Official.objects.get(user=official).history.first()
    assert record.history_change_reason == "Second factor reset (reset_2fa command)"
    assert record.second_factor_reset_at is not None
    # Their next sign-in asks for a password, then enrolment again.
    response = sign_in(client, official)
    assert response.url.startswith(reverse("two_factor"))
    assert client.get(ADMIN).url.startswith(reverse("two_factor"))


def test_the_secretariat_resets_a_second_factor_in_the_admin(admin_client, official):
    enrolled(official)
    changelist = reverse("admin:recommendations_official_changelist")
    row = Official.objects.get(user=official)

    response = admin_client.post(
        changelist,
        {"action": "reset_second_factors", "_selected_action": [row.pk]},
        follow=True,
    )

    assert "enrol again at their next sign-in" in response.content.decode()
    assert not Authenticator.objects.filter(user=official).exists()
    history = admin_client.get(reverse("admin:recommendations_official_history", args=[row.pk]))
    assert "Second factor reset (admin)" in history.content.decode()
    secretariat = response.wsgi_request.user
    assert row.history.first().history_user == secretariat


def test_sign_in_events_are_logged(client, official, caplog):
    app = enrolled(official)
    caplog.set_level(logging.INFO, logger="tracker.sign_in")

    sign_in(client, official, password="wrong-password-guess")
    sign_in(client, official)
    second_factor(client, "000000")
    second_factor(client, app.now())
    call_command("reset_2fa", official.username)

    lines = [record.getMessage() for record in caplog.records]
    assert any(
        line.startswith("sign-in failed user=hana@meti.go.jp step=password") for line in lines
    )
    assert any(
        line.startswith("sign-in failed user=hana@meti.go.jp step=second factor") for line in lines
    )
    assert any(
        line.startswith("second factor passed user=hana@meti.go.jp type=totp") for line in lines
    )
    assert any(line.startswith("sign-in user=hana@meti.go.jp") for line in lines)
    assert any(
        line.startswith("second factor reset user=hana@meti.go.jp by=- via=reset_2fa")
        for line in lines
    )


def test_without_the_requirement_enrolment_is_offered_but_the_admin_opens(db, client, settings):
    settings.REQUIRE_2FA = False
    user = factories.SuperuserFactory()

    response = sign_in(client, user)

    assert response.url.startswith(reverse("two_factor"))
    offer = client.get(response.url).content.decode()
    assert "Not now: continue to the admin" in offer
    assert client.get(ADMIN).status_code == 200


@pytest.mark.django_db
def test_the_sign_in_page_offers_no_sign_up_and_signing_up_is_closed(client):
    page = client.get(reverse("account_login")).content.decode()
    signup = client.post(
        reverse("account_signup"),
        {"username": "newcomer", "password1": "a-long-pass-phrase", "password2": "x"},
    )

    assert reverse("account_signup") not in page
    assert "one-time link" in page
    assert "closed" in signup.content.decode().lower()
    assert not get_user_model().objects.filter(username="newcomer").exists()
