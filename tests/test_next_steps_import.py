"""Next steps through the spreadsheet: the exports carry each side's next step (its text, target,
state and why it slipped) and each response's date, and the import reads them back: a new text
adds a step, a later target slips it with its reason, "done" completes it; refused by row and
column where the rules or the uploader's side say no, and the same file twice records nothing."""

import csv
import datetime
import io

import pytest
from django.utils import timezone

from recommendations import imports
from recommendations.imports.reading import ImportRejected
from recommendations.models import NextStep, Recommendation
from recommendations.reporting.csv_export import CSV_COLUMNS, write_csv
from recommendations.reporting.options import ReportOptions
from recommendations.reporting.query import report_rows
from recommendations.rules.choices import Response, Side, StepState
from tests import factories
from tests.helpers import as_csv

TARGET = datetime.date(2027, 6, 30)


def eu_official():
    return factories.OfficialFactory(owner=factories.OwnerFactory(code="CNECT", side=Side.EU))


def exported(**filters) -> list[dict]:
    target = io.StringIO()
    write_csv(report_rows(ReportOptions(as_of=timezone.localdate())), target, internal=False)
    return list(csv.DictReader(io.StringIO(target.getvalue())))


def upload(rows, user=None):
    return imports.apply(filename="steps.csv", content=as_csv(rows), user=user, author=user)


@pytest.mark.django_db
def test_the_csv_carries_each_sides_next_step_and_the_response_dates():
    item = factories.RecommendationFactory(
        eu_response=Response.ACCEPTED, eu_response_date=datetime.date(2026, 3, 2)
    )
    factories.NextStepFactory(recommendation=item, text="Joint call", side=Side.EU)
    factories.NextStepFactory(
        recommendation=item,
        text="Guidelines",
        side=Side.JAPAN,
        target_date=datetime.date(2027, 9, 30),
        first_target_date=TARGET,
        state=StepState.SLIPPED,
        slip_reason="Budget",
    )

    (row,) = exported()

    # After the answers, before the organisations' views that close the row.
    assert CSV_COLUMNS[-11:-1] == [
        "eu_response_date",
        "japan_response_date",
        "eu_next_step",
        "eu_next_step_target",
        "eu_next_step_state",
        "eu_next_step_slip_reason",
        "japan_next_step",
        "japan_next_step_target",
        "japan_next_step_state",
        "japan_next_step_slip_reason",
    ]
    assert row["eu_response_date"] == "2026-03-02"
    assert (row["eu_next_step"], row["eu_next_step_target"]) == ("Joint call", "2027-06-30")
    assert row["eu_next_step_state"] == "planned"
    assert (row["japan_next_step"], row["japan_next_step_state"]) == ("Guidelines", "slipped")
    assert row["japan_next_step_slip_reason"] == "Budget"


@pytest.mark.django_db
def test_an_exported_file_imported_back_records_nothing():
    item = factories.RecommendationFactory()
    factories.NextStepFactory(recommendation=item, text="Joint call")
    history = NextStep.history.count()

    plan = upload(exported())

    assert plan.changes == []
    assert NextStep.history.count() == history


@pytest.mark.django_db
def test_an_official_adds_slips_and_completes_their_sides_steps_through_the_spreadsheet():
    official = eu_official()
    item = factories.RecommendationFactory(lead_owner=official.owner)
    rows = exported()
    rows[0] |= {"eu_next_step": "Joint call", "eu_next_step_target": "2027-06-30"}

    upload(rows, official.user)
    step = item.next_steps.get()
    assert (step.text, step.target_date, step.author) == ("Joint call", TARGET, official.user)

    rows[0] |= {"eu_next_step_target": "2027-12-31", "eu_next_step_slip_reason": "Budget"}
    upload(rows, official.user)
    step.refresh_from_db()
    assert (step.state, step.first_target_date) == (StepState.SLIPPED, TARGET)

    rows[0] |= {"eu_next_step_state": "done"}
    upload(rows, official.user)
    step.refresh_from_db()
    assert (step.state, step.done_on) == (StepState.DONE, timezone.localdate())

    history = step.history.count()
    upload(rows, official.user)
    assert step.history.count() == history


@pytest.mark.django_db
def test_the_same_spreadsheet_twice_records_nothing_the_second_time():
    official = eu_official()
    factories.RecommendationFactory(lead_owner=official.owner)
    rows = exported()
    rows[0] |= {"eu_next_step": "Joint call", "eu_next_step_target": "2027-06-30"}
    upload(rows, official.user)
    history = NextStep.history.count()

    second = upload(rows, official.user)

    assert second.changes == []
    assert NextStep.history.count() == history
    assert NextStep.objects.count() == 1


def refused(rows, user=None) -> list[str]:
    with pytest.raises(ImportRejected) as rejected:
        upload(rows, user)
    return [str(error) for error in rejected.value.errors]


@pytest.mark.django_db
def test_an_unknown_state_is_refused_with_its_row_and_column_and_nothing_is_written():
    factories.RecommendationFactory()
    rows = exported()
    rows[0] |= {
        "eu_next_step": "Joint call",
        "eu_next_step_target": "2027-06-30",
        "eu_next_step_state": "finished",
    }

    errors = refused(rows)

    assert len(errors) == 1
    assert "eu_next_step_state" in errors[0]
    assert "“finished” is not a state of a next step" in errors[0]
    assert not NextStep.objects.exists()


@pytest.mark.django_db
def test_an_official_setting_the_other_sides_step_is_refused():
    official = eu_official()
    factories.RecommendationFactory(lead_owner=official.owner)
    rows = exported()
    rows[0] |= {"japan_next_step": "Guidelines", "japan_next_step_target": "2027-06-30"}

    errors = refused(rows, official.user)

    assert "japan_next_step" in errors[0]
    assert "only the EU side's next steps" in errors[0]
    assert not NextStep.objects.exists()


@pytest.mark.django_db
def test_a_slip_without_a_reason_or_to_an_earlier_date_is_refused_in_its_column():
    item = factories.RecommendationFactory()
    factories.NextStepFactory(recommendation=item, text="Joint call")
    rows = exported()

    rows[0] |= {"eu_next_step_target": "2027-12-31"}
    assert "eu_next_step_slip_reason" in refused(rows)[0]
    rows[0] |= {"eu_next_step_target": "2027-01-31", "eu_next_step_slip_reason": "Sooner"}
    assert "later date, not an earlier one" in refused(rows)[0]


@pytest.mark.django_db
def test_a_new_steps_target_before_the_recommendations_date_is_refused():
    item = factories.RecommendationFactory()
    Recommendation.objects.filter(pk=item.pk).update(
        created_at=datetime.datetime(2024, 4, 17, tzinfo=datetime.UTC)
    )
    rows = exported()
    rows[0] |= {"eu_next_step": "Too early", "eu_next_step_target": "2024-01-31"}

    (error,) = refused(rows)

    assert "eu_next_step_target" in error
    assert "before the recommendation's date" in error
