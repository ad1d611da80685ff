"""The reporting round before a Council and the report it ends in.

A round calls on the owners to report by a deadline; which sides of which items are due, and
which have been reported since the round opened, is read from the items' owners and progress
updates in SQL (`ReportingRound.items()`), never stored twice. Each mail the round sends is
recorded, once, so a reminder is never sent twice. A published edition keeps its files, their
digests and the rows' statuses as data, so it never changes and later editions compare with it
without recomputing anything."""

import datetime
from dataclasses import dataclass
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from recommendations.models.official import Official
from recommendations.models.progress_update import ProgressUpdate
from recommendations.models.recommendation import Recommendation, RecommendationQuerySet
from recommendations.models.reference import Council, Owner
from recommendations.rules.choices import Side, UpdateKind

# The sides a round asks about, with the prefix of their annotations (items()): the side's own
# stored value, so no prefix is spelt by hand.
ROUND_SIDES = {side: side.value for side in (Side.EU, Side.JAPAN)}


class ReportingRoundQuerySet(models.QuerySet["ReportingRound"]):
    def open(self) -> Self:
        return self.filter(closed_at__isnull=True)

    def current(self) -> "ReportingRound | None":
        """The open round, if any (there is at most one)."""
        return self.open().select_related("council").first()


class ReportingRound(models.Model):
    """A call on every owner to report on their items before a Council, by a deadline."""

    council = models.ForeignKey(
        Council, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("Council")
    )
    deadline = models.DateField(_("deadline"))
    message = models.TextField(_("message to the officials"), blank=True)
    opened_at = models.DateTimeField(_("opened"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = ReportingRoundQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("reporting round")
        verbose_name_plural = _("reporting rounds")
        constraints = [
            # The service refuses a second open round of any Council; the database at least
            # refuses two open rounds of one Council, even when two requests race.
            models.UniqueConstraint(
                fields=["council"],
                condition=Q(closed_at__isnull=True),
                name="one_open_round_per_council",
            ),
        ]

    def __str__(self) -> str:
        return _("Reporting for Council no. %(number)s") % {"number": self.council.number}

    def get_absolute_url(self) -> str:
        return reverse("admin:recommendations_reportinground_progress", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def _reported(self, side: str, *, kinds: list[str] | None = None) -> Exists:
        """Exists: an official of one of the item's owners on `side` recorded an update of one
        of `kinds` (by default any: a status set, a note, a confirmation) since the round
        opened. A withdrawn update was taken back: it reports nothing."""
        updates = ProgressUpdate.objects.current().filter(
            recommendation=OuterRef("pk"),
            created_at__gte=self.opened_at,
            author__official__owner__side=side,
        )
        if kinds is not None:
            updates = updates.filter(kind__in=kinds)
        updates = updates.filter(
            Q(author__official__owner=OuterRef("lead_owner"))
            | Q(author__official__owner__co_owned_recommendations=OuterRef("pk"))
        )
        return Exists(updates)

    def items(self, base: RecommendationQuerySet | None = None) -> RecommendationQuerySet:
        """The items in scope (every item not archived), each annotated per side with `eu_due`,
        `eu_reported` (anything recorded), `eu_updated` (a status set or a note: more than a
        confirmation), `eu_confirmed` (and `jp_…`): one query whatever their number."""
        queryset = (base if base is not None else Recommendation.objects.all()).public()
        annotations = {}
        for side, prefix in ROUND_SIDES.items():
            co_owned = Recommendation.co_owners.through.objects.filter(
                recommendation=OuterRef("pk"), owner__side=side
            )
            annotations[f"{prefix}_due"] = Q(lead_owner__side=side) | Exists(co_owned)
            annotations[f"{prefix}_reported"] = self._reported(side)
            annotations[f"{prefix}_updated"] = self._reported(
                side, kinds=[UpdateKind.NOTE, UpdateKind.CHANGE]
            )
            annotations[f"{prefix}_confirmed"] = self._reported(
                side, kinds=[UpdateKind.CONFIRMATION]
            )
        return queryset.annotate(
            **{
                name: models.ExpressionWrapper(value, output_field=models.BooleanField())
                for name, value in annotations.items()
            }
        )

    def outstanding(self, base: RecommendationQuerySet | None = None) -> RecommendationQuerySet:
        """Items with at least one due side not yet reported."""
        condition = Q()
        for prefix in ROUND_SIDES.values():
            condition |= Q(**{f"{prefix}_due": True, f"{prefix}_reported": False})
        return self.items(base).filter(condition)

    def owner_items(self, owner: Owner) -> RecommendationQuerySet:
        """The items due from `owner` (those it leads or co-owns), annotated as items()."""
        return self.items(Recommendation.objects.owned_by(owner))

    def owner_outstanding(self, owner: Owner) -> RecommendationQuerySet:
        """The items due from `owner` whose side (`owner`'s) is not yet reported."""
        prefix = ROUND_SIDES[Side(owner.side)]
        return self.owner_items(owner).filter(**{f"{prefix}_reported": False})

    def report_counts(self) -> "ReportCounts":
        """How many items in scope have a report from every side due, and from at least one,
        counted in SQL in one query."""
        complete, partly = Q(), Q()
        for prefix in ROUND_SIDES.values():
            complete &= Q(**{f"{prefix}_due": False}) | Q(**{f"{prefix}_reported": True})
            partly |= Q(**{f"{prefix}_due": True, f"{prefix}_reported": True})
        counts = self.items().aggregate(
            total=models.Count("pk"),
            complete=models.Count("pk", filter=complete),
            partly=models.Count("pk", filter=partly),
        )
        return ReportCounts(**counts)

    def reported_count(self) -> tuple[int, int]:
        """(items every due side of which is reported, items in scope), counted in SQL."""
        counts = self.report_counts()
        return counts.complete, counts.total


@dataclass(frozen=True)
class ReportCounts:
    """Where a round stands in two figures that say what they count: items with a report from
    every side due (`complete`), and from at least one side due (`partly`), of `total`."""

    total: int
    complete: int
    partly: int


class RoundMail(models.Model):
    """A mail the round sent: recorded under a key unique in the round, in the transaction that
    queues it in the outbox, so the same mail (a call, one reminder point, one overdue notice) is
    never queued twice, even by two runs at once; the outbox sends each queued mail at most once
    and keeps it until the server takes it (services/outbox.py)."""

    class Kind(models.TextChoices):
        CALL = "call", _("Call for updates")
        REMINDER = "reminder", _("Reminder")
        OVERDUE = "overdue", _("Overdue notice")
        SUMMARY = "summary", _("Summary to the secretariat")

    round = models.ForeignKey(
        ReportingRound, on_delete=models.CASCADE, related_name="mails", verbose_name=_("round")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    key = models.CharField(_("key"), max_length=100)
    official = models.ForeignKey(
        Official,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("official"),
    )
    owner = models.ForeignKey(
        Owner,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    recipients = models.TextField(_("recipients"))
    # The Message-IDs of the mails queued, one a line: the outbox's log says by them whether
    # each went, and when (services/round_mail.py, mail_states).
    message_ids = models.TextField(_("message IDs"), blank=True, default="")
    sent_on = models.DateField(_("sent on"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["round", "sent_at"]
        verbose_name = _("round mail")
        verbose_name_plural = _("round mails")
        constraints = [
            models.UniqueConstraint(fields=["round", "key"], name="round_mail_sent_once"),
            models.CheckConstraint(
                condition=Q(kind__in=["call", "reminder", "overdue", "summary"]),
                name="round_mail_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.key}"


@dataclass(frozen=True)
class EditionLabel:
    """What a published edition says it is: its number, its publication day and, for a
    correction, the edition it corrects and why."""

    number: int
    published_on: datetime.date
    corrects: int | None = None
    reason: str = ""

    @property
    def title(self) -> str:
        """ "Edition 2 (corrected)", in the active language."""
        if self.corrects:
            return gettext("Edition %(number)s (corrected)") % {"number": self.number}
        return gettext("Edition %(number)s") % {"number": self.number}

    @property
    def correction(self) -> str:
        """ "Corrected edition of edition 1: reason", or nothing for a first edition."""
        if not self.corrects:
            return ""
        return gettext("Corrected edition of edition %(number)s: %(reason)s") % {
            "number": self.corrects,
            "reason": self.reason,
        }


class EditionQuerySet(models.QuerySet["Edition"]):
    def current_of(self, council: Council) -> "Edition | None":
        return self.filter(council=council).order_by("-number").first()


class Edition(models.Model):
    """A published Council report: its files as published, never rewritten. Publishing again
    for the same Council adds a corrected edition, with a reason; the earlier stays."""

    council = models.ForeignKey(
        Council, on_delete=models.PROTECT, related_name="editions", verbose_name=_("Council")
    )
    number = models.PositiveSmallIntegerField(_("edition"))
    round = models.ForeignKey(
        ReportingRound,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="editions",
        verbose_name=_("round"),
    )
    reason = models.TextField(_("what was corrected"), blank=True)
    as_of = models.DateField(_("as of"))
    published_at = models.DateTimeField(_("published"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    # Each row's statuses as published: {"rows": [{"reference", "status", "eu", "jp"}, ...]}.
    snapshot = models.JSONField(_("statuses as published"), default=dict)

    objects = EditionQuerySet.as_manager()

    class Meta:
        ordering = ["-council__number", "-number"]
        verbose_name = _("published edition")
        verbose_name_plural = _("published editions")
        constraints = [
            models.UniqueConstraint(fields=["council", "number"], name="edition_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="edition_number_positive"),
            models.CheckConstraint(
                condition=Q(number=1) | ~Q(reason=""), name="corrected_edition_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return _("Council no. %(council)s report, edition %(number)s") % {
            "council": self.council.number,
            "number": self.number,
        }

    def get_absolute_url(self) -> str:
        return reverse("recommendations:edition", args=[self.council.number, self.number])

    @property
    def label(self) -> EditionLabel:
        return EditionLabel(
            number=self.number,
            published_on=timezone.localdate(self.published_at),
            corrects=self.number - 1 if self.number > 1 else None,
            reason=self.reason,
        )

    def statuses(self) -> dict[str, str]:
        """Each item's overall status as published, by reference."""
        return {row["reference"]: row["status"] for row in self.snapshot.get("rows", [])}


def edition_file_path(instance: "EditionFile", filename: str) -> str:
    edition = instance.edition
    folder = f"reports/council-{edition.council.number}/edition-{edition.number}"
    # English files stay where the editions published before Japanese ones keep theirs.
    if instance.language != settings.LANGUAGE_CODE:
        folder += f"/{instance.language}"
    return f"{folder}/{filename}"


class EditionFile(models.Model):
    """One file of a published edition, stored as published, with its SHA-256."""

    edition = models.ForeignKey(
        Edition, on_delete=models.PROTECT, related_name="files", verbose_name=_("edition")
    )
    name = models.CharField(_("name"), max_length=40)
    language = models.CharField(
        _("language"), max_length=7, choices=settings.LANGUAGES, default="en"
    )
    file = models.FileField(_("file"), upload_to=edition_file_path, max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        ordering = ["edition", "language", "name"]
        verbose_name = _("published file")
        verbose_name_plural = _("published files")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "language", "name"], name="edition_file_name_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.edition} {self.name} ({self.language})"


class Publication(models.Model):
    """A request to publish a Council's report, carried out in the background: where it stands,
    the edition it made or why it failed, so the secretariat can follow it and try again."""

    class Step(models.TextChoices):
        QUEUED = "queued", _("waiting for the worker")
        RENDERING = "rendering", _("rendering the files")
        STORING = "storing", _("storing the files")
        DONE = "done", _("published")
        FAILED = "failed", _("failed")

    council = models.ForeignKey(
        Council, on_delete=models.PROTECT, related_name="publications", verbose_name=_("Council")
    )
    reason = models.TextField(_("what was corrected"), blank=True)
    # The edition the publisher saw (0 for none): a correction is never published over a newer one.
    on_top_of = models.PositiveSmallIntegerField(_("edition seen"), default=0)
    requested_at = models.DateTimeField(_("requested"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    step = models.CharField(_("step"), max_length=20, choices=Step, default=Step.QUEUED)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    error = models.TextField(_("why it failed"), blank=True)
    edition = models.OneToOneField(
        Edition,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="publication",
        verbose_name=_("edition"),
    )
    task_id = models.CharField(_("task"), max_length=64, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")

    def __str__(self) -> str:
        return _("Publication of Council no. %(council)s, %(when)s") % {
            "council": self.council.number,
            "when": timezone.localtime(self.requested_at).strftime("%Y-%m-%d %H:%M"),
        }

    def get_absolute_url(self) -> str:
        return reverse("admin:recommendations_publication_change", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.step in (self.Step.DONE, self.Step.FAILED)
