"""The Council status report: where every recommendation stood on a chosen date, and what moved
since the last Council.

Every format (the HTML page, the PDF, the XLSX and CSV files, the "export what you see" files)
is written from the rows of `report_rows()`, which come from the one queryset built by
`report_queryset()`. The statuses are read from the recorded history, not today's values, and
the whole report costs a fixed number of queries: the as-of state, the latest update and the
update that explains a change are all correlated subqueries of that one queryset.
"""

import datetime
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django import forms
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from recommendations.bilateral import is_divergent
from recommendations.models import (
    Council,
    Organisation,
    Owner,
    ProgressUpdate,
    Recommendation,
    Status,
    Topic,
    Visibility,
)

TITLE = _("Status of the follow-up of the stakeholder workshop recommendations")

# Rows fetched per round trip when a file is streamed: enough to keep the query count low, few
# enough that 10 000 recommendations never sit in memory at once.
CHUNK_SIZE = 500

DATE_FORMAT = "%Y-%m-%d"


@dataclass(frozen=True)
class ReportOptions:
    as_of: datetime.date
    since: datetime.date | None = None
    council: Council | None = None
    # Internal reports carry internal updates and notes: officials only.
    internal: bool = False

    @property
    def query(self) -> dict[str, str]:
        """The parameters that reproduce this report, for download links and the form."""
        params = {"as_of": self.as_of.strftime(DATE_FORMAT)}
        if self.since:
            params["since"] = self.since.strftime(DATE_FORMAT)
        if self.council:
            params["council"] = str(self.council.number)
        if self.internal:
            params["internal"] = "1"
        return params


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The first instant after `day` in the site's time zone: history before it counts."""
    return timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    )


def default_council(as_of: datetime.date) -> Council | None:
    """The Council the report is prepared for: the first one not yet held on the as-of date."""
    return (
        Council.objects.filter(Q(date__gte=as_of) | Q(date__isnull=True)).order_by("number").first()
    )


def default_since(as_of: datetime.date, council: Council | None) -> datetime.date | None:
    """The date of the last Council held before the as-of date (and before the chosen one)."""
    held = Council.objects.filter(date__lt=as_of)
    if council is not None and council.date is not None:
        held = held.filter(date__lt=council.date)
    last = held.order_by("-date").first()
    return last.date if last else None


class ReportForm(forms.Form):
    """The report's choices, validated the same way for the web and the command."""

    date_error = _("Enter a real date as YYYY-MM-DD, for example 2024-04-30.")

    as_of = forms.DateField(
        label=_("As of"),
        required=False,
        input_formats=[DATE_FORMAT],
        error_messages={"invalid": date_error},
        help_text=_("Statuses as they stood at the end of this day. Empty: today."),
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT),
    )
    since = forms.DateField(
        label=_("Changed since"),
        required=False,
        input_formats=[DATE_FORMAT],
        error_messages={"invalid": date_error},
        help_text=_("Empty: the date of the last Council before the as-of date."),
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT),
    )
    council = forms.ModelChoiceField(
        label=_("For the Council"),
        queryset=Council.objects.all(),
        to_field_name="number",
        required=False,
        empty_label=_("The next Council"),
        error_messages={"invalid_choice": _("There is no Council with that number.")},
    )
    internal = forms.BooleanField(
        label=_("Internal version"),
        required=False,
        help_text=_("With internal updates and notes. Officials only."),
    )

    def clean_as_of(self):
        as_of = self.cleaned_data["as_of"]
        if as_of and as_of > timezone.localdate():
            raise forms.ValidationError(
                _("The as-of date %(date)s is in the future; choose today or an earlier day."),
                params={"date": as_of.strftime(DATE_FORMAT)},
                code="future",
            )
        return as_of

    def clean(self):
        cleaned = super().clean()
        as_of = cleaned.get("as_of") or timezone.localdate()
        since = cleaned.get("since")
        if since and since > as_of:
            self.add_error(
                "since",
                forms.ValidationError(
                    _("“Changed since” (%(since)s) must not be after the as-of date (%(as_of)s)."),
                    params={
                        "since": since.strftime(DATE_FORMAT),
                        "as_of": as_of.strftime(DATE_FORMAT),
                    },
                    code="since_after_as_of",
                ),
            )
        return cleaned

    def options(self, *, internal: bool = False) -> ReportOptions:
        """The report these valid choices ask for, with the defaults filled in."""
        as_of = self.cleaned_data.get("as_of") or timezone.localdate()
        council = self.cleaned_data.get("council") or default_council(as_of)
        since = self.cleaned_data.get("since") or default_since(as_of, council)
        return ReportOptions(as_of=as_of, since=since, council=council, internal=internal)


