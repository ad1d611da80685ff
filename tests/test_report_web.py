"""The Council status report on the web: the page with its form and download links, the files,
"export what you see", and what an anonymous reader must never get."""

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils.formats import date_format
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from recommendations.models import Recommendation, Status, Visibility
from tests import factories
from tests.helpers import change, recorded_on

REPORT = reverse("recommendations:report")
APRIL_1 = datetime.date(2024, 4, 1)
# An item's reference as a report prints it beside its text: the factories' topic codes.
REFERENCE = re.compile(r"\bT\d+-\d+\b")
MAY_1 = datetime.date(2024, 5, 1)


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body(response).decode("utf-8-sig"))))


def references_in(file_format: str, data: bytes) -> list[str]:
    """The items' references a downloaded file lists, read back in its own format: the
    reference column of a CSV, a workbook's or a Word file's tables, or a PDF's text."""
    if file_format == "csv":
        return [row["reference"] for row in csv.DictReader(io.StringIO(data.decode("utf-8-sig")))]
    if file_format == "xlsx":
        sheet = load_workbook(io.BytesIO(data), read_only=True)["Recommendations"]
        return [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    if file_format == "docx":
        # Each topic's table: Reference, Recommendation, …
        return [
            row.cells[0].text
            for table in Document(io.BytesIO(data)).tables
            if table.rows[0].cells[1].text == "Recommendation"
            for row in table.rows[1:]
        ]
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return REFERENCE.findall(text)


@pytest.fixture
def tracked(db):
    topic = factories.TopicFactory(code="AI", name="Artificial Intelligence", position=1)
    factories.CouncilFactory(number=1, place="Tokyo", date=datetime.date(2023, 7, 3))
    factories.CouncilFactory(number=2, place="Brussels", date=datetime.date(2024, 4, 30))
    first = recorded_on(
        APRIL_1, topic=topic, reference="AI-1", number="1", notes="NOTE-<i>secret</i>"
    )
    change(first, Status.IN_PROGRESS, MAY_1, text="Working group <script>set up</script>.")
    factories.ProgressUpdateFactory(
        recommendation=first, date=MAY_1, text="INTERNAL-UPDATE", visibility=Visibility.INTERNAL
    )
    recorded_on(APRIL_1, topic=topic, reference="AI-2", number="2", status=Status.PLANNED)
    return first


@pytest.fixture
def staff_client(db, client):
    client.force_login(factories.OfficialFactory().user)
    return client


def test_report_page_shows_the_title_page_summary_changes_and_items(client, tracked):
    response = client.get(REPORT, {"as_of": "2024-06-01"})

    assert response.status_code == 200
    content = response.content.decode()
    assert "Status of the follow-up of the stakeholder workshop recommendations" in content
    # The Council the report is for, and the changes since the last one held.
    # Dates as the reader's language writes them (Django's DATE_FORMAT).
    assert f"Changed since {date_format(datetime.date(2024, 4, 30))}" in content
    assert "AI-1" in content and "AI-2" in content
    assert "Working group &lt;script&gt;set up&lt;/script&gt;." in content
    # The status chart: a bar per status and side, as long as its share (one item of two).
    assert "<svg" in content and 'width="30"' in content


def test_report_page_links_its_stylesheet_in_the_head(client, tracked):
    content = client.get(REPORT, {"as_of": "2024-06-01"}).content.decode()

    head, page_body = content.split("</head>", 1)
    assert "recommendations/report.css" in head
    assert 'rel="stylesheet"' not in page_body


def test_report_chart_colours_its_bars_by_status_class(client, tracked):
    content = client.get(REPORT, {"as_of": "2024-06-01"}).content.decode()

    assert 'class="chart-bar chart-bar-in_progress"' in content
    assert 'fill="#' not in content


def test_report_title_page_names_the_chosen_council(client, tracked):
    content = client.get(REPORT, {"as_of": "2024-04-20", "council": "2"}).content.decode()

    council = (
        f"Digital Partnership Council no. 2, Brussels, {date_format(datetime.date(2024, 4, 30))}"
    )
    assert f"Prepared for the {council}" in content
    assert f"Changed since {date_format(datetime.date(2023, 7, 3))}" in content


def test_report_in_japanese_names_topics_in_japanese(client, tracked):
    tracked.topic.name_ja = "人工知能"
    tracked.topic.save()

    response = client.get("/ja" + REPORT, {"as_of": "2024-06-01"})

    assert response.status_code == 200
    assert '<h2 id="topic-AI">人工知能</h2>' in response.content.decode()


@pytest.mark.parametrize("is_staff", [False, True])
def test_user_without_an_official_role_cannot_have_the_internal_report(client, tracked, is_staff):
    client.force_login(factories.UserFactory(is_staff=is_staff))

    response = client.get(REPORT, {"internal": "1"})

    assert response.status_code == 403
    assert b"INTERNAL-UPDATE" not in response.content


def test_report_page_shows_statuses_as_of_the_chosen_date(client, tracked):
    before = client.get(REPORT, {"as_of": "2024-04-15"}).content.decode()
    after = client.get(REPORT, {"as_of": "2024-06-01"}).content.decode()

    ai_1 = re.compile(r'id="item-AI-1".*?</tr>', re.S)
    assert "Not yet assessed" in ai_1.search(before).group()
    assert "In progress" in ai_1.search(after).group()


def test_report_page_offers_downloads_with_the_same_choices(client, tracked):
    content = client.get(REPORT, {"as_of": "2024-06-01", "since": "2024-04-02"}).content.decode()

    query = "as_of=2024-06-01&amp;since=2024-04-02"
    for name in ["report_pdf", "report_xlsx", "report_csv", "report_docx"]:
        assert f'href="{reverse("recommendations:" + name)}?{query}' in content


def test_report_page_uses_no_inline_styles_or_scripts(client, tracked):
    content = client.get(REPORT, {"as_of": "2024-06-01"}).content.decode()

    assert not re.search(r"<[^>]*\sstyle=", content), "inline style attribute"
    assert "<style" not in content
    assert not re.search(r"<script(?![^>]*\ssrc=)", content), "inline script"


def test_public_report_never_shows_internal_updates_or_notes(client, tracked):
    content = client.get(REPORT, {"as_of": "2024-06-01"}).content.decode()
    csv_text = body(client.get(reverse("recommendations:report_csv"))).decode("utf-8-sig")

    for text in [content, csv_text]:
        assert "INTERNAL-UPDATE" not in text
        assert "secret" not in text


@pytest.mark.parametrize(
    "name",
    ["report", "report_pdf", "report_xlsx", "report_csv", "report_docx"],
    ids=lambda name: name,
)
def test_anonymous_reader_cannot_have_the_internal_report(client, tracked, name):
    response = client.get(reverse(f"recommendations:{name}"), {"internal": "1"})

    assert response.status_code == 403
    assert b"INTERNAL-UPDATE" not in response.content
    assert b"officials only" in response.content


def test_staff_get_the_internal_report_marked_internal(staff_client, tracked):
    content = staff_client.get(REPORT, {"as_of": "2024-06-01", "internal": "1"}).content.decode()

    assert "INTERNAL – officials only" in content
    assert "INTERNAL-UPDATE" in content
    assert "NOTE-&lt;i&gt;secret&lt;/i&gt;" in content
    assert "internal=1" in content


def test_staff_see_the_public_report_unless_they_ask_for_internal(staff_client, tracked):
    content = staff_client.get(REPORT, {"as_of": "2024-06-01"}).content.decode()

    assert "INTERNAL-UPDATE" not in content
    assert "secret" not in content


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"as_of": "2024-13-40"}, "Enter a real date as YYYY-MM-DD"),
        ({"as_of": "2024-05-01", "since": "2024-06-01"}, "must not be after the as-of date"),
        ({"as_of": "2999-01-01"}, "is in the future"),
        ({"council": "nine"}, "There is no Council with that number."),
    ],
)
@pytest.mark.parametrize(
    "name", ["report", "report_pdf", "report_xlsx", "report_csv", "report_docx"]
)
def test_bad_report_choices_get_a_clear_400(client, db, name, query, message):
    response = client.get(reverse(f"recommendations:{name}"), query)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert message in response.content.decode()


