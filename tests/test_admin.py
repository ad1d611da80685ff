import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from recommendations.models import ProgressUpdate, Recommendation, Status, Visibility
from recommendations.services.archive import archive
from tests import factories
from tests.helpers import CHANGELIST, bulk_status, change_url, form_data, post_change_form


@pytest.mark.django_db
def test_changelist_shows_reference_topic_text_owner_status_and_last_update(admin_client):
    recommendation = factories.RecommendationFactory(
        text="Promote AI sandboxes.", status=Status.PLANNED
    )
    factories.ProgressUpdateFactory(recommendation=recommendation, date="2024-06-01")

    response = admin_client.get(CHANGELIST)

    assert response.status_code == 200
    content = response.content.decode()
    for expected in [
        recommendation.reference,
        recommendation.topic.name,
        "Promote AI sandboxes.",
        recommendation.lead_owner.name,
        "Planned",
        "1 June 2024",
    ]:
        assert expected in content


@pytest.mark.django_db
def test_changelist_is_sorted_by_topic_order_then_report_order(admin_client):
    later_topic = factories.TopicFactory(position=2, code="SECOND")
    first_topic = factories.TopicFactory(position=1, code="FIRST")
    factories.RecommendationFactory(topic=later_topic, number="1", sequence=10)
    factories.RecommendationFactory(topic=first_topic, number="2", sequence=20)
    factories.RecommendationFactory(topic=first_topic, number="1", sequence=10)

    response = admin_client.get(CHANGELIST)

    references = [row.reference for row in response.context["cl"].result_list]
    assert references == ["FIRST-1", "FIRST-2", "SECOND-1"]


@pytest.mark.django_db
def test_changelist_searches_reference_and_text(admin_client):
    factories.RecommendationFactory(
        topic=factories.TopicFactory(code="AI"), number="3", text="Promote alignment on GenAI."
    )
    factories.RecommendationFactory(text="Cooperate on 6G research.")

    by_reference = admin_client.get(CHANGELIST, {"q": "AI-3"}).context["cl"].result_list
    by_text = admin_client.get(CHANGELIST, {"q": "6G research"}).context["cl"].result_list

    assert [r.reference for r in by_reference] == ["AI-3"]
    assert [r.text for r in by_text] == ["Cooperate on 6G research."]


@pytest.mark.django_db
def test_changelist_filters_by_organisation_and_status(admin_client):
    jbce = factories.OrganisationFactory(acronym="JBCE")
    wanted = factories.RecommendationFactory(organisations=[jbce], status=Status.IN_PROGRESS)
    factories.RecommendationFactory(organisations=[jbce])
    factories.RecommendationFactory(status=Status.IN_PROGRESS)

    response = admin_client.get(
        CHANGELIST, {"organisations__id__exact": jbce.pk, "status__exact": "in_progress"}
    )

    assert list(response.context["cl"].result_list) == [wanted]


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [3, 40])
def test_changelist_runs_the_same_number_of_queries_whatever_the_rows(
    admin_client, django_assert_num_queries, rows
):
    organisation = factories.OrganisationFactory()
    recommendations = factories.RecommendationFactory.create_batch(
        rows, organisations=[organisation]
    )
    for recommendation in recommendations:
        factories.ProgressUpdateFactory(recommendation=recommendation)

    # session; user; topic, owner and organisation choices for the filters; the open reporting
    # round (the round filter's choices); count; rows with their topic, lead owner and last update
    with django_assert_num_queries(8):
        response = admin_client.get(CHANGELIST)
    assert response.status_code == 200
    content = response.content.decode()
    assert all(f">{item.reference}</a>" in content for item in recommendations)


