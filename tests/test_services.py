import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from recommendations.models import ProgressUpdate, Recommendation, Side, Status, Visibility
from recommendations.rules.choices import UpdateKind
from recommendations.services.archive import archive, restore
from recommendations.services.statuses import bulk_set_statuses, record_update, set_statuses
from recommendations.services.versions import EditConflict, check_version, merge
from tests.factories import (
    CouncilFactory,
    OfficialFactory,
    OwnerFactory,
    ProgressUpdateFactory,
    RecommendationFactory,
    SuperuserFactory,
    UserFactory,
)


@pytest.mark.django_db
def test_the_secretariat_overriding_the_sides_records_the_reason_and_an_update():
    secretariat = SuperuserFactory()
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
    dg_connect = OwnerFactory(side=Side.EU)
    official = OfficialFactory(owner=dg_connect).user
    recommendation = RecommendationFactory(lead_owner=dg_connect)

    set_statuses(
        recommendation=recommendation,
        sides={Side.EU: Status.STALLED},
        answers={"eu_stalled_reason": "budget"},
        author=official,
    )

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
    dg_connect = OwnerFactory(side=Side.EU)
    official = OfficialFactory(owner=dg_connect).user
    # The first item is the official's and changes; the second is not, and is refused.
    theirs = RecommendationFactory(lead_owner=dg_connect)
    not_theirs = RecommendationFactory()

    with pytest.raises(PermissionDenied):
        bulk_set_statuses(
            recommendations=[theirs, not_theirs],
            author=official,
            sides={Side.EU: Status.IN_PROGRESS},
        )

    fresh = Recommendation.objects.get(pk=theirs.pk)
    assert (fresh.eu_status, fresh.status, fresh.version) == (
        Status.NOT_ASSESSED,
        Status.NOT_ASSESSED,
        1,
    )
    assert fresh.history.count() == 1
    assert not ProgressUpdate.objects.exists()


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
    official = SuperuserFactory(username="kenji")
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


@pytest.fixture
def co_owned(db):
    """An item led by a Japanese owner and co-owned by an EU one, with an official of each."""
    meti = OwnerFactory(code="METI", side=Side.JAPAN, government="Government of Japan")
    dg_connect = OwnerFactory(code="CNECT", side=Side.EU)
    recommendation = RecommendationFactory(lead_owner=meti, co_owners=[dg_connect])
    return (
        recommendation,
        OfficialFactory(owner=dg_connect).user,
        OfficialFactory(owner=meti).user,
    )


@pytest.mark.django_db
def test_a_side_set_on_a_stale_copy_is_combined_with_the_other_side_as_saved(co_owned):
    recommendation, eu_official, japan_official = co_owned
    stale = Recommendation.objects.get(pk=recommendation.pk)
    records = recommendation.history.count()
    set_statuses(recommendation=recommendation, author=eu_official, sides={Side.EU: "completed"})

    set_statuses(recommendation=stale, author=japan_official, sides={Side.JAPAN: "completed"})

    fresh = Recommendation.objects.get(pk=recommendation.pk)
    assert (fresh.eu_status, fresh.japan_status, fresh.status) == (
        Status.COMPLETED,
        Status.COMPLETED,
        Status.COMPLETED,
    )
    assert (fresh.version, fresh.history.count()) == (3, records + 2)


@pytest.mark.django_db
def test_an_official_may_not_set_the_other_sides_status_and_nothing_is_written(co_owned):
    recommendation, eu_official, _japan_official = co_owned

    with pytest.raises(PermissionDenied, match="may not set the Japan status"):
        set_statuses(
            recommendation=recommendation, author=eu_official, sides={Side.JAPAN: "planned"}
        )

    fresh = Recommendation.objects.get(pk=recommendation.pk)
    assert (fresh.japan_status, fresh.version) == (Status.NOT_ASSESSED, 1)
    assert not ProgressUpdate.objects.exists()


@pytest.mark.django_db
def test_only_the_secretariat_sets_the_overall_status(co_owned):
    recommendation, eu_official, _japan_official = co_owned

    with pytest.raises(PermissionDenied, match="Only the secretariat"):
        set_statuses(
            recommendation=recommendation,
            author=eu_official,
            overall=Status.PLANNED,
            reason="The Council asked for it.",
        )

    fresh = Recommendation.objects.get(pk=recommendation.pk)
    assert (fresh.status, fresh.status_override_reason) == (Status.NOT_ASSESSED, "")


