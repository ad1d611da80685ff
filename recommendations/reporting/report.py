"""The report as a whole: its rows by topic, the summary counts and what changed since the last
Council, gathered as the rows pass by."""

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _

from recommendations.models import Owner, StakeholderView, Topic
from recommendations.reporting.options import ReportOptions
from recommendations.reporting.query import WHOLE_CHUNK_SIZE, report_rows, stale_before
from recommendations.reporting.rows import ReportRow
from recommendations.reporting.steps import DueStep, due_by, due_steps, steps_by_owner
from recommendations.rules.choices import Response, StalledReason, Status

TITLE = _("Status of the follow-up of the stakeholder workshop recommendations")
AUTHOR = _("EU–Japan Digital Partnership secretariat")


def owner_name(owner: Owner) -> str:
    """An owner's name in the active language where the tracker holds one, else the English."""
    return owner.localised_name


def local_date(day: datetime.date | None) -> str:
    """A day in the active language's own form (Django's DATE_FORMAT): "2024年4月17日" in
    Japanese."""
    return date_format(day) if day else ""


@dataclass
class Summary:
    """Counts by status overall, by topic and by lead owner, gathered while the rows pass by."""

    overall: Counter = field(default_factory=Counter)
    by_topic: dict[str, Counter] = field(default_factory=dict)
    by_owner: dict[str, Counter] = field(default_factory=dict)
    eu: Counter = field(default_factory=Counter)
    japan: Counter = field(default_factory=Counter)
    divergent: int = 0
    stale: int = 0
    # Each lead owner's items by each side's response; stalled sides by their reason.
    responses: dict[tuple[str, str], Counter] = field(default_factory=dict)
    stalled: dict[str, list[tuple[ReportRow, str, str]]] = field(default_factory=dict)
    # The organisations' approved views, by answer.
    stakeholder: Counter = field(default_factory=Counter)
    # The items a Council's outcome document dated by the as-of date takes up.
    taken_up: int = 0

    def add(self, row: ReportRow) -> None:
        """Count a row in, the stale ones too (RecommendationQuerySet.with_stale)."""
        self.overall[row.status] += 1
        self.eu[row.eu_status] += 1
        self.japan[row.japan_status] += 1
        self.by_topic.setdefault(row.topic.localised_name, Counter())[row.status] += 1
        self.by_owner.setdefault(owner_name(row.lead_owner), Counter())[row.status] += 1
        self.divergent += row.is_divergent
        self.stale += row.stale
        self.taken_up += row.taken_up
        owner = owner_name(row.lead_owner)
        for label, response in ((_("EU"), row.eu_response), (_("Japan"), row.japan_response)):
            self.responses.setdefault((owner, str(label)), Counter())[response] += 1
        for _who, answer in row.stakeholder_views:
            self.stakeholder[answer] += 1
        for stalled_side, reason, detail in row.stalled_reasons:
            self.stalled.setdefault(reason, []).append((row, stalled_side, detail))

    @property
    def total(self) -> int:
        return sum(self.overall.values())

    @property
    def statuses(self) -> list[Status]:
        return list(Status)

    @staticmethod
    def _table(groups: dict[str, Counter]) -> list[tuple[str, list[int], int]]:
        return [
            (name, [counts[status] for status in Status], sum(counts.values()))
            for name, counts in groups.items()
        ]

    @property
    def topic_table(self) -> list[tuple[str, list[int], int]]:
        # Rows arrive topic by topic, so insertion order is the report's order.
        return self._table(self.by_topic)

    @property
    def owner_table(self) -> list[tuple[str, list[int], int]]:
        return self._table(dict(sorted(self.by_owner.items())))

    @property
    def response_table(self) -> list[tuple[str, str, list[int]]]:
        """(lead owner, side, count per response) a line, owners by name: the summary table of
        the formal responses."""
        return [
            (owner, side, [counts[response] for response in Response])
            for (owner, side), counts in sorted(self.responses.items())
        ]

    @property
    def stakeholder_table(self) -> list[tuple[str, int]]:
        """(answer's label, count) of the organisations' approved views, every answer."""
        return [(str(answer.label), self.stakeholder[answer]) for answer in StakeholderView.Answer]

    @property
    def stakeholder_total(self) -> int:
        return sum(self.stakeholder.values())

    @property
    def response_labels(self) -> list[str]:
        return [str(response.label) for response in Response]

    @property
    def stalled_sections(self) -> list[tuple[str, list[tuple[ReportRow, str, str]]]]:
        """(reason's label, [(row, side, detail)]) for each reason some side is stalled for,
        in the list's order."""
        return [
            (str(reason.label), self.stalled[reason])
            for reason in StalledReason
            if reason in self.stalled
        ]

    @property
    def totals(self) -> list[int]:
        return [self.overall[status] for status in Status]

    def bars(self, width: int = 300) -> list[dict]:
        """One bar per status for the summary chart, `width` long for the most frequent status;
        its colour is the stylesheet's, by status."""
        largest = max(self.overall.values(), default=0) or 1
        return [
            {
                "status": status.value,
                "label": status.label,
                "count": self.overall[status],
                "width": round(width * self.overall[status] / largest),
            }
            for status in Status
        ]

    def by_side(self, width: int = 60) -> list[dict]:
        """One line per status with its count overall, on the EU side and on the Japan side,
        each with a bar `width` long for all the recommendations: the summary's chart."""
        total = self.total or 1
        return [
            {
                "status": status.value,
                "label": status.label,
                "counts": [
                    (counter[status], round(width * counter[status] / total))
                    for counter in (self.overall, self.eu, self.japan)
                ],
            }
            for status in Status
        ]


