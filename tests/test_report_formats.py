"""The report's formats come from one registry: the command offers its codes, the downloads send
its content types and extensions, and an edition publishes its files."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from recommendations.reporting.formats import FORMATS, render
from recommendations.reporting.options import ReportOptions
from recommendations.services.editions import render_files
from tests import factories


@pytest.fixture
def item(db):
    return factories.RecommendationFactory(reference="AI-1", text="Open the data spaces.")


def test_the_command_offers_every_format_of_the_registry_and_no_other(tmp_path):
    with pytest.raises(CommandError) as refused:
        call_command("export_report", "--format", "odt", "-o", str(tmp_path / "report.odt"))

    for code in FORMATS:
        assert repr(code) in str(refused.value)


@pytest.mark.parametrize("code", ["pdf", "xlsx", "docx", "csv"])
def test_each_download_is_sent_with_its_formats_content_type_and_extension(client, item, code):
    response = client.get(reverse(f"recommendations:report_{code}"))

    assert response.status_code == 200
    assert response["Content-Type"] == FORMATS[code].content_type
    assert response["Content-Disposition"].endswith(f'.{FORMATS[code].extension}"')


def test_an_edition_publishes_the_registrys_files_each_as_the_format_writes_it(item):
    options = ReportOptions(as_of=datetime.date.today())

    files = render_files(options)

    expected = [
        ("report.html", "text/html; charset=utf-8"),
        ("report.pdf", "application/pdf"),
        ("report.xlsx", FORMATS["xlsx"].content_type),
        ("report.docx", FORMATS["docx"].content_type),
        ("report.csv", "text/csv; charset=utf-8"),
    ]
    assert [(file.language, file.name, file.content_type) for file in files] == [
        (language, name, content_type)
        for language in ("en", "ja")
        for name, content_type in expected
    ]
    by_name = {file.name: file.content for file in files if file.language == "en"}
    assert by_name["report.csv"] == render("csv", options)
    assert by_name["report.csv"].decode("utf-8").startswith("\ufeffreference,")
    assert by_name["report.pdf"].startswith(b"%PDF")
    assert "AI-1" in by_name["report.html"].decode("utf-8")
