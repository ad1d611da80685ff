"""The tracker's template filters hold the presentation rules the pages share: which language a
name or a title is shown in, and which side an item awaits."""

import pytest
from django.template import Context, Template
from django.utils import translation

from recommendations.models import Side, Status
from tests import factories


def render(source: str, **context) -> str:
    return Template("{% load tracker %}" + source).render(Context(context)).strip()


@pytest.mark.django_db
def test_a_name_is_shown_in_japanese_on_japanese_pages_where_it_has_one():
    named = factories.TopicFactory(name="Artificial intelligence", name_ja="人工知能")
    unnamed = factories.TopicFactory(name="Semiconductors", name_ja="")
    source = "{{ topic|localised }}|{{ topic|in_japanese }}"

    with translation.override("ja"):
        assert render(source, topic=named) == "人工知能|True"
        assert render(source, topic=unnamed) == "Semiconductors|False"
    with translation.override("en"):
        assert render(source, topic=named) == "Artificial intelligence|False"


@pytest.mark.django_db
def test_a_japanese_title_is_shown_only_beside_the_japanese_text():
    translated = factories.RecommendationFactory(
        title="Data spaces", title_ja="データスペース", text_ja="データスペースを開く。"
    )
    untranslated = factories.RecommendationFactory(title="Chips", title_ja="半導体", text_ja="")
    source = '{{ item|localised:"title" }}|{{ item|in_japanese:"title" }}'

    with translation.override("ja"):
        assert render(source, item=translated) == "データスペース|True"
        assert render(source, item=untranslated) == "Chips|False"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("eu", "japan", "awaited"),
    [
        (Status.PLANNED, Status.NOT_ASSESSED, Side.JAPAN),
        (Status.NOT_ASSESSED, Status.COMPLETED, Side.EU),
        (Status.PLANNED, Status.PLANNED, None),
        (Status.NOT_ASSESSED, Status.NOT_ASSESSED, None),
    ],
)
def test_side_flags_name_the_side_whose_first_report_is_awaited(client, eu, japan, awaited):
    item = factories.RecommendationFactory(eu_status=eu, japan_status=japan)

    flags = render("{{ item|awaits_eu }}|{{ item|awaits_japan }}", item=item)
    page = client.get(item.get_absolute_url()).content.decode()

    assert flags == f"{awaited == Side.EU}|{awaited == Side.JAPAN}"
    assert ("Awaiting the EU side" in page) == (awaited == Side.EU)
    assert ("Awaiting the Japan side" in page) == (awaited == Side.JAPAN)
