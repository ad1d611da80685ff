"""Each side's next steps: dated actions planned, done (with the day and a link) or slipped (a
later date and a reason, the first date kept), set by the side's own officials and the
secretariat, one history row per change, and refused with a message that says what is wrong."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from recommendations.models import NextStep
from recommendations.rules.choices import Side, StepState, Visibility
from recommendations.services.steps import add_step, complete_step, slip_step, update_step
from tests import factories

TARGET = datetime.date(2027, 6, 30)


def eu_official():
    return factories.OfficialFactory(owner=factories.OwnerFactory(code="CNECT", side=Side.EU))


def japan_official():
    return factories.OfficialFactory(owner=factories.OwnerFactory(code="METI", side=Side.JAPAN))


def made_long_ago(item):
    """Date the item back to the workshop, so steps may fall due before today."""
    type(item).objects.filter(pk=item.pk).update(
        created_at=datetime.datetime(2024, 4, 17, tzinfo=datetime.UTC)
    )
    item.refresh_from_db()
    return item


@pytest.mark.django_db
def test_an_official_adds_a_planned_step_for_their_side_recorded_once_in_the_history():
    official = eu_official()
    item = factories.RecommendationFactory(lead_owner=official.owner)

    step = add_step(
        recommendation=item,
        side=Side.EU,
        text="Joint call for quantum testbeds",
        target_date=TARGET,
        author=official.user,
    )

    assert step.state == StepState.PLANNED
    assert step.first_target_date == TARGET
    assert step.visibility == Visibility.PUBLIC
    assert step.history.count() == 1
    assert step.history.first().history_user == official.user


@pytest.mark.django_db
def test_an_official_may_not_add_or_change_the_other_sides_steps():
    official = eu_official()
    item = factories.RecommendationFactory(lead_owner=official.owner)
    theirs = factories.NextStepFactory(recommendation=item, side=Side.JAPAN)

    with pytest.raises(PermissionDenied, match="Japan next steps"):
        add_step(
            recommendation=item,
            side=Side.JAPAN,
            text="Not ours",
            target_date=TARGET,
            author=official.user,
        )
    with pytest.raises(PermissionDenied, match="Japan next steps"):
        complete_step(step=theirs, author=official.user, done_on=timezone.localdate())

    assert NextStep.objects.count() == 1
    theirs.refresh_from_db()
    assert theirs.state == StepState.PLANNED


@pytest.mark.django_db
def test_an_official_of_another_owner_may_not_add_a_step_to_an_item_they_do_not_own():
    official = eu_official()
    item = factories.RecommendationFactory()

    with pytest.raises(PermissionDenied):
        add_step(
            recommendation=item, side=Side.EU, text="x", target_date=TARGET, author=official.user
        )

    assert not NextStep.objects.exists()


@pytest.mark.django_db
def test_the_secretariat_adds_steps_for_both_sides(secretariat_user):
    item = factories.RecommendationFactory()

    for side in (Side.EU, Side.JAPAN):
        add_step(
            recommendation=item, side=side, text="Step", target_date=TARGET, author=secretariat_user
        )

    assert sorted(item.next_steps.values_list("side", flat=True)) == [Side.EU, Side.JAPAN]


@pytest.mark.django_db
def test_a_target_before_the_recommendations_date_is_refused_with_both_dates():
    official = eu_official()
    item = made_long_ago(factories.RecommendationFactory(lead_owner=official.owner))

    with pytest.raises(ValidationError) as refused:
        add_step(
            recommendation=item,
            side=Side.EU,
            text="Too early",
            target_date=datetime.date(2024, 3, 1),
            author=official.user,
        )

    assert "target_date" in refused.value.message_dict
    assert "before the recommendation's date" in refused.value.message_dict["target_date"][0]
    assert "17 April 2024" in refused.value.message_dict["target_date"][0]
    assert not NextStep.objects.exists()


@pytest.mark.django_db
def test_a_slip_keeps_the_first_date_and_records_the_reason_in_one_history_row():
    official = eu_official()
    step = factories.NextStepFactory(recommendation__lead_owner=official.owner)
    history = step.history.count()

    slip_step(
        step=step,
        author=official.user,
        target_date=datetime.date(2027, 12, 31),
        reason="The call's budget moved to next year.",
    )

    step.refresh_from_db()
    assert step.state == StepState.SLIPPED
    assert step.target_date == datetime.date(2027, 12, 31)
    assert step.first_target_date == TARGET
    assert step.slip_reason == "The call's budget moved to next year."
    assert step.history.count() == history + 1


@pytest.mark.django_db
def test_a_slip_without_a_reason_is_refused_and_nothing_is_written():
    official = eu_official()
    step = factories.NextStepFactory(recommendation__lead_owner=official.owner)
    history = step.history.count()

    with pytest.raises(ValidationError) as refused:
        slip_step(
            step=step, author=official.user, target_date=datetime.date(2027, 12, 31), reason=" "
        )

    assert "Say why the step slipped" in refused.value.message_dict["slip_reason"][0]
    step.refresh_from_db()
    assert step.target_date == TARGET
    assert step.state == StepState.PLANNED
    assert step.history.count() == history


@pytest.mark.django_db
def test_a_slip_to_an_earlier_date_is_refused():
    official = eu_official()
    step = factories.NextStepFactory(recommendation__lead_owner=official.owner)

    with pytest.raises(ValidationError) as refused:
        slip_step(
            step=step, author=official.user, target_date=datetime.date(2027, 1, 1), reason="Sooner"
        )

    assert "later date, not an earlier one" in refused.value.message_dict["target_date"][0]
    step.refresh_from_db()
    assert step.target_date == TARGET


@pytest.mark.django_db
def test_a_second_slip_needs_a_reason_of_its_own():
    official = eu_official()
    step = factories.NextStepFactory(recommendation__lead_owner=official.owner)
    slip_step(
        step=step, author=official.user, target_date=datetime.date(2027, 9, 30), reason="Budget"
    )

    with pytest.raises(ValidationError, match="Say why the step slipped"):
        update_step(
            step=step, author=official.user, changes={"target_date": datetime.date(2027, 12, 31)}
        )


@pytest.mark.django_db
def test_a_done_step_records_its_day_and_evidence_and_is_no_longer_due():
    official = japan_official()
    step = factories.NextStepFactory(recommendation__lead_owner=official.owner, side=Side.JAPAN)
    today = timezone.localdate()

    complete_step(
        step=step, author=official.user, done_on=today, evidence_url="https://example.org/call"
    )

    step.refresh_from_db()
    assert step.state == StepState.DONE
    assert step.done_on == today
    assert step.evidence_url == "https://example.org/call"
    assert not NextStep.objects.due_before(datetime.date(2030, 1, 1)).exists()


@pytest.mark.django_db
def test_a_step_marked_done_without_its_day_or_on_a_day_to_come_is_refused():
    official = eu_official()
    step = factories.NextStepFactory(recommendation__lead_owner=official.owner)

    with pytest.raises(ValidationError, match="Give the day the step was done"):
        update_step(step=step, author=official.user, changes={"state": StepState.DONE})
    with pytest.raises(ValidationError, match="still to come"):
        complete_step(
            step=step,
            author=official.user,
            done_on=timezone.localdate() + datetime.timedelta(days=3),
        )

    step.refresh_from_db()
    assert step.state == StepState.PLANNED


@pytest.mark.django_db
def test_an_unknown_state_is_refused_by_name():
    official = eu_official()
    step = factories.NextStepFactory(recommendation__lead_owner=official.owner)

    with pytest.raises(ValidationError, match="“finished” is not a known state"):
        update_step(step=step, author=official.user, changes={"state": "finished"})


@pytest.mark.django_db
def test_a_change_that_changes_nothing_records_nothing():
    official = eu_official()
    step = factories.NextStepFactory(recommendation__lead_owner=official.owner)
    history = step.history.count()

    update_step(step=step, author=official.user, changes={"text": step.text, "target_date": TARGET})

    assert step.history.count() == history


# The change form ---------------------------------------------------------------------------


def step_rows(data, index, **fields):
    """The change form's data with the step row `index` filled in."""
    prefix = f"next_steps-{index}-"
    return {prefix + name: value for name, value in fields.items()}


