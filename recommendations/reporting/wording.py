"""An update in the official's own words: the sentences the tracker adds to say what moved are
told apart from what the official wrote.

A status change records one progress update whose text is the official's words, a blank line,
then generated sentences ("EU side: “Planned”. Overall status now “Planned”.", in the language
the change was made in). The printed report quotes the official; the generated sentences are
shown only when the official wrote nothing.
"""

import functools
import re

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

# The sentences services.statuses writes, by their message ids: they must stay the same strings.
GENERATED = [
    "%(side)s side: “%(status)s”.",
    "Overall status now “%(status)s”.",
    "Status changed to “%(status)s”.",
]


@functools.cache
def _generated_paragraph() -> re.Pattern:
    """A paragraph made only of generated sentences, in any of the site's languages."""
    sentences = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for message in GENERATED:
                pattern = re.escape(gettext(message))
                for name in ("side", "status"):
                    pattern = pattern.replace(re.escape(f"%({name})s"), r"[^“”「」]{1,40}?")
                sentences.add(pattern)
    sentence = "|".join(sorted(sentences))
    return re.compile(rf"(?:{sentence})(?:\s*(?:{sentence}))*")


def official_words(text: str) -> str:
    """The update's text without the generated sentences closing it; the generated sentences
    themselves when the official wrote nothing else."""
    text = text.strip()
    head, _blank, tail = text.rpartition("\n\n")
    if head and _generated_paragraph().fullmatch(tail.strip()):
        return head.strip()
    return text


def is_generated(text: str) -> bool:
    """Whether the whole text is the tracker's own sentences, with no words of an official."""
    return bool(text) and _generated_paragraph().fullmatch(text.strip()) is not None