@pytest.mark.django_db
def test_an_official_of_another_owner_may_not_even_add_a_note():
    stranger = OfficialFactory(owner=OwnerFactory(side=Side.EU)).user
    recommendation = RecommendationFactory()

    with pytest.raises(PermissionDenied, match="may not change"):
        set_statuses(recommendation=recommendation, author=stranger, text="Looked into it.")

    assert not ProgressUpdate.objects.exists()


@pytest.mark.django_db
def test_an_official_may_not_rewrite_the_reports_text_through_a_status_change(co_owned):
    recommendation, eu_official, _japan_official = co_owned
    original = recommendation.text
    recommendation.text = "Something else entirely."

    with pytest.raises(PermissionDenied, match="You may not change text"):
        set_statuses(
            recommendation=recommendation,
            author=eu_official,
            sides={Side.EU: Status.PLANNED},
            edited=["text"],
        )

    fresh = Recommendation.objects.get(pk=recommendation.pk)
    assert (fresh.text, fresh.eu_status) == (original, Status.NOT_ASSESSED)


@pytest.mark.django_db
def test_an_official_may_not_change_an_archived_item(co_owned):
    recommendation, eu_official, _japan_official = co_owned
    archive(recommendations=[recommendation], author=SuperuserFactory())

    with pytest.raises(PermissionDenied):
        set_statuses(recommendation=recommendation, author=eu_official, sides={Side.EU: "planned"})

    assert Recommendation.objects.get(pk=recommendation.pk).eu_status == Status.NOT_ASSESSED


@pytest.mark.django_db
def test_a_note_and_a_side_changed_together_are_one_history_record_and_one_version(co_owned):
    recommendation, eu_official, _japan_official = co_owned
    recommendation.notes = "Waiting for the implementing act."
    records = recommendation.history.count()

    set_statuses(
        recommendation=recommendation,
        author=eu_official,
        sides={Side.EU: Status.PLANNED},
        edited=["notes"],
    )

    fresh = Recommendation.objects.get(pk=recommendation.pk)
    assert (fresh.notes, fresh.eu_status, fresh.status, fresh.version) == (
        "Waiting for the implementing act.",
        Status.PLANNED,
        Status.PLANNED,
        2,
    )
    latest = fresh.history.first()
    assert fresh.history.count() == records + 1
    assert (latest.notes, latest.eu_status, latest.history_user) == (
        "Waiting for the implementing act.",
        Status.PLANNED,
        eu_official,
    )


@pytest.mark.django_db
def test_dropping_the_override_reason_hands_the_overall_status_back_to_the_sides():
    secretariat = SuperuserFactory()
    recommendation = RecommendationFactory(eu_status=Status.PLANNED)
    set_statuses(
        recommendation=recommendation,
        author=secretariat,
        overall=Status.ONGOING,
        reason="A standing dialogue.",
    )

    set_statuses(recommendation=recommendation, author=secretariat, drop_reason=True)

    fresh = Recommendation.objects.get(pk=recommendation.pk)
    assert (fresh.status, fresh.status_override_reason, fresh.version) == (
        Status.PLANNED,
        "",
        3,
    )


def _save_notes(recommendation, notes, author):
    recommendation.notes = notes
    set_statuses(recommendation=recommendation, author=author, edited=["notes"])


@pytest.mark.django_db
def test_merge_takes_the_saved_value_of_a_field_the_form_left_and_keeps_one_only_it_changed():
    recommendation = RecommendationFactory()
    council = CouncilFactory()
    _save_notes(recommendation, "Theirs.", SuperuserFactory(username="ito"))

    merged = merge(
        recommendation=Recommendation.objects.get(pk=recommendation.pk),
        loaded_version=1,
        yours={"notes": "", "target_council": council},
    )

    assert (merged.theirs, merged.conflicts) == (["notes"], [])


@pytest.mark.django_db
def test_merge_refuses_a_field_both_changed_naming_who_changed_it_last_and_when():
    recommendation = RecommendationFactory()
    ito, mori = SuperuserFactory(username="ito"), SuperuserFactory(username="mori")
    _save_notes(recommendation, "Ito's.", ito)
    noted_at = recommendation.history.first().history_date
    # A later save of another field does not make its saver the author of the note.
    set_statuses(recommendation=recommendation, author=mori, sides={Side.EU: Status.PLANNED})

    merged = merge(
        recommendation=Recommendation.objects.get(pk=recommendation.pk),
        loaded_version=1,
        yours={"notes": "Mine.", "eu_status": Status.NOT_ASSESSED},
    )

    assert merged.theirs == ["eu_status"]
    [conflict] = merged.conflicts
    assert (conflict.name, conflict.label, conflict.theirs, conflict.yours) == (
        "notes",
        "Internal notes",
        "Ito's.",
        "Mine.",
    )
    assert (conflict.by, conflict.at) == (ito, noted_at)


