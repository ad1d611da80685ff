"""Taken up at the Council: the secretariat records each Council's outcome documents and the
recommendations they take up, with the paragraph; officials read them; the item page, the
Council report and the API say which document took an item up, and the cached pages show a new
uptake on the next request."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from recommendations.data_version import data_version
from recommendations.models import OutcomeDocument, Uptake
from recommendations.reporting.options import ReportOptions
from recommendations.reporting.report import build_report
from tests import factories

pytestmark = pytest.mark.django_db

ADD = reverse("admin:recommendations_outcomedocument_add")
CHANGELIST = reverse("admin:recommendations_outcomedocument_changelist")
REPORT = reverse("recommendations:report")
STATEMENT = "https://digital-strategy.ec.europa.eu/en/library/joint-statement-2nd-council"


@pytest.fixture
def second_council():
    return factories.CouncilFactory(number=2, place="Tokyo", date=datetime.date(2025, 5, 12))


@pytest.fixture
def item():
    topic = factories.TopicFactory(code="AI", name="Artificial Intelligence")
    return factories.RecommendationFactory(topic=topic, number="3")


@pytest.fixture
def official_client(client):
    official = factories.OfficialFactory(owner__code="METI")
    client.force_login(official.user)
    return client


def document_form(council, *, url=STATEMENT, uptakes=()):
    """The add form as the secretariat fills it: the document, then one inline row per
    (recommendation, paragraph)."""
    data = {
        "council": council.pk,
        "title": "joint statement",
        "title_ja": "共同声明",
        "date": "2025-05-12",
        "url": url,
        "uptakes-TOTAL_FORMS": len(uptakes),
        "uptakes-INITIAL_FORMS": 0,
        "uptakes-MIN_NUM_FORMS": 0,
        "uptakes-MAX_NUM_FORMS": 1000,
    }
    for index, (recommendation, paragraph) in enumerate(uptakes):
        data[f"uptakes-{index}-recommendation"] = recommendation.pk
        data[f"uptakes-{index}-paragraph"] = paragraph
    return data


# The admin: the secretariat writes, officials read -------------------------------------------


def test_secretariat_records_a_document_and_the_items_it_takes_up_each_in_the_history(
    admin_client, second_council, item
):
    other = factories.RecommendationFactory(topic=item.topic, number="4")

    response = admin_client.post(
        ADD, document_form(second_council, uptakes=[(item, "12"), (other, "")])
    )

    assert response.status_code == 302
    document = OutcomeDocument.objects.get()
    assert (document.council, document.title_ja, document.url) == (
        second_council,
        "共同声明",
        STATEMENT,
    )
    # A paragraph left empty is fine.
    assert sorted(document.uptakes.values_list("recommendation__reference", "paragraph")) == [
        ("AI-3", "12"),
        ("AI-4", ""),
    ]
    assert Uptake.history.count() == 2
    assert OutcomeDocument.history.count() == 1


def test_an_address_that_is_not_http_or_https_is_refused(admin_client, second_council, item):
    response = admin_client.post(
        ADD, document_form(second_council, url="ftp://example.org/statement.pdf", uptakes=[])
    )

    assert response.status_code == 200
    assert "Enter a valid URL." in response.content.decode()
    assert not OutcomeDocument.objects.exists()


def test_the_same_item_twice_in_one_document_is_refused_and_nothing_is_written(
    admin_client, second_council, item
):
    response = admin_client.post(
        ADD, document_form(second_council, uptakes=[(item, "12"), (item, "14")])
    )

    assert response.status_code == 200
    assert "Please correct the duplicate data for recommendation" in response.content.decode()
    assert not OutcomeDocument.objects.exists()
    assert not Uptake.objects.exists()


def test_linking_an_item_its_document_already_takes_up_is_refused_with_a_clear_message(item):
    uptake = factories.UptakeFactory(recommendation=item)
    again = Uptake(document=uptake.document, recommendation=item, paragraph="14")

    with pytest.raises(Exception) as refused:
        again.full_clean()

    assert "already linked to this document" in str(refused.value)


def test_officials_read_the_documents_but_may_not_add_change_or_delete_them(official_client, item):
    uptake = factories.UptakeFactory(recommendation=item)
    change = reverse("admin:recommendations_outcomedocument_change", args=[uptake.document.pk])
    delete = reverse("admin:recommendations_outcomedocument_delete", args=[uptake.document.pk])

    listed = official_client.get(CHANGELIST)
    form = official_client.get(change)

    assert listed.status_code == 200
    assert "joint statement" in listed.content.decode()
    assert ADD not in listed.content.decode()
    assert form.status_code == 200
    # Read only: no field to type into, no save button.
    assert 'name="title"' not in form.content.decode()
    assert 'name="_save"' not in form.content.decode()
    assert official_client.get(ADD).status_code == 403
    assert official_client.post(change, {"title": "changed"}).status_code == 403
    assert official_client.post(delete, {"post": "yes"}).status_code == 403
    assert OutcomeDocument.objects.get().title == "joint statement"


def test_the_public_may_not_reach_the_documents_in_the_admin(client, item):
    factories.UptakeFactory(recommendation=item)

    response = client.get(CHANGELIST)

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


# The item page ---------------------------------------------------------------------------


def test_item_page_says_which_councils_statement_took_it_up_linked_to_the_document(
    client, second_council, item
):
    factories.UptakeFactory(
        recommendation=item,
        document__council=second_council,
        document__url=STATEMENT,
        paragraph="12",
    )

    page = client.get(item.get_absolute_url()).content.decode()

    assert "Taken up at the Council" in page
    sentence = "Taken up in the joint statement of the 2nd Council, paragraph 12"
    assert f'<a href="{STATEMENT}">{sentence}</a>' in page


def test_item_page_without_a_paragraph_names_the_document_alone(client, second_council, item):
    factories.UptakeFactory(recommendation=item, document__council=second_council, paragraph="")

    page = client.get(item.get_absolute_url()).content.decode()

    assert "Taken up in the joint statement of the 2nd Council</a>" in page
    assert "paragraph" not in page.split("Taken up at the Council")[1].split("</dd>")[0]


def test_japanese_item_page_names_the_document_and_council_in_japanese(
    client, second_council, item
):
    factories.UptakeFactory(
        recommendation=item,
        document__council=second_council,
        document__title_ja="共同声明",
        paragraph="12",
    )

    page = client.get("/ja" + item.get_absolute_url()).content.decode()

    assert "協議会での取り上げ" in page
    assert "第2回協議会の共同声明（パラグラフ12）で取り上げられました" in page


def test_an_item_nothing_takes_up_says_nothing_about_it(client, item):
    page = client.get(item.get_absolute_url()).content.decode()

    assert "Taken up" not in page


def test_item_page_shows_a_new_uptake_on_the_next_request(client, second_council, item):
    before = client.get(item.get_absolute_url()).content.decode()
    version = data_version()

    factories.UptakeFactory(recommendation=item, document__council=second_council)
    after = client.get(item.get_absolute_url()).content.decode()

    assert "Taken up in" not in before
    assert data_version() != version
    assert "Taken up in the joint statement of the 2nd Council, paragraph 12" in after


def test_a_corrected_paragraph_shows_on_the_next_request(client, second_council, item):
    uptake = factories.UptakeFactory(recommendation=item, document__council=second_council)
    client.get(item.get_absolute_url())

    uptake.paragraph = "14"
    uptake.save()
    page = client.get(item.get_absolute_url()).content.decode()

    assert "of the 2nd Council, paragraph 14" in page


def test_item_page_reads_the_same_number_of_queries_however_many_documents_take_it_up(client, item):
    factories.UptakeFactory(recommendation=item)
    client.get(item.get_absolute_url())
    cache.clear()
    with CaptureQueriesContext(connection) as one:
        client.get(item.get_absolute_url())

    factories.UptakeFactory.create_batch(3, recommendation=item)
    cache.clear()
    with CaptureQueriesContext(connection) as four:
        page = client.get(item.get_absolute_url()).content.decode()

    assert page.count("Taken up in the joint statement") == 4
    assert len(four.captured_queries) == len(one.captured_queries)


# The Council report ----------------------------------------------------------------------


def test_report_counts_the_items_taken_up_once_each(client, second_council, item):
    other = factories.RecommendationFactory(topic=item.topic, number="4")
    factories.RecommendationFactory(topic=item.topic, number="5")
    statement = factories.OutcomeDocumentFactory(council=second_council)
    declaration = factories.OutcomeDocumentFactory(council=second_council, title="declaration")
    factories.UptakeFactory(document=statement, recommendation=item)
    factories.UptakeFactory(document=declaration, recommendation=item, paragraph="3")
    factories.UptakeFactory(document=statement, recommendation=other, paragraph="13")

    report = build_report(ReportOptions(as_of=timezone.localdate()))
    page = client.get(REPORT).content.decode()
    japanese = client.get("/ja" + REPORT).content.decode()

    assert report.summary.taken_up == 2
    assert "Taken up at the Council: 2 of the 3 recommendations" in page
    assert "協議会での取り上げ：3件の提言のうち2件" in japanese


def test_report_counts_no_item_taken_up_by_a_document_dated_after_its_as_of_date(item):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    factories.UptakeFactory(recommendation=item, document__date=tomorrow)

    report = build_report(ReportOptions(as_of=timezone.localdate()))

    assert report.summary.total == 1
    assert report.summary.taken_up == 0


def test_report_reads_the_same_number_of_queries_however_many_items_are_taken_up(second_council):
    topic = factories.TopicFactory(code="AI")
    items = [factories.RecommendationFactory(topic=topic, number=str(n)) for n in range(1, 7)]
    factories.UptakeFactory(recommendation=items[0], document__council=second_council)
    options = ReportOptions(as_of=timezone.localdate())
    with CaptureQueriesContext(connection) as one:
        build_report(options)

    for other in items[1:]:
        factories.UptakeFactory(recommendation=other, document__council=second_council)
    with CaptureQueriesContext(connection) as six:
        report = build_report(options)

    assert report.summary.taken_up == 6
    assert len(six.captured_queries) == len(one.captured_queries)


# The API ---------------------------------------------------------------------------------


def test_api_lists_the_documents_that_take_an_item_up(client, second_council, item):
    factories.UptakeFactory(
        recommendation=item,
        document__council=second_council,
        document__title_ja="共同声明",
        document__url=STATEMENT,
        paragraph="12",
    )

    data = client.get(f"/api/recommendations/{item.reference}/").json()

    assert data["taken_up"] == [
        {
            "title": "joint statement",
            "title_ja": "共同声明",
            "council": 2,
            "date": "2025-05-12",
            "url": STATEMENT,
            "paragraph": "12",
        }
    ]


def test_api_gives_an_empty_list_for_an_item_nothing_takes_up(client, item):
    data = client.get(f"/api/recommendations/{item.reference}/").json()

    assert data["taken_up"] == []
