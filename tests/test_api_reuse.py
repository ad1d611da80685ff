"""The open data API as others reuse it: a journalist's notebook, a data portal, a researcher's
script. Several codes in one filter, codes in any case, the list as CSV, the published editions,
updates that say what they moved, CORS for browsers, the licence in the schema, and each side's
response as of a day."""

import datetime

import pytest

from recommendations.models import Recommendation
from recommendations.rules.choices import Response
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
