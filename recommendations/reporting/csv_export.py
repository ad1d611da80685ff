"""The report as CSV, streamed line by line: one row per recommendation. In English the column
names and statuses are codes; in Japanese they are the words the XLSX edition uses (its headings,
status labels, topic and owner names), which the import reads in either language."""

import csv
import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import IO

from django.conf import settings
from django.http import StreamingHttpResponse
from django.utils import translation
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from recommendations.models import Owner, Topic
from recommendations.reporting.rows import ReportRow
from recommendations.rules.cells import FORMULA_TRIGGERS
from recommendations.rules.choices import (
    Response,
    StalledReason,
    Status,
    StepState,
    TranslationStatus,
)

CSV_COLUMNS = [
    "reference",
    "topic",
    "recommendation",
    "organisations",
    "owner",
    "co_owners",
    "status",
    "status_date",
    "latest_update",
    "latest_update_date",
    "visibility",
    # Appended, so the columns before keep their places for those who read them by position.
    "eu_status",
    "japan_status",
    "recommendation_ja",
    "translation_status",
]
# Each side's formal response and stalled reason, after every other column (the internal file's
# notes included), so no column before them moves.
ANSWER_COLUMNS = [
    "eu_response",
    "japan_response",
    "eu_response_rationale",
    "japan_response_rationale",
    "eu_stalled_reason",
    "eu_stalled_detail",
    "japan_stalled_reason",
    "japan_stalled_detail",
    # The step that would unblock each stalled side, by its text as the step columns name it,
    # beside the reasons it answers.
    "eu_stalled_step",
    "japan_stalled_step",
]
# Each response's date and each side's next step, after the answers, for the same reason. The
# step's columns are read back by the import (imports/steps.py).
ANSWER_COLUMNS += [
    "eu_response_date",
    "japan_response_date",
    *(
        f"{side}_next_step{suffix}"
        for side in ("eu", "japan")
        for suffix in ("", "_target", "_state", "_slip_reason")
    ),
]
# The recommending organisations' approved views, last of all.
VIEW_COLUMNS = ["stakeholder_views"]
INTERNAL_CSV_COLUMNS = ["classification", *CSV_COLUMNS, "notes", *ANSWER_COLUMNS, *VIEW_COLUMNS]
CSV_COLUMNS = [*CSV_COLUMNS, *ANSWER_COLUMNS, *VIEW_COLUMNS]
# Each column's heading outside English: the XLSX edition's own words where it has the column
# (imports/reading.py reads them back as these columns), so both files speak alike.
CSV_HEADINGS = {
    "classification": gettext_noop("Classification"),
    "reference": gettext_noop("Reference"),
    "topic": gettext_noop("Topic"),
    "recommendation": gettext_noop("Recommendation"),
    "organisations": gettext_noop("Organisations"),
    "owner": gettext_noop("Lead owner"),
    "co_owners": gettext_noop("Co-owners"),
    "status": gettext_noop("Status"),
    "status_date": gettext_noop("Status since"),
    "latest_update": gettext_noop("Latest update"),
    "latest_update_date": gettext_noop("Update date"),
    "visibility": gettext_noop("Update visibility"),
    "eu_status": gettext_noop("EU side"),
    "japan_status": gettext_noop("Japan side"),
    "recommendation_ja": gettext_noop("Recommendation (Japanese)"),
    "translation_status": gettext_noop("Translation status"),
    "notes": gettext_noop("Internal notes"),
    "eu_response": gettext_noop("EU response"),
    "japan_response": gettext_noop("Japan response"),
    "eu_response_rationale": gettext_noop("EU response rationale"),
    "japan_response_rationale": gettext_noop("Japan response rationale"),
    "eu_stalled_reason": gettext_noop("EU side stalled because"),
    "eu_stalled_detail": gettext_noop("EU side stalled: details"),
    "japan_stalled_reason": gettext_noop("Japan side stalled because"),
    "japan_stalled_detail": gettext_noop("Japan side stalled: details"),
    "eu_stalled_step": gettext_noop("EU side unblocked by"),
    "japan_stalled_step": gettext_noop("Japan side unblocked by"),
    "eu_response_date": gettext_noop("EU response date"),
    "japan_response_date": gettext_noop("Japan response date"),
    "eu_next_step": gettext_noop("EU next step"),
    "eu_next_step_target": gettext_noop("EU next step target"),
    "eu_next_step_state": gettext_noop("EU next step state"),
    "eu_next_step_slip_reason": gettext_noop("EU next step slipped because"),
    "japan_next_step": gettext_noop("Japan next step"),
    "japan_next_step_target": gettext_noop("Japan next step target"),
    "japan_next_step_state": gettext_noop("Japan next step state"),
    "japan_next_step_slip_reason": gettext_noop("Japan next step slipped because"),
    "stakeholder_views": gettext_noop("Stakeholder view"),
}
LIST_SEPARATOR = "; "
# Lines sent to the client at once: memory stays that of one block, whatever the rows.
BLOCK_LINES = 200


