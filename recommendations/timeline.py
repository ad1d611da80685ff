"""What the tracker itself records on a timeline, put into words in the reader's language.

A status change or a confirmation is stored as data on the progress update (its kind, the sides'
new statuses, the overall status); the sentence is written when the update is read, so a Japanese
reader never meets an English sentence the tracker wrote for an English-speaking official."""

import datetime
import re
from collections.abc import Mapping

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from recommendations.rules.choices import SIDE_FIELDS, Side, Status, UpdateKind


def _side_label(side: str) -> str:
    return str(Side(side).label) if side in Side.values else side


def _status_label(status: str) -> str:
    return str(Status(status).label) if status in Status.values else status


def _joined(sentences: list[str]) -> str:
    # Japanese runs its sentences on without a space; English puts one between them.
    return ("" if (get_language() or "").startswith("ja") else " ").join(sentences)


def describe(kind: str, sides: Mapping[str, str] | None, status: str = "") -> str:
    """The tracker's sentence for an update of `kind` that moved `sides` (side -> status) and
    the overall status to `status` ("" when it did not move); "" for an official's note."""
    given = sides or {}
    sides = {side: given[side] for side in SIDE_FIELDS if side in given}
    if kind == UpdateKind.CONFIRMATION:
        if not sides:
            return _("No change since the last report.")
        return _joined(
            [
                _("%(side)s side: no change since the last report (“%(status)s”).")
                % {"side": _side_label(side), "status": _status_label(value)}
                for side, value in sides.items()
            ]
        )
    if kind != UpdateKind.CHANGE:
        return ""
    sentences = [
        _("%(side)s side: “%(status)s”.")
        % {"side": _side_label(side), "status": _status_label(value)}
        for side, value in sides.items()
    ]
    if status and sentences:
        sentences.append(_("Overall status now “%(status)s”.") % {"status": _status_label(status)})
    elif status:
        sentences.append(_("Status changed to “%(status)s”.") % {"status": _status_label(status)})
    return _joined(sentences)


def confirmed_unchanged(day: datetime.date) -> str:
    """The mark beside an item's latest update once an official confirmed it unchanged:
    "Confirmed unchanged on 3 March 2027", the date as the active language writes it."""
    return _("Confirmed unchanged on %(date)s") % {"date": date_format(day, "DATE_FORMAT")}


def corrected_mark(moment: datetime.datetime) -> str:
    """The mark after an update its author corrected: "(corrected on 3 March 2027)", the day in
    the site's time zone as the active language writes it."""
    day = timezone.localdate(moment)
    return _("(corrected on %(date)s)") % {"date": date_format(day, "DATE_FORMAT")}


def with_corrected_mark(text: str, corrected_at: datetime.datetime | None) -> str:
    """`text` (an update's words as a feed or report shows them) with the corrected mark after
    it, when its author corrected it."""
    if corrected_at is None:
        return text
    return " ".join(part for part in (text, corrected_mark(corrected_at)) if part)


def with_confirmed_mark(text: str, confirmed_on: datetime.date | None) -> str:
    """`text` (an item's latest update as a report shows it) with the confirmed-unchanged mark
    on a line of its own after it, when there is one."""
    if confirmed_on is None:
        return text
    return "\n".join(part for part in (text, confirmed_unchanged(confirmed_on)) if part)


def without_confirmed_mark(text: str) -> str:
    """`text` read back from an export, less the confirmed-unchanged mark a report put after
    it (in any of the site's languages): what the update itself says."""
    lines = text.rstrip().splitlines()
    if lines:
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                mark = _("Confirmed unchanged on %(date)s")
            # The date sits where the language puts it (first in Japanese).
            pattern = ".+".join(re.escape(part) for part in mark.split("%(date)s"))
            if re.fullmatch(pattern, lines[-1].strip()):
                return "\n".join(lines[:-1]).rstrip()
    return text