def test_report_downloads_in_three_formats_that_agree(client, tracked):
    query = {"as_of": "2024-06-01"}

    csv_response = client.get(reverse("recommendations:report_csv"), query)
    xlsx_response = client.get(reverse("recommendations:report_xlsx"), query)
    pdf_response = client.get(reverse("recommendations:report_pdf"), query)

    assert csv_response["Content-Disposition"] == (
        'attachment; filename="council-report-2024-06-01.csv"'
    )
    assert "council-report-2024-06-01.xlsx" in xlsx_response["Content-Disposition"]
    assert pdf_response["Content-Type"] == "application/pdf"
    from_csv = {row["reference"]: row["status"] for row in csv_rows(csv_response)}
    sheet = load_workbook(io.BytesIO(body(xlsx_response)))["Recommendations"]
    from_xlsx = {row[0]: row[7] for row in sheet.iter_rows(min_row=2, values_only=True)}
    pdf_text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(body(pdf_response))).pages
    )
    assert from_csv == {"AI-1": "in_progress", "AI-2": "planned"}
    assert from_xlsx == {"AI-1": "In progress", "AI-2": "Planned"}
    assert "AI-1" in pdf_text and "In progress" in pdf_text and "Planned" in pdf_text


def test_staff_download_the_internal_csv(staff_client, tracked):
    rows = csv_rows(staff_client.get(reverse("recommendations:report_csv"), {"internal": "1"}))

    assert rows[0]["classification"] == "INTERNAL"
    assert rows[0]["notes"] == "NOTE-<i>secret</i>"


# Export what you see ------------------------------------------------------------------------


