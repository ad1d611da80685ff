"""The open data API as others reuse it: a journalist's notebook, a data portal, a researcher's
script. Several codes in one filter, codes in any case, the list as CSV, the published editions,
updates that say what they moved, CORS for browsers, the licence in the schema, and each side's
response as of a day."""

import csv
import datetime
import hashlib
import io

import pytest
from django.core.files.base import ContentFile

from recommendations.models import Recommendation, Side, Status
from recommendations.models.rounds import Edition, EditionFile
from recommendations.rules.choices import Response, UpdateKind
from recommendations.services.statuses import set_statuses
from tests import factories
from tests.helpers import on

MAY_1 = datetime.date(2024, 5, 1)
JUNE_1 = datetime.date(2024, 6, 1)


def references(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["reference"] for item in response.json()["results"]]


# Each side's response as of a day ---------------------------------------------------------------


@pytest.fixture
def answered(db):
    """Recorded on 1 April 2024; Japan accepted it in principle on 1 May, then noted it with a
    rationale on 1 June."""
    item = factories.RecommendationFactory(reference="AI-1", status_date=datetime.date(2024, 4, 1))
    Recommendation.history.filter(id=item.pk).update(history_date=on(datetime.date(2024, 4, 1)))
    for day, answers in [
        (MAY_1, {"japan_response": Response.ACCEPTED_IN_PRINCIPLE}),
        (
            JUNE_1,
            {"japan_response": Response.NOTED, "japan_response_rationale": "Kept under review."},
        ),
    ]:
        item._history_date = on(day)
        set_statuses(recommendation=item, answers=answers, author=None, on=day)
    return item


def test_as_of_gives_each_sides_response_as_it_stood_that_day(client, answered):
    before = client.get("/api/recommendations/AI-1/?as_of=2024-04-15").json()
    in_may = client.get("/api/recommendations/AI-1/?as_of=2024-05-15").json()
    now = client.get("/api/recommendations/AI-1/").json()

    assert before["japan_response"] == Response.NO_RESPONSE
    assert before["japan_response_date"] is None
    assert in_may["japan_response"] == Response.ACCEPTED_IN_PRINCIPLE
    assert in_may["japan_response_date"] == "2024-05-01"
    assert in_may["japan_response_rationale"] == ""
    assert now["japan_response"] == Response.NOTED
    assert now["japan_response_rationale"] == "Kept under review."
    assert now["eu_response"] == Response.NO_RESPONSE


# Several codes, any case ------------------------------------------------------------------------


@pytest.fixture
def items(db):
    """AI-1 in progress by METI, AI-2 planned by DG Connect and made by JBCE, SEMI-1 completed
    by DG Connect and made by Keidanren and JBCE."""
    ai = factories.TopicFactory(code="AI", position=1)
    semi = factories.TopicFactory(code="SEMI", position=2)
    meti = factories.OwnerFactory(code="METI", side=Side.JAPAN)
    connect = factories.OwnerFactory(code="CNECT", side=Side.EU)
    jbce = factories.OrganisationFactory(slug="jbce", acronym="JBCE")
    keidanren = factories.OrganisationFactory(slug="keidanren", acronym="Keidanren")
    factories.RecommendationFactory(
        topic=ai, number="1", lead_owner=meti, status=Status.IN_PROGRESS
    )
    factories.RecommendationFactory(
        topic=ai, number="2", lead_owner=connect, status=Status.PLANNED, organisations=[jbce]
    )
    factories.RecommendationFactory(
        topic=semi,
        number="1",
        lead_owner=connect,
        status=Status.COMPLETED,
        organisations=[keidanren, jbce],
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=in_progress,planned", ["AI-1", "AI-2"]),
        ("status=in_progress&status=planned", ["AI-1", "AI-2"]),
        ("status=IN_PROGRESS", ["AI-1"]),
        ("topic=ai", ["AI-1", "AI-2"]),
        ("topic=ai,Semi", ["AI-1", "AI-2", "SEMI-1"]),
        ("owner=meti", ["AI-1"]),
        ("owner=METI&owner=cnect", ["AI-1", "AI-2", "SEMI-1"]),
        ("organisation=JBCE", ["AI-2", "SEMI-1"]),
        # Made by both: listed once.
        ("organisation=jbce,KEIDANREN", ["AI-2", "SEMI-1"]),
        ("side=JP", ["AI-1"]),
        ("side=eu,jp", ["AI-1", "AI-2", "SEMI-1"]),
        ("status=planned,completed&topic=SEMI", ["SEMI-1"]),
    ],
)
def test_several_codes_in_one_parameter_or_repeated_mean_any_of_in_any_case(
    client, items, query, expected
):
    assert references(client.get(f"/api/recommendations/?{query}")) == expected


