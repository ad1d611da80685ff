import datetime
from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.db.models.lookups import LessThan
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from recommendations.models.answers import AnswerFields
from recommendations.models.progress_update import ProgressUpdate
from recommendations.models.reference import Council, Organisation, Owner, Topic
from recommendations.models.steps import WithSteps
from recommendations.models.translation import TranslationFields
from recommendations.rules.bilateral import (
    awaited_side,
    awaiting_condition,
    derived_status,
    divergent_condition,
    is_divergent,
    stale_cutoff,
)
from recommendations.rules.choices import Response, Status, TranslationStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import User


# The fields that say where an item stood: its statuses with their dates, the override's reason
# and each side's formal response. `RecommendationQuerySet.as_of` reads each back from the
# history as `as_of_<field>`.
AS_OF_FIELDS = (
    "status",
    "status_date",
    "status_override_reason",
    *(
        f"{side}_{name}"
        for side in ("eu", "japan")
        for name in ("status", "status_date", "response", "response_rationale", "response_date")
    ),
)


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The first instant after `day` in the site's time zone: history before it counts."""
    return timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    )


def recorded_before(day: datetime.date) -> models.QuerySet:
    """The outer item's historical rows recorded up to the end of `day`, the newest first: its
    state on that day is the first of them."""
    return Recommendation.history.filter(
        id=models.OuterRef("pk"), history_date__lt=end_of_day(day)
    ).order_by("-history_date", "-history_id")


def as_it_stood(field: str, day: datetime.date) -> models.Expression:
    """`field` of the outer item as the history last recorded it by the end of `day`; an item
    without any recorded history (created by a raw bulk load) shows its present value.

    One rule, written two ways for speed: a field that cannot be NULL falls back to the present
    value when the history has no row (Coalesce: one subquery); a field that can (a side's date
    is empty until it reports) must tell "no history" from a recorded NULL, by Exists."""
    recorded = recorded_before(day)
    then = models.Subquery(recorded.values(field)[:1])
    if Recommendation._meta.get_field(field).null:
        return models.Case(models.When(models.Exists(recorded), then=then), default=models.F(field))
    return Coalesce(then, models.F(field))


def last_activity(*, internal: bool = True) -> Greatest:
    """The latest of an item's status dates, either side's date and its latest update, as an
    expression of its row; internal updates count unless `internal` is False (what the public
    may read)."""
    updates = ProgressUpdate.objects.all() if internal else ProgressUpdate.objects.public()
    last_update = updates.of_outer_recommendation().values("date")[:1]
    # Coalesce each: SQLite's MAX() and PostgreSQL's GREATEST() disagree about NULLs.
    return Greatest(
        "status_date",
        Coalesce("eu_status_date", "status_date"),
        Coalesce("japan_status_date", "status_date"),
        Coalesce(models.Subquery(last_update), "status_date"),
    )


def stale_condition(
    cutoff: datetime.date, activity: models.Expression | models.F | None = None
) -> LessThan:
    """The test of staleness (RecommendationQuerySet.with_stale): the last activity, the item's
    own `last_activity()` unless another is given, falls before `cutoff`."""
    return LessThan(activity if activity is not None else last_activity(), cutoff)


def own_stale_first(owner: Owner, cutoff: datetime.date) -> models.Case:
    """0 for the items `owner` leads or co-owns with no activity since `cutoff`, 1 for the rest.

    Whole in itself, naming no annotation: an official's ordering of recommendations, which
    any queryset of them may be sorted by (the admin's list, its search, the choices of a form
    that points to one)."""
    own = Recommendation.objects.owned_by(owner).values("pk")
    return models.Case(
        models.When(Q(pk__in=own) & stale_condition(cutoff), then=models.Value(0)),
        default=models.Value(1),
        output_field=models.IntegerField(),
    )


