"""Markup that works under a strict Content Security Policy and for assistive technology."""

import re

import pytest

from recommendations.models import Status
from tests import factories


@pytest.fixture
def addresses(db):
    topic = factories.TopicFactory(code="AI")
    organisation = factories.OrganisationFactory(slug="jbce")
    factories.CouncilFactory(number=2)
    recommendation = factories.RecommendationFactory(
        topic=topic, organisations=[organisation], status=Status.IN_PROGRESS
    )
    factories.ProgressUpdateFactory(
        recommendation=recommendation, evidence_url="https://example.org/e"
    )
    pages = [
        "/",
        "/recommendations/",
        "/recommendations/?status=bogus",
        recommendation.get_absolute_url(),
        "/recommendations/NOPE-1/",
        "/organisations/jbce/",
        "/topics/AI/",
    ]
    return pages + [f"/ja{page}" for page in pages]


def test_public_pages_have_no_inline_styles_or_scripts(client, addresses):
    for address in addresses:
        content = client.get(address).content.decode()

        assert not re.search(r"\sstyle=", content), address
        assert "<style" not in content, address
        # Scripts only as the site's own static files, which the policy lets run.
        for script in re.findall(r"<script\b[^>]*>", content):
            assert re.search(r'\ssrc="/static/', script), (address, script)
        assert not re.search(r"<script\b[^>]*>[^<]", content), address


def test_public_tables_have_header_cells_with_a_scope(client, addresses):
    for address in addresses:
        content = client.get(address).content.decode()

        for table in re.findall(r"<table.*?</table>", content, flags=re.S):
            headers = re.findall(r"<th\b[^>]*>", table)
            assert headers, address
            assert all('scope="' in header for header in headers), address


@pytest.mark.django_db
def test_a_status_is_drawn_with_the_same_shape_in_the_cards_the_legend_the_list_and_timelines(
    client,
):
    recommendation = factories.RecommendationFactory(status=Status.IN_PROGRESS)
    factories.ProgressUpdateFactory(recommendation=recommendation, status=Status.IN_PROGRESS)
    shape = re.compile(
        r'<span class="status status-in_progress"><span class="status-shape" aria-hidden="true">'
    )

    dashboard = client.get("/").content.decode()
    listing = client.get("/recommendations/").content.decode()
    item = client.get(recommendation.get_absolute_url()).content.decode()

    cards = dashboard[dashboard.index('class="status-counts"') :]
    legend = dashboard[dashboard.index('class="legend"') :]
    assert shape.search(cards[: cards.index("</ul>")])
    assert shape.search(legend[: legend.index("</details>")])
    assert shape.search(listing)
    timeline = item[item.index('class="timeline"') :]
    assert shape.search(timeline)
