"""Each side's next steps on a recommendation: dated actions, planned, done or slipped, and the
one definition of "overdue" (past its target date and not done) that every page, export, mail
and the API read. The rules a step's dates and reasons follow are in rules/steps.py; writes go
through services/steps.py."""

import datetime
from typing import Any, Self, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from recommendations.rules.choices import Side, StepState, Visibility


class NextStepQuerySet(models.QuerySet["NextStep"]):
    def public(self) -> Self:
        """Steps stakeholders may read: public ones, of items that are not archived."""
        return self.filter(visibility=Visibility.PUBLIC, recommendation__archived_at__isnull=True)

    def open(self) -> Self:
        """Steps not done yet."""
        return self.exclude(state=StepState.DONE)

    def overdue(self, today: datetime.date) -> Self:
        """Steps past their target date and not done: the one definition of "overdue"."""
        return self.open().filter(target_date__lt=today)

    def on_time(self, today: datetime.date) -> Self:
        """Steps not overdue on `today`: done, or their target date not passed."""
        return self.exclude(pk__in=self.overdue(today).values("pk"))

    def due_before(self, day: datetime.date) -> Self:
        """Open steps whose target date falls on or before `day` (overdue ones included)."""
        return self.open().filter(target_date__lte=day)

    def counts_by_owner(self, today: datetime.date) -> dict[int, dict[str, Any]]:
        """These steps on time and overdue per owner id, with the owner's names: the steps of
        an owner's own side on the items it leads or co-owns, counted in SQL (one query per way
        of owning)."""
        late = Q(pk__in=NextStep.objects.overdue(today).values("pk"))
        result: dict[int, dict[str, Any]] = {}
        for owner in ("recommendation__lead_owner", "recommendation__co_owners"):
            rows = (
                self.filter(side=models.F(f"{owner}__side"))
                .order_by()
                .values(owner, f"{owner}__name", f"{owner}__name_ja")
                .annotate(overdue=models.Count("pk", filter=late), total=models.Count("pk"))
            )
            for row in rows:
                counted = result.setdefault(
                    row[owner],
                    {
                        "on_time": 0,
                        "overdue": 0,
                        "name": row[f"{owner}__name"],
                        "name_ja": row[f"{owner}__name_ja"],
                    },
                )
                counted["overdue"] += row["overdue"]
                counted["on_time"] += row["total"] - row["overdue"]
        return result

    def overdue_first(self, today: datetime.date) -> Self:
        """Overdue steps first, then by target date."""
        return self.annotate(
            late=models.Case(
                models.When(
                    Q(target_date__lt=today) & ~Q(state=StepState.DONE), then=models.Value(0)
                ),
                default=models.Value(1),
                output_field=models.IntegerField(),
            )
        ).order_by("late", "target_date", "pk")


