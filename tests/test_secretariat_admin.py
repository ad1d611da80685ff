"""The secretariat's admin: the home lists the tracker's models first, grouped for the round,
and the libraries' security records last under one heading; a forgotten password is reset by
e-mail, as the sign-in page and the README say; the links a command prints start with the one
SITE_URL setting the mails use."""

import io
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from recommendations.rules.choices import Side
from tests import factories

pytestmark = pytest.mark.django_db

HOME = reverse("admin:index")


def headings(page: str) -> list[str]:
    """The home page's group headings, in their order."""
    return [
        " ".join(heading.split())
        for heading in re.findall(r'<span class="section">(.*?)</span>', page, re.S)
    ]


def models_under(page: str, heading: str) -> list[str]:
    """The names of the models listed under one heading of the home page."""
    start = page.index(f'<span class="section">{heading}</span>')
    end = page.find('<span class="section">', start + 1)
    block = page[start : end if end != -1 else len(page)]
    return re.findall(r'<th scope="row" id="[\w-]+">\s*<a href="[^"]+">([^<]+)</a>', block)


def test_the_secretariats_home_lists_the_round_first_and_security_last(admin_client):
    page = admin_client.get(HOME).content.decode()

    assert headings(page) == [
        "The reporting round",
        "Reference data",
        "Accounts, alerts and mail",
        "Security",
    ]
    assert models_under(page, "The reporting round") == [
        "Recommendations",
        "Progress updates",
        "Reporting rounds",
        "Officials",
    ]
    assert models_under(page, "Reference data") == [
        "Topics",
        "Organisations",
        "Owners",
        "Councils",
        "Council outcome documents",
    ]


def test_axes_mfa_and_social_accounts_sit_under_one_security_heading(admin_client):
    page = admin_client.get(HOME).content.decode()

    security = models_under(page, "Security")
    assert {"Access attempts", "Access failures", "Access logs"} <= set(security)
    assert "Authenticators" in security
    assert {"Social applications", "Social accounts"} <= set(security)
    # No heading of their own any more.
    assert not {"Axes", "MFA", "Social Accounts"} & set(headings(page))


def test_an_apps_own_page_still_lists_that_app(admin_client):
    page = admin_client.get(reverse("admin:app_list", args=["axes"])).content.decode()

    assert "Access attempts" in page


def test_the_japanese_home_names_the_groups_in_japanese(client, secretariat_user):
    client.force_login(secretariat_user)
    client.post("/i18n/language/", {"language": "ja", "next": HOME})

    page = client.get(HOME).content.decode()

    assert headings(page)[0] == "報告ラウンド"
    assert headings(page)[-1] == "セキュリティ"


def test_the_sign_in_page_offers_a_reset_by_e_mail_and_says_how_it_works(client):
    page = client.get(reverse("account_login")).content.decode()

    assert f'href="{reverse("account_reset_password")}"' in page
    assert "Forgot your password? Get a reset link by e-mail" in page
    assert "A forgotten password is reset by e-mail, to the address the secretariat registered" in (
        page
    )
    readme = (settings.BASE_DIR / "README.md").read_text()
    assert '"Forgot your password? Get a reset link by e-mail" sends a link' in readme


def test_an_official_resets_a_forgotten_password_by_e_mail(client, mailoutbox):
    official = factories.OfficialFactory(
        owner=factories.OwnerFactory(code="METI", side=Side.JAPAN),
        user__email="hana@meti.example",
    )

    client.post(reverse("account_reset_password"), {"email": "hana@meti.example"})

    (mail,) = mailoutbox
    assert mail.to == ["hana@meti.example"]
    assert official.user.username in mail.body


def test_add_official_prints_a_link_that_starts_with_the_site_url(settings):
    settings.SITE_URL = "https://tracker.example.org"
    factories.OwnerFactory(code="METI", side=Side.JAPAN)
    out = io.StringIO()

    call_command("add_official", "hana@meti.example", owner="METI", stdout=out)

    link = out.getvalue().strip().splitlines()[-1]
    assert link.startswith("https://tracker.example.org/admin/set-password/")
    assert "8000" not in link