@pytest.mark.django_db
def test_merge_sees_no_conflict_where_both_saved_the_same_text_whatever_its_line_ends():
    recommendation = RecommendationFactory()
    _save_notes(recommendation, "Line one.\nLine two.", SuperuserFactory())

    merged = merge(
        recommendation=Recommendation.objects.get(pk=recommendation.pk),
        loaded_version=1,
        yours={"notes": "Line one.\r\nLine two."},
    )

    assert (merged.theirs, merged.conflicts) == ([], [])


@pytest.mark.django_db
def test_merge_without_the_loaded_versions_record_refuses_every_field_the_form_holds_otherwise():
    recommendation = RecommendationFactory(notes="Saved.")
    council = CouncilFactory()

    merged = merge(
        recommendation=recommendation,
        loaded_version=7,
        yours={"notes": "Saved.", "target_council": council, "eu_status": Status.PLANNED},
    )

    assert merged.theirs == []
    assert [(c.name, c.theirs, c.yours, c.by) for c in merged.conflicts] == [
        ("target_council", "—", str(council), None),
        ("eu_status", "Not yet assessed", "Planned", None),
    ]


@pytest.mark.django_db
def test_merge_compares_co_owners_as_sets_and_shows_them_by_name():
    recommendation = RecommendationFactory()
    mic = OwnerFactory(code="MIC", name="Ministry of Internal Affairs")
    digital = OwnerFactory(code="DA", name="Digital Agency")
    secretariat = SuperuserFactory(username="ito")
    set_statuses(
        recommendation=recommendation,
        author=secretariat,
        edited=["co_owners"],
        save_relations=lambda: recommendation.co_owners.set([mic]),
    )

    merged = merge(
        recommendation=Recommendation.objects.get(pk=recommendation.pk),
        loaded_version=1,
        yours={"co_owners": [digital]},
    )

    [conflict] = merged.conflicts
    assert (conflict.label, conflict.theirs, conflict.yours) == (
        "Co-owners",
        "Ministry of Internal Affairs",
        "Digital Agency",
    )


@pytest.mark.django_db
def test_each_refusal_of_a_status_change_says_what_was_refused_word_for_word(co_owned):
    recommendation, eu_official, _japan_official = co_owned
    stranger = OfficialFactory(owner=OwnerFactory(side=Side.EU)).user
    reference = recommendation.reference

    def refusal(**change) -> str:
        with pytest.raises(PermissionDenied) as refused:
            set_statuses(recommendation=recommendation, **change)
        return str(refused.value)

    assert refusal(author=stranger, text="Looked.") == f"You may not change {reference}."
    # Another owner's item is refused as theirs before any question of what is set on it.
    assert (
        refusal(author=stranger, sides={Side.EU: Status.PLANNED})
        == f"You may not change {reference}."
    )
    assert (
        refusal(author=stranger, overall=Status.PLANNED, reason="Asked.")
        == f"You may not change {reference}."
    )
    assert (
        refusal(author=eu_official, sides={Side.JAPAN: Status.PLANNED})
        == f"You may not set the Japan status of {reference}."
    )
    assert (
        refusal(author=eu_official, overall=Status.PLANNED, reason="Asked.")
        == "Only the secretariat sets the overall status by hand."
    )
    with pytest.raises(ValidationError) as unknown:
        set_statuses(recommendation=recommendation, author=None, sides={Side.EU: "done"})
    assert unknown.value.message_dict == {"eu_status": ["“done” is not a known status."]}
    with pytest.raises(ValidationError) as unknown:
        set_statuses(recommendation=recommendation, author=None, overall="done", reason="Why.")
    assert unknown.value.message_dict == {"status": ["“done” is not a known status."]}
    assert not ProgressUpdate.objects.exists()


@pytest.mark.django_db
def test_an_update_claiming_a_status_is_refused_with_where_to_set_it():
    update = ProgressUpdateFactory.build(status=Status.COMPLETED)

    with pytest.raises(ValidationError) as refused:
        record_update(update=update, author=None)

    assert refused.value.message_dict == {
        "status": ["Set the status on the recommendation itself; updates only record it."]
    }


