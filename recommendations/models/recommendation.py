import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce, Greatest
from django.db.models.lookups import LessThan
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from recommendations.models.progress_update import ProgressUpdate
from recommendations.models.reference import Council, Organisation, Owner, Topic
from recommendations.models.translation import TranslationFields
from recommendations.rules.bilateral import (
    awaited_side,
    awaiting_condition,
    derived_status,
    divergent_condition,
    is_divergent,
)
from recommendations.rules.choices import Response, StalledReason, Status, TranslationStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def last_activity() -> Greatest:
    """The latest of an item's status dates, either side's date and any update, internal ones
    included (RecommendationQuerySet.with_last_activity), as an expression of its row."""
    last_any = ProgressUpdate.objects.of_outer_recommendation().values("date")[:1]
    # Coalesce each: SQLite's MAX() and PostgreSQL's GREATEST() disagree about NULLs.
    return Greatest(
        "status_date",
        Coalesce("eu_status_date", "status_date"),
        Coalesce("japan_status_date", "status_date"),
        Coalesce(models.Subquery(last_any), "status_date"),
    )


def own_stale_first(owner: Owner, cutoff: datetime.date) -> models.Case:
    """0 for the items `owner` leads or co-owns with no activity since `cutoff`, 1 for the rest.

    Whole in itself, naming no annotation: an official's ordering of recommendations, which
    any queryset of them may be sorted by (the admin's list, its search, the choices of a form
    that points to one)."""
    own = Recommendation.objects.owned_by(owner).values("pk")
    return models.Case(
        models.When(Q(pk__in=own) & LessThan(last_activity(), cutoff), then=models.Value(0)),
        default=models.Value(1),
        output_field=models.IntegerField(),
    )


class RecommendationQuerySet(models.QuerySet["Recommendation"]):
    def public(self):
        """What stakeholders and the public may see; every public read starts here."""
        return self.filter(archived_at__isnull=True)

    def owned_by(self, owner: Owner):
        """Items `owner` leads or co-owns. A subquery rather than a join keeps the rows distinct
        without DISTINCT, so callers may still lock them with select_for_update()."""
        owned = Recommendation.objects.filter(Q(lead_owner=owner) | Q(co_owners=owner))
        return self.filter(pk__in=owned.values("pk"))

    def for_detail(self):
        public_updates = ProgressUpdate.objects.public().select_related("author")
        return (
            self.public()
            .select_related("topic", "lead_owner", "parent", "target_council")
            .prefetch_related(
                "organisations",
                "co_owners",
                models.Prefetch(
                    "children", queryset=Recommendation.objects.public().select_related("topic")
                ),
                models.Prefetch("updates", queryset=public_updates, to_attr="public_updates"),
            )
        )

    def with_last_update(self):
        """Annotate `last_update`: the later of the status date and the last public update.

        Internal updates are left out on purpose: their dates must not surface on public pages,
        not even through sorting.
        """
        if "last_update" in self.query.annotations:
            return self
        last_public = ProgressUpdate.objects.public().of_outer_recommendation().values("date")[:1]
        # Coalesce first: SQLite's MAX() and PostgreSQL's GREATEST() disagree about NULLs.
        # `last_public_update` alone tells an item never updated ("no update yet") from one
        # whose status date is its last update.
        return self.annotate(
            last_public_update=models.Subquery(last_public),
            last_update=Greatest(
                "status_date", Coalesce(models.Subquery(last_public), "status_date")
            ),
        )

    def count_by_status(self, *fields):
        """Rows of `fields` + status + count, counted in SQL (the dashboard's bars)."""
        return self.order_by().values(*fields, "status").annotate(count=models.Count("pk"))

    def for_public_list(self):
        return (
            self.public()
            .select_related("topic", "lead_owner")
            .prefetch_related("organisations")
            .with_last_update()
        )

    def divergent(self, divergent: bool = True):
        """Items whose EU and Japan sides are more than one step apart (bilateral.is_divergent)."""
        condition = divergent_condition()
        return self.filter(condition) if divergent else self.exclude(condition)

    def awaiting(self, side: str):
        """Items where the other side has reported and `side` not yet (bilateral.awaited_side)."""
        return self.filter(awaiting_condition(side))

    def with_last_activity(self):
        """Annotate `last_activity`: the latest of the status dates, either side's date and any
        update, internal ones included — what tells an item's owners it has been looked at."""
        if "last_activity" in self.query.annotations:
            return self
        return self.annotate(last_activity=last_activity())

    def stale(self, today: datetime.date, stale: bool = True):
        """Items with no activity in the run-up to the next Council
        (Council.objects.stale_cutoff)."""
        cutoff = Council.objects.stale_cutoff(today)
        queryset = self.with_last_activity()
        if stale:
            return queryset.filter(last_activity__lt=cutoff)
        return queryset.filter(last_activity__gte=cutoff)

    def for_admin(self):
        """The changelist's rows with `last_update`, the date of the latest update of any
        visibility.

        A correlated subquery served by the `update_recommendation_date` index, not an aggregate
        over a join with every update: that GROUP BY (repeated by the paginator's count) grows
        with every update of every item."""
        last_any = ProgressUpdate.objects.of_outer_recommendation().values("date")[:1]
        return self.select_related("topic", "lead_owner").annotate(
            last_update=models.Subquery(last_any)
        )

    def with_api_relations(self):
        """The related rows the API names, each by its code: a fixed number of queries.

        Earlier prefetches are replaced (the report's as-of queryset orders its own), so this
        can come last whatever the queryset went through."""
        return (
            self.select_related("topic", "lead_owner", "parent", "target_council")
            .prefetch_related(None)
            .prefetch_related(
                "organisations",
                "co_owners",
                models.Prefetch(
                    "children",
                    queryset=Recommendation.objects.public().order_by("sequence"),
                    to_attr="public_children",
                ),
            )
        )

    def for_api(self):
        return self.public().with_api_relations()

    def translation_out_of_date(self):
        """Items whose Japanese was made from an English text that has changed since."""
        return self.filter(text_ja_status=TranslationStatus.OUT_OF_DATE)