class RecommendationQuerySet(WithSteps["Recommendation"]):
    def public(self) -> Self:
        """What stakeholders and the public may see; every public read starts here."""
        return self.filter(archived_at__isnull=True)

    def owned_by(self, owner: Owner) -> Self:
        """Items `owner` leads or co-owns. A subquery rather than a join keeps the rows distinct
        without DISTINCT, so callers may still lock them with select_for_update()."""
        owned = Recommendation.objects.filter(Q(lead_owner=owner) | Q(co_owners=owner))
        return self.filter(pk__in=owned.values("pk"))

    def for_detail(self) -> Self:
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

    def with_last_update(self) -> Self:
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

    def count_by_status(self, *fields: str) -> "QuerySet[Recommendation, dict[str, Any]]":
        """Rows of `fields` + status + count, counted in SQL (the dashboard's bars)."""
        return self.order_by().values(*fields, "status").annotate(count=models.Count("pk"))

    def for_public_list(self) -> Self:
        return (
            self.public()
            .select_related("topic", "lead_owner")
            .prefetch_related("organisations")
            .with_last_update()
        )

    def divergent(self, divergent: bool = True) -> Self:
        """Items whose EU and Japan sides are more than one step apart (bilateral.is_divergent)."""
        condition = divergent_condition()
        return self.filter(condition) if divergent else self.exclude(condition)

    def awaiting(self, side: str) -> Self:
        """Items where the other side has reported and `side` not yet (bilateral.awaited_side)."""
        return self.filter(awaiting_condition(side))

    def with_last_activity(self) -> Self:
        """Annotate `last_activity`: the latest of the status dates, either side's date and any
        update, internal ones included — what tells an item's owners it has been looked at."""
        if "last_activity" in self.query.annotations:
            return self
        return self.annotate(last_activity=last_activity())

    def with_stale(
        self,
        today: datetime.date,
        *,
        cutoff: datetime.date | None = None,
        internal: bool = True,
    ) -> Self:
        """Annotate `stale`: no activity in the run-up to the next Council, the one definition
        the admin's list and filter, the admin's home and the report share.

        Activity is the latest of the status date, either side's date and the latest update
        (`last_activity`), internal updates included unless `internal` is False — a public
        report counts what the public may read. The cutoff is `STALE_AFTER_WEEKS` weeks before
        the next Council after `today`, or before `today` with no dated Council ahead
        (bilateral.stale_cutoff); a caller that already knows it (the report, for its own
        Council) passes it. Where the report used to count only the status date and the latest
        update, the sides' dates count too, as the admin's tests pin. With `internal`, the
        annotation `last_activity` comes along."""
        if cutoff is None:
            cutoff = stale_cutoff(Council.objects.next_date(today), today)
        activity: models.Expression | models.F
        if internal:
            queryset, activity = self.with_last_activity(), models.F("last_activity")
        else:
            queryset, activity = self, last_activity(internal=False)
        return queryset.annotate(
            stale=models.Case(
                models.When(stale_condition(cutoff, activity), then=models.Value(True)),
                default=models.Value(False),
                output_field=models.BooleanField(),
            )
        )

    def stale(self, today: datetime.date, stale: bool = True) -> Self:
        """Items with no activity in the run-up to the next Council (`with_stale`), or with
        some when `stale` is False."""
        return self.with_stale(today).filter(stale=stale)

    def as_of(self, day: datetime.date, fields: tuple[str, ...] = AS_OF_FIELDS) -> Self:
        """Annotate `as_of_<field>` for each of `fields` (statuses, their dates, the override's
        reason) as it stood at the end of `day` (`as_it_stood`), and leave out the items first
        recorded after it, which did not exist yet. As of today or later every item stands
        where it stands now: the present values are read, not the history."""
        if day >= timezone.localdate():
            return self.annotate(**{f"as_of_{field}": models.F(field) for field in fields})
        history = Recommendation.history.filter(id=models.OuterRef("pk"))
        return self.exclude(models.Exists(history) & ~models.Exists(recorded_before(day))).annotate(
            **{f"as_of_{field}": as_it_stood(field, day) for field in fields}
        )

    def for_admin(self) -> Self:
        """The changelist's rows with `last_update`, the date of the latest update of any
        visibility.

        A correlated subquery served by the `update_recommendation_date` index, not an aggregate
        over a join with every update: that GROUP BY (repeated by the paginator's count) grows
        with every update of every item."""
        last_any = ProgressUpdate.objects.of_outer_recommendation().values("date")[:1]
        return self.select_related("topic", "lead_owner").annotate(
            last_update=models.Subquery(last_any)
        )

    def with_api_relations(self) -> Self:
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
            .with_public_steps()
        )

    def for_api(self) -> Self:
        return self.public().with_api_relations().with_overdue(timezone.localdate())

    def translation_out_of_date(self) -> Self:
        """Items whose Japanese was made from an English text that has changed since."""
        return self.filter(text_ja_status=TranslationStatus.OUT_OF_DATE)


# Named, not written inline as the base below: the type checker's Django plugin only follows a
# from_queryset() manager assigned to a name.
_RecommendationManagerBase = models.Manager.from_queryset(RecommendationQuerySet)


class RecommendationManager(_RecommendationManagerBase["Recommendation"]):
    def get_by_natural_key(self, reference: str) -> "Recommendation":
        return self.get(reference=reference)


class Recommendation(TranslationFields, AnswerFields, models.Model):
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
    # Said on the item's address once it is archived (it answers 410 Gone with it).
    archived_reason = models.TextField(_("public reason for archiving"), blank=True, editable=False)
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

    def __str__(self) -> str:
        return f"{self.reference} {self.short_text}"

    def get_absolute_url(self) -> str:
        return reverse("recommendations:detail", args=[self.reference])

    def natural_key(self) -> tuple[str]:
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
    def short_text(self) -> str:
        text = self.title or self.text
        return text if len(text) <= 80 else text[:79].rstrip() + "…"

    def clean(self) -> None:
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