@pytest.mark.django_db
@pytest.mark.parametrize("updates", [1, 30])
def test_change_form_runs_the_same_number_of_queries_whatever_the_updates(
    admin_client, django_assert_num_queries, updates
):
    recommendation = factories.RecommendationFactory()
    timeline = factories.ProgressUpdateFactory.create_batch(updates, recommendation=recommendation)
    steps = factories.NextStepFactory.create_batch(updates, recommendation=recommendation)
    # Django keeps content types for the life of the process, as a server does after its first
    # request: whether an earlier test looked this one up must not change the count.
    ContentType.objects.get_for_model(Recommendation)

    # session; user; the recommendation with its last activity; its organisations; its
    # co-owners; its next steps; its timeline of updates with their authors; topic,
    # organisation, lead owner, co-owner and Council choices
    with django_assert_num_queries(12):
        response = admin_client.get(change_url(recommendation))
    assert response.status_code == 200
    content = response.content.decode()
    assert recommendation.reference in content
    assert all(update.text in content for update in timeline)
    assert all(step.text in content for step in steps)


@pytest.mark.django_db
def test_setting_a_side_in_the_form_records_a_public_update_and_the_overall_status_follows(
    admin_client, secretariat_user
):
    recommendation = factories.RecommendationFactory()

    response = post_change_form(admin_client, recommendation, japan_status="in_progress")

    assert response.status_code == 302, response.context and response.context["errors"]
    recommendation.refresh_from_db()
    assert (recommendation.japan_status, recommendation.status) == (
        Status.IN_PROGRESS,
        Status.IN_PROGRESS,
    )
    update = recommendation.updates.get()
    assert update.message == "Japan side: “In progress”. Overall status now “In progress”."
    assert update.status == Status.IN_PROGRESS
    assert update.author == secretariat_user
    assert update.visibility == Visibility.PUBLIC


@pytest.mark.django_db
def test_an_overall_status_against_the_sides_is_refused_without_a_reason_and_nothing_saved(
    admin_client,
):
    recommendation = factories.RecommendationFactory(
        eu_status=Status.COMPLETED, status=Status.IN_PROGRESS
    )

    response = post_change_form(admin_client, recommendation, status="completed", notes="Kept?")

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["status_override_reason"] == [
        "The EU and Japan sides give “In progress”; an overall status of “Completed” overrides "
        "them and needs a reason."
    ]
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.notes) == (Status.IN_PROGRESS, "")
    assert not recommendation.updates.exists()


@pytest.mark.django_db
def test_the_secretariat_overrides_the_overall_status_with_a_reason_kept_off_the_update(
    admin_client,
):
    recommendation = factories.RecommendationFactory(
        eu_status=Status.COMPLETED, status=Status.IN_PROGRESS
    )

    response = post_change_form(
        admin_client,
        recommendation,
        status="completed",
        status_override_reason="The Japan side finished too; METI has not reported it yet.",
    )

    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.status == Status.COMPLETED
    assert recommendation.status_overridden
    assert [u.message for u in recommendation.updates.all()] == ["Status changed to “Completed”."]


@pytest.mark.django_db
def test_changed_status_appears_in_the_history_view_with_who_changed_it(
    admin_client, secretariat_user
):
    recommendation = factories.RecommendationFactory()
    post_change_form(admin_client, recommendation, eu_status="completed", japan_status="completed")

    response = admin_client.get(
        reverse("admin:recommendations_recommendation_history", args=[recommendation.pk])
    )

    content = response.content.decode()
    assert "Completed" in content
    assert secretariat_user.username in content
    latest = recommendation.history.first()
    assert (latest.status, latest.eu_status, latest.japan_status) == (Status.COMPLETED,) * 3
    assert latest.history_user == secretariat_user
    assert latest.prev_record.status == Status.NOT_ASSESSED


@pytest.mark.django_db
def test_inline_update_is_signed_by_the_logged_in_user_and_leaves_the_status_alone(
    admin_client, secretariat_user
):
    recommendation = factories.RecommendationFactory()

    response = post_change_form(
        admin_client,
        recommendation,
        **{
            "updates-2-0-text": "Joint working group on data spaces launched.",
            "updates-2-0-visibility": "public",
            "updates-2-0-evidence_url": "https://example.org/press-release",
        },
    )

    assert response.status_code == 302
    update = recommendation.updates.get()
    assert update.author == secretariat_user
    assert update.text == "Joint working group on data spaces launched."
    assert update.evidence_url == "https://example.org/press-release"
    assert update.status == ""
    recommendation.refresh_from_db()
    assert recommendation.status == Status.NOT_ASSESSED