@pytest.mark.django_db
def test_an_official_adds_a_step_in_the_change_form_for_their_own_side(client):
    from tests.helpers import open_change_form, post_change_form

    official = eu_official()
    item = factories.RecommendationFactory(lead_owner=official.owner)
    client.force_login(official.user)

    data = open_change_form(client, item)
    assert data["next_steps-0-side"] == [Side.EU]
    response = post_change_form(
        client,
        item,
        **step_rows(data, 0, text="Joint call for quantum testbeds", target_date="2027-06-30"),
    )

    assert response.status_code == 302
    step = item.next_steps.get()
    assert (step.side, step.target_date) == (Side.EU, TARGET)
    assert step.history.get().history_user == official.user


@pytest.mark.django_db
def test_an_official_sees_only_their_own_sides_steps_in_the_change_form(client):
    from tests.helpers import change_url

    official = eu_official()
    item = factories.RecommendationFactory(lead_owner=official.owner)
    factories.NextStepFactory(recommendation=item, side=Side.EU, text="Our call")
    factories.NextStepFactory(recommendation=item, side=Side.JAPAN, text="Their guideline")
    client.force_login(official.user)

    page = client.get(change_url(item))

    assert "Our call" in page.content.decode()
    assert "Their guideline" not in page.content.decode()


