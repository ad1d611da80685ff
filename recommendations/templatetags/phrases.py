"""Japanese headings that break between phrases, never inside a word: a line may break in
Japanese between any two characters ("フォロー / アップ状況"), and neither WeasyPrint nor every
browser knows where a word ends. Each phrase is kept in one box, so a line breaks between them."""

import re

from django import template
from django.utils.html import conditional_escape, format_html_join
from django.utils.safestring import SafeString

register = template.Library()

HIRAGANA = "\u3041-\u309f"
CLOSING = "、。・）」』"
# Where a phrase ends: after a comma or a middle dot, and where a particle or an inflection
# (hiragana) meets the next word; never before closing punctuation or a full stop.
BOUNDARY = re.compile(rf"(?<=[、・])(?=[^{CLOSING}])|(?<=[{HIRAGANA}])(?=[^{HIRAGANA}{CLOSING}\s])")


def split_phrases(text: str) -> list[str]:
    """`text` cut where a Japanese line may break between phrases; one piece if it has none."""
    return [piece for piece in BOUNDARY.split(text) if piece]


@register.filter
def phrases(text: object) -> SafeString:
    """The text escaped, each Japanese phrase in a `phrase` span that lines break around."""
    pieces = split_phrases(str(text))
    if len(pieces) < 2:
        return SafeString(conditional_escape(str(text)))
    return format_html_join("", '<span class="phrase">{}</span>', ((piece,) for piece in pieces))
