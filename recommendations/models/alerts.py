"""E-mail alerts for readers without an account: an address following one item, topic,
organisation or owner, or everything, in its language and at its pace.

An address is personal data: a row exists only while its owner wants it (unconfirmed rows are
forgotten after a few days, an unsubscribe deletes the row) and no public page, feed, API or
export reads this table."""

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SubscriptionQuerySet(models.QuerySet["Subscription"]):
    def confirmed(self) -> "SubscriptionQuerySet":
        return self.filter(confirmed_at__isnull=False)

    def unconfirmed_since(self, cutoff: datetime.datetime) -> "SubscriptionQuerySet":
        """Subscriptions never confirmed and asked for before `cutoff`: to be forgotten."""
        return self.filter(confirmed_at__isnull=True, created_at__lt=cutoff)

    def counts_by_followed(self) -> "models.QuerySet[Any, Any]":
        """Confirmed subscriptions counted per followed page, in SQL: the admin's listing."""
        return (
            self.confirmed()
            .order_by("kind", "key")
            .values("kind", "key")
            .annotate(count=models.Count("pk"))
        )


class Subscription(models.Model):
    class Kind(models.TextChoices):
        EVERYTHING = "all", _("Everything")
        ITEM = "item", _("Recommendation")
        TOPIC = "topic", _("Topic")
        ORGANISATION = "organisation", _("Organisation")
        OWNER = "owner", _("Owner")

    class Frequency(models.TextChoices):
        # Batched: at most one alert an hour, however many changes the hour brings.
        IMMEDIATE = "immediate", _("As it happens (at most hourly)")
        DAILY = "daily", _("Once a day")
        WEEKLY = "weekly", _("Once a week")

    PERIODS = {
        Frequency.IMMEDIATE: datetime.timedelta(hours=1),
        Frequency.DAILY: datetime.timedelta(days=1),
        Frequency.WEEKLY: datetime.timedelta(weeks=1),
    }

    email = models.EmailField(_("e-mail address"))
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    frequency = models.CharField(
        _("how often"), max_length=10, choices=Frequency, default=Frequency.DAILY
    )
    # What is followed: a kind and the followed row's stable key (reference, code or slug), so
    # an alert never depends on a row a deletion would cascade through.
    kind = models.CharField(_("follows"), max_length=20, choices=Kind, default=Kind.EVERYTHING)
    key = models.CharField(_("key"), max_length=40, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    # When the last alert was queued: what it said ran up to this moment, and the next is due
    # one period later.
    last_sent_at = models.DateTimeField(_("last alert"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "key", "pk"]
        verbose_name = _("e-mail alert")
        verbose_name_plural = _("e-mail alerts")
        constraints = [
            models.UniqueConstraint(fields=["email", "kind", "key"], name="alert_follow_unique"),
            models.CheckConstraint(
                condition=Q(kind="all", key="") | (~Q(kind="all") & ~Q(key="")),
                name="alert_key_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(frequency__in=["immediate", "daily", "weekly"]),
                name="alert_frequency_valid",
            ),
        ]

    def __str__(self) -> str:
        # Never the address: the row is shown (admin, logs) only by what it follows.
        return f"{self.get_kind_display()} {self.key}".strip()

    @property
    def period(self) -> datetime.timedelta:
        return self.PERIODS[self.Frequency(self.frequency)]

    def is_due(self, now: datetime.datetime) -> bool:
        """Confirmed, and its last alert (if any) older than its period."""
        if self.confirmed_at is None:
            return False
        return self.last_sent_at is None or self.last_sent_at <= now - self.period

    @property
    def changes_since(self) -> datetime.datetime | None:
        """The moment after which changes are news to this subscriber."""
        return self.last_sent_at or self.confirmed_at
