"""The public pages are the same for every visitor, so a shared cache or a CDN can serve them: a
GET sets no cookie, carries no CSRF token and says `Cache-Control: public`; the language
switcher is a pair of links, and the forms that post live on pages of their own."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from recommendations.models import Status
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def item():
    topic = factories.TopicFactory(code="AI", name="Artificial intelligence")
    organisation = factories.OrganisationFactory(slug="jbce", acronym="JBCE")
    item = factories.RecommendationFactory(
        reference="AI-1", topic=topic, organisations=[organisation], text="Open the data spaces."
    )
    factories.ProgressUpdateFactory(recommendation=item, text="A workshop was held.")
    return item


def public_pages(item):
    english = [
        "/",
        "/recommendations/",
        "/recommendations/?status=planned",
        item.get_absolute_url(),
        "/topics/AI/",
        "/organisations/",
        "/organisations/jbce/",
        "/report/",
        "/feed/",
    ]
    return english + [f"/ja{address}" for address in english]


def test_a_public_page_sets_no_cookie_and_carries_no_token(item):
    for address in public_pages(item):
        visitor = Client(enforce_csrf_checks=True)
        for _visit in ("rendered", "from the cache"):
            response = visitor.get(address)

            assert response.status_code == 200, address
            assert not response.cookies, (address, _visit, list(response.cookies))
            assert "csrfmiddlewaretoken" not in response.content.decode(), address


def test_a_shared_cache_may_keep_a_public_page_for_a_few_minutes(item):
    for address in public_pages(item):
        response = Client().get(address)
        directives = {part.strip() for part in response["Cache-Control"].split(",")}

        assert "public" in directives, address
        assert "private" not in directives and "no-cache" not in directives, address
        (max_age,) = [int(d.split("=")[1]) for d in directives if d.startswith("max-age=")]
        assert 60 <= max_age <= 3600, address
        assert response["ETag"], address
        # A signed-in official's request carries a session cookie and is not answered from it.
        assert "Cookie" in response["Vary"], address


def test_the_answer_304_is_just_as_cacheable(item):
    first = Client().get("/recommendations/")
    again = Client().get("/recommendations/", headers={"if-none-match": first["ETag"]})

    assert again.status_code == 304
    assert "public" in again["Cache-Control"]
    assert not again.cookies


@pytest.mark.parametrize(
    "page, link",
    [
        ("/recommendations/?status=planned", '<a href="/ja/recommendations/?status=planned"'),
        ("/ja/recommendations/?status=planned", '<a href="/recommendations/?status=planned"'),
        ("/ja/", '<a href="/"'),
        ("/recommendations/AI-1/", '<a href="/ja/recommendations/AI-1/"'),
    ],
)
def test_the_language_switcher_links_to_the_same_page_in_the_other_language(item, page, link):
    html = Client().get(page).content.decode()
    switcher = re.search(r'<nav class="language-switcher".*?</nav>', html, re.DOTALL).group(0)

    assert link in switcher
    assert "<form" not in switcher


def test_the_twin_page_opens_in_its_language_with_the_filters_kept(item):
    html = Client().get(f"/recommendations/?status={Status.PLANNED}").content.decode()
    twin = re.search(r'<nav class="language-switcher".*?href="([^"]+)"', html, re.DOTALL)

    japanese = Client().get(twin.group(1).replace("&amp;", "&"))

    assert japanese.status_code == 200
    assert 'lang="ja"' in japanese.content.decode()
    assert japanese.context["filter"].form["status"].value() == [Status.PLANNED]


def test_the_alerts_form_is_a_page_of_its_own_linked_from_the_followed_pages(item):
    for address, follows in [
        (item.get_absolute_url(), "?item=AI-1"),
        ("/topics/AI/", "?topic=AI"),
        ("/organisations/jbce/", "?organisation=jbce"),
    ]:
        page = Client().get(address).content.decode()
        assert f'href="/alerts/subscribe/{follows}"' in page, address

    visitor = Client(enforce_csrf_checks=True)
    form = visitor.get("/alerts/subscribe/?item=AI-1")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.content.decode())
    sent = visitor.post(
        "/alerts/subscribe/?item=AI-1",
        {
            "csrfmiddlewaretoken": token.group(1),
            "email": "reader@example.org",
            "language": "en",
            "frequency": "daily",
        },
    )

    assert "csrftoken" in form.cookies
    assert sent.status_code in (200, 302)
    assert sent.status_code != 403


def test_the_sign_in_page_keeps_its_csrf_token():
    page = Client().get(reverse("account_login"))

    assert "csrfmiddlewaretoken" in page.content.decode()
    assert "csrftoken" in page.cookies


def test_no_form_posts_a_language_choice_for_the_public_pages_any_more():
    # The links replace Django's set_language view, which set a cookie and needed a token.
    assert Client().post("/i18n/setlang/", {"language": "ja", "next": "/"}).status_code == 404


def test_a_public_page_is_the_same_whatever_language_the_browser_prefers(item):
    for address in public_pages(item):
        english = Client(headers={"accept-language": "en"}).get(address)
        japanese = Client(headers={"accept-language": "ja"}).get(address)

        # So a shared cache keeps one copy of the page, not one per browser language.
        assert "accept-language" not in english["Vary"].lower(), address
        assert english.content == japanese.content, address


def test_the_sign_in_page_says_it_follows_the_browsers_language():
    english = Client(headers={"accept-language": "en"}).get("/accounts/login/")
    japanese = Client(headers={"accept-language": "ja"}).get("/accounts/login/")

    assert "accept-language" in english["Vary"].lower()
    assert english.content != japanese.content