@dataclass
class TopicSection:
    topic: Topic
    rows: list[ReportRow] = field(default_factory=list)
    # A topic the PDF goes on with in its next part, under the heading again.
    continued: bool = False

    @property
    def updated(self) -> list[ReportRow]:
        """The rows with an update to show."""
        return [row for row in self.rows if row.latest_update]

    @property
    def quiet(self) -> list[ReportRow]:
        """The rows with no update yet, which the PDF lists in one line under the table."""
        return [row for row in self.rows if not row.latest_update]


@dataclass
class Report:
    options: ReportOptions
    generated_at: datetime.datetime
    sections: list[TopicSection] = field(default_factory=list)
    summary: Summary = field(default_factory=Summary)
    changes: list[ReportRow] = field(default_factory=list)
    added: int = 0
    # Whether the items' tables have a "Stakeholder view" column: None to decide from the rows
    # counted (a PDF printed in parts, whose parts count none, decides once for all of them).
    stakeholder_column: bool | None = None
    # What opens the report: steps overdue, or due before the Council; each owner's steps.
    due_steps: list[DueStep] = field(default_factory=list)
    step_table: list[tuple[str, int, int]] = field(default_factory=list)

    title = TITLE
    author = AUTHOR

    @property
    def language(self) -> str:
        return get_language() or settings.LANGUAGE_CODE

    @property
    def edition(self) -> str:
        """The edition's language, named in itself ("English", "日本語")."""
        return get_language_info(self.language)["name_local"]

    @cached_property
    def stale_before(self) -> datetime.date:
        """Items with no move or update since this day are stale, as in the admin
        (RecommendationQuerySet.with_stale), counted back from the Council the report is for."""
        return stale_before(self.options)

    @property
    def council_line(self) -> str:
        """Which Council the report is for: name, place and date, as far as they are known."""
        council = self.options.council
        if council is None:
            return ""
        details = [str(council)]
        if council.place:
            details.append(council.place)
        if council.date:
            details.append(local_date(council.date))
        line = ", ".join(details)
        if not council.place or not council.date:
            note = str(_("(%(what)s to be confirmed)")) % {
                "what": _("date") if council.place else _("place and date")
            }
            # Japanese sets its full-width brackets against the text, with no space.
            line += note if note.startswith("（") else " " + note
        return line

    @property
    def shows_stakeholder_views(self) -> bool:
        """The items' tables give the organisations' views once any item has an approved one:
        until then an empty column would only narrow the text beside it."""
        if self.stakeholder_column is not None:
            return self.stakeholder_column
        # Counted as the rows were added: the template asks once per row.
        return self.summary.stakeholder_total > 0

    @property
    def due_by(self) -> datetime.date:
        return due_by(self.options)

    @property
    def overdue_steps(self) -> int:
        return sum(step.overdue for step in self.due_steps)

    @property
    def rows(self) -> Iterable[ReportRow]:
        for section in self.sections:
            yield from section.rows

    def read_steps(self, base: QuerySet | None = None) -> None:
        """Read the next steps that open the report, of the items `base` narrows to."""
        self.due_steps = due_steps(self.options, base)
        self.step_table = steps_by_owner(self.options, base)

    def add(self, row: ReportRow, *, keep: bool = True) -> None:
        """Count a row in; `keep=False` when a writer streams the rows and needs only totals."""
        if keep:
            if not self.sections or self.sections[-1].topic.pk != row.topic.pk:
                self.sections.append(TopicSection(topic=row.topic))
            self.sections[-1].rows.append(row)
        self.summary.add(row)
        if self.options.since is not None:
            if row.changed:
                self.changes.append(row)
            elif row.is_new:
                self.added += 1


def build_report(options: ReportOptions, base: QuerySet | None = None) -> Report:
    """The whole report in memory, for the HTML page, its standalone file and the Word edition."""
    report = Report(options=options, generated_at=timezone.localtime())
    for row in report_rows(options, base, chunk_size=WHOLE_CHUNK_SIZE):
        report.add(row)
    report.read_steps(base)
    return report
