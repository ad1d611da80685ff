"""The open data API at /api/, as a data portal or a researcher uses it: what it shows, by which
identifiers, with which filters, as of which date, what it never shows, and how it answers a
poll when nothing changed."""

import datetime
import re

import pytest
from django.utils import timezone

from recommendations.models import Recommendation, Side, Status, Visibility
from recommendations.services.archive import archive
from recommendations.services.statuses import set_statuses
from tests import factories
from tests.helpers import on

INTERNAL_NOTE = "INTERNAL-NOTE-API-5821"
INTERNAL_UPDATE = "INTERNAL-UPDATE-API-9931"
ARCHIVED_TEXT = "ARCHIVED-ITEM-API-4417"
OFFICIAL_USERNAME = "official-api-hidden"
OFFICIAL_EMAIL = "hidden.official@example.eu"

MAY_1 = datetime.date(2024, 5, 1)
JUNE_1 = datetime.date(2024, 6, 1)


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def references(response) -> list[str]:
    return [item["reference"] for item in results(response)]


@pytest.fixture
def tracker(db):
    """Two topics, a parent with a sub-item, an archived item, a Japanese lead owner with a
    European co-owner, a public and an internal update, internal notes and an official."""
    ai = factories.TopicFactory(code="AI", name="Artificial Intelligence", name_ja="人工知能")
    semi = factories.TopicFactory(code="SEMI", name="Semiconductors")
    meti = factories.OwnerFactory(code="METI", name="METI", government="Japan", side=Side.JAPAN)
    connect = factories.OwnerFactory(code="CNECT", name="DG Connect")
    jbce = factories.OrganisationFactory(slug="jbce", acronym="JBCE", side=Side.JAPAN)
    council = factories.CouncilFactory(number=2, place="Tokyo", date=datetime.date(2025, 5, 12))
    # An official of DG Connect, which co-owns the item whose EU side they set below.
    official = factories.OfficialFactory(
        owner=connect,
        user=factories.UserFactory(username=OFFICIAL_USERNAME, email=OFFICIAL_EMAIL, is_staff=True),
    ).user
    parent = factories.RecommendationFactory(
        topic=ai,
        number="3",
        title="Trustworthy AI",
        text="Cooperate on trustworthy AI.",
        lead_owner=meti,
        co_owners=[connect],
        organisations=[jbce],
        target_council=council,
        notes=INTERNAL_NOTE,
    )
    child = factories.RecommendationFactory(topic=ai, number="3a", parent=parent, lead_owner=meti)
    archived_child = factories.RecommendationFactory(
        topic=ai, number="3b", parent=parent, lead_owner=meti, text=ARCHIVED_TEXT
    )
    archive(recommendations=[archived_child], author=official)
    chips = factories.RecommendationFactory(topic=semi, number="1", lead_owner=connect)
    factories.ProgressUpdateFactory(
        recommendation=parent, text="Joint working group set up.", author=official
    )
    factories.ProgressUpdateFactory(
        recommendation=parent, text=INTERNAL_UPDATE, visibility=Visibility.INTERNAL, author=official
    )
    factories.ProgressUpdateFactory(recommendation=archived_child, text=ARCHIVED_TEXT)
    set_statuses(recommendation=parent, sides={Side.EU: Status.COMPLETED}, author=official)
    return {"parent": parent, "child": child, "chips": chips, "official": official}


# What is shown, and by which identifiers -------------------------------------------------------


def test_recommendation_is_found_by_its_reference_and_links_others_by_their_codes(client, tracker):
    response = client.get("/api/recommendations/AI-3/")

    assert response.status_code == 200
    item = response.json()
    assert item["reference"] == "AI-3"
    assert item["url"] == "http://testserver/api/recommendations/AI-3/"
    assert item["html_url"] == "http://testserver/recommendations/AI-3/"
    assert item["title"] == "Trustworthy AI"
    assert item["topic"] == "AI"
    assert item["organisations"] == ["jbce"]
    assert item["lead_owner"] == "METI"
    assert item["co_owners"] == ["CNECT"]
    assert item["target_council"] == 2
    assert item["children"] == ["AI-3a"]
    assert "id" not in item
    assert client.get("/api/recommendations/AI-3a/").json()["parent"] == "AI-3"


