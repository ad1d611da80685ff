"""The admin and the sign-in pages in the official's language: a METI official who chose 日本語
reads every page of the admin in Japanese, switches it in the header, and opens the public page
of an item in Japanese."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.utils import timezone, translation

from recommendations.imports import ImportRejected, plan
from recommendations.models import Official
from recommendations.rules.choices import Side
from recommendations.services.rounds import open_round
from tests import factories
from tests.helpers import change_url

pytestmark = pytest.mark.django_db

# The elements whose text is a label the tracker or Django writes (not an item's own text).
LABEL_TAGS = {"h1", "h2", "h3", "th", "label", "button", "caption", "summary", "legend"}
# Left in English on purpose: names, codes and the other language's name in the switch.
NOT_LABELS = {"English", "CSV", "XLSX", "CSV, XLSX", "METI", "AI-1", "AI-2"}


class Labels(HTMLParser):
    """The visible text of the page's headings, table headers, form labels and buttons, and
    the values of its submit buttons."""

    def __init__(self):
        super().__init__()
        self.open: list[str] = []
        self.found: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") == "submit" and attributes.get("value"):
            self.found.add(attributes["value"].strip())
        if tag in LABEL_TAGS:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if tag in LABEL_TAGS and tag in self.open:
            self.open.remove(tag)

    def handle_data(self, data):
        text = " ".join(data.split()).strip(" :")
        if self.open and re.search(r"[A-Za-z]{3}", text):
            self.found.add(text)


def labels(html: str, *items) -> set[str]:
    """The page's labels, less the items' own texts (made up in English by the factories)."""
    parser = Labels()
    parser.feed(html)
    # Shortened on some pages, as "AI-1 Its first words…".
    texts = [item.text[:40] for item in items]
    return {
        label
        for label in parser.found - NOT_LABELS
        if not any(text in label or label in text for text in texts)
    }


@pytest.fixture
def meti():
    return factories.OwnerFactory(code="METI", name="METI", name_ja="経済産業省", side=Side.JAPAN)


@pytest.fixture
def official(meti):
    return factories.OfficialFactory(owner=meti, user__username="hana", language="ja")


@pytest.fixture
def item(meti):
    return factories.RecommendationFactory(reference="AI-1", lead_owner=meti)


def page_in(client, user, url, language):
    """The page as the user sees it with their entry set to the language."""
    Official.objects.filter(user=user).update(language=language)
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


IMPORT_URL = "/admin/recommendations/recommendation/import-updates/"
OFFICIALS_PAGES = {
    "home": lambda item: "/admin/",
    "changelist": lambda item: "/admin/recommendations/recommendation/",
    "change form": change_url,
    "import": lambda item: IMPORT_URL,
    "history": lambda item: f"/admin/recommendations/recommendation/{item.pk}/history/",
}


@pytest.mark.parametrize("name", OFFICIALS_PAGES)
def test_a_japanese_official_reads_the_admin_page_in_japanese(client, official, item, name):
    url = OFFICIALS_PAGES[name](item)
    english = labels(page_in(client, official.user, url, "en"), item)
    japanese = page_in(client, official.user, url, "ja")

    assert english, "the English page has labels to compare"
    assert sorted(english & labels(japanese, item)) == []
    assert 'lang="ja"' in japanese


def test_the_round_page_is_in_japanese_for_the_secretariat_who_chose_it(
    client, secretariat_user, official, item
):
    council = factories.CouncilFactory(number=3, date=timezone.localdate())
    reporting_round = open_round(
        council=council, deadline=timezone.localdate() + datetime.timedelta(days=10), author=None
    )
    client.force_login(secretariat_user)
    url = reporting_round.get_absolute_url()
    english = labels(client.get(url).content.decode(), item)
    client.post("/i18n/language/", {"language": "ja", "next": url})
    japanese = client.get(url).content.decode()

    assert 'lang="ja"' in japanese
    assert english and sorted(english & labels(japanese, item)) == []


def test_the_admin_is_titled_for_the_tracker_in_both_languages(client, official):
    english = page_in(client, official.user, "/admin/", "en")
    japanese = page_in(client, official.user, "/admin/", "ja")

    assert "EU–Japan Digital Partnership tracker" in english
    assert "Django administration" not in english and "Django" not in japanese
    assert "日EUデジタルパートナーシップ" in japanese


def test_the_header_switch_stores_the_choice_on_the_officials_entry(client, official):
    client.force_login(official.user)
    Official.objects.filter(pk=official.pk).update(language="en")

    response = client.post(
        "/i18n/language/", {"language": "ja", "next": "/admin/recommendations/recommendation/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/admin/recommendations/recommendation/"
    official.refresh_from_db()
    assert official.language == "ja"
    assert "提言" in client.get("/admin/").content.decode()


def test_the_switch_is_in_the_admin_header(client, official):
    page = page_in(client, official.user, "/admin/", "ja")

    assert 'action="/i18n/language/"' in page
    assert 'name="language" value="en"' in page


def test_the_switch_refuses_a_post_without_the_csrf_token(official):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(official.user)

    assert client.post("/i18n/language/", {"language": "en"}).status_code == 403
    official.refresh_from_db()
    assert official.language == "ja"


def test_the_japanese_address_of_the_admin_opens_it_in_japanese(client, secretariat_user):
    client.force_login(secretariat_user)

    response = client.get("/ja/admin/recommendations/recommendation/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/recommendations/recommendation/"
    assert "提言" in client.get(response["Location"]).content.decode()


def test_the_sign_in_page_follows_the_browsers_language_before_sign_in(client):
    japanese = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    english = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "ログイン" in japanese and "Sign In" not in japanese
    assert "Sign In" in english


def test_view_on_site_opens_the_japanese_page_for_a_japanese_official(client, official, item):
    page = page_in(client, official.user, change_url(item), "ja")

    link = re.search(r'<a href="([^"]*)" class="viewsitelink"', page)

    assert link is not None
    landed = client.get(link[1], follow=True).redirect_chain[-1][0]
    assert landed.endswith("/ja/recommendations/AI-1/")


def test_import_help_names_the_columns_as_the_japanese_sheet_heads_them(client, official):
    page = page_in(client, official.user, IMPORT_URL, "ja")

    assert "日本側" in page
    assert "japan_status" not in page


@pytest.mark.parametrize("url", ["/accounts/login/", "/accounts/password/reset/"])
def test_the_sign_in_pages_are_titled_for_the_tracker_in_japanese(client, url):
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()

    assert "日EUデジタルパートナーシップ" in page
    assert "Django" not in page.split("<body", 1)[1].split("<script", 1)[0]
    assert "Django サイト管理" not in page


def test_the_second_factor_page_of_a_japanese_official_is_in_japanese(client, official):
    client.force_login(official.user)

    page = client.get("/admin/two-factor/").content.decode()

    assert "二要素認証" in page and "Django サイト管理" not in page


def test_an_import_error_names_the_columns_as_the_japanese_sheet_heads_them(official, item):
    sheet = "番号,状況,EU側,日本側\nAI-1,completed,not_assessed,in_progress\n"

    with translation.override("ja"), pytest.raises(ImportRejected) as rejected:
        plan(filename="更新.csv", content=sheet.encode(), user=official.user)

    assert [(error.column, error.message) for error in rejected.value.errors] == [
        (
            "状況",
            "全体の状況はEU側と日本側の状況から決まります。自分の側の状況は「日本側」列で"
            "設定し、「状況」列はそのままにしてください。",
        )
    ]


def test_the_password_reset_mail_is_in_the_language_of_the_page_it_was_asked_on(
    client, official, mailoutbox
):
    official.user.email = "hana@meti.example"
    official.user.save()

    client.post(
        "/accounts/password/reset/",
        {"email": "hana@meti.example"},
        HTTP_ACCEPT_LANGUAGE="ja",
    )

    (reset,) = mailoutbox
    assert "パスワード" in reset.subject
    assert "Password" not in reset.subject and "password" not in reset.body.split("http")[0]