@pytest.mark.django_db
def test_status_change_with_an_explaining_inline_update_is_recorded_once(admin_client):
    recommendation = factories.RecommendationFactory()

    post_change_form(
        admin_client,
        recommendation,
        eu_status="completed",
        japan_status="completed",
        **{
            "updates-2-0-text": "Agreement signed.",
            "updates-2-0-evidence_url": "https://example.org/agreement",
        },
    )

    [update] = recommendation.updates.all()
    assert update.message == (
        "Agreement signed.\n\n"
        "EU side: “Completed”. Japan side: “Completed”. Overall status now “Completed”."
    )
    assert (update.status, update.evidence_url) == (
        Status.COMPLETED,
        "https://example.org/agreement",
    )


@pytest.mark.django_db
def test_bulk_action_shows_a_preview_then_changes_every_selected_status(admin_client):
    selected = factories.RecommendationFactory.create_batch(3)
    untouched = factories.RecommendationFactory()
    ids = [str(r.pk) for r in selected]

    preview = admin_client.post(
        CHANGELIST, {"action": "change_status_action", "_selected_action": ids}
    )
    assert preview.status_code == 200
    for recommendation in selected:
        assert recommendation.reference in preview.content.decode()
    assert not ProgressUpdate.objects.exists()

    applied = admin_client.post(
        CHANGELIST,
        {
            "action": "change_status_action",
            "_selected_action": ids,
            "apply": "1",
            "target": "overall",
            "status": "planned",
            "reason": "Agreed at the Council; the sides report later.",
            "text": "Discussed at the working level.",
            "visibility": "internal",
        },
    )

    assert applied.status_code == 302
    assert set(Recommendation.objects.filter(status=Status.PLANNED)) == set(selected)
    assert {r.status_override_reason for r in Recommendation.objects.filter(pk__in=ids)} == {
        "Agreed at the Council; the sides report later."
    }
    untouched.refresh_from_db()
    assert untouched.status == Status.NOT_ASSESSED
    assert (
        ProgressUpdate.objects.filter(
            text="Discussed at the working level.", visibility="internal", status="planned"
        ).count()
        == 3
    )


@pytest.mark.django_db
def test_bulk_action_setting_one_side_moves_each_overall_status_by_the_rule(admin_client):
    planned = factories.RecommendationFactory(eu_status=Status.PLANNED, status=Status.PLANNED)
    fresh = factories.RecommendationFactory()

    admin_client.post(
        CHANGELIST,
        {
            "action": "change_status_action",
            "_selected_action": [planned.pk, fresh.pk],
            "apply": "1",
            "target": "jp",
            "status": "planned",
            "visibility": "public",
        },
    )

    planned.refresh_from_db()
    fresh.refresh_from_db()
    assert (planned.japan_status, planned.status) == (Status.PLANNED, Status.PLANNED)
    assert (fresh.japan_status, fresh.status) == (Status.PLANNED, Status.PLANNED)
    assert [u.message for u in planned.updates.all()] == ["Japan side: “Planned”."]
    assert [u.message for u in fresh.updates.all()] == [
        "Japan side: “Planned”. Overall status now “Planned”."
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"target": "jp", "status": "finished-ish"}, "status", "Select a valid choice."),
        (
            {"target": "overall", "status": "completed"},
            "reason",
            "Setting the overall status overrides the sides: say why.",
        ),
    ],
)
def test_bulk_action_with_bad_input_says_what_and_changes_nothing(
    admin_client, fields, field, message
):
    recommendation = factories.RecommendationFactory()

    response = admin_client.post(CHANGELIST, bulk_status([recommendation], **fields))

    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    recommendation.refresh_from_db()
    assert recommendation.status == Status.NOT_ASSESSED
    assert not ProgressUpdate.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("status", "finished-ish", "Select a valid choice"),
        ("text", "", "This field is required"),
        ("reference", "ai 3", "Use a topic or organisation code"),
    ],
)
def test_change_form_rejects_bad_input_with_a_field_error(admin_client, field, value, message):
    recommendation = factories.RecommendationFactory(text="Original text.")

    response = post_change_form(admin_client, recommendation, **{field: value})

    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors[field])
    recommendation.refresh_from_db()
    assert recommendation.text == "Original text."
    assert recommendation.status == Status.NOT_ASSESSED


