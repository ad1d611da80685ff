"""The dated entries on a recommendation's timeline. Apart from the recommendation so that its
queryset can read these without an import cycle: the foreign key names it by label."""

from typing import Self

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from recommendations import timeline
from recommendations.rules.choices import Status, UpdateKind, Visibility


class ProgressUpdateQuerySet(models.QuerySet["ProgressUpdate"]):
    def current(self) -> Self:
        """Updates not withdrawn by their author: what every reader reads (the admin's timeline
        and history keep the withdrawn ones too)."""
        return self.filter(withdrawn_at__isnull=True)

    def public(self) -> Self:
        return self.current().filter(visibility=Visibility.PUBLIC)

    def substantive(self) -> Self:
        """Updates that say something happened: a confirmation of no change is a mark beside
        the latest of these, never the latest update itself."""
        return self.exclude(kind=UpdateKind.CONFIRMATION)

    def confirmations(self) -> Self:
        return self.filter(kind=UpdateKind.CONFIRMATION)

    def with_confirmed_on(self) -> Self:
        """Annotate `confirmed_on`: the day the update's item was last confirmed unchanged, in
        public, after the update was recorded (None when it was not)."""
        later = (
            ProgressUpdate.objects.public()
            .confirmations()
            .filter(
                recommendation=models.OuterRef("recommendation"),
                created_at__gt=models.OuterRef("created_at"),
            )
            .order_by("-date", "-created_at")
        )
        return self.annotate(confirmed_on=models.Subquery(later.values("date")[:1]))

    def for_public_news(self) -> Self:
        """The public timeline without its confirmations, each update with the day it was
        confirmed unchanged since: the dashboard's latest updates and the feeds."""
        return self.for_public_timeline().substantive().with_confirmed_on()

    def of_outer_recommendation(self) -> Self:
        """These updates of the outer query's recommendation, newest first, withdrawn ones left
        out: the correlated subquery behind every "latest update" (served by the
        update_recommendation_date index)."""
        return (
            self.current()
            .filter(recommendation=models.OuterRef("pk"))
            .order_by("-date", "-created_at", "-pk")
        )

    def for_public_timeline(self) -> Self:
        """Public updates of public recommendations, newest first: the dashboard and feeds."""
        # Looked up by label: the recommendation's module imports this one.
        recommendations = apps.get_model("recommendations", "Recommendation").objects
        return (
            self.public()
            .filter(recommendation__in=recommendations.public())
            .select_related("recommendation__topic")
            .order_by("-date", "-created_at", "-pk")
        )


class ProgressUpdate(models.Model):
    """A dated entry on a recommendation's timeline; status changes always record one."""

    recommendation = models.ForeignKey(
        "recommendations.Recommendation",
        on_delete=models.PROTECT,
        related_name="updates",
        verbose_name=_("recommendation"),
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="progress_updates",
        verbose_name=_("author"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=UpdateKind, default=UpdateKind.NOTE)
    # The official's own words; a change or confirmation may come without any.
    text = models.TextField(_("text"), blank=True)
    sides = models.JSONField(
        _("side statuses"),
        default=dict,
        blank=True,
        help_text=_("The sides this update moved or confirmed, each with its status."),
    )
    # Only web links: a javascript: or file: link would run or leak in a reader's browser.
    evidence_url = models.URLField(
        _("evidence link"),
        blank=True,
        validators=[
            URLValidator(
                schemes=["http", "https"], message=_("Enter a web link (http:// or https://).")
            )
        ],
    )
    status = models.CharField(
        _("status set"),
        max_length=20,
        choices=Status,
        blank=True,
        help_text=_("The status this update set, if any."),
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility, default=Visibility.PUBLIC
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Set by services.own_updates: the author (or the secretariat) corrected the words or link,
    # or withdrew the update; what it said before stays in its history.
    corrected_at = models.DateTimeField(_("corrected"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    history = HistoricalRecords()
    objects = ProgressUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-created_at", "-pk"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        constraints = [
            # A note is nothing but its words; changes and confirmations carry their data.
            models.CheckConstraint(
                condition=~Q(text="") | ~Q(kind=UpdateKind.NOTE), name="update_note_has_text"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=UpdateKind.values), name="update_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="") | Q(status__in=Status.values), name="update_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(visibility__in=Visibility.values), name="update_visibility_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["visibility", "-date"], name="update_visibility_date"),
            # An item's own updates, newest first: the "latest update" subqueries of the list,
            # the admin, the report and the exports. Without it SQLite (no statistics) answers
            # them from the index above and walks every public update for each row.
            models.Index(
                fields=["recommendation", "-date", "-created_at"],
                name="update_recommendation_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recommendation.reference} {self.date}"

    def clean(self) -> None:
        if self.kind == UpdateKind.NOTE and not self.text.strip():
            raise ValidationError({"text": _("Write what happened: an update needs its text.")})

    @property
    def event_text(self) -> str:
        """What the tracker recorded, in the active language ("" for a plain note)."""
        return timeline.describe(self.kind, self.sides, self.status)

    @property
    def message(self) -> str:
        """The official's words, then what the tracker recorded: the whole entry as text."""
        return "\n\n".join(part for part in (self.text, self.event_text) if part)