@pytest.mark.parametrize(
    ("query", "name", "message"),
    [
        (
            "status=in_progress,finished",
            "status",
            "“finished” is not one of the codes: completed, dropped, in_progress, not_assessed, "
            "ongoing, planned, stalled.",
        ),
        ("topic=ai,robots", "topic", "“robots” is not one of the codes: AI, SEMI."),
        ("organisation=acme", "organisation", "“acme” is not one of the codes: jbce, keidanren."),
        ("side=eu,", "side", "Separate the codes by single commas, with none left empty."),
        ("owner=METI,%20CNECT", "owner", "Write the codes without spaces around them."),
    ],
)
def test_an_unknown_code_is_a_400_that_names_the_valid_ones(client, items, query, name, message):
    response = client.get(f"/api/recommendations/?{query}")

    assert response.status_code == 400
    assert response.json() == {name: [message]}


def test_repeating_a_code_filter_means_any_of_but_other_parameters_are_still_given_once(
    client, items
):
    repeated = client.get("/api/recommendations/?status=in_progress&status=planned&side=jp")
    ordering = client.get("/api/recommendations/?ordering=status&ordering=reference")

    assert references(repeated) == ["AI-1"]
    assert ordering.status_code == 400
    assert ordering.json() == {"ordering": ["Give this parameter once."]}


def test_the_list_page_takes_the_same_several_codes_in_any_case(client, items):
    page = client.get("/recommendations/?status=in_progress,planned&topic=ai")
    repeated = client.get("/recommendations/?organisation=JBCE&organisation=keidanren")

    assert page.status_code == 200
    content = page.content.decode()
    assert "AI-1" in content and "AI-2" in content and "SEMI-1" not in content
    assert repeated.status_code == 200
    assert "AI-2" in repeated.content.decode() and "SEMI-1" in repeated.content.decode()
    assert "AI-1" not in repeated.content.decode()


def test_the_list_page_names_the_valid_codes_of_an_unknown_one(client, items):
    response = client.get("/recommendations/?topic=robots")

    assert response.status_code == 400
    assert "“robots” is not one of the codes: AI, SEMI." in response.content.decode()


def test_the_list_page_in_japanese_names_the_valid_codes_in_japanese(client, items):
    response = client.get("/ja/recommendations/?topic=robots")

    assert response.status_code == 400
    assert "「robots」はコードではありません。使えるコード: AI, SEMI" in response.content.decode()


# CORS, and the terms of reuse ------------------------------------------------------------------