@dataclass
class _Words:
    """How the file names statuses, topics and owners: codes in English, the active language's
    labels and names otherwise, each looked up once per file rather than once per cell."""

    language: str
    translated: bool
    statuses: dict[str, str]
    translations: dict[str, str]
    # Responses and stalled reasons, as statuses are: codes in English, labels otherwise.
    answers: dict[str, str] = field(default_factory=dict)
    steps: dict[str, str] = field(default_factory=dict)
    names: dict[tuple[type, int], str] = field(default_factory=dict)

    @classmethod
    def for_active_language(cls) -> "_Words":
        language = get_language() or settings.LANGUAGE_CODE
        translated = language != settings.LANGUAGE_CODE
        return cls(
            language=language,
            translated=translated,
            statuses={s.value: str(s.label) if translated else s.value for s in Status},
            translations={
                t.value: str(t.label) if translated else t.value for t in TranslationStatus
            },
            answers={
                a.value: str(a.label) if translated else a.value
                for a in [*Response, *StalledReason]
            },
            steps={s.value: str(s.label) if translated else s.value for s in StepState},
        )

    def name(self, thing: Topic | Owner) -> str:
        if not self.translated:
            return thing.code
        key = (type(thing), thing.pk)
        if key not in self.names:
            # In the file's language even while a streamed response is read after the view.
            with translation.override(self.language):
                self.names[key] = thing.localised_name
        return self.names[key]

    def status(self, value: str) -> str:
        return self.statuses.get(value, value)

    def headings(self, columns: list[str]) -> list[str]:
        return [_(CSV_HEADINGS[column]) for column in columns] if self.translated else columns


def _day(day: datetime.date | None) -> str:
    return day.isoformat() if day else ""


def csv_record(row: ReportRow, *, internal: bool, words: _Words | None = None) -> list:
    words = words or _Words.for_active_language()
    record = [
        row.reference,
        words.name(row.topic),
        row.recommendation,
        LIST_SEPARATOR.join(row.organisations),
        words.name(row.lead_owner),
        LIST_SEPARATOR.join(words.name(owner) for owner in row.co_owners),
        words.status(row.status),
        row.status_date.isoformat() if row.status_date else "",
        row.latest_update,
        row.latest_update_date.isoformat() if row.latest_update_date else "",
        row.latest_update_visibility,
        words.status(row.eu_status),
        words.status(row.japan_status),
        f"{row.title_ja}: {row.text_ja}" if row.title_ja else row.text_ja,
        words.translations.get(row.translation_status, row.translation_status),
    ]
    answers = [
        words.answers.get(row.eu_response, row.eu_response),
        words.answers.get(row.japan_response, row.japan_response),
        row.eu_response_rationale,
        row.japan_response_rationale,
        words.answers.get(row.eu_stalled_reason, row.eu_stalled_reason),
        row.eu_stalled_detail,
        words.answers.get(row.japan_stalled_reason, row.japan_stalled_reason),
        row.japan_stalled_detail,
        row.eu_stalled_step_text,
        row.japan_stalled_step_text,
        _day(row.eu_response_date),
        _day(row.japan_response_date),
        row.eu_next_step,
        _day(row.eu_next_step_target),
        words.steps.get(row.eu_next_step_state, row.eu_next_step_state),
        row.eu_next_step_slip_reason,
        row.japan_next_step,
        _day(row.japan_next_step_target),
        words.steps.get(row.japan_next_step_state, row.japan_next_step_state),
        row.japan_next_step_slip_reason,
        row.stakeholder_view_text,
    ]
    if internal:
        record = ["INTERNAL", *record, row.notes, *answers]
    else:
        record += answers
    # rules.cells.neutralise, written out: it runs for every cell of every row, where the cost of
    # a call per cell would grow with the export.
    return [
        "'" + value if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS) else value
        for value in record
    ]


class _Line:
    """A file-like object whose write() hands the line back, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[ReportRow], *, internal: bool) -> Iterator[str]:
    """The CSV text line by line; the byte order mark lets Excel read Japanese text as UTF-8.
    Its words are those of the language active when it is called: a streamed response is read
    after the view has returned."""
    words = _Words.for_active_language()
    heading = words.headings(INTERNAL_CSV_COLUMNS if internal else CSV_COLUMNS)
    return _lines(rows, internal=internal, words=words, heading=heading)


def _lines(
    rows: Iterable[ReportRow], *, internal: bool, words: _Words, heading: list[str]
) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow(heading)
    for row in rows:
        yield writer.writerow(csv_record(row, internal=internal, words=words))


def write_csv(rows: Iterable[ReportRow], target: IO[str], *, internal: bool) -> None:
    for line in csv_lines(rows, internal=internal):
        target.write(line)


def _blocks(lines: Iterator[str], size: int = BLOCK_LINES) -> Iterator[bytes]:
    """The lines joined a few hundred at a time: handing the server one line at a time cost more
    than writing it."""
    while block := "".join(islice(lines, size)):
        yield block.encode("utf-8")


def csv_response(rows: Iterable[ReportRow], *, name: str, internal: bool) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        _blocks(csv_lines(rows, internal=internal)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
