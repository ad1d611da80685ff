"""Row locks are what keep two officials from overwriting each other; only PostgreSQL has them
for real, so these tests run in the PostgreSQL pass (`make test-postgres`, and CI)."""

import threading

import pytest
from django.db import DatabaseError, connection, transaction

from recommendations import imports
from recommendations.models import Recommendation
from recommendations.rules.choices import Side, Status
from recommendations.services.statuses import set_statuses
from recommendations.services.versions import next_version
from tests.factories import OfficialFactory, OwnerFactory, RecommendationFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def try_to_lock_from_another_connection(pk: int) -> str:
    """Ask for the same row's lock from a second database session, without waiting."""
    outcome = {}

    def other_session():
        try:
            with transaction.atomic():
                Recommendation.objects.select_for_update(nowait=True).get(pk=pk)
            outcome["result"] = "locked it"
        except DatabaseError:
            outcome["result"] = "refused"
        finally:
            connection.close()

    thread = threading.Thread(target=other_session)
    thread.start()
    thread.join(timeout=30)
    return outcome["result"]


def test_a_row_locked_by_one_session_cannot_be_locked_by_another():
    recommendation = RecommendationFactory()
    with transaction.atomic():
        Recommendation.objects.select_for_update().get(pk=recommendation.pk)
        assert try_to_lock_from_another_connection(recommendation.pk) == "refused"


def test_a_row_lock_is_released_when_its_transaction_ends():
    recommendation = RecommendationFactory()
    with transaction.atomic():
        Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    assert try_to_lock_from_another_connection(recommendation.pk) == "locked it"


def test_a_save_holds_the_row_until_its_transaction_ends_so_concurrent_saves_queue():
    recommendation = RecommendationFactory()

    with transaction.atomic():
        next_version(recommendation)
        assert try_to_lock_from_another_connection(recommendation.pk) == "refused"
    assert try_to_lock_from_another_connection(recommendation.pk) == "locked it"


def test_an_import_locks_the_rows_it_applies_until_it_ends():
    recommendation = RecommendationFactory()
    content = f"reference,status,eu_status\n{recommendation.reference},planned,planned\n".encode()

    with transaction.atomic():
        imports.plan(filename="u.csv", content=content, lock=True)
        assert try_to_lock_from_another_connection(recommendation.pk) == "refused"


def test_two_sides_set_at_once_give_the_overall_status_of_both():
    meti = OwnerFactory(code="METI", side=Side.JAPAN, government="Government of Japan")
    dg_connect = OwnerFactory(code="CNECT", side=Side.EU)
    recommendation = RecommendationFactory(lead_owner=meti, co_owners=[dg_connect])
    eu_official = OfficialFactory(owner=dg_connect).user
    japan_official = OfficialFactory(owner=meti).user
    # Each official's page was loaded before either saved: both copies say "not yet assessed".
    japans_copy = Recommendation.objects.get(pk=recommendation.pk)
    outcome = {}

    def japan_saves():
        try:
            set_statuses(
                recommendation=japans_copy, author=japan_official, sides={Side.JAPAN: "completed"}
            )
            outcome["result"] = "saved"
        finally:
            connection.close()

    japan = threading.Thread(target=japan_saves)
    with transaction.atomic():
        set_statuses(
            recommendation=recommendation, author=eu_official, sides={Side.EU: "completed"}
        )
        japan.start()
        japan.join(timeout=1)
        # The Japan side waits for the EU side's row lock instead of deciding without it.
        assert japan.is_alive()
    japan.join(timeout=30)

    assert outcome == {"result": "saved"}
    fresh = Recommendation.objects.get(pk=recommendation.pk)
    assert (fresh.eu_status, fresh.japan_status, fresh.status) == (
        Status.COMPLETED,
        Status.COMPLETED,
        Status.COMPLETED,
    )
    assert fresh.version == 3
