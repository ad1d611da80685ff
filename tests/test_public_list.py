"""The filtered list: filters in the URL, sorting, pages, and bad values told, never a crash."""

import datetime
import re

import pytest
from django.urls import reverse

from recommendations.models import Side, Status, Visibility
from tests import factories

LIST = reverse("recommendations:list")


def references(response):
    return [recommendation.reference for recommendation in response.context["page"]]


@pytest.mark.django_db
def test_list_filters_by_topic_and_status_from_the_url(client):
    ai = factories.TopicFactory(code="AI")
    wanted = factories.RecommendationFactory(topic=ai, status=Status.PLANNED)
    factories.RecommendationFactory(topic=ai, status=Status.COMPLETED)
    factories.RecommendationFactory(status=Status.PLANNED)

    response = client.get(LIST, {"topic": "AI", "status": "planned"})

    assert response.status_code == 200
    assert references(response) == [wanted.reference]
    assert "1 recommendation matches." in response.content.decode()


@pytest.mark.django_db
def test_list_filters_by_lead_owner_side_and_organisation(client):
    meti = factories.OwnerFactory(code="METI", side=Side.JAPAN)
    jbce = factories.OrganisationFactory(slug="jbce", acronym="JBCE")
    by_meti = factories.RecommendationFactory(lead_owner=meti)
    by_jbce = factories.RecommendationFactory(organisations=[jbce])

    assert references(client.get(LIST, {"owner": "METI"})) == [by_meti.reference]
    assert references(client.get(LIST, {"side": "jp"})) == [by_meti.reference]
    assert references(client.get(LIST, {"organisation": "jbce"})) == [by_jbce.reference]


@pytest.mark.django_db
def test_list_searches_reference_title_and_text(client):
    six_g = factories.RecommendationFactory(text="Cooperate on 6G research.")
    titled = factories.RecommendationFactory(title="Quantum roadmap", text="Build testbeds.")
    factories.RecommendationFactory(text="Something else.")

    assert references(client.get(LIST, {"q": "6g"})) == [six_g.reference]
    assert references(client.get(LIST, {"q": "roadmap"})) == [titled.reference]
    assert references(client.get(LIST, {"q": titled.reference})) == [titled.reference]


@pytest.mark.django_db
def test_updated_since_counts_status_dates_and_public_updates_but_not_internal_ones(client):
    old = datetime.date(2024, 4, 17)
    recent_status = factories.RecommendationFactory(status_date=datetime.date(2025, 2, 1))
    recent_public = factories.RecommendationFactory(status_date=old)
    factories.ProgressUpdateFactory(recommendation=recent_public, date=datetime.date(2025, 3, 1))
    only_internal = factories.RecommendationFactory(status_date=old)
    factories.ProgressUpdateFactory(
        recommendation=only_internal,
        date=datetime.date(2025, 3, 1),
        visibility=Visibility.INTERNAL,
    )

    response = client.get(LIST, {"updated_since": "2025-01-01"})

    assert sorted(references(response)) == sorted(
        [recent_status.reference, recent_public.reference]
    )


@pytest.mark.django_db
def test_list_sorts_references_by_number_not_alphabet(client):
    topic = factories.TopicFactory(code="AI")
    factories.RecommendationFactory(topic=topic, number="10", sequence=100)
    factories.RecommendationFactory(topic=topic, number="2", sequence=20)

    assert references(client.get(LIST, {"ordering": "reference"})) == ["AI-2", "AI-10"]


@pytest.mark.django_db
def test_list_sorts_by_status_in_workflow_order(client):
    factories.RecommendationFactory(reference="A-1", status=Status.COMPLETED)
    factories.RecommendationFactory(reference="A-2", status=Status.PLANNED)
    factories.RecommendationFactory(reference="A-3", status=Status.NOT_ASSESSED)

    assert references(client.get(LIST, {"ordering": "status"})) == ["A-3", "A-2", "A-1"]


@pytest.mark.django_db
def test_list_sorts_by_last_public_update_ignoring_internal_dates(client):
    old = datetime.date(2024, 4, 17)
    quiet = factories.RecommendationFactory(status_date=old)
    factories.ProgressUpdateFactory(
        recommendation=quiet, date=datetime.date(2026, 1, 1), visibility=Visibility.INTERNAL
    )
    active = factories.RecommendationFactory(status_date=old)
    factories.ProgressUpdateFactory(recommendation=active, date=datetime.date(2025, 1, 1))

    response = client.get(LIST, {"ordering": "-last_update"})

    assert references(response) == [active.reference, quiet.reference]
    content = response.content.decode()
    assert "1 January 2025" in content
    assert "1 January 2026" not in content
    assert 'aria-sort="descending"' in content  # the column header says how the table is sorted


