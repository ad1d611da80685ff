import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from recommendations.models import Recommendation, Status
from tests.factories import RecommendationFactory, TopicFactory


def test_not_yet_assessed_is_a_status_of_its_own_and_the_default():
    assert Status.NOT_ASSESSED.label == "Not yet assessed"
    assert Recommendation._meta.get_field("status").default == Status.NOT_ASSESSED
    assert len(set(Status.labels)) == 7


@pytest.mark.django_db
def test_sub_item_in_another_topic_than_its_parent_is_rejected():
    parent = RecommendationFactory(topic=TopicFactory(code="CYBER"))
    item = RecommendationFactory.build(topic=TopicFactory(code="AI"), parent=parent, sequence=5)

    with pytest.raises(ValidationError) as error:
        item.full_clean()

    assert "parent" in error.value.message_dict


@pytest.mark.django_db
def test_sub_item_cannot_have_sub_items():
    parent = RecommendationFactory()
    child = RecommendationFactory(topic=parent.topic, parent=parent)
    grandchild = RecommendationFactory.build(topic=parent.topic, parent=child, sequence=999)

    with pytest.raises(ValidationError, match="cannot have sub-items"):
        grandchild.full_clean()


@pytest.mark.django_db
def test_database_refuses_empty_text_and_unknown_status():
    recommendation = RecommendationFactory()

    for field, value in [("text", ""), ("status", "bogus")]:
        with pytest.raises(IntegrityError), transaction.atomic():
            Recommendation.objects.filter(pk=recommendation.pk).update(**{field: value})


@pytest.mark.django_db
def test_recommendations_sort_by_topic_order_then_report_order():
    second = TopicFactory(position=2, code="B")
    first = TopicFactory(position=1, code="A")
    RecommendationFactory(topic=second, number="1", sequence=10)
    RecommendationFactory(topic=first, number="2", sequence=20)
    RecommendationFactory(topic=first, number="1", sequence=10)

    assert [r.reference for r in Recommendation.objects.all()] == ["A-1", "A-2", "B-1"]
