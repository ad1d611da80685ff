"""One answer to "has anything changed?": the version the public pages and the dashboard's counts
are cached under, and the moment the API gives as Last-Modified."""

import datetime

import pytest
from django.utils import timezone

from recommendations.data_version import data_version, newest_public_change
from recommendations.models import Side, Status, Topic
from recommendations.rules.choices import Visibility
from recommendations.services.statuses import set_statuses
from tests import factories


@pytest.fixture
def item(db):
    return factories.RecommendationFactory(topic=factories.TopicFactory(code="AI"))


def test_a_status_change_a_renamed_topic_and_a_new_update_each_move_the_data_version(item):
    versions = [data_version()]
    set_statuses(
        recommendation=item,
        sides={Side.EU: Status.PLANNED},
        author=factories.SuperuserFactory(),
    )
    versions.append(data_version())
    Topic.objects.filter(code="AI").update(name="AI and data")
    versions.append(data_version())
    factories.ProgressUpdateFactory(recommendation=item, visibility=Visibility.INTERNAL)
    versions.append(data_version())

    assert len(set(versions)) == 4
    assert data_version() == versions[-1]


def test_an_internal_update_moves_no_public_date_but_a_public_one_does(item):
    before = newest_public_change()
    later = timezone.now() + datetime.timedelta(seconds=5)
    internal = factories.ProgressUpdateFactory(recommendation=item, visibility=Visibility.INTERNAL)
    type(internal).objects.filter(pk=internal.pk).update(created_at=later)
    type(internal).history.filter(id=internal.pk).update(history_date=later)
    assert newest_public_change() == before

    public = factories.ProgressUpdateFactory(recommendation=item)
    type(public).objects.filter(pk=public.pk).update(created_at=later)
    assert newest_public_change() == later
