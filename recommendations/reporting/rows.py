"""A row of the report: one recommendation as every format prints it, its statuses as of the
report's day, its latest update, its responses, next step and the organisations' views."""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from recommendations.models import (
    Owner,
    Topic,
)
from recommendations.models.stakeholder_views import StakeholderView
from recommendations.models.translation import LocalisedText
from recommendations.rules.bilateral import is_divergent
from recommendations.rules.choices import (
    Response,
    StalledReason,
    Status,
    TranslationStatus,
    Visibility,
)


def _unblocking(detail: str, step: str) -> str:
    if not step:
        return detail
    unblock = _("unblocked by: %(step)s") % {"step": step}
    return f"{detail}; {unblock}" if detail else unblock


# Slots and no freezing: a report builds a row per recommendation, and a frozen dataclass would set
# each of its twenty fields through object.__setattr__; nothing changes a row anyway.
@dataclass(slots=True)
class ReportRow(LocalisedText):
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
    title_ja: str = ""
    text_ja_status: str = TranslationStatus.NONE
    text_ja_source: str = ""
    # The latest update is the tracker's sentence: its official wrote no words of their own.
    latest_is_generated: bool = False
    # The day an official last confirmed the item unchanged, since its latest update.
    confirmed_on: datetime.date | None = None
    # No activity in the run-up to the report's Council (RecommendationQuerySet.with_stale).
    stale: bool = False
    # Each side's formal response and why it is stalled, as they stand now.
    eu_response: str = Response.NO_RESPONSE
    eu_response_rationale: str = ""
    eu_response_date: datetime.date | None = None
    eu_stalled_reason: str = ""
    eu_stalled_detail: str = ""
    japan_response: str = Response.NO_RESPONSE
    japan_response_rationale: str = ""
    japan_response_date: datetime.date | None = None
    japan_stalled_reason: str = ""
    japan_stalled_detail: str = ""
    # The next step that would unblock a stalled side: its key, and its text for the report.
    eu_stalled_step: int | None = None
    japan_stalled_step: int | None = None
    eu_stalled_step_text: str = ""
    japan_stalled_step_text: str = ""
    # Each side's next step the files carry: its first one not done, else its last one done.
    eu_next_step: str = ""
    eu_next_step_target: datetime.date | None = None
    eu_next_step_state: str = ""
    eu_next_step_slip_reason: str = ""
    japan_next_step: str = ""
    japan_next_step_target: datetime.date | None = None
    japan_next_step_state: str = ""
    japan_next_step_slip_reason: str = ""
    # The recommending organisations' approved views, (acronym, answer) by acronym, as they
    # stand now.
    stakeholder_views: list[tuple[str, str]] = field(default_factory=list)
    # An outcome document of a Council, dated by the as-of date, takes the item up.
    taken_up: bool = False

    @property
    def stakeholder_view_lines(self) -> list[tuple[str, str, str]]:
        """(organisation, answer, label) of each approved view: the "Stakeholder view" column."""
        return [
            (acronym, answer, str(StakeholderView.Answer(answer).label))
            for acronym, answer in self.stakeholder_views
        ]

    @property
    def stakeholder_view_text(self) -> str:
        """The approved views as one cell: "JBCE: Fully; DE: Partly"."""
        return "; ".join(f"{who}: {label}" for who, _answer, label in self.stakeholder_view_lines)

    @property
    def eu_status_label(self) -> str:
        return str(Status(self.eu_status).label)

    @property
    def japan_status_label(self) -> str:
        return str(Status(self.japan_status).label)

    @property
    def is_divergent(self) -> bool:
        return is_divergent(self.eu_status, self.japan_status)

    @property
    def eu_response_label(self) -> str:
        return str(Response(self.eu_response).label)

    @property
    def japan_response_label(self) -> str:
        return str(Response(self.japan_response).label)

    @property
    def response_lines(self) -> list[tuple[str, str, str]]:
        """The sides' responses as the report prints them, (who, response, label) a line; one
        line when both answered alike, as side_lines does for statuses."""
        if self.eu_response == self.japan_response:
            return [(_("Both sides"), self.eu_response, self.eu_response_label)]
        return [
            (_("EU"), self.eu_response, self.eu_response_label),
            (_("Japan"), self.japan_response, self.japan_response_label),
        ]

    @property
    def stalled_reasons(self) -> list[tuple[str, str, str]]:
        """(side, reason, detail) of each side stalled with a reason; the detail ends with the
        step that would unblock it, where one is named."""
        return [
            (str(label), reason, _unblocking(detail, step))
            for label, reason, detail, step in (
                (
                    _("EU"),
                    self.eu_stalled_reason,
                    self.eu_stalled_detail,
                    self.eu_stalled_step_text,
                ),
                (
                    _("Japan"),
                    self.japan_stalled_reason,
                    self.japan_stalled_detail,
                    self.japan_stalled_step_text,
                ),
            )
            if reason in StalledReason.values
        ]

    @property
    def side_lines(self) -> list[tuple[str, str, str]]:
        """The sides' statuses as the report prints them, (who, status, label) a line: sides
        that agree take one line, which keeps the rows and the printed pages short."""
        if self.eu_status == self.japan_status:
            return [(_("Both sides"), self.eu_status, self.eu_status_label)]
        return [
            (_("EU"), self.eu_status, self.eu_status_label),
            (_("Japan"), self.japan_status, self.japan_status_label),
        ]

    @property
    def sides_apart(self) -> str:
        """The sides' statuses in one phrase ("EU: Completed, Japan: In progress") where they
        are not both the overall status, else nothing: what the PDF's line of items with no
        update adds to a reference."""
        if self.eu_status == self.japan_status == self.status:
            return ""
        return ", ".join(f"{who}: {label}" for who, _status, label in self.side_lines)

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)

    @property
    def since_status_label(self) -> str:
        return str(Status(self.since_status).label) if self.since_status else ""

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