@pytest.mark.django_db
def test_change_form_rejects_a_duplicate_reference(admin_client):
    factories.RecommendationFactory(topic=factories.TopicFactory(code="AI"), number="3")
    other = factories.RecommendationFactory()

    response = post_change_form(admin_client, other, reference="AI-3")

    assert response.status_code == 200
    assert "already exists" in str(response.context["adminform"].form.errors["reference"])


@pytest.mark.django_db
def test_change_form_rejects_a_sub_item_whose_parent_is_in_another_topic(admin_client):
    parent = factories.RecommendationFactory(topic=factories.TopicFactory(code="CYBER"))
    item = factories.RecommendationFactory(topic=factories.TopicFactory(code="AI"))

    response = post_change_form(admin_client, item, parent=str(parent.pk))

    assert response.status_code == 200
    assert "same topic" in str(response.context["adminform"].form.errors["parent"])
    item.refresh_from_db()
    assert item.parent is None


@pytest.mark.django_db
def test_archiving_asks_for_confirmation_then_hides_the_item_from_public_pages(admin_client):
    recommendation = factories.RecommendationFactory(text="An item printed twice by mistake.")
    other = factories.RecommendationFactory()
    selection = {"action": "archive_action", "_selected_action": [recommendation.pk]}

    confirmation = admin_client.post(CHANGELIST, selection)

    assert confirmation.status_code == 200
    page = confirmation.content.decode()
    assert "will leave every public page" in page
    # The confirmation posts the same action and selection back, to be applied this time.
    assert 'value="Yes, archive"' in page
    assert 'name="action" value="archive_action"' in page
    assert f'name="_selected_action" value="{recommendation.pk}"' in page
    assert set(Recommendation.objects.public()) == {recommendation, other}

    applied = admin_client.post(
        CHANGELIST, {**selection, "apply": "1", "reason": "Printed twice by mistake."}
    )

    assert applied.status_code == 302
    assert list(Recommendation.objects.public()) == [other]
    recommendation.refresh_from_db()
    assert recommendation.archived_at is not None
    reader = Client()
    assert reader.get(recommendation.get_absolute_url()).status_code == 410
    listed = reader.get(reverse("recommendations:list")).content.decode()
    assert recommendation.reference not in listed
    assert other.reference in listed
    assert recommendation.history.first().history_change_reason == "Archived"
    # Still in the admin, with its history, for the secretariat to restore.
    assert admin_client.get(change_url(recommendation)).status_code == 200


@pytest.mark.django_db
def test_restoring_brings_an_archived_item_back_to_public_pages(admin_client, secretariat_user):
    recommendation = factories.RecommendationFactory()
    archive(recommendations=[recommendation], author=secretariat_user)
    selection = {"action": "restore_action", "_selected_action": [recommendation.pk]}

    confirmation = admin_client.post(CHANGELIST, selection).content.decode()
    admin_client.post(CHANGELIST, {**selection, "apply": "1"})

    assert 'value="Yes, restore"' in confirmation
    assert 'name="action" value="restore_action"' in confirmation

    assert list(Recommendation.objects.public()) == [recommendation]
    assert recommendation.history.first().history_user == secretariat_user


@pytest.mark.django_db
def test_the_archived_filter_lists_archived_items_only(admin_client):
    archived = factories.RecommendationFactory()
    factories.RecommendationFactory()
    archive(recommendations=[archived], author=None)

    response = admin_client.get(CHANGELIST, {"archived": "yes"})

    assert list(response.context["cl"].result_list) == [archived]