@pytest.mark.django_db
def test_a_bulk_change_returns_each_update_dated_as_asked_with_its_visibility_and_no_more():
    dg_connect = OwnerFactory(side=Side.EU)
    official = OfficialFactory(owner=dg_connect).user
    items = RecommendationFactory.create_batch(2, lead_owner=dg_connect)
    day = datetime.date(2024, 5, 2)

    updates = bulk_set_statuses(
        recommendations=items,
        author=official,
        sides={Side.EU: Status.IN_PROGRESS},
        visibility=Visibility.INTERNAL,
        on=day,
    )

    # An official's bulk change gives no reason and no text: neither is recorded.
    assert sorted(update.pk for update in updates) == sorted(
        ProgressUpdate.objects.values_list("pk", flat=True)
    )
    assert [(u.date, u.visibility, u.text) for u in updates] == [(day, Visibility.INTERNAL, "")] * 2
    for item in Recommendation.objects.all():
        assert (item.eu_status, item.eu_status_date, item.status_override_reason) == (
            Status.IN_PROGRESS,
            day,
            "",
        )


@pytest.mark.django_db
def test_an_official_editing_fields_not_theirs_is_told_each_by_its_label(co_owned):
    recommendation, eu_official, _japan_official = co_owned
    recommendation.text = "Something else entirely."
    recommendation.number = "99"

    with pytest.raises(PermissionDenied) as refused:
        set_statuses(recommendation=recommendation, author=eu_official, edited=["text", "number"])

    assert str(refused.value) == "You may not change number as printed, text."


@pytest.mark.django_db
def test_a_side_the_tracker_does_not_know_is_refused_by_name_and_nothing_is_written():
    recommendation = RecommendationFactory()

    with pytest.raises(ValidationError) as refused:
        set_statuses(recommendation=recommendation, author=None, sides={"korea": Status.PLANNED})

    assert refused.value.message_dict == {"side": ["“korea” is not a side."]}
    assert Recommendation.objects.get(pk=recommendation.pk).version == 1


@pytest.mark.django_db
def test_the_secretariat_rewords_the_reason_of_an_override_without_restating_the_status():
    secretariat = SuperuserFactory()
    recommendation = RecommendationFactory(eu_status=Status.PLANNED)
    set_statuses(
        recommendation=recommendation,
        author=secretariat,
        overall=Status.ONGOING,
        reason="A standing dialogue.",
    )

    set_statuses(recommendation=recommendation, author=secretariat, reason="Meets twice a year.")

    fresh = Recommendation.objects.get(pk=recommendation.pk)
    assert (fresh.status, fresh.status_override_reason, fresh.version) == (
        Status.ONGOING,
        "Meets twice a year.",
        3,
    )
    assert fresh.history.first().history_change_reason == "Reason for overriding the sides changed."


@pytest.mark.django_db
def test_a_note_alone_is_recorded_as_a_note_and_leaves_the_statuses_and_version_alone(co_owned):
    recommendation, eu_official, _japan_official = co_owned

    update = set_statuses(recommendation=recommendation, author=eu_official, text=" Met METI. ")

    assert ProgressUpdate.objects.get() == update
    assert (update.kind, update.text, update.status, update.sides, update.author) == (
        UpdateKind.NOTE,
        "Met METI.",
        "",
        {},
        eu_official,
    )
    fresh = Recommendation.objects.get(pk=recommendation.pk)
    assert (fresh.status, fresh.version) == (Status.NOT_ASSESSED, 1)


@pytest.mark.django_db
def test_a_side_change_keeps_its_evidence_and_its_history_record_says_what_moved(co_owned):
    recommendation, eu_official, _japan_official = co_owned

    update = set_statuses(
        recommendation=recommendation,
        author=eu_official,
        sides={Side.EU: Status.PLANNED},
        evidence_url="https://example.org/plan",
    )

    assert ProgressUpdate.objects.get().evidence_url == "https://example.org/plan"
    record = recommendation.history.first()
    assert record.history_change_reason == update.message[:100]
    assert "Planned" in record.history_change_reason


@pytest.mark.django_db
def test_a_save_of_other_fields_alone_gives_its_history_record_no_reason():
    recommendation = RecommendationFactory()
    recommendation.notes = "Waiting for the implementing act."

    set_statuses(recommendation=recommendation, author=SuperuserFactory(), edited=["notes"])

    record = recommendation.history.first()
    assert (record.notes, record.history_change_reason) == ("Waiting for the implementing act.", "")
    assert not ProgressUpdate.objects.exists()