class NextStep(models.Model):
    """A dated action one side commits to on a recommendation ("Joint call for quantum
    testbeds — target 30 June 2027")."""

    recommendation = models.ForeignKey(
        "recommendations.Recommendation",
        on_delete=models.PROTECT,
        related_name="next_steps",
        verbose_name=_("recommendation"),
    )
    side = models.CharField(
        _("side"), max_length=5, choices=[(Side.EU, Side.EU.label), (Side.JAPAN, Side.JAPAN.label)]
    )
    text = models.TextField(_("next step"))
    text_ja = models.TextField(_("next step in Japanese"), blank=True)
    target_date = models.DateField(_("target date"))
    # The date first promised, kept when the step slips so readers see how far it moved.
    first_target_date = models.DateField(_("first target date"), editable=False)
    state = models.CharField(
        _("state"), max_length=10, choices=StepState, default=StepState.PLANNED
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    evidence_url = models.URLField(_("evidence link"), max_length=500, blank=True)
    slip_reason = models.TextField(_("why it slipped"), blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility, default=Visibility.PUBLIC
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_steps",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()
    objects = NextStepQuerySet.as_manager()

    class Meta:
        ordering = ["recommendation", "side", "target_date", "pk"]
        verbose_name = _("next step")
        verbose_name_plural = _("next steps")
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="next_step_text_not_empty"),
            models.CheckConstraint(
                condition=Q(side__in=[Side.EU, Side.JAPAN]), name="next_step_side_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=StepState.values), name="next_step_state_valid"
            ),
            models.CheckConstraint(
                condition=~Q(state=StepState.DONE) | Q(done_on__isnull=False),
                name="next_step_done_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(state=StepState.SLIPPED) | ~Q(slip_reason=""),
                name="next_step_slip_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["state", "target_date"], name="next_step_due")]

    def __str__(self) -> str:
        return f"{self.text} ({self.target_date:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return f"{self.recommendation.get_absolute_url()}#next-steps"

    @property
    def has_slipped(self) -> bool:
        return self.target_date != self.first_target_date

    def is_overdue(self, today: datetime.date) -> bool:
        """NextStepQuerySet.overdue for one step already read."""
        return self.state != StepState.DONE and self.target_date < today


_M = TypeVar("_M", bound=models.Model)


def overdue_exists(today: datetime.date, *, internal: bool) -> models.Exists:
    """Whether the outer recommendation has an overdue step (internal ones only if `internal`)."""
    steps = NextStep.objects.overdue(today)
    if not internal:
        steps = steps.filter(visibility=Visibility.PUBLIC)
    return models.Exists(steps.filter(recommendation=models.OuterRef("pk")))


class WithSteps(models.QuerySet[_M]):
    """The recommendations' queries over their next steps, kept beside the steps."""

    def with_overdue(self, today: datetime.date, *, internal: bool = False) -> Self:
        """Annotate `overdue`: the item has a step past its target date and not done (public
        steps only unless `internal`), in the same query as the rows."""
        return self.annotate(overdue=overdue_exists(today, internal=internal))

    def overdue(
        self, today: datetime.date, overdue: bool = True, *, internal: bool = False
    ) -> Self:
        """Items with an overdue step, or with none when `overdue` is False."""
        condition = overdue_exists(today, internal=internal)
        return self.filter(condition) if overdue else self.exclude(condition)

    def due_before(self, day: datetime.date, *, internal: bool = False) -> Self:
        """Items with an open step due on or before `day`."""
        steps = NextStep.objects.due_before(day)
        if not internal:
            steps = steps.filter(visibility=Visibility.PUBLIC)
        return self.filter(models.Exists(steps.filter(recommendation=models.OuterRef("pk"))))

    def with_public_steps(self) -> Self:
        """Prefetch each item's public steps as `public_steps`: one query for all of them."""
        public = NextStep.objects.filter(visibility=Visibility.PUBLIC).order_by(
            "side", "target_date", "pk"
        )
        return self.prefetch_related(
            models.Prefetch("next_steps", queryset=public, to_attr="public_steps")
        )


def public_step_changes(
    *, since: datetime.datetime, until: datetime.datetime
) -> models.QuerySet[Any]:
    """History rows, recorded after `since` and up to `until`, where a public step was done or
    slipped (to a new date): one row per change, so a step slipped twice is told twice. A step
    internal now, or of an archived item, is left out whatever it was then."""
    history = NextStep.history.model
    previous = history.objects.filter(
        id=models.OuterRef("id"), history_id__lt=models.OuterRef("history_id")
    ).order_by("-history_id")
    return (
        history.objects.filter(
            history_date__gt=since,
            history_date__lte=until,
            state__in=[StepState.DONE, StepState.SLIPPED],
            visibility=Visibility.PUBLIC,
            id__in=NextStep.objects.public().values("pk"),
        )
        .annotate(
            previous_state=models.Subquery(previous.values("state")[:1]),
            previous_target=models.Subquery(previous.values("target_date")[:1]),
        )
        .filter(
            Q(previous_state__isnull=True)
            | ~Q(previous_state=models.F("state"))
            | ~Q(previous_target=models.F("target_date"))
        )
        .select_related("recommendation")
        .order_by("history_date", "history_id")
    )