@pytest.fixture
def two_topics(db):
    ai, cyber = (
        factories.TopicFactory(code="AI", position=1),
        factories.TopicFactory(code="CYBER", position=2),
    )
    jbce = factories.OrganisationFactory(acronym="JBCE", slug="jbce")
    factories.RecommendationFactory(
        topic=ai, reference="AI-1", status=Status.IN_PROGRESS, organisations=[jbce]
    )
    factories.RecommendationFactory(topic=ai, reference="AI-2", status=Status.PLANNED)
    factories.RecommendationFactory(topic=cyber, reference="CYBER-1", status=Status.IN_PROGRESS)
    factories.RecommendationFactory(
        topic=cyber, reference="CYBER-2", status=Status.PLANNED, organisations=[jbce]
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"topic": "AI", "status": "in_progress"}, ["AI-1"]),
        ({"status": "planned"}, ["AI-2", "CYBER-2"]),
        ({"organisation": "jbce"}, ["AI-1", "CYBER-2"]),
        ({}, ["AI-1", "AI-2", "CYBER-1", "CYBER-2"]),
    ],
)
def test_export_applies_the_list_filters(client, two_topics, query, expected):
    csv_response = client.get(reverse("recommendations:export_csv"), query)
    xlsx_response = client.get(reverse("recommendations:export_xlsx"), query)

    assert [row["reference"] for row in csv_rows(csv_response)] == expected
    sheet = load_workbook(io.BytesIO(body(xlsx_response)))["Recommendations"]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == expected


def test_export_keeps_the_order_the_reader_sorted_the_list_in(client, two_topics):
    response = client.get(reverse("recommendations:export_csv"), {"ordering": "status"})

    # The workflow's order (planned before in progress), then the report's order.
    assert [row["reference"] for row in csv_rows(response)] == [
        "AI-2",
        "CYBER-2",
        "AI-1",
        "CYBER-1",
    ]


@pytest.mark.parametrize("name", ["export_csv", "export_xlsx"])
def test_export_with_a_bad_filter_gets_a_400_naming_it(client, two_topics, name):
    response = client.get(reverse(f"recommendations:{name}"), {"topic": "NOPE", "status": "x"})

    assert response.status_code == 400
    content = response.content.decode()
    assert "Topic (topic)" in content and "Status (status)" in content


def test_export_what_you_see_is_public_even_for_staff(staff_client, db):
    recommendation = factories.RecommendationFactory(notes="NOTE-SECRET")
    factories.ProgressUpdateFactory(
        recommendation=recommendation, text="INTERNAL-UPDATE", visibility=Visibility.INTERNAL
    )

    text = body(staff_client.get(reverse("recommendations:export_csv"))).decode("utf-8-sig")

    assert "NOTE-SECRET" not in text and "INTERNAL-UPDATE" not in text


# Queries ------------------------------------------------------------------------------------


def populate(rows: int) -> None:
    topic = factories.TopicFactory()
    for _ in range(rows):
        recommendation = recorded_on(
            APRIL_1,
            topic=topic,
            co_owners=[factories.OwnerFactory()],
            organisations=[factories.OrganisationFactory()],
        )
        factories.ProgressUpdateFactory.create_batch(2, recommendation=recommendation, date=APRIL_1)


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [2, 30])
def test_report_page_runs_the_same_queries_whatever_the_rows(
    client, django_assert_num_queries, rows
):
    populate(rows)
    factories.CouncilFactory(number=1, date=datetime.date(2023, 7, 3))

    # data version, next Council, last Council, topics, owners and organisations, recommendations
    # with their state, their organisation links, their co-owner links, their next steps, the
    # Councils' uptakes of them (for the summary's count); the steps overdue or due, the steps
    # by lead owner and by co-owner; the Councils offered by the form
    with django_assert_num_queries(15):
        response = client.get(REPORT, {"as_of": "2024-06-01"})

    assert response.status_code == 200
    content = response.content.decode()
    assert content.count('id="item-') == rows
    assert all(item.reference in content for item in Recommendation.objects.all())


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [2, 30])
@pytest.mark.parametrize(
    ("name", "queries"),
    [
        # next Council and last Council (the report's defaults), the data version and the
        # public data's last change (8 aggregates, the Councils' outcome documents and uptakes
        # among them, read once per version) for the file's validators, topics, owners and
        # organisations (read once), recommendations with their as-of state, their organisation
        # links, their co-owner links, their next steps, the Councils' uptakes of them; the
        # steps overdue or due, the steps by lead owner and by co-owner
        ("report_csv", 22),
        ("report_xlsx", 22),
        ("report_pdf", 22),
        ("report_docx", 22),
        # topics, owners, organisations, recommendations as they stand, their organisation
        # links, their co-owner links, their next steps, the Councils' uptakes of them
        ("export_csv", 8),
        ("export_xlsx", 8),
    ],
)
def test_downloads_run_the_same_queries_whatever_the_rows(
    client, django_assert_num_queries, rows, name, queries
):
    populate(rows)

    with django_assert_num_queries(queries):
        response = client.get(reverse(f"recommendations:{name}"), {})
        data = body(response)

    assert response.status_code == 200
    # Every item is in the file, each once: a download of no rows would run fewer queries.
    references = Recommendation.objects.values_list("reference", flat=True)
    assert sorted(references_in(name.partition("_")[2], data)) == sorted(references)
