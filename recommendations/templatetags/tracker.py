"""The tracker's presentation rules as template filters, so templates do not each write them:
which language a name is shown in (`localised`, `in_japanese`) and which side an item awaits
(`awaits_eu`, `awaits_japan`).

    {% load tracker %}
    <h1>{{ topic|localised }}</h1>
    {% if topic|in_japanese %}<p lang="en">{{ topic.name }}</p>{% endif %}
    {% if recommendation|awaits_japan %}…{% endif %}
"""

from typing import Any

from django import template

from recommendations.models.reference import localised_name
from recommendations.models.translation import LocalisedText
from recommendations.rules.bilateral import awaited_side
from recommendations.rules.choices import Side

register = template.Library()


@register.filter
def localised(thing: Any, field: str = "name") -> str:
    """`field` of `thing` in the active language: the Japanese (`<field>_ja`) when the page is
    Japanese and there is one, else the English. A recommendation's title and text follow its
    own rule (LocalisedText): its Japanese title is shown only beside its Japanese text."""
    if isinstance(thing, LocalisedText) and field in {"title", "text"}:
        return thing.localised_title if field == "title" else thing.localised_text
    return localised_name(getattr(thing, field), getattr(thing, f"{field}_ja", ""))


@register.filter
def in_japanese(thing: Any, field: str = "name") -> bool:
    """`localised` shows the Japanese of `field`: the English may be given beside it."""
    return localised(thing, field) != getattr(thing, field)


def _awaited(recommendation: Any) -> Side | None:
    return awaited_side(recommendation.eu_status, recommendation.japan_status)


@register.filter
def awaits_eu(recommendation: Any) -> bool:
    """The Japan side has reported and the EU side not yet (bilateral.awaited_side)."""
    return _awaited(recommendation) == Side.EU


@register.filter
def awaits_japan(recommendation: Any) -> bool:
    """The EU side has reported and the Japan side not yet (bilateral.awaited_side)."""
    return _awaited(recommendation) == Side.JAPAN