@pytest.mark.django_db
def test_an_official_cannot_post_a_step_for_the_other_side(client):
    from tests.helpers import open_change_form, post_change_form

    official = eu_official()
    item = factories.RecommendationFactory(lead_owner=official.owner)
    client.force_login(official.user)
    data = open_change_form(client, item)

    response = post_change_form(
        client,
        item,
        **step_rows(data, 0, side=Side.JAPAN, text="Not ours", target_date="2027-06-30"),
    )

    assert response.status_code == 200
    assert not NextStep.objects.exists()


@pytest.mark.django_db
def test_a_slip_without_a_reason_in_the_change_form_is_shown_beside_the_step(client):
    from tests.helpers import open_change_form, post_change_form

    official = eu_official()
    step = factories.NextStepFactory(recommendation__lead_owner=official.owner)
    item = step.recommendation
    client.force_login(official.user)
    data = open_change_form(client, item)

    response = post_change_form(client, item, **step_rows(data, 0, target_date="2027-12-31"))

    assert response.status_code == 200
    assert "Say why the step slipped to 31 December 2027." in response.content.decode()
    step.refresh_from_db()
    assert step.target_date == TARGET


@pytest.mark.django_db
def test_a_slip_in_the_change_form_is_one_history_row_with_the_first_date_kept(client):
    from tests.helpers import open_change_form, post_change_form

    official = eu_official()
    step = factories.NextStepFactory(recommendation__lead_owner=official.owner)
    item = step.recommendation
    history = step.history.count()
    client.force_login(official.user)
    data = open_change_form(client, item)

    response = post_change_form(
        client,
        item,
        **step_rows(data, 0, target_date="2027-12-31", slip_reason="Budget moved a year."),
    )

    assert response.status_code == 302
    step.refresh_from_db()
    assert (step.state, step.first_target_date) == (StepState.SLIPPED, TARGET)
    assert step.history.count() == history + 1


# The step that would unblock a stalled side -----------------------------------------------


@pytest.mark.django_db
def test_a_stalled_side_names_its_unblocking_step_and_the_report_says_it():
    from recommendations.reporting.options import ReportOptions
    from recommendations.reporting.report import build_report
    from recommendations.rules.choices import StalledReason, Status
    from recommendations.services.statuses import set_statuses

    official = eu_official()
    step = factories.NextStepFactory(
        recommendation__lead_owner=official.owner, text="Adopt the budget line"
    )
    item = step.recommendation

    set_statuses(
        recommendation=item,
        author=official.user,
        sides={Side.EU: Status.STALLED},
        answers={"eu_stalled_reason": StalledReason.BUDGET, "eu_stalled_step": step},
    )

    item.refresh_from_db()
    assert item.eu_stalled_step == step
    report = build_report(ReportOptions(as_of=timezone.localdate()))
    ((reason, entries),) = report.summary.stalled_sections
    assert reason == "Budget"
    assert entries[0][2] == "unblocked by: Adopt the budget line"

    set_statuses(recommendation=item, author=official.user, sides={Side.EU: Status.IN_PROGRESS})
    item.refresh_from_db()
    assert item.eu_stalled_step is None


@pytest.mark.django_db
def test_a_stalled_side_may_not_point_at_the_other_sides_step():
    from recommendations.rules.choices import StalledReason, Status
    from recommendations.services.statuses import set_statuses

    item = factories.RecommendationFactory()
    theirs = factories.NextStepFactory(recommendation=item, side=Side.JAPAN)

    with pytest.raises(ValidationError) as refused:
        set_statuses(
            recommendation=item,
            author=None,
            sides={Side.EU: Status.STALLED},
            answers={"eu_stalled_reason": StalledReason.BUDGET, "eu_stalled_step": theirs},
        )

    assert "one of its own next steps" in refused.value.message_dict["eu_stalled_step"][0]
    item.refresh_from_db()
    assert item.eu_stalled_step is None