def error_messages(form: forms.Form) -> list[str]:
    """Each error with the field it concerns, for a 400 page or a command's message."""
    messages = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        for error in errors:
            messages.append(f"{label} ({name}): {error}" if label else str(error))
    return messages


def report_queryset(options: ReportOptions, base: QuerySet | None = None) -> QuerySet:
    """The one queryset every format is written from.

    `base` narrows it (the list page's filters, the admin's selection); it defaults to what the
    public may see. Each row is annotated with its status as of the chosen date, its latest
    update up to that date and, when a "since" date is given, its status then and the update that
    explains the change, all from correlated subqueries, so no query runs per row.
    """
    queryset = Recommendation.objects.public() if base is None else base
    as_of_end = end_of_day(options.as_of)
    history = Recommendation.history.filter(id=OuterRef("pk"))
    as_of_state = history.filter(history_date__lt=as_of_end).order_by(
        "-history_date", "-history_id"
    )
    updates = ProgressUpdate.objects.filter(recommendation=OuterRef("pk"))
    if not options.internal:
        updates = updates.public()
    latest = updates.filter(date__lte=options.as_of).order_by("-date", "-created_at", "-pk")

    annotations = {
        # An item without any recorded history (created by a raw bulk load) shows its values.
        "report_status": Coalesce(Subquery(as_of_state.values("status")[:1]), F("status")),
        "report_status_date": Coalesce(
            Subquery(as_of_state.values("status_date")[:1]), F("status_date")
        ),
        "report_eu_status": Coalesce(Subquery(as_of_state.values("eu_status")[:1]), F("eu_status")),
        "report_japan_status": Coalesce(
            Subquery(as_of_state.values("japan_status")[:1]), F("japan_status")
        ),
        "latest_update_text": Subquery(latest.values("text")[:1]),
        "latest_update_date": Subquery(latest.values("date")[:1]),
        "latest_update_visibility": Subquery(latest.values("visibility")[:1]),
    }
    if options.since is not None:
        since_state = history.filter(history_date__lt=end_of_day(options.since)).order_by(
            "-history_date", "-history_id"
        )
        explaining = (
            updates.exclude(status="")
            .filter(date__gt=options.since, date__lte=options.as_of)
            .order_by("-date", "-created_at", "-pk")
        )
        annotations |= {
            "since_status": Subquery(since_state.values("status")[:1]),
            "change_text": Subquery(explaining.values("text")[:1]),
            "change_date": Subquery(explaining.values("date")[:1]),
        }

    return (
        queryset.annotate(**annotations)
        # Items first recorded after the as-of date did not exist yet on that day.
        .exclude(Exists(history) & ~Exists(history.filter(history_date__lt=as_of_end)))
        .select_related("topic", "lead_owner")
        .prefetch_related(
            Prefetch("organisations", queryset=Organisation.objects.order_by("acronym")),
            Prefetch("co_owners", queryset=Owner.objects.order_by("name")),
        )
    )


def in_report_order(queryset: QuerySet) -> QuerySet:
    """Topic by topic, each sub-item right under its parent, in the printed report's order."""
    return queryset.order_by(
        "topic__position",
        Coalesce("parent__sequence", "sequence"),
        F("parent_id").asc(nulls_first=True),
        "sequence",
    )