def test_recommendations_list_in_the_order_of_the_report_with_pagination(client, tracker):
    response = client.get("/api/recommendations/")

    assert references(response) == ["AI-3", "AI-3a", "SEMI-1"]
    assert response.json()["count"] == 3


def test_page_size_is_chosen_by_the_caller_up_to_a_maximum(client, db):
    topic = factories.TopicFactory(code="AI")
    for number in range(1, 206):
        factories.RecommendationFactory(topic=topic, number=str(number))

    assert len(results(client.get("/api/recommendations/"))) == 50
    second = client.get("/api/recommendations/?page_size=2&page=2").json()
    assert [item["reference"] for item in second["results"]] == ["AI-3", "AI-4"]
    assert second["next"].endswith("/api/recommendations/?page=3&page_size=2")
    assert len(results(client.get("/api/recommendations/?page_size=200"))) == 200
    too_many = client.get("/api/recommendations/?page_size=1000")
    assert too_many.status_code == 400
    assert too_many.json() == {"page_size": ["Enter a number of at most 200."]}


def test_page_beyond_the_last_is_a_json_not_found(client, tracker):
    response = client.get("/api/recommendations/?page=9")

    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid page."}


def test_sides_of_a_recommendation_show_their_statuses_and_dates(client, tracker):
    item = client.get("/api/recommendations/AI-3/").json()

    assert item["eu_status"] == Status.COMPLETED
    assert item["eu_status_date"] == timezone.localdate().isoformat()
    assert item["japan_status"] == Status.NOT_ASSESSED
    assert item["japan_status_date"] is None
    assert item["status_set_by_secretariat"] is False


def test_one_sides_report_awaits_the_other_and_diverges_only_once_both_have_spoken(client, tracker):
    awaiting = client.get("/api/recommendations/AI-3/").json()
    set_statuses(recommendation=tracker["parent"], sides={Side.JAPAN: Status.PLANNED}, author=None)
    both = client.get("/api/recommendations/AI-3/").json()

    assert (awaiting["divergent"], awaiting["awaited_side"]) == (False, "jp")
    assert (both["divergent"], both["awaited_side"]) == (True, None)
    semi = client.get("/api/recommendations/SEMI-1/").json()
    assert (semi["divergent"], semi["awaited_side"]) == (False, None)


def test_overridden_status_is_flagged_but_the_secretariats_reason_stays_internal(client, tracker):
    Recommendation.objects.filter(reference="SEMI-1").update(
        status=Status.STALLED, status_override_reason=INTERNAL_NOTE
    )

    response = client.get("/api/recommendations/SEMI-1/")
    assert response.json()["status"] == Status.STALLED
    assert response.json()["status_set_by_secretariat"] is True
    assert INTERNAL_NOTE not in response.content.decode()


def test_divergent_and_awaiting_filters_of_the_list_page_work_in_the_api(client, tracker):
    assert references(client.get("/api/recommendations/?awaiting=jp")) == ["AI-3"]
    assert references(client.get("/api/recommendations/?awaiting=eu")) == []
    set_statuses(recommendation=tracker["parent"], sides={Side.JAPAN: Status.PLANNED}, author=None)

    assert references(client.get("/api/recommendations/?divergent=1")) == ["AI-3"]
    assert references(client.get("/api/recommendations/?divergent=0")) == ["AI-3a", "SEMI-1"]


def test_topics_organisations_owners_and_councils_are_found_by_their_codes(client, tracker):
    topic = client.get("/api/topics/AI/").json()
    assert topic["name_ja"] == "人工知能"
    assert topic["html_url"] == "http://testserver/topics/AI/"
    assert client.get("/api/organisations/jbce/").json()["acronym"] == "JBCE"
    assert client.get("/api/owners/METI/").json()["side"] == Side.JAPAN
    assert client.get("/api/councils/2/").json() == {
        "number": 2,
        "url": "http://testserver/api/councils/2/",
        "place": "Tokyo",
        "date": "2025-05-12",
    }
    assert [t["code"] for t in results(client.get("/api/topics/"))] == ["AI", "SEMI"]
    assert [o["code"] for o in results(client.get("/api/owners/"))] == ["CNECT", "METI"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/recommendations/AI-99/",
        "/api/topics/NOPE/",
        "/api/organisations/nope/",
        "/api/owners/NOPE/",
        "/api/councils/99999/",
        "/api/nothing-here/",
        "/api/recommendations/not a reference/",
    ],
)
def test_unknown_address_under_the_api_answers_404_in_json(client, tracker, url):
    response = client.get(url)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_updates_are_the_public_ones_of_public_recommendations_newest_first(client, tracker):
    texts = [update["text"] for update in results(client.get("/api/updates/"))]

    assert "Joint working group set up." in texts
    assert INTERNAL_UPDATE not in texts
    assert ARCHIVED_TEXT not in texts
    first = results(client.get("/api/updates/?recommendation=AI-3"))[0]
    assert first["recommendation"] == "AI-3"
    assert first["recommendation_url"] == "http://testserver/api/recommendations/AI-3/"
    assert results(client.get("/api/updates/?recommendation=SEMI-1")) == []


