"""What the tracker records on a timeline is kept as data and read in the reader's language."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from recommendations.models import ProgressUpdate, Side, Status
from recommendations.reporting.options import ReportOptions
from recommendations.reporting.report import build_report
from recommendations.services.statuses import set_statuses
from tests import factories


@pytest.mark.django_db
def test_a_side_change_reads_in_english_and_in_japanese_on_the_item_page(client):
    recommendation = factories.RecommendationFactory()
    set_statuses(
        recommendation=recommendation,
        author=factories.SuperuserFactory(),
        sides={Side.JAPAN: Status.IN_PROGRESS},
    )

    english = client.get(recommendation.get_absolute_url()).content.decode()
    japanese = client.get(f"/ja{recommendation.get_absolute_url()}").content.decode()

    assert "Japan side: “In progress”." in english
    assert "Japan side" not in japanese
    assert "日本側：「実施中」。全体の状況は「実施中」になりました。" in japanese


@pytest.mark.django_db
def test_the_officials_words_are_stored_apart_from_what_moved():
    recommendation = factories.RecommendationFactory()

    update = set_statuses(
        recommendation=recommendation,
        author=factories.SuperuserFactory(),
        sides={Side.EU: Status.PLANNED},
        text="Work plan agreed.",
    )

    assert update is not None
    assert (update.kind, update.text, update.sides) == (
        "change",
        "Work plan agreed.",
        {"eu": "planned"},
    )
    assert update.message == (
        "Work plan agreed.\n\nEU side: “Planned”. Overall status now “Planned”."
    )


@pytest.mark.django_db
def test_the_report_shows_the_trackers_sentence_only_when_the_official_wrote_none():
    recommendation = factories.RecommendationFactory()
    set_statuses(
        recommendation=recommendation,
        author=factories.SuperuserFactory(),
        sides={Side.EU: Status.PLANNED},
    )

    [row] = build_report(ReportOptions(as_of=timezone.localdate())).rows

    assert row.latest_update == "EU side: “Planned”. Overall status now “Planned”."


@pytest.mark.django_db
def test_a_note_without_words_is_refused():
    update = ProgressUpdate(recommendation=factories.RecommendationFactory(), text="  ")

    with pytest.raises(ValidationError) as refused:
        update.full_clean()

    assert "text" in refused.value.message_dict


@pytest.mark.django_db(transaction=True)
def test_sentences_stored_before_become_data_when_the_database_is_migrated():
    executor = MigrationExecutor(connection)
    before = [("recommendations", "0005_update_recommendation_date_index")]
    after = [("recommendations", "0006_structured_update_events")]
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    Topic = old_apps.get_model("recommendations", "Topic")
    Recommendation = old_apps.get_model("recommendations", "Recommendation")
    OldUpdate = old_apps.get_model("recommendations", "ProgressUpdate")
    topic = Topic.objects.create(code="T", name="Topic", position=1)
    owner = old_apps.get_model("recommendations", "Owner").objects.create(
        code="METI", name="METI", government="Japan", side="jp"
    )
    item = Recommendation.objects.create(
        reference="T-1", number="1", sequence=1, topic=topic, text="Do it.", lead_owner=owner
    )
    OldUpdate.objects.create(
        recommendation=item,
        date=datetime.date(2024, 6, 1),
        text="Pilot started.\n\nJapan side: “In progress”. Overall status now “In progress”.",
        status="in_progress",
    )
    OldUpdate.objects.create(recommendation=item, date=datetime.date(2024, 6, 2), text="A note.")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    new_apps = executor.loader.project_state(after).apps
    NewUpdate = new_apps.get_model("recommendations", "ProgressUpdate")
    rows = NewUpdate.objects.order_by("date").values_list("kind", "text", "sides", "status")

    assert list(rows) == [
        ("change", "Pilot started.", {"jp": "in_progress"}, "in_progress"),
        ("note", "A note.", {}, ""),
    ]
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
