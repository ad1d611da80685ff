"""Backup and restore give back every row as it was: run in both passes, SQLite and PostgreSQL."""

import gzip

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.base import CommandError

from recommendations.backups import empty_backed_up_tables
from recommendations.models import Recommendation, Side, Status, Visibility
from recommendations.services.statuses import set_statuses
from tests import factories

pytestmark = pytest.mark.django_db

LEFT_TO_MIGRATE = {"contenttypes", "sessions"}


def rows(model):
    if model._meta.auto_created:
        # A many-to-many link is its pair of ends; the link row's own id means nothing.
        ends = [field.attname for field in model._meta.fields if not field.primary_key]
        return sorted(model.objects.values_list(*ends))
    return list(model._default_manager.order_by("pk").values())


def snapshot():
    """Every row of every table a backup must hold, with all its columns."""
    return {
        model._meta.label: rows(model)
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_config.label not in LEFT_TO_MIGRATE and model is not Permission
    }


@pytest.fixture
def tracker_data():
    official = factories.OfficialFactory(
        user=factories.UserFactory(first_name="Aiko", is_staff=True)
    ).user
    secretariat = factories.SuperuserFactory()
    editors = Group.objects.create(name="Editors")
    editors.permissions.add(Permission.objects.get(codename="change_recommendation"))
    official.groups.add(editors)
    council = factories.CouncilFactory(place="Tokyo")
    parent = factories.RecommendationFactory(
        organisations=[factories.OrganisationFactory(), factories.OrganisationFactory()],
        # Co-owned by the official's owner, so that the official may set its EU side.
        co_owners=[official.official.owner],
        target_council=council,
        notes="Internal: confirm the owner.",
    )
    factories.RecommendationFactory(
        topic=parent.topic, parent=parent, text="A sub-item <b>verbatim</b>"
    )
    set_statuses(
        recommendation=parent,
        sides={Side.EU: Status.IN_PROGRESS},
        author=official,
        text="Work started.",
    )
    factories.ProgressUpdateFactory(
        recommendation=parent, author=secretariat, visibility=Visibility.INTERNAL
    )
    # History that points at a Council deleted since: the backup must carry it all the same.
    passing = factories.CouncilFactory(place="Nowhere")
    parent.target_council = passing
    parent.save()
    parent.target_council = council
    parent.save()
    passing.delete()
    return parent


def test_restore_into_an_emptied_database_gives_back_every_row_identical(tmp_path, tracker_data):
    before = snapshot()
    assert before["recommendations.HistoricalRecommendation"]
    assert before["recommendations.Official"] and before["recommendations.Council"]
    assert before["auth.User_groups"] and before["auth.Group_permissions"]
    backup = tmp_path / "tracker.json.gz"

    call_command("backup", "-o", backup)
    empty_backed_up_tables()
    # As on a freshly migrated database: the role groups migrations create, and nothing else.
    Group.objects.create(name="officials")
    call_command("restore", backup)

    assert snapshot() == before
    # Sequences moved past the restored ids: new rows, history included, still get saved.
    restored = Recommendation.objects.get(pk=tracker_data.pk)
    set_statuses(recommendation=restored, sides={Side.JAPAN: Status.COMPLETED}, author=None)
    assert (
        restored.history.count()
        == len(
            [
                row
                for row in before["recommendations.HistoricalRecommendation"]
                if row["id"] == restored.pk
            ]
        )
        + 1
    )


def test_backup_is_readable_json_whose_name_says_gzip(tmp_path, tracker_data):
    backup = tmp_path / "tracker.json.gz"
    call_command("backup", "-o", backup)
    with gzip.open(backup, "rt", encoding="utf-8") as stream:
        text = stream.read()
    assert '"model": "recommendations.recommendation"' in text
    assert "Internal: confirm the owner." in text


def test_restore_refuses_a_database_that_already_holds_data(tmp_path, tracker_data):
    backup = tmp_path / "tracker.json"
    call_command("backup", "-o", backup)
    Recommendation.objects.filter(pk=tracker_data.pk).update(text="Edited after the backup.")

    with pytest.raises(CommandError, match="already holds data.*--force"):
        call_command("restore", backup)

    assert Recommendation.objects.get(pk=tracker_data.pk).text == "Edited after the backup."


def test_restore_with_force_replaces_everything_with_the_backup(tmp_path, tracker_data):
    before = snapshot()
    backup = tmp_path / "tracker.json"
    call_command("backup", "-o", backup)
    Recommendation.objects.filter(pk=tracker_data.pk).update(text="Edited after the backup.")
    factories.RecommendationFactory()

    call_command("restore", backup, "--force")

    assert snapshot() == before


def test_a_damaged_backup_changes_nothing(tmp_path, tracker_data):
    before = snapshot()
    backup = tmp_path / "tracker.json"
    call_command("backup", "-o", backup)
    backup.write_text(backup.read_text()[:-200], encoding="utf-8")

    with pytest.raises(CommandError, match="cannot be restored"):
        call_command("restore", backup, "--force")

    assert snapshot() == before


def test_backup_refuses_a_file_name_restore_could_not_read(tmp_path, tracker_data):
    with pytest.raises(CommandError, match=r"\.json or .*\.json\.gz"):
        call_command("backup", "-o", tmp_path / "tracker.txt")
    assert not (tmp_path / "tracker.txt").exists()
