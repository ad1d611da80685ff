import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from recommendations.models import Recommendation, Status
from tests.factories import SuperuserFactory


def run(*args, **options):
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_load_report_loads_the_report_once_and_keeps_officials_changes():
    first = run("load_report")
    assert "Loaded 70 recommendations" in first
    Recommendation.objects.filter(reference="AI-3").update(status=Status.COMPLETED)

    second = run("load_report")

    assert "already loaded" in second
    assert Recommendation.objects.count() == 70
    assert Recommendation.objects.get(reference="AI-3").status == Status.COMPLETED


@pytest.mark.django_db
def test_load_report_records_the_printed_state_in_history_dated_the_workshop():
    run("load_report")

    record = Recommendation.objects.get(reference="CYBER-1a").history.get()

    assert record.history_date.date().isoformat() == "2024-04-17"
    assert record.status == Status.NOT_ASSESSED


@pytest.mark.django_db
def test_create_local_admin_prints_a_working_password_once():
    output = run("create_local_admin")

    password = re.search(r"password: (\S+)", output).group(1)
    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser and user.check_password(password)

    again = run("create_local_admin")
    assert "exists already" in again
    assert password not in again
    assert get_user_model().objects.count() == 1


@pytest.mark.django_db
def test_create_local_admin_leaves_an_existing_superuser_alone():
    SuperuserFactory(username="secretariat")

    run("create_local_admin")

    assert not get_user_model().objects.filter(username="admin").exists()


@pytest.mark.django_db
def test_load_report_history_keeps_the_printed_organisations_and_co_owners():
    run("load_report")

    record = Recommendation.objects.get(reference="GEN-1").history.get()

    organisations = {row.organisation.acronym for row in record.organisations.all()}
    assert organisations == {"DIGITALEUROPE", "JBCE"}
    assert record.co_owners.count() == 1
