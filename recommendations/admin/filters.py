import datetime
from typing import TYPE_CHECKING, Any, cast

from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from recommendations.models import Council, Recommendation, ReportingRound
from recommendations.models.recommendation import RecommendationQuerySet
from recommendations.rules import permissions
from recommendations.rules.bilateral import stale_cutoff

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# What a filter offers: each value of its parameter with its label.
Lookups = list[tuple[str, "StrOrPromise"]]


def todays_cutoff(request: HttpRequest) -> datetime.date:
    """The date before which an item is stale today (bilateral.stale_cutoff), looked up once
    per request: one page of the admin asks for the official's ordering several times."""
    cutoff = getattr(request, "_stale_cutoff", None)
    if cutoff is None:
        today = timezone.localdate()
        cutoff = stale_cutoff(Council.objects.next_date(today), today)
        setattr(request, "_stale_cutoff", cutoff)  # noqa: B010 (HttpRequest declares no such field)
    return cutoff


class ArchivedFilter(admin.SimpleListFilter):
    title = _("archived")
    parameter_name = "archived"

    def lookups(self, request: HttpRequest, model_admin: "ModelAdmin[Recommendation]") -> Lookups:
        return [("no", _("Current")), ("yes", _("Archived"))]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Recommendation]
    ) -> QuerySet[Recommendation]:
        if self.value() == "no":
            return queryset.filter(archived_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(archived_at__isnull=False)
        return queryset


class DivergentFilter(admin.SimpleListFilter):
    title = _("EU and Japan sides")
    parameter_name = "divergent"

    def lookups(self, request: HttpRequest, model_admin: "ModelAdmin[Recommendation]") -> Lookups:
        return [("1", _("Divergent")), ("0", _("In step"))]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Recommendation]
    ) -> QuerySet[Recommendation]:
        if self.value() in {"0", "1"}:
            return cast(RecommendationQuerySet, queryset).divergent(self.value() == "1")
        return queryset


class StaleFilter(admin.SimpleListFilter):
    title = _("no recent update")
    parameter_name = "stale"

    def lookups(self, request: HttpRequest, model_admin: "ModelAdmin[Recommendation]") -> Lookups:
        return [("1", _("No recent update")), ("0", _("Recently updated"))]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Recommendation]
    ) -> QuerySet[Recommendation]:
        if self.value() in {"0", "1"}:
            return cast(RecommendationQuerySet, queryset).stale(
                timezone.localdate(), self.value() == "1"
            )
        return queryset


class RoundFilter(admin.SimpleListFilter):
    """The open reporting round's outstanding items: an official's own (their side not yet
    reported), or for the secretariat any item with a side not yet reported."""

    title = _("reporting round")
    parameter_name = "round"

    def lookups(self, request: HttpRequest, model_admin: "ModelAdmin[Recommendation]") -> Lookups:
        if ReportingRound.objects.current() is None:
            return []
        return [("outstanding", _("Outstanding")), ("reported", _("Reported"))]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Recommendation]
    ) -> QuerySet[Recommendation]:
        current = ReportingRound.objects.current()
        if current is None or self.value() not in {"outstanding", "reported"}:
            return queryset
        owner = permissions.owner_of(request.user)
        if owner is not None:
            outstanding = current.owner_outstanding(owner)
            if self.value() == "reported":
                return queryset.filter(pk__in=current.owner_items(owner).values("pk")).exclude(
                    pk__in=outstanding.values("pk")
                )
        else:
            outstanding = current.outstanding()
            if self.value() == "reported":
                return queryset.filter(pk__in=current.items().values("pk")).exclude(
                    pk__in=outstanding.values("pk")
                )
        return queryset.filter(pk__in=outstanding.values("pk"))


class OwnerFilter(admin.RelatedFieldListFilter):
    """The lead owner, named in the admin's language: 経済産業省 in Japanese, METI in English."""

    def field_choices(
        self, field: Any, request: HttpRequest, model_admin: ModelAdmin
    ) -> list[tuple[str, "StrOrPromise"]]:
        ordering = self.field_admin_ordering(field, request, model_admin)
        owners = field.related_model._default_manager.order_by(*ordering)
        return [(str(owner.pk), owner.localised_name) for owner in owners]