def test_updates_can_be_narrowed_to_a_date_onwards(client, tracker):
    factories.ProgressUpdateFactory(recommendation=tracker["chips"], date=MAY_1, text="Old news.")

    texts = [u["text"] for u in results(client.get("/api/updates/?since=2024-06-01"))]
    assert "Old news." not in texts
    assert "Joint working group set up." in texts
    response = client.get("/api/updates/?since=June")
    assert response.status_code == 400
    assert "since" in response.json()


# Filters: the list page's -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("topic=SEMI", ["SEMI-1"]),
        ("owner=METI", ["AI-3", "AI-3a"]),
        ("side=eu", ["SEMI-1"]),
        ("organisation=jbce", ["AI-3"]),
        ("q=trustworthy", ["AI-3"]),
        ("status=not_assessed", ["AI-3a", "SEMI-1"]),
        ("ordering=reference&topic=AI", ["AI-3", "AI-3a"]),
    ],
)
def test_recommendations_take_the_filters_of_the_list_page(client, tracker, query, expected):
    assert references(client.get(f"/api/recommendations/?{query}")) == expected


def test_unknown_filter_value_is_a_400_that_names_the_parameter(client, tracker):
    response = client.get("/api/recommendations/?topic=NOPE&status=finished")

    assert response.status_code == 400
    assert set(response.json()) == {"topic", "status"}


# As of a date -----------------------------------------------------------------------------------


@pytest.fixture
def moved(db):
    """Recorded on 1 April 2024; the Japan side planned on 1 May and in progress on 1 June (the
    overall status following); the EU side completed on 1 June."""
    recommendation = factories.RecommendationFactory(
        reference="AI-1", status_date=datetime.date(2024, 4, 1)
    )
    Recommendation.history.filter(id=recommendation.pk).update(
        history_date=on(datetime.date(2024, 4, 1))
    )
    for day, status in [(MAY_1, Status.PLANNED), (JUNE_1, Status.IN_PROGRESS)]:
        recommendation._history_date = on(day)
        set_statuses(recommendation=recommendation, sides={Side.JAPAN: status}, author=None, on=day)
    recommendation._history_date = on(JUNE_1)
    set_statuses(
        recommendation=recommendation, sides={Side.EU: Status.COMPLETED}, author=None, on=JUNE_1
    )
    factories.RecommendationFactory(reference="AI-2")  # recorded today
    return recommendation


def test_as_of_shows_the_statuses_recorded_on_that_day(client, moved):
    item = client.get("/api/recommendations/AI-1/?as_of=2024-05-15").json()

    assert item["status"] == Status.PLANNED
    assert item["status_date"] == "2024-05-01"
    assert item["eu_status"] == Status.NOT_ASSESSED
    assert item["eu_status_date"] is None
    today = client.get("/api/recommendations/AI-1/").json()
    assert today["status"] == Status.IN_PROGRESS
    assert today["eu_status"] == Status.COMPLETED
    assert today["eu_status_date"] == "2024-06-01"


def test_as_of_leaves_out_items_recorded_later(client, moved):
    assert references(client.get("/api/recommendations/?as_of=2024-05-15")) == ["AI-1"]
    assert client.get("/api/recommendations/AI-2/?as_of=2024-05-15").status_code == 404
    assert references(client.get("/api/recommendations/")) == ["AI-1", "AI-2"]


