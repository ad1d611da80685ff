"""Stakeholder pages: what became of what an organisation asked for, and each topic."""

import re

import pytest
from django.urls import reverse

from recommendations.models import Status
from tests.factories import (
    OrganisationFactory,
    ProgressUpdateFactory,
    RecommendationFactory,
    TopicFactory,
)

LIST = reverse("recommendations:list")


@pytest.mark.django_db
def test_organisation_page_lists_what_it_recommended_and_where_each_stands(client):
    jbce = OrganisationFactory(slug="jbce", acronym="JBCE", name="Japan Business Council")
    done = RecommendationFactory(organisations=[jbce], status=Status.COMPLETED)
    other = RecommendationFactory(organisations=[OrganisationFactory()])

    response = client.get(jbce.get_absolute_url())

    assert response.status_code == 200
    content = response.content.decode()
    assert "Japan Business Council (JBCE)" in content
    assert f'href="{done.get_absolute_url()}">{done.reference}</a>' in content
    assert "Completed" in content
    assert other.reference not in content
    assert f'href="{LIST}?organisation=jbce&amp;status=completed"' in content


@pytest.mark.django_db
def test_organisation_page_opens_with_who_they_are_and_what_they_asked_for(client):
    jbce = OrganisationFactory(slug="jbce", name="Japan Business Council", side="jp")
    ai = TopicFactory(code="AI", name="Artificial Intelligence")
    RecommendationFactory.create_batch(2, organisations=[jbce], topic=ai)

    content = client.get(jbce.get_absolute_url()).content.decode()

    assert (
        "Japan Business Council took part in the stakeholder workshop of 17 April 2024 for the "
        "Japan side and made 2 recommendations."
    ) in content
    assert f'<a href="{ai.get_absolute_url()}">Artificial Intelligence</a>' in content


@pytest.mark.django_db
def test_stakeholders_page_lists_every_organisation_with_its_count_and_status_mix(client):
    jbce = OrganisationFactory(slug="jbce", acronym="JBCE", name="Japan Business Council")
    silent = OrganisationFactory(slug="silent", acronym="SILENT", name="Silent Body")
    RecommendationFactory(organisations=[jbce], status=Status.COMPLETED)
    RecommendationFactory(organisations=[jbce], status=Status.PLANNED)

    response = client.get(reverse("recommendations:organisations"))
    home = client.get(reverse("recommendations:home")).content.decode()

    content = response.content.decode()
    jbce_bar, silent_bar = response.context["bars"]
    assert f'<a href="{jbce.get_absolute_url()}">JBCE — Japan Business Council</a>' in content
    assert f'<a href="{silent.get_absolute_url()}">SILENT — Silent Body</a>' in content
    assert (jbce_bar["total"], silent_bar["total"]) == (2, 0)
    assert [s["status"] for s in jbce_bar["segments"]] == ["planned", "completed"]
    assert f'href="{LIST}?organisation=jbce&amp;status=completed"' in content
    assert f'href="{reverse("recommendations:organisations")}"' in home


@pytest.mark.django_db
def test_organisation_page_links_its_feed_for_feed_readers(client):
    jbce = OrganisationFactory(slug="jbce")

    content = client.get(jbce.get_absolute_url()).content.decode()

    feed = reverse("recommendations:organisation_feed", args=["jbce"])
    link = f'<link rel="alternate" type="application/atom[+]xml" title="[^"]+" href="{feed}">'
    assert re.search(link, content)


@pytest.mark.django_db
def test_organisation_without_recommendations_says_so(client):
    organisation = OrganisationFactory()

    content = client.get(organisation.get_absolute_url()).content.decode()

    assert "No recommendation of this organisation is tracked." in content


@pytest.mark.django_db
def test_topic_page_lists_its_recommendations_and_links_its_feed(client):
    topic = TopicFactory(code="DFFT", name="Data Free Flow with Trust", printed_name="DDFT")
    mine = RecommendationFactory(topic=topic, status=Status.PLANNED)
    RecommendationFactory(text="Elsewhere entirely.")

    content = client.get(topic.get_absolute_url()).content.decode()

    assert "<h1>Data Free Flow with Trust</h1>" in content
    assert "Printed as “DDFT” in the report." in content
    assert mine.reference in content and "Elsewhere entirely." not in content
    feed = reverse("recommendations:topic_feed", args=["DFFT"])
    assert re.search(
        f'<link rel="alternate" type="application/atom[+]xml" [^>]*href="{feed}">', content
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url, message",
    [
        ("/organisations/nobody/", "No organisation is known as “nobody”."),
        ("/topics/NOPE/", "No topic has the code “NOPE”."),
    ],
)
def test_unknown_organisation_or_topic_gets_a_friendly_not_found_page(client, url, message):
    response = client.get(url)

    assert response.status_code == 404
    assert message in response.content.decode()


def one_topic_by_one_organisation(rows):
    """`rows` items of one topic, all made by one organisation, in the report's order."""
    topic = TopicFactory()
    organisation = OrganisationFactory()
    items = [
        RecommendationFactory(topic=topic, organisations=[organisation], sequence=n)
        for n in range(1, rows + 1)
    ]
    return topic, organisation, items


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [2, 30])
def test_organisation_and_topic_pages_run_the_same_queries_whatever_the_rows(
    client, django_assert_num_queries, rows
):
    topic, organisation, items = one_topic_by_one_organisation(rows)
    for recommendation in items:
        ProgressUpdateFactory(recommendation=recommendation)

    # data version; organisation; the topics it asked about; status counts; the page's count;
    # its recommendations; their organisations; their approved stakeholder views
    with django_assert_num_queries(8):
        by_organisation = client.get(organisation.get_absolute_url())
    # data version; topic; status counts; the page's count; its recommendations; their
    # organisations
    with django_assert_num_queries(6):
        by_topic = client.get(topic.get_absolute_url())
    # the data version; the organisations with their counts by status, in one query
    with django_assert_num_queries(2):
        organisations = client.get(reverse("recommendations:organisations"))

    shown = items[:25]
    for page in (by_organisation, by_topic):
        assert page.status_code == 200
        assert all(item.get_absolute_url() + '"' in page.content.decode() for item in shown)
    assert organisations.status_code == 200
    assert organisation.get_absolute_url() + '"' in organisations.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [30, 60])
def test_topic_and_organisation_pages_show_25_items_a_page_with_the_rest_on_page_two(
    client, django_assert_num_queries, rows
):
    topic, organisation, items = one_topic_by_one_organisation(rows)

    # topic or organisation; (an organisation's topics); status counts; the page's count; its
    # recommendations; their organisations; (the organisation's approved views)
    for url, queries in [(topic.get_absolute_url(), 5), (organisation.get_absolute_url(), 7)]:
        first = client.get(url).content.decode()
        # the data version, then what the page itself reads — the same on page two as on
        # page one
        with django_assert_num_queries(queries + 1):
            second = client.get(url, {"page": 2}).content.decode()

        assert items[0].get_absolute_url() + '"' in first
        assert items[25].get_absolute_url() + '"' not in first
        assert 'rel="next" href="?page=2"' in first
        assert items[25].get_absolute_url() + '"' in second
        assert items[0].get_absolute_url() + '"' not in second
        assert 'rel="prev" href="?page=1"' in second
        assert f"Page 2 of {(rows + 24) // 25}" in second