@pytest.mark.django_db
def test_list_is_paginated_and_keeps_the_filters_in_page_links(client):
    factories.RecommendationFactory.create_batch(30, status=Status.PLANNED)

    first = client.get(LIST, {"status": "planned"})
    second = client.get(LIST, {"status": "planned", "page": "2"})

    assert len(references(first)) == 25 and len(references(second)) == 5
    assert 'href="?status=planned&amp;page=2"' in first.content.decode()
    assert "Page 2 of 2" in second.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params, message",
    [
        ({"status": "bogus"}, "“bogus” is not one of the codes: completed, dropped, in_progress,"),
        ({"updated_since": "notadate"}, "Enter a valid date."),
        ({"topic": "NOPE"}, "“NOPE” is not one of the codes:"),
        ({"ordering": "text"}, "Select a valid choice."),
    ],
)
def test_invalid_filter_values_show_the_form_error_not_a_server_error(client, params, message):
    factories.RecommendationFactory()

    response = client.get(LIST, params)

    assert response.status_code == 400
    content = response.content.decode()
    assert "Some filters could not be used" in content
    assert message in content
    assert "Correct the filters above to see recommendations." in content


@pytest.mark.django_db
def test_list_says_so_when_nothing_matches(client):
    factories.RecommendationFactory(status=Status.PLANNED)

    content = client.get(LIST, {"status": "dropped"}).content.decode()

    assert "No recommendation matches these filters." in content


@pytest.mark.django_db
def test_list_form_fields_are_labelled(client):
    content = client.get(LIST).content.decode()

    for name, label in [("q", "Search"), ("topic", "Topic"), ("status", "Status")]:
        assert f'<label for="id_{name}">{label}:</label>' in content


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [3, 40])
def test_list_runs_the_same_queries_whatever_the_rows(client, django_assert_num_queries, rows):
    jbce = factories.OrganisationFactory(slug="jbce")
    topic = factories.TopicFactory(code="AI")
    for _ in range(rows):
        recommendation = factories.RecommendationFactory(topic=topic, organisations=[jbce])
        factories.ProgressUpdateFactory(recommendation=recommendation)

    # data version; topic and organisation lookups for the filters; count; page; organisations
    # of the page; topic, owner and organisation choices for the form
    with django_assert_num_queries(9):
        response = client.get(
            LIST, {"topic": "AI", "organisation": "jbce", "ordering": "-last_update"}
        )
    assert response.status_code == 200
    # One row per item, up to the page's 25.
    assert response.content.decode().count('<th scope="row"><a href=') == min(rows, 25)


@pytest.mark.django_db
def test_list_offers_the_recommendations_it_shows_as_spreadsheets(client):
    factories.RecommendationFactory.create_batch(30, status=Status.PLANNED)

    content = client.get(LIST, {"status": "planned", "page": "2"}).content.decode()

    csv = reverse("recommendations:export_csv")
    xlsx = reverse("recommendations:export_xlsx")
    assert f'<a href="{csv}?status=planned">CSV</a>' in content
    assert f'<a href="{xlsx}?status=planned">Excel (XLSX)</a>' in content


@pytest.mark.django_db
def test_items_never_updated_say_so_instead_of_showing_the_reports_date(client):
    factories.RecommendationFactory(status_date=datetime.date(2024, 4, 17))
    updated = factories.RecommendationFactory(status_date=datetime.date(2024, 4, 17))
    factories.ProgressUpdateFactory(recommendation=updated, date=datetime.date(2025, 1, 1))

    content = client.get(LIST).content.decode()

    assert content.count("No update yet") == 1
    assert "1 January 2025" in content
    assert "17 April 2024</time>" not in content


FOLD = re.compile(r"<details class=\"filters-fold\"( open)?>\s*<summary>(.*?)</summary>", re.DOTALL)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, opened, summary",
    [
        ({}, False, "Filter"),
        ({"ordering": "status"}, False, "Filter"),
        ({"page": "1"}, False, "Filter"),
        ({"status": "planned"}, True, 'Filter <span class="filters-active">(1 set)</span>'),
        (
            {"status": "planned", "topic": "AI", "ordering": "status"},
            True,
            'Filter <span class="filters-active">(2 set)</span>',
        ),
        (
            {"updated_since": "not a date"},
            True,
            'Filter <span class="filters-active">(1 set)</span>',
        ),
    ],
)
def test_the_filters_fold_behind_one_control_open_while_any_is_set(client, query, opened, summary):
    factories.RecommendationFactory(topic=factories.TopicFactory(code="AI"))

    found = FOLD.search(client.get(LIST, query).content.decode())

    assert bool(found.group(1)) is opened
    assert found.group(2) == summary