def test_as_of_combines_with_the_filters_which_select_by_present_values(client, moved):
    assert references(client.get("/api/recommendations/?q=AI-2")) == ["AI-2"]
    assert references(client.get("/api/recommendations/?as_of=2024-05-15&q=AI-2")) == []
    # Filters select as the list page does, by today's values; the statuses shown are those of
    # the as-of date.
    in_progress = client.get("/api/recommendations/?as_of=2024-05-15&status=in_progress")
    assert [(item["reference"], item["status"]) for item in results(in_progress)] == [
        ("AI-1", Status.PLANNED)
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("15/05/2024", "Enter a real date as YYYY-MM-DD, for example 2024-04-30."),
        ("2024-02-30", "Enter a real date as YYYY-MM-DD, for example 2024-04-30."),
        ("", "Enter a real date as YYYY-MM-DD, for example 2024-04-30."),
    ],
)
def test_bad_as_of_is_a_400_that_says_what_to_send(client, moved, value, message):
    response = client.get(f"/api/recommendations/?as_of={value}")

    assert response.status_code == 400
    assert response.json() == {"as_of": [message]}


def test_a_future_as_of_gives_todays_statuses(client, moved):
    future = client.get("/api/recommendations/?as_of=2999-01-01")
    today = client.get(f"/api/recommendations/?as_of={timezone.localdate().isoformat()}")

    assert future.status_code == 200
    assert future.json()["results"] == today.json()["results"]


# Parameters: what the schema declares, and nothing else -----------------------------------------


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ("colour=blue", {"colour"}),
        ("page_size=5&page_size=6", {"page_size"}),
        ("page_size=null&page=0", {"page_size", "page"}),
        ("updated_since=&status=", {"updated_since", "status"}),
        ("organisation=", {"organisation"}),
        ("q=" + "x" * 201, {"q"}),
    ],
)
def test_a_parameter_the_schema_does_not_allow_is_a_400_that_names_it(
    client, tracker, query, errors
):
    response = client.get(f"/api/recommendations/?{query}")

    assert response.status_code == 400
    assert set(response.json()) == errors


def test_the_detail_and_reference_lists_take_only_their_own_parameters(client, tracker):
    assert client.get("/api/topics/?page_size=1").status_code == 200
    assert set(client.get("/api/topics/?since=2024-01-01").json()) == {"since"}
    assert set(client.get("/api/topics/AI/?page=1").json()) == {"page"}
    today = timezone.localdate().isoformat()
    assert client.get(f"/api/recommendations/AI-3/?as_of={today}").status_code == 200


def test_the_schema_declares_each_parameter_with_its_codes_and_bounds(client, tracker):
    schema = client.get("/api/schema/?format=json", headers={"accept": "application/json"})
    operation = schema.json()["paths"]["/api/recommendations/"]["get"]
    declared = {p["name"]: p["schema"] for p in operation["parameters"] if p["in"] == "query"}

    # Codes in any case, several separated by commas, or the parameter repeated.
    owner = declared["owner"]["items"]["pattern"]
    assert declared["owner"]["type"] == "array"
    assert re.fullmatch(owner, "CNECT,meti")
    assert not re.fullmatch(owner, "CNECT,NOPE")
    assert re.fullmatch(declared["topic"]["items"]["pattern"], "semi")
    assert declared["ordering"]["enum"] == ["-last_update", "last_update", "reference", "status"]
    assert declared["page_size"] == {"type": "integer", "minimum": 1, "maximum": 200}
    assert declared["page"]["minimum"] == 1
    assert declared["as_of"]["format"] == "date"
    assert declared["q"]["maxLength"] == 200
    assert "400" in operation["responses"]


# Read-only --------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize(
    "url",
    [
        "/api/recommendations/",
        "/api/recommendations/AI-3/",
        "/api/topics/AI/",
        "/api/organisations/jbce/",
        "/api/owners/METI/",
        "/api/councils/2/",
        "/api/updates/",
    ],
)
def test_api_refuses_every_write(client, tracker, method, url):
    response = getattr(client, method)(url, {"text": "Changed"}, content_type="application/json")

    assert response.status_code == 405
    assert Recommendation.objects.get(reference="AI-3").text == "Cooperate on trustworthy AI."


def test_api_ignores_a_logged_in_session_and_shows_the_same_public_data(
    admin_client, client, tracker
):
    as_staff = admin_client.get("/api/updates/").json()
    anonymous = client.get("/api/updates/").json()

    assert as_staff == anonymous
    assert INTERNAL_UPDATE not in str(as_staff)


