import datetime

import pytest
from django.core.exceptions import ValidationError

from recommendations import services
from recommendations.models import ProgressUpdate, Recommendation, Status, Visibility
from tests.factories import ProgressUpdateFactory, RecommendationFactory, UserFactory


@pytest.mark.django_db
def test_changing_status_records_a_progress_update_that_explains_it():
    official = UserFactory()
    recommendation = RecommendationFactory()

    update = services.change_status(
        recommendation=recommendation,
        status=Status.PLANNED,
        author=official,
        on=datetime.date(2024, 9, 1),
    )

    recommendation.refresh_from_db()
    assert recommendation.status == Status.PLANNED
    assert recommendation.status_date == datetime.date(2024, 9, 1)
    assert update.text == "Status changed to “Planned”."
    assert (update.status, update.author, update.visibility) == (
        Status.PLANNED,
        official,
        Visibility.PUBLIC,
    )


@pytest.mark.django_db
def test_unknown_status_is_rejected_and_nothing_is_written():
    recommendation = RecommendationFactory()

    with pytest.raises(ValidationError, match="not a known status"):
        services.change_status(recommendation=recommendation, status="done", author=None)

    recommendation.refresh_from_db()
    assert recommendation.status == Status.NOT_ASSESSED
    assert not ProgressUpdate.objects.exists()


@pytest.mark.django_db
def test_status_change_is_kept_in_history_with_its_author():
    official = UserFactory()
    recommendation = RecommendationFactory()

    services.change_status(recommendation=recommendation, status=Status.STALLED, author=official)

    record = recommendation.history.first()
    assert record.status == Status.STALLED
    assert record.history_user == official


@pytest.mark.django_db
def test_bulk_change_records_one_update_per_recommendation():
    recommendations = RecommendationFactory.create_batch(3)

    services.bulk_change_status(
        recommendations=recommendations, status=Status.ONGOING, author=None, text="Dialogue held."
    )

    assert ProgressUpdate.objects.filter(status=Status.ONGOING, text="Dialogue held.").count() == 3


@pytest.mark.django_db
def test_update_with_an_invalid_evidence_link_is_rejected_and_status_kept():
    recommendation = RecommendationFactory()
    update = ProgressUpdateFactory.build(
        recommendation=recommendation, status=Status.COMPLETED, evidence_url="not a link"
    )

    with pytest.raises(ValidationError) as error:
        services.record_update(update=update, author=None)

    assert "evidence_url" in error.value.message_dict
    recommendation.refresh_from_db()
    assert recommendation.status == Status.NOT_ASSESSED


@pytest.mark.django_db
def test_a_stale_version_raises_a_conflict_naming_the_changed_fields_and_who():
    official = UserFactory(username="kenji")
    recommendation = RecommendationFactory()
    loaded_version = recommendation.version
    services.change_status(recommendation=recommendation, status=Status.ONGOING, author=official)

    with pytest.raises(services.EditConflict) as conflict:
        services.check_version(
            recommendation=Recommendation.objects.get(pk=recommendation.pk),
            loaded_version=loaded_version,
        )

    assert conflict.value.changed_by == official
    # Created and changed today, so the status date stays: only the status differs.
    assert [str(change) for change in conflict.value.changes] == [
        "Status: “Not yet assessed” → “Ongoing”"
    ]


@pytest.mark.django_db
def test_the_current_version_passes_the_check():
    recommendation = RecommendationFactory()
    services.change_status(recommendation=recommendation, status=Status.ONGOING, author=None)

    services.check_version(recommendation=recommendation, loaded_version=recommendation.version)


@pytest.mark.django_db
def test_archive_and_restore_are_recorded_in_history_and_repeat_harmlessly():
    official = UserFactory()
    recommendation = RecommendationFactory()

    assert services.archive(recommendations=[recommendation], author=official) == [recommendation]
    assert services.archive(recommendations=[recommendation], author=official) == []
    assert services.restore(recommendations=[recommendation], author=official) == [recommendation]

    reasons = [r.history_change_reason for r in recommendation.history.all()]
    assert reasons == ["Restored", "Archived", None]
    assert Recommendation.objects.public().filter(pk=recommendation.pk).exists()
