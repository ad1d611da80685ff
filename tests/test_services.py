import datetime

import pytest
from django.core.exceptions import ValidationError

from recommendations.models import ProgressUpdate, Recommendation, Side, Status, Visibility
from recommendations.services.archive import archive, restore
from recommendations.services.statuses import bulk_set_statuses, record_update, set_statuses
from recommendations.services.versions import EditConflict, check_version
from tests.factories import ProgressUpdateFactory, RecommendationFactory, UserFactory


@pytest.mark.django_db
def test_the_secretariat_overriding_the_sides_records_the_reason_and_an_update():
    secretariat = UserFactory()
    recommendation = RecommendationFactory()

    update = set_statuses(
        recommendation=recommendation,
        overall=Status.PLANNED,
        author=secretariat,
        reason="Agreed at the Council; the sides report next month.",
        on=datetime.date(2024, 9, 1),
    )

    recommendation.refresh_from_db()
    assert recommendation.status == Status.PLANNED
    assert recommendation.status_date == datetime.date(2024, 9, 1)
    assert recommendation.status_override_reason == (
        "Agreed at the Council; the sides report next month."
    )
    # The reason is internal: the public update says what changed, not why.
    assert update.message == "Status changed to “Planned”."
    assert (update.status, update.author, update.visibility) == (
        Status.PLANNED,
        secretariat,
        Visibility.PUBLIC,
    )


@pytest.mark.django_db
def test_an_overall_status_against_the_sides_without_a_reason_is_refused_and_nothing_written():
    recommendation = RecommendationFactory(eu_status=Status.COMPLETED, status=Status.IN_PROGRESS)

    with pytest.raises(ValidationError) as error:
        set_statuses(recommendation=recommendation, overall=Status.COMPLETED, author=None)

    assert error.value.message_dict["status_override_reason"] == [
        "The EU and Japan sides give “In progress”; an overall status of “Completed” overrides "
        "them and needs a reason."
    ]
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.version) == (Status.IN_PROGRESS, 1)
    assert not ProgressUpdate.objects.exists()


@pytest.mark.django_db
def test_an_overall_status_the_sides_give_needs_no_reason():
    recommendation = RecommendationFactory(status=Status.PLANNED)

    set_statuses(recommendation=recommendation, overall=Status.NOT_ASSESSED, author=None)

    recommendation.refresh_from_db()
    assert recommendation.status == Status.NOT_ASSESSED
    assert not recommendation.status_overridden


@pytest.mark.django_db
def test_unknown_status_is_rejected_and_nothing_is_written():
    recommendation = RecommendationFactory()

    with pytest.raises(ValidationError, match="not a known status"):
        set_statuses(recommendation=recommendation, overall="done", author=None, reason="Because.")

    recommendation.refresh_from_db()
    assert recommendation.status == Status.NOT_ASSESSED
    assert not ProgressUpdate.objects.exists()


@pytest.mark.django_db
def test_status_change_is_kept_in_history_with_its_author():
    official = UserFactory()
    recommendation = RecommendationFactory()

    set_statuses(recommendation=recommendation, sides={Side.EU: Status.STALLED}, author=official)

    record = recommendation.history.first()
    assert (record.eu_status, record.status) == (Status.STALLED, Status.STALLED)
    assert record.history_user == official


@pytest.mark.django_db
def test_bulk_change_records_one_update_per_recommendation():
    recommendations = RecommendationFactory.create_batch(3)

    bulk_set_statuses(
        recommendations=recommendations,
        author=None,
        overall=Status.ONGOING,
        reason="A standing dialogue.",
        text="Dialogue held.",
    )

    assert ProgressUpdate.objects.filter(status=Status.ONGOING, text="Dialogue held.").count() == 3


@pytest.mark.django_db
def test_a_bulk_change_that_fails_on_one_item_changes_none():
    fine = RecommendationFactory()
    against_its_sides = RecommendationFactory(japan_status=Status.COMPLETED)

    with pytest.raises(ValidationError):
        bulk_set_statuses(
            recommendations=[fine, against_its_sides], author=None, overall=Status.NOT_ASSESSED
        )

    assert not ProgressUpdate.objects.exists()
    assert Recommendation.objects.get(pk=fine.pk).version == 1


@pytest.mark.django_db
def test_nothing_is_recorded_when_nothing_moves_and_nothing_is_said():
    recommendation = RecommendationFactory()

    assert (
        set_statuses(
            recommendation=recommendation, sides={Side.EU: Status.NOT_ASSESSED}, author=None
        )
        is None
    )
    assert not ProgressUpdate.objects.exists()
    assert Recommendation.objects.get(pk=recommendation.pk).version == 1


@pytest.mark.django_db
def test_update_with_an_invalid_evidence_link_is_rejected():
    recommendation = RecommendationFactory()
    update = ProgressUpdateFactory.build(recommendation=recommendation, evidence_url="not a link")

    with pytest.raises(ValidationError) as error:
        record_update(update=update, author=None)

    assert "evidence_url" in error.value.message_dict
    assert not ProgressUpdate.objects.exists()


@pytest.mark.django_db
def test_an_update_claiming_to_set_a_status_is_refused_and_the_status_kept():
    recommendation = RecommendationFactory()
    update = ProgressUpdateFactory.build(recommendation=recommendation, status=Status.COMPLETED)

    with pytest.raises(ValidationError) as error:
        record_update(update=update, author=None)

    assert "status" in error.value.message_dict
    recommendation.refresh_from_db()
    assert recommendation.status == Status.NOT_ASSESSED
    assert not ProgressUpdate.objects.exists()


@pytest.mark.django_db
def test_a_stale_version_raises_a_conflict_naming_the_changed_fields_and_who():
    official = UserFactory(username="kenji")
    recommendation = RecommendationFactory()
    loaded_version = recommendation.version
    set_statuses(
        recommendation=recommendation,
        overall=Status.ONGOING,
        author=official,
        reason="A standing dialogue.",
    )

    with pytest.raises(EditConflict) as conflict:
        check_version(
            recommendation=Recommendation.objects.get(pk=recommendation.pk),
            loaded_version=loaded_version,
        )

    assert conflict.value.changed_by == official
    # Created and changed today, so the status date stays.
    assert [str(change) for change in conflict.value.changes] == [
        "Status: “Not yet assessed” → “Ongoing”",
        "Reason for overriding the sides: “—” → “A standing dialogue.”",
    ]


@pytest.mark.django_db
def test_the_current_version_passes_the_check():
    recommendation = RecommendationFactory()
    set_statuses(recommendation=recommendation, sides={Side.EU: Status.ONGOING}, author=None)

    check_version(recommendation=recommendation, loaded_version=recommendation.version)


@pytest.mark.django_db
def test_archive_and_restore_are_recorded_in_history_and_repeat_harmlessly():
    official = UserFactory()
    recommendation = RecommendationFactory()

    assert archive(recommendations=[recommendation], author=official) == [recommendation]
    assert archive(recommendations=[recommendation], author=official) == []
    assert restore(recommendations=[recommendation], author=official) == [recommendation]

    reasons = [r.history_change_reason for r in recommendation.history.all()]
    assert reasons == ["Restored", "Archived", None]
    assert Recommendation.objects.public().filter(pk=recommendation.pk).exists()
