"""The one way to narrow down recommendations: the public list, the exports and any API reuse
`RecommendationFilter`, so "export what you see" is the same queryset as the page."""

import datetime
from typing import Any

import django_filters
import django_filters.fields
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    Exists,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Left, StrIndex
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from recommendations.models import Organisation, Owner, ProgressUpdate, Recommendation, Topic
from recommendations.models.recommendation import RecommendationQuerySet
from recommendations.rules.choices import Response, Side, Status

ORDERING_CHOICES = [
    ("reference", _("Reference")),
    ("status", _("Status")),
    ("-last_update", _("Last update, newest first")),
    ("last_update", _("Last update, oldest first")),
]

# Owners belong to one government, so each recommendation has exactly one side: that of its
# lead owner. The joint EU–Japan side exists only for organisations.
OWNER_SIDES = [(Side.EU.value, Side.EU.label), (Side.JAPAN.value, Side.JAPAN.label)]


def requested_codes(values: list[str] | str | None) -> list[str]:
    """The codes a query asks for: each value of a repeated parameter, each split at its commas,
    blanks (the form's "all" option) left out."""
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    return [code.strip() for value in values for code in str(value).split(",") if code.strip()]


def unknown_codes_error(unknown: list[str], codes: list[str]) -> ValidationError:
    """The error for codes nobody has, naming the ones there are."""
    return ValidationError(
        _("“%(unknown)s” is not one of the codes: %(codes)s."),
        code="invalid_choice",
        params={"unknown": ", ".join(unknown), "codes": ", ".join(sorted(codes))},
    )


class CodesSelect(forms.Select):
    """One choice on the page, yet every value the query gives: `status=planned&status=done`
    and `status=planned,done` alike."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        values = data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        return requested_codes(values)


class AnyOfChoicesField(django_filters.fields.ChoiceField):
    """Any of a vocabulary's codes, written in any case, each given as its own code."""

    widget = CodesSelect

    def clean(self, value: list[str] | str | None) -> list[str]:
        codes = requested_codes(value)
        known = {str(code).lower(): str(code) for code, _label in self.choices if code != ""}
        unknown = [code for code in codes if code.lower() not in known]
        if unknown:
            raise unknown_codes_error(unknown, list(known.values()))
        return list(dict.fromkeys(known[code.lower()] for code in codes))


class LocalisedNameChoiceField(forms.ModelChoiceField):
    """Any of a model's rows, each by its code or slug in any case, named in the page's
    language."""

    widget = CodesSelect

    def label_from_instance(self, obj: Topic | Organisation | Owner) -> str:
        # Read at render time, so the choices follow the page's language.
        return obj.localised_name

    def clean(self, value: list[str] | str | None) -> list[Model]:
        codes = requested_codes(value)
        if not codes:
            return []
        key = self.to_field_name or "pk"
        assert self.queryset is not None  # every filter of ours names its rows
        # The reference tables hold tens of rows: read in one query, matched in any case.
        rows = {str(getattr(row, key)).lower(): row for row in self.queryset}
        unknown = [code for code in codes if code.lower() not in rows]
        if unknown:
            raise unknown_codes_error(unknown, [str(getattr(row, key)) for row in rows.values()])
        return list({rows[code.lower()].pk: rows[code.lower()] for code in codes}.values())


class AnyOfFilter(django_filters.Filter):
    """Items matching any of the chosen codes. Through a many-to-many (the organisations) the
    match is a subquery, so an item made by two chosen organisations is listed once."""

    def filter(self, qs: QuerySet[Any], value: list[Any]) -> QuerySet[Any]:
        if not value:
            return qs
        condition = Q(**{f"{self.field_name}__in": value})
        relation = qs.model._meta.get_field(self.field_name.split("__")[0])
        if relation.many_to_many or relation.one_to_many:
            return qs.filter(pk__in=qs.model._default_manager.filter(condition).values("pk"))
        return qs.filter(condition)


class AnyOfChoiceFilter(AnyOfFilter, django_filters.ChoiceFilter):
    """Any of a vocabulary's codes: `status=in_progress,planned`, or the parameter repeated."""

    field_class = AnyOfChoicesField


class LocalisedChoiceFilter(AnyOfFilter, django_filters.ModelChoiceFilter):
    """Any of a model's rows, chosen by their codes or slugs (`to_field_name`) in any case and
    named in the page's language: topics, owners and organisations alike."""

    field_class = LocalisedNameChoiceField


class RecommendationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        help_text=_("Reference, text, topic, organisation or owner, e.g. AI-3, 6G, JBCE or METI."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    topic = LocalisedChoiceFilter(
        label=_("Topic"),
        queryset=Topic.objects.all(),
        to_field_name="code",
        empty_label=_("All topics"),
    )
    status = AnyOfChoiceFilter(
        label=_("Status"), choices=Status.choices, empty_label=_("All statuses")
    )
    owner = LocalisedChoiceFilter(
        label=_("Lead owner"),
        field_name="lead_owner",
        queryset=Owner.objects.all(),
        to_field_name="code",
        empty_label=_("All owners"),
    )
    side = AnyOfChoiceFilter(
        label=_("Side of the lead owner"),
        choices=OWNER_SIDES,
        field_name="lead_owner__side",
        empty_label=_("Both sides"),
    )
    organisation = LocalisedChoiceFilter(
        label=_("Made by"),
        field_name="organisations",
        queryset=Organisation.objects.all(),
        to_field_name="slug",
        empty_label=_("Any organisation"),
    )
    divergent = django_filters.ChoiceFilter(
        label=_("EU and Japan sides"),
        choices=[
            ("1", _("Divergent: both reported, more than one step apart")),
            ("0", _("Not divergent")),
        ],
        method="filter_divergent",
        empty_label=_("Either"),
    )
    awaiting = django_filters.ChoiceFilter(
        label=_("Awaiting a side"),
        choices=[
            (Side.EU.value, _("Awaiting the EU side")),
            (Side.JAPAN.value, _("Awaiting the Japan side")),
        ],
        method="filter_awaiting",
        empty_label=_("Any"),
        help_text=_("One side has reported, the other not yet."),
    )
    updated_since = django_filters.DateFilter(
        label=_("Updated since"),
        method="filter_updated_since",
        help_text=_("Status set or public update on or after this date (YYYY-MM-DD)."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    response = AnyOfChoiceFilter(
        label=_("Response of either side"),
        choices=Response.choices,
        method="filter_response",
        empty_label=_("Any response"),
    )
    eu_response = AnyOfChoiceFilter(
        label=_("EU response"), choices=Response.choices, empty_label=_("Any response")
    )
    japan_response = AnyOfChoiceFilter(
        label=_("Japan response"), choices=Response.choices, empty_label=_("Any response")
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue"),
        method="filter_overdue",
        help_text=_("A public next step is past its target date and not done."),
    )
    due_before = django_filters.DateFilter(
        label=_("Next step due by"),
        method="filter_due_before",
        help_text=_("A public next step not done is due on or before this date (YYYY-MM-DD)."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    ordering = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=ORDERING_CHOICES,
        method="order",
        empty_label=_("Order of the report"),
    )

    class Meta:
        model = Recommendation
        fields = [
            "q",
            "topic",
            "status",
            "owner",
            "side",
            "organisation",
            "divergent",
            "awaiting",
            "updated_since",
            "response",
            "eu_response",
            "japan_response",
            "overdue",
            "due_before",
        ]

    def active_count(self) -> int:
        """How many filters the reader has set (the sort order is not one): on a phone the
        filters stay folded until one is."""
        data = self.data or {}
        return sum(1 for name in self.filters if name != "ordering" and data.get(name))

    def search(
        self, queryset: RecommendationQuerySet, name: str, value: str
    ) -> RecommendationQuerySet:
        """Every word must match the item's reference or text (English or Japanese), the topic,
        an organisation that made it or an owner (lead or co-owner), by code or name.

        The organisations and co-owners are many-to-many: matched through a subquery, so an
        item is listed once however many of them match, in the same number of queries."""
        for word in value.split():
            related = Recommendation.objects.filter(
                Q(organisations__acronym__icontains=word)
                | Q(organisations__name__icontains=word)
                | Q(co_owners__code__icontains=word)
                | Q(co_owners__name__icontains=word)
                | Q(co_owners__name_ja__icontains=word)
            )
            queryset = queryset.filter(
                Q(reference__icontains=word)
                | Q(title__icontains=word)
                | Q(text__icontains=word)
                | Q(title_ja__icontains=word)
                | Q(text_ja__icontains=word)
                | Q(topic__name__icontains=word)
                | Q(topic__name_ja__icontains=word)
                | Q(lead_owner__code__icontains=word)
                | Q(lead_owner__name__icontains=word)
                | Q(lead_owner__name_ja__icontains=word)
                | Q(pk__in=related.values("pk"))
            )
        return queryset

    def filter_response(
        self, queryset: RecommendationQuerySet, name: str, value: list[str]
    ) -> RecommendationQuerySet:
        return queryset.filter(Q(eu_response__in=value) | Q(japan_response__in=value))

    def filter_overdue(
        self, queryset: RecommendationQuerySet, name: str, value: bool | None
    ) -> RecommendationQuerySet:
        if value is None:
            return queryset
        return queryset.overdue(timezone.localdate(), value)

    def filter_due_before(
        self, queryset: RecommendationQuerySet, name: str, value: datetime.date
    ) -> RecommendationQuerySet:
        return queryset.due_before(value)

    def filter_divergent(
        self, queryset: RecommendationQuerySet, name: str, value: str
    ) -> RecommendationQuerySet:
        return queryset.divergent(value == "1")

    def filter_awaiting(
        self, queryset: RecommendationQuerySet, name: str, value: str
    ) -> RecommendationQuerySet:
        return queryset.awaiting(value)

    def filter_updated_since(
        self, queryset: RecommendationQuerySet, name: str, value: datetime.date
    ) -> RecommendationQuerySet:
        # A subquery rather than a join: no duplicate rows, and only public updates count.
        public_update_since = ProgressUpdate.objects.public().filter(
            recommendation=OuterRef("pk"), date__gte=value
        )
        return queryset.filter(Q(status_date__gte=value) | Exists(public_update_since))

    def order(
        self, queryset: RecommendationQuerySet, name: str, value: str
    ) -> RecommendationQuerySet:
        descending = value.startswith("-")
        key = value.lstrip("-")
        if key == "reference":
            # "AI-2" before "AI-10": prefix, then the report's order within it.
            prefix = Left("reference", StrIndex("reference", Value("-")))
            return queryset.order_by(prefix, "sequence")
        if key == "status":
            # The order of the workflow, not of the alphabet.
            rank = Case(
                *[When(status=status, then=Value(i)) for i, status in enumerate(Status.values)],
                output_field=IntegerField(),
            )
            return queryset.order_by(rank, "topic__position", "sequence")
        queryset = queryset.with_last_update()
        # `last_update` is with_last_update's annotation, which the plugin does not follow
        # through a method typed to return its own queryset.
        if descending:
            return queryset.order_by("-last_update", "topic__position", "sequence")  # type: ignore[misc]
        return queryset.order_by("last_update", "topic__position", "sequence")  # type: ignore[misc]