# Nothing leaks ----------------------------------------------------------------------------------

EVERY_ADDRESS = [
    "/api/",
    "/api/recommendations/",
    "/api/recommendations/?as_of={today}",
    "/api/recommendations/AI-3/",
    "/api/recommendations/AI-3/?as_of={today}",
    "/api/recommendations/AI-3a/",
    "/api/topics/",
    "/api/topics/AI/",
    "/api/organisations/",
    "/api/organisations/jbce/",
    "/api/owners/",
    "/api/owners/METI/",
    "/api/councils/",
    "/api/councils/2/",
    "/api/updates/",
    "/api/updates/?recommendation=AI-3",
    "/api/updates/?recommendation=AI-3b",
    "/api/schema/",
]


@pytest.mark.parametrize("address", EVERY_ADDRESS)
def test_no_response_carries_internal_text_archived_items_or_users(client, tracker, address):
    response = client.get(address.format(today=timezone.localdate().isoformat()))

    assert response.status_code == 200
    body = response.content.decode()
    for secret in (
        INTERNAL_NOTE,
        INTERNAL_UPDATE,
        ARCHIVED_TEXT,
        OFFICIAL_EMAIL,
        OFFICIAL_USERNAME,
    ):
        assert secret not in body
    assert "AI-3b" not in body.replace("recommendation=AI-3b", "")


def test_archived_recommendation_is_not_found(client, tracker):
    assert client.get("/api/recommendations/AI-3b/").status_code == 404
    assert references(client.get("/api/recommendations/?q=3b")) == []


# Conditional GET --------------------------------------------------------------------------------


def test_responses_carry_etag_and_last_modified(client, tracker):
    response = client.get("/api/recommendations/")

    assert response["ETag"].startswith('"')
    assert response["Last-Modified"].endswith("GMT")
    assert client.get("/api/updates/")["Last-Modified"] == response["Last-Modified"]
    # Topics carry no timestamps: an ETag alone, never a date that could claim no change.
    assert "ETag" in client.get("/api/topics/")
    assert "Last-Modified" not in client.get("/api/topics/")


