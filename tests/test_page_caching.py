"""The read-mostly public pages answer conditional requests with 304 and are rendered once while
the data stays the same; any change shows on the next request, and an official's view is never
cached."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse, translate_url
from django.utils import timezone

from recommendations.models import Side, Status
from recommendations.services.rounds import close_round, open_round
from recommendations.services.statuses import set_statuses
from tests import factories


@pytest.fixture
def item(db):
    topic = factories.TopicFactory(code="AI", name="Artificial intelligence")
    organisation = factories.OrganisationFactory(slug="jbce", acronym="JBCE")
    item = factories.RecommendationFactory(
        topic=topic, organisations=[organisation], text="Open the data spaces.", number="1"
    )
    factories.ProgressUpdateFactory(recommendation=item, text="A workshop was held.")
    return item


def addresses(item):
    return {
        "dashboard": reverse("recommendations:home"),
        "list": reverse("recommendations:list"),
        "recommendation": item.get_absolute_url(),
        "topic": reverse("recommendations:topic", args=["AI"]),
        "organisation": reverse("recommendations:organisation", args=["jbce"]),
        "feed": reverse("recommendations:feed"),
        "topic feed": reverse("recommendations:topic_feed", args=["AI"]),
        "organisation feed": reverse("recommendations:organisation_feed", args=["jbce"]),
        "report": reverse("recommendations:report"),
        "organisations": reverse("recommendations:organisations"),
    }


def body(response):
    return response.content.decode()


@pytest.mark.django_db
def test_every_cached_page_answers_an_unchanged_conditional_request_with_304(client, item):
    for name, address in addresses(item).items():
        first = client.get(address)
        assert first.status_code == 200, name
        assert first["ETag"] and first["Last-Modified"], name
        assert "public" in first["Cache-Control"], name

        by_etag = client.get(address, headers={"if-none-match": first["ETag"]})
        by_date = client.get(address, headers={"if-modified-since": first["Last-Modified"]})

        assert by_etag.status_code == 304, name
        assert by_etag.content == b"", name
        assert by_date.status_code == 304, name


@pytest.mark.django_db
def test_a_status_change_shows_on_the_next_request_and_ends_the_304s(client, item):
    list_url = reverse("recommendations:list")
    before = client.get(item.get_absolute_url())
    client.get(list_url)

    both = {Side.EU: Status.COMPLETED, Side.JAPAN: Status.COMPLETED}
    set_statuses(recommendation=item, sides=both, author=None, text="Done at last.")
    after = client.get(item.get_absolute_url(), headers={"if-none-match": before["ETag"]})

    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert "Done at last." in body(after)
    assert str(Status.COMPLETED.label) in body(client.get(list_url))


@pytest.mark.django_db
def test_a_new_update_and_a_renamed_topic_show_on_the_next_request(client, item):
    feed = reverse("recommendations:feed")
    topic_page = reverse("recommendations:topic", args=["AI"])
    assert "A workshop was held." in body(client.get(feed))
    assert "Artificial intelligence" in body(client.get(topic_page))

    factories.ProgressUpdateFactory(recommendation=item, text="A second workshop was held.")
    item.topic.name = "Trustworthy AI"
    item.topic.save()

    assert "A second workshop was held." in body(client.get(feed))
    assert "Trustworthy AI" in body(client.get(topic_page))


@pytest.mark.django_db
def test_unchanged_data_is_served_without_rendering(client, item, django_assert_num_queries):
    list_url = reverse("recommendations:list")
    first = client.get(list_url)

    with django_assert_num_queries(1):  # the data version
        second = client.get(list_url)

    assert second.context is None  # no template was rendered
    assert second.status_code == 200
    assert second.content == first.content
    assert f">{item.reference}</a>" in second.content.decode()


@pytest.mark.django_db
def test_language_and_query_string_are_renderings_of_their_own(client, item):
    list_url = reverse("recommendations:list")
    english = client.get(list_url)
    japanese = client.get(f"/ja{list_url}")
    filtered = client.get(list_url, {"status": Status.COMPLETED})

    assert len({english["ETag"], japanese["ETag"], filtered["ETag"]}) == 3
    assert 'lang="ja"' in body(japanese)
    assert "Open the data spaces." in body(english)
    assert "Open the data spaces." not in body(filtered)


@pytest.mark.django_db
def test_an_officials_view_is_never_cached_nor_served_to_the_public(admin_client, item):
    public = Client()
    list_url = reverse("recommendations:list")
    official = admin_client.get(list_url)

    assert not official.has_header("ETag")
    assert public.get(list_url).context is not None  # rendered for the public, not the official's


@pytest.mark.django_db
def test_every_visitor_is_served_the_same_cached_page_without_a_cookie(item):
    list_url = reverse("recommendations:list")
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    rendered = first.get(list_url)

    page = second.get(list_url)

    assert page.context is None  # served from the cache
    assert page.content == rendered.content
    assert not page.cookies
    switched = second.get(translate_url(list_url, "ja"))
    assert switched.status_code == 200


@pytest.mark.django_db
def test_a_missing_page_is_neither_cached_nor_stamped(client, item):
    response = client.get(reverse("recommendations:detail", args=["NOPE-1"]))

    assert response.status_code == 404
    assert not response.has_header("ETag")


@pytest.mark.django_db
def test_opening_and_closing_a_reporting_round_show_on_the_next_dashboard(client, item):
    today = timezone.localdate()
    council = factories.CouncilFactory(number=3, date=today + datetime.timedelta(days=60))
    client.get("/")

    reporting_round = open_round(
        council=council, deadline=today + datetime.timedelta(days=14), author=None
    )
    opened = client.get("/").content.decode()
    close_round(reporting_round=reporting_round)
    closed = client.get("/").content.decode()

    assert "Reporting for Council no. 3" in opened
    assert "Reporting for Council no. 3" not in closed