# Named, not written inline as the base below: the type checker's Django plugin only follows a
# from_queryset() manager assigned to a name.
_RecommendationManagerBase = models.Manager.from_queryset(RecommendationQuerySet)


class RecommendationManager(_RecommendationManagerBase):
    def get_by_natural_key(self, reference):
        return self.get(reference=reference)


class Recommendation(TranslationFields, models.Model):
    class Source(models.TextChoices):
        SUMMARY = "summary", _("Summary of recommendations")
        STAKEHOLDER = "stakeholder", _("Stakeholder key recommendation")

    reference = models.CharField(
        _("reference"),
        max_length=20,
        unique=True,
        validators=[
            RegexValidator(
                r"^[A-Z0-9]+-[0-9]+[a-z]?$",
                _("Use a topic or organisation code, a dash and the number: AI-3, CYBER-1a."),
            )
        ],
        help_text=_("Stable identifier used in URLs, exports and Council documents, e.g. AI-3."),
    )
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="recommendations", verbose_name=_("topic")
    )
    source = models.CharField(_("source"), max_length=20, choices=Source, default=Source.SUMMARY)
    number = models.CharField(_("number as printed"), max_length=10)
    sequence = models.PositiveIntegerField(
        _("order within the topic"), help_text=_("Keeps the report's order when sorting.")
    )
    title = models.CharField(
        _("title"), max_length=200, blank=True, help_text=_("Bold heading of a stakeholder item.")
    )
    text = models.TextField(_("text"), help_text=_("Verbatim as printed in the report."))
    title_ja = models.CharField(_("Japanese title"), max_length=200, blank=True)
    text_ja = models.TextField(
        _("Japanese text"), blank=True, help_text=_("A human translation; leave empty if none.")
    )
    organisations = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="recommendations",
        verbose_name=_("organisations that made it"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent item"),
    )
    lead_owner = models.ForeignKey(
        Owner,
        on_delete=models.PROTECT,
        related_name="led_recommendations",
        verbose_name=_("lead owner"),
    )
    co_owners = models.ManyToManyField(
        Owner, blank=True, related_name="co_owned_recommendations", verbose_name=_("co-owners")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.NOT_ASSESSED
    )
    status_date = models.DateField(_("status since"), default=timezone.localdate)
    # Each government reports its own side; the overall status above follows from the two
    # (recommendations.rules.bilateral.derived_status) unless the secretariat overrides it with a
    # reason.
    eu_status = models.CharField(
        _("EU side status"), max_length=20, choices=Status, default=Status.NOT_ASSESSED
    )
    eu_status_date = models.DateField(_("EU side status since"), null=True, blank=True)
    eu_status_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("EU side status set by"),
    )
    japan_status = models.CharField(
        _("Japan side status"), max_length=20, choices=Status, default=Status.NOT_ASSESSED
    )
    japan_status_date = models.DateField(_("Japan side status since"), null=True, blank=True)
    japan_status_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Japan side status set by"),
    )
    # Each government's formal response (did it take the recommendation up), apart from its
    # status; "noted" and "not accepted" carry their rationale (services.statuses checks it).
    eu_response = models.CharField(
        _("EU response"), max_length=30, choices=Response, default=Response.NO_RESPONSE
    )
    eu_response_rationale = models.TextField(_("EU response rationale"), blank=True)
    eu_response_date = models.DateField(_("EU response date"), null=True, blank=True)
    japan_response = models.CharField(
        _("Japan response"), max_length=30, choices=Response, default=Response.NO_RESPONSE
    )
    japan_response_rationale = models.TextField(_("Japan response rationale"), blank=True)
    japan_response_date = models.DateField(_("Japan response date"), null=True, blank=True)
    # Why a side is stalled, asked for whenever it is; cleared when it moves on.
    eu_stalled_reason = models.CharField(
        _("EU side stalled because"), max_length=20, choices=StalledReason, blank=True
    )
    eu_stalled_detail = models.TextField(_("EU side stalled: details"), blank=True)
    japan_stalled_reason = models.CharField(
        _("Japan side stalled because"), max_length=20, choices=StalledReason, blank=True
    )
    japan_stalled_detail = models.TextField(_("Japan side stalled: details"), blank=True)
    status_override_reason = models.TextField(
        _("reason for overriding the sides"),
        blank=True,
        help_text=_(
            "Secretariat only. Filled in, the overall status is the one set here; empty, it "
            "follows from the EU and Japan sides."
        ),
    )
    target_council = models.ForeignKey(
        Council,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="target_recommendations",
        verbose_name=_("target Council"),
    )
    notes = models.TextField(_("internal notes"), blank=True, help_text=_("Officials only."))
    # Optimistic locking: a form carries the version it was loaded with, and a save is refused
    # when someone else has saved since (see services.check_version).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # Recommendations are archived, never deleted: the report printed them, and their history
    # must survive. Archived items leave every public page.
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(m2m_fields=[organisations, co_owners])
    objects = RecommendationManager()
    # Set before a save for simple-history to record who made it and why; never stored here.
    _history_user: "User | None"
    _change_reason: str

    class Meta:
        ordering = ["topic__position", "sequence"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="recommendation_text_not_empty"),
            models.CheckConstraint(
                condition=~Q(reference=""), name="recommendation_reference_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="recommendation_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(eu_status__in=Status.values), name="recommendation_eu_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(japan_status__in=Status.values),
                name="recommendation_japan_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(eu_response__in=Response.values),
                name="recommendation_eu_response_valid",
            ),
            models.CheckConstraint(
                condition=Q(japan_response__in=Response.values),
                name="recommendation_japan_response_valid",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="recommendation_not_own_parent"
            ),
            models.CheckConstraint(
                condition=Q(text_ja_status__in=TranslationStatus.values),
                name="recommendation_text_ja_status_valid",
            ),
            models.UniqueConstraint(fields=["topic", "sequence"], name="unique_sequence_per_topic"),
        ]

    def __str__(self):
        return f"{self.reference} {self.short_text}"

    def get_absolute_url(self):
        return reverse("recommendations:detail", args=[self.reference])

    def natural_key(self):
        return (self.reference,)

    def is_owned_by(self, owner: Owner) -> bool:
        """`owner` leads or co-owns this item (the row-level form of QuerySet.owned_by)."""
        if self.lead_owner_id == owner.pk:
            return True
        return self.co_owners.filter(pk=owner.pk).exists()

    @property
    def is_divergent(self) -> bool:
        return is_divergent(self.eu_status, self.japan_status)

    @property
    def awaited_side(self) -> str | None:
        return awaited_side(self.eu_status, self.japan_status)

    @property
    def derived_status(self) -> str:
        return derived_status(self.eu_status, self.japan_status)

    @property
    def status_overridden(self) -> bool:
        return bool(self.status_override_reason.strip())

    @property
    def short_text(self):
        text = self.title or self.text
        return text if len(text) <= 80 else text[:79].rstrip() + "…"

    def clean(self):
        super().clean()
        parent = self.parent
        if parent is None:
            return
        if self.pk is not None and parent.pk == self.pk:
            raise ValidationError({"parent": _("An item cannot be its own parent.")})
        if parent.parent_id is not None:
            raise ValidationError({"parent": _("A sub-item cannot have sub-items of its own.")})
        if self.topic_id is not None and parent.topic_id != self.topic_id:
            raise ValidationError(
                {
                    "parent": _("The parent item must be in the same topic (%(topic)s).")
                    % {"topic": self.topic}
                }
            )