def test_poll_with_the_etag_gets_304_until_something_changes(client, tracker):
    first = client.get("/api/recommendations/AI-3/")

    again = client.get("/api/recommendations/AI-3/", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""

    set_statuses(
        recommendation=tracker["parent"],
        sides={Side.JAPAN: Status.COMPLETED},
        author=factories.SuperuserFactory(),
    )
    changed = client.get("/api/recommendations/AI-3/", headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200
    assert changed.json()["status"] == Status.COMPLETED
    assert changed["ETag"] != first["ETag"]


def test_etag_differs_with_the_query(client, tracker):
    everything = client.get("/api/recommendations/")
    some = client.get("/api/recommendations/?topic=AI")

    assert everything["ETag"] != some["ETag"]
    assert (
        client.get("/api/recommendations/?topic=AI", headers={"If-None-Match": everything["ETag"]})
    ).status_code == 200


def test_renamed_topic_changes_the_etag(client, tracker):
    first = client.get("/api/topics/")
    tracker["parent"].topic.__class__.objects.filter(code="AI").update(name="AI and data")

    response = client.get("/api/topics/", headers={"If-None-Match": first["ETag"]})
    assert response.status_code == 200
    assert "AI and data" in response.content.decode()


def test_poll_with_the_last_modified_date_gets_304_until_a_public_update(client, tracker):
    first = client.get("/api/updates/")
    since = {"If-Modified-Since": first["Last-Modified"]}

    assert client.get("/api/updates/", headers=since).status_code == 304

    later = timezone.now() + datetime.timedelta(seconds=5)
    update = factories.ProgressUpdateFactory(
        recommendation=tracker["chips"], text="New public step."
    )
    type(update).objects.filter(pk=update.pk).update(created_at=later)
    response = client.get("/api/updates/", headers=since)
    assert response.status_code == 200
    assert "New public step." in response.content.decode()


def test_internal_update_does_not_move_last_modified(client, tracker):
    first = client.get("/api/updates/")
    later = timezone.now() + datetime.timedelta(seconds=5)
    update = factories.ProgressUpdateFactory(
        recommendation=tracker["chips"], text=INTERNAL_UPDATE, visibility=Visibility.INTERNAL
    )
    type(update).objects.filter(pk=update.pk).update(created_at=later)
    type(update).history.filter(id=update.pk).update(history_date=later)

    assert client.get("/api/updates/")["Last-Modified"] == first["Last-Modified"]


# A fixed number of queries whatever the number of rows -----------------------------------------


def build(count: int) -> None:
    topic = factories.TopicFactory(code="BULK")
    owner = factories.OwnerFactory(code="BULKOWNER")
    organisations = [
        factories.OrganisationFactory(slug="bulk-a", acronym="BULKA"),
        factories.OrganisationFactory(slug="bulk-b", acronym="BULKB"),
    ]
    council = factories.CouncilFactory()
    statement = factories.OutcomeDocumentFactory(council=council)
    parent = factories.RecommendationFactory(topic=topic, number="0", lead_owner=owner)
    for number in range(1, count + 1):
        recommendation = factories.RecommendationFactory(
            topic=topic,
            number=str(number),
            lead_owner=owner,
            co_owners=[factories.OwnerFactory()],
            organisations=organisations,
            target_council=council,
            parent=parent if number % 2 else None,
        )
        factories.ProgressUpdateFactory(recommendation=recommendation)
        factories.ProgressUpdateFactory(
            recommendation=recommendation, visibility=Visibility.INTERNAL
        )
        factories.NextStepFactory(recommendation=recommendation, side=Side.EU)
        factories.NextStepFactory(
            recommendation=recommendation, side=Side.JAPAN, target_date=datetime.date(2025, 1, 1)
        )
        factories.UptakeFactory(recommendation=recommendation, document=statement)


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize(
    ("address", "queries"),
    [
        # data version, last change (8 aggregates: the Councils' outcome documents and
        # uptakes are two of them), count, page, organisations, co-owners, children, approved
        # stakeholder views, next steps (whether one is overdue is in the page's query), the
        # uptakes with their documents and Councils
        ("/api/recommendations/", 17),
        # the same, and the organisation the filter names (the as-of state is in subqueries)
        ("/api/recommendations/?as_of={today}&organisation=bulk-a", 18),
        # data version, last change (8), the item, organisations, co-owners, children,
        # stakeholder views, next steps, uptakes
        ("/api/recommendations/BULK-1/", 16),
        # data version, last change (8), count, page
        ("/api/updates/", 11),
        # data version, count, page
        ("/api/owners/", 3),
    ],
)
def test_api_runs_a_fixed_number_of_queries(
    client, db, django_assert_num_queries, count, address, queries
):
    build(count)

    with django_assert_num_queries(queries):
        response = client.get(address.format(today=timezone.localdate().isoformat()))
    assert response.status_code == 200
    data = response.json()
    if "results" not in data:
        assert data["reference"] == "BULK-1"
        return
    # Each list holds every bulk row: the items (and their parent, outside the organisation
    # filter), each item's public update, their lead owner and each one's co-owner.
    listed = {
        "/api/recommendations/": count + 1,
        "/api/recommendations/?as_of={today}&organisation=bulk-a": count,
        "/api/updates/": count,
        "/api/owners/": count + 1,
    }[address]
    assert data["count"] == listed
    assert len(data["results"]) == listed  # one page holds them all


def test_head_request_gets_the_same_validators_without_a_body(client, tracker):
    get = client.get("/api/recommendations/")
    head = client.head("/api/recommendations/")

    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"] == get["ETag"]
    assert (
        client.head("/api/recommendations/", headers={"If-None-Match": get["ETag"]}).status_code
        == 304
    )


def test_poll_with_the_etag_gets_304_before_the_rows_are_read(
    client, tracker, django_assert_num_queries
):
    first = client.get("/api/recommendations/")

    # data version (the last change is kept with it): no count, no page, no linked rows
    with django_assert_num_queries(1):
        again = client.get("/api/recommendations/", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]


def test_the_same_read_of_unchanged_data_is_answered_without_its_queryset(
    client, tracker, django_assert_num_queries
):
    first = client.get("/api/recommendations/")

    # data version (the last change and the body are kept with it)
    with django_assert_num_queries(1):
        again = client.get("/api/recommendations/")
    assert again.status_code == 200
    assert again.json() == first.json()
    assert again["ETag"] == first["ETag"]
    assert again["Content-Type"] == first["Content-Type"]