def test_the_api_may_be_read_from_any_origin_without_credentials(client, items):
    origin = {"Origin": "https://notebook.example.org"}
    read = client.get("/api/recommendations/?topic=ai", headers=origin)
    preflight = client.options(
        "/api/recommendations/",
        headers={**origin, "Access-Control-Request-Method": "GET"},
    )

    assert read["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in read["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Credentials" not in read
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert "If-None-Match" in preflight["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in preflight
    # Only the API's reads: not its writes, the site's pages or the admin.
    write = client.options(
        "/api/recommendations/", headers={**origin, "Access-Control-Request-Method": "POST"}
    )
    assert "Access-Control-Allow-Origin" not in write
    assert "Access-Control-Allow-Origin" not in client.post("/api/recommendations/", headers=origin)
    assert "Access-Control-Allow-Origin" not in client.get("/recommendations/", headers=origin)
    assert "Access-Control-Allow-Origin" not in client.get("/admin/login/", headers=origin)


def test_the_schema_gives_the_datas_licence_and_a_contact(client, items):
    schema = client.get("/api/schema/?format=json", headers={"accept": "application/json"})

    info = schema.json()["info"]
    assert info["license"] == {
        "name": "Creative Commons Attribution 4.0 (CC BY 4.0)",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    }
    assert info["contact"]["name"] == "Secretariat of the EU–Japan Digital Partnership"
    assert "@" in info["contact"]["email"]


# Updates say what they moved, as data ----------------------------------------------------------


def test_updates_carry_their_kind_and_the_sides_they_moved_with_each_sides_status(client, db):
    item = factories.RecommendationFactory(reference="AI-1")
    set_statuses(recommendation=item, sides={Side.JAPAN: Status.PLANNED}, author=None)
    factories.ProgressUpdateFactory(
        recommendation=item,
        kind=UpdateKind.CONFIRMATION,
        sides={"eu": Status.NOT_ASSESSED},
        text="",
        date=datetime.date(2020, 1, 1),
    )
    factories.ProgressUpdateFactory(
        recommendation=item, text="Working group met.", date=datetime.date(2019, 1, 1)
    )

    change, confirmation, note = client.get("/api/updates/?recommendation=AI-1").json()["results"]

    # The Japan side alone moved, the overall status with it.
    assert change["kind"] == "change"
    assert change["sides"] == [{"side": "jp", "status": "planned"}]
    assert confirmation["kind"] == "confirmation"
    assert confirmation["sides"] == [{"side": "eu", "status": "not_assessed"}]
    assert note["kind"] == "note"
    assert note["sides"] == []


# Published editions -----------------------------------------------------------------------------


def publish(council, number: int, files: dict[tuple[str, str], bytes], reason: str = ""):
    """An edition of `council` stored with `files` ((language, name) → bytes), as publishing
    stores them."""
    edition = Edition.objects.create(
        council=council,
        number=number,
        reason=reason,
        as_of=datetime.date(2025, 5, 1),
        published_at=on(datetime.date(2025, 5, 2)),
    )
    for (language, name), content in files.items():
        EditionFile.objects.create(
            edition=edition,
            name=name,
            language=language,
            file=ContentFile(content, name=name),
            content_type="text/csv",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
        )
    return edition


def test_editions_list_the_published_files_with_languages_digests_and_download_addresses(
    client, db, media
):
    council = factories.CouncilFactory(number=2)
    publish(council, 1, {("en", "report.csv"): b"reference\r\nAI-1\r\n"})
    publish(
        council,
        2,
        {("en", "report.csv"): b"reference\r\nAI-2\r\n", ("ja", "report.csv"): "参照".encode()},
        reason="AI-2 was missing.",
    )

    data = client.get("/api/editions/").json()

    assert [(e["council"], e["number"]) for e in data["results"]] == [(2, 2), (2, 1)]
    corrected = data["results"][0]
    assert corrected["reason"] == "AI-2 was missing."
    assert corrected["html_url"] == "http://testserver/reports/2/2/"
    english, japanese = corrected["files"]
    assert (english["language"], japanese["language"]) == ("en", "ja")
    assert japanese["sha256"] == hashlib.sha256("参照".encode()).hexdigest()
    assert japanese["size"] == len("参照".encode())
    assert japanese["download_url"] == "http://testserver/ja/reports/2/2/report.csv"
    # The address serves the very bytes whose digest is given.
    for listed in corrected["files"]:
        download = client.get(listed["download_url"])
        assert hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == listed["sha256"]


def test_editions_are_read_in_a_fixed_number_of_queries(
    client, db, media, django_assert_num_queries
):
    for number in (1, 2, 3):
        council = factories.CouncilFactory(number=number)
        publish(council, 1, {("en", "a.csv"): b"a", ("ja", "a.csv"): b"b"})

    # the data version, count, editions with their Councils, their files
    with django_assert_num_queries(4):
        response = client.get("/api/editions/")
    assert len(response.json()["results"]) == 3


# The list as CSV, and formats -------------------------------------------------------------------


def test_the_list_comes_as_csv_with_the_same_filters(client, items):
    response = client.get("/api/recommendations.csv?topic=ai&status=in_progress,planned")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["reference"] for row in rows] == ["AI-1", "AI-2"]
    assert rows[1]["organisations"] == "jbce"
    assert rows[1]["status"] == "planned"
    assert rows[1]["divergent"] == "false"
    assert rows[0]["html_url"] == "http://testserver/recommendations/AI-1/"


def test_csv_cells_a_spreadsheet_would_run_as_formulas_stay_text(client, db):
    factories.RecommendationFactory(reference="AI-1", text='=HYPERLINK("http://evil")')

    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/api/recommendations.csv").content.decode("utf-8-sig"))
        )
    )

    assert rows[0]["text"] == '\'=HYPERLINK("http://evil")'


def test_a_refused_csv_parameter_is_said_in_json(client, items):
    response = client.get("/api/recommendations.csv?topic=robots")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"topic": ["“robots” is not one of the codes: AI, SEMI."]}


@pytest.mark.parametrize("address", ["/api/recommendations/", "/api/topics/", "/api/updates/"])
def test_an_unknown_format_is_a_400_that_names_it(client, items, address):
    response = client.get(f"{address}?format=csv")

    assert response.status_code == 400
    assert response.json() == {
        "format": [
            "“csv” is not a format of this address, which answers in JSON; the recommendations "
            "come as CSV from /api/recommendations.csv."
        ]
    }


def test_the_csv_addresss_options_are_described_in_json(client, items):
    response = client.options("/api/recommendations.csv")

    assert response.status_code == 200
    assert "text/csv" in response.json()["renders"]