@dataclass(frozen=True)
class ReportRow:
    reference: str
    topic: Topic
    title: str
    text: str
    text_ja: str
    organisations: list[str]
    lead_owner: Owner
    co_owners: list[Owner]
    status: str
    status_date: datetime.date | None
    latest_update: str
    latest_update_date: datetime.date | None
    latest_update_visibility: str
    is_sub_item: bool
    notes: str = ""
    since_status: str | None = None
    change_text: str = ""
    change_date: datetime.date | None = None
    eu_status: str = Status.NOT_ASSESSED
    japan_status: str = Status.NOT_ASSESSED

    @property
    def eu_status_label(self) -> str:
        return Status(self.eu_status).label

    @property
    def japan_status_label(self) -> str:
        return Status(self.japan_status).label

    @property
    def is_divergent(self) -> bool:
        return is_divergent(self.eu_status, self.japan_status)

    @property
    def status_label(self) -> str:
        return Status(self.status).label

    @property
    def since_status_label(self) -> str:
        return Status(self.since_status).label if self.since_status else ""

    @property
    def is_new(self) -> bool:
        """Not yet recorded on the "since" date: added in the period, not changed."""
        return self.since_status is None

    @property
    def changed(self) -> bool:
        return not self.is_new and self.status != self.since_status

    @property
    def recommendation(self) -> str:
        """The text as one cell: the bold heading of a stakeholder item, then its text."""
        return f"{self.title}: {self.text}" if self.title else self.text

    @property
    def latest_update_is_internal(self) -> bool:
        return self.latest_update_visibility == Visibility.INTERNAL


def _row(recommendation: Recommendation, options: ReportOptions) -> ReportRow:
    return ReportRow(
        reference=recommendation.reference,
        topic=recommendation.topic,
        title=recommendation.title,
        text=recommendation.text,
        text_ja=recommendation.text_ja,
        organisations=[org.acronym for org in recommendation.organisations.all()],
        lead_owner=recommendation.lead_owner,
        co_owners=list(recommendation.co_owners.all()),
        status=recommendation.report_status,
        status_date=recommendation.report_status_date,
        latest_update=recommendation.latest_update_text or "",
        latest_update_date=recommendation.latest_update_date,
        latest_update_visibility=recommendation.latest_update_visibility or "",
        is_sub_item=recommendation.parent_id is not None,
        notes=recommendation.notes if options.internal else "",
        since_status=getattr(recommendation, "since_status", None),
        change_text=getattr(recommendation, "change_text", None) or "",
        change_date=getattr(recommendation, "change_date", None),
        eu_status=recommendation.report_eu_status,
        japan_status=recommendation.report_japan_status,
    )


def report_rows(
    options: ReportOptions, base: QuerySet | None = None, *, keep_order: bool = False
) -> Iterator[ReportRow]:
    """Stream the report's rows in chunks; `keep_order` keeps the order `base` was sorted in."""
    queryset = report_queryset(options, base)
    if not keep_order:
        queryset = in_report_order(queryset)
    for recommendation in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield _row(recommendation, options)


@dataclass
class Summary:
    """Counts by status overall, by topic and by lead owner, gathered while the rows pass by."""

    overall: Counter = field(default_factory=Counter)
    by_topic: dict[str, Counter] = field(default_factory=dict)
    by_owner: dict[str, Counter] = field(default_factory=dict)

    def add(self, row: ReportRow) -> None:
        self.overall[row.status] += 1
        self.by_topic.setdefault(row.topic.name, Counter())[row.status] += 1
        self.by_owner.setdefault(row.lead_owner.name, Counter())[row.status] += 1

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
    def topic_table(self):
        # Rows arrive topic by topic, so insertion order is the report's order.
        return self._table(self.by_topic)

    @property
    def owner_table(self):
        return self._table(dict(sorted(self.by_owner.items())))

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


@dataclass
class TopicSection:
    topic: Topic
    rows: list[ReportRow] = field(default_factory=list)
    # A topic the PDF goes on with in its next part, under the heading again.
    continued: bool = False


@dataclass
class Report:
    options: ReportOptions
    generated_at: datetime.datetime
    sections: list[TopicSection] = field(default_factory=list)
    summary: Summary = field(default_factory=Summary)
    changes: list[ReportRow] = field(default_factory=list)
    added: int = 0

    title = TITLE

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
            details.append(council.date.isoformat())
        line = ", ".join(details)
        if not council.place or not council.date:
            line += " " + str(_("(%(what)s to be confirmed)")) % {
                "what": _("date") if council.place else _("place and date")
            }
        return line

    @property
    def rows(self) -> Iterable[ReportRow]:
        for section in self.sections:
            yield from section.rows

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
    """The whole report in memory, for the HTML page, the PDF and the XLSX summary."""
    report = Report(options=options, generated_at=timezone.localtime())
    for row in report_rows(options, base):
        report.add(row)
    return report
