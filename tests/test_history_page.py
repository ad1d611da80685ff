"""The History page reads as the change form does: fields by their labels, statuses by their
names, "—" for a value never set, dates as dates, and notes whole, folded when long."""

import datetime
import html

import pytest
from django.urls import reverse

from recommendations.models import Side, Status
from recommendations.services.statuses import set_statuses
from tests import factories
from tests.helpers import post_change_form

pytestmark = pytest.mark.django_db

LONG_NOTE = (
    "Owners met on 3 March with the industry associations; the joint call is drafted and waits "
    "for the budget line of the next financial year, which the ministry confirms in April. "
    "The testbed's partners are named in the annex."
)


@pytest.fixture
def meti():
    return factories.OwnerFactory(code="METI", name="METI", name_ja="経済産業省", side=Side.JAPAN)


@pytest.fixture
def official(meti):
    return factories.OfficialFactory(owner=meti, user__username="hana")


def history_page(client, recommendation) -> str:
    url = reverse("admin:recommendations_recommendation_history", args=[recommendation.pk])
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def changes_of(page: str) -> str:
    """The "Changes" cells of the page, where each change is listed."""
    return " ".join(page[page.index("<tbody>") : page.index("</tbody>")].split())


def test_a_side_status_change_reads_by_label_and_status_names(client, official, meti):
    item = factories.RecommendationFactory(lead_owner=meti)
    set_statuses(
        recommendation=item,
        author=official.user,
        sides={Side.JAPAN: Status.PLANNED},
        on=datetime.date(2026, 11, 2),
    )
    client.force_login(official.user)

    changes = changes_of(history_page(client, item))

    assert "<strong>Japan side status:</strong> Not yet assessed → Planned" in changes
    assert "not_assessed" not in changes and "japan_status" not in changes
    # The date and the person the side never had before.
    assert "<strong>Japan side status since:</strong> — → 2 November 2026" in changes
    assert "<strong>Japan side status set by:</strong> — → hana" in changes
    assert "Deleted user" not in changes and "pk=None" not in changes
    assert "None" not in changes


def test_the_history_columns_show_status_names_and_the_owner_in_the_admins_language(
    client, official, meti
):
    item = factories.RecommendationFactory(lead_owner=meti, japan_status=Status.IN_PROGRESS)
    official.language = "ja"
    official.save()
    client.force_login(official.user)

    page = history_page(client, item)
    body = page[page.index("<tbody>") : page.index("</tbody>")]

    assert "in_progress" not in body and "not_assessed" not in body
    assert "進行中" in body or "実施中" in body or "取組中" in body
    assert "経済産業省" in body


def test_a_long_note_is_shown_whole_and_folded(client, official, meti):
    item = factories.RecommendationFactory(lead_owner=meti)
    client.force_login(official.user)
    post_change_form(client, item, notes=LONG_NOTE)

    changes = changes_of(history_page(client, item))

    assert LONG_NOTE in changes
    assert "chars]" not in changes
    assert '<details class="history-value"><summary>' in changes
