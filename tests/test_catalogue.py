"""The Japanese catalogue: every message translated and none left fuzzy (Django would show a
fuzzy entry's English), no value set apart from the Japanese around it by a space ("%(date)s
までに", not "%(date)s までに"), and the compiled catalogue the one the .po says."""

import re
from pathlib import Path

import polib
from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "ja" / "LC_MESSAGES" / "django.po"
JAPANESE = r"[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]"
PLACEHOLDER = r"%\(\w+\)[sd]"
SPACED_VALUE = re.compile(rf"{PLACEHOLDER} +{JAPANESE}|{JAPANESE} +{PLACEHOLDER}")


def translations(entry: polib.POEntry) -> list[str]:
    return [entry.msgstr, *entry.msgstr_plural.values()]


def test_every_message_has_a_japanese_translation_and_none_is_fuzzy():
    catalogue = polib.pofile(str(CATALOGUE))

    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []
    assert [entry.msgid for entry in catalogue if entry.obsolete] == []


def test_no_value_is_set_apart_from_its_particle_or_counter_by_a_space():
    catalogue = polib.pofile(str(CATALOGUE))

    spaced = [
        text for entry in catalogue for text in translations(entry) if SPACED_VALUE.search(text)
    ]

    assert spaced == []


def test_the_compiled_catalogue_holds_what_the_po_says():
    source = polib.pofile(str(CATALOGUE))
    compiled = {
        (entry.msgctxt, entry.msgid): translations(entry)
        for entry in polib.mofile(str(CATALOGUE.with_suffix(".mo")))
    }

    stale = [
        entry.msgid
        for entry in source.translated_entries()
        if compiled.get((entry.msgctxt, entry.msgid)) != translations(entry)
    ]

    assert stale == []