@pytest.mark.django_db
def test_the_secretariat_has_no_delete_button_or_action_either(admin_client):
    recommendation = factories.RecommendationFactory()

    changelist = admin_client.get(CHANGELIST).content.decode()
    change_form = admin_client.get(change_url(recommendation)).content.decode()

    assert "delete_selected" not in changelist
    delete_url = reverse("admin:recommendations_recommendation_delete", args=[recommendation.pk])
    assert delete_url not in change_form
    assert "archive_action" in changelist


@pytest.mark.django_db
def test_officials_are_not_offered_archiving(client):
    official = factories.OfficialFactory()
    factories.RecommendationFactory(lead_owner=official.owner)
    client.force_login(official.user)

    changelist = client.get(CHANGELIST).content.decode()

    assert "change_status_action" in changelist
    assert "archive_action" not in changelist


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [3, 40])
def test_an_officials_changelist_runs_the_same_number_of_queries_whatever_the_rows(
    client, django_assert_num_queries, rows
):
    official = factories.OfficialFactory()
    recommendations = factories.RecommendationFactory.create_batch(rows, lead_owner=official.owner)
    client.force_login(official.user)

    # session; user; secretariat group check; the official with their owner; their user and
    # group permissions; next Council (which dates what is stale); topic, owner and
    # organisation choices for the filters; the open reporting round (the round filter's
    # choices); count; rows with their last update and staleness
    with django_assert_num_queries(13):
        response = client.get(CHANGELIST)
    assert response.status_code == 200
    content = response.content.decode()
    assert all(f">{item.reference}</a>" in content for item in recommendations)


@pytest.mark.django_db
def test_an_update_added_from_the_updates_list_cannot_set_a_status(admin_client):
    recommendation = factories.RecommendationFactory()
    add_url = reverse("admin:recommendations_progressupdate_add")
    page = admin_client.get(add_url)
    data = form_data(page.content.decode(), "progressupdate_form")
    assert "status" not in data
    data.update(
        recommendation=[str(recommendation.pk)],
        text=["Minutes of the working group."],
        status=["completed"],
    )

    response = admin_client.post(add_url, data)

    assert response.status_code == 302
    update = recommendation.updates.get()
    assert (update.text, update.status) == ("Minutes of the working group.", "")
    recommendation.refresh_from_db()
    assert recommendation.status == Status.NOT_ASSESSED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("reason", "created"), [("", False), ("Completed before the tracker existed.", True)]
)
def test_a_new_recommendation_completed_against_its_sides_needs_a_reason(
    admin_client, reason, created
):
    topic = factories.TopicFactory(code="AI")
    owner = factories.OwnerFactory()
    add_url = reverse("admin:recommendations_recommendation_add")
    data = form_data(admin_client.get(add_url).content.decode(), "recommendation_form")
    data.update(
        reference=["AI-9"],
        topic=[str(topic.pk)],
        number=["9"],
        sequence=["90"],
        text=["Launch a joint call for proposals."],
        lead_owner=[str(owner.pk)],
        status=["completed"],
        status_override_reason=[reason],
    )

    response = admin_client.post(add_url, data)

    assert Recommendation.objects.filter(reference="AI-9").exists() is created
    if not created:
        assert response.status_code == 200
        assert "needs a reason" in str(
            response.context["adminform"].form.errors["status_override_reason"]
        )


@pytest.mark.django_db
def test_adding_a_recommendation_with_co_owners_is_one_history_record(admin_client):
    topic = factories.TopicFactory(code="AI")
    lead, co_owner = factories.OwnerFactory(), factories.OwnerFactory(code="MIC")
    add_url = reverse("admin:recommendations_recommendation_add")
    data = form_data(admin_client.get(add_url).content.decode(), "recommendation_form")
    data.update(
        reference=["AI-9"],
        topic=[str(topic.pk)],
        number=["9"],
        sequence=["90"],
        text=["Launch a joint call for proposals."],
        lead_owner=[str(lead.pk)],
        co_owners=[str(co_owner.pk)],
    )

    assert admin_client.post(add_url, data).status_code == 302

    [record] = Recommendation.objects.get(reference="AI-9").history.all()
    assert [row.owner for row in record.co_owners.all()] == [co_owner]
    assert record.version == 1
