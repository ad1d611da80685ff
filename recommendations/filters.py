"""The one way to narrow down recommendations: the public list, the exports and any API reuse
`RecommendationFilter`, so "export what you see" is the same queryset as the page."""

import datetime

import django_filters
from django import forms
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
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


class LocalisedNameChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Topic | Organisation | Owner) -> str:
        # Read at render time, so the choices follow the page's language.
        return obj.localised_name


class LocalisedChoiceFilter(django_filters.ModelChoiceFilter):
    """One of a model's rows, chosen by its code or slug (`to_field_name`) and named in the
    page's language: topics and owners alike."""

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
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Status.choices, empty_label=_("All statuses")
    )
    owner = LocalisedChoiceFilter(
        label=_("Lead owner"),
        field_name="lead_owner",
        queryset=Owner.objects.all(),
        to_field_name="code",
        empty_label=_("All owners"),
    )
    side = django_filters.ChoiceFilter(
        label=_("Side of the lead owner"),
        choices=OWNER_SIDES,
        field_name="lead_owner__side",
        empty_label=_("Both sides"),
    )
    organisation = django_filters.ModelChoiceFilter(
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
    response = django_filters.ChoiceFilter(
        label=_("Response of either side"),
        choices=Response.choices,
        method="filter_response",
        empty_label=_("Any response"),
    )
    eu_response = django_filters.ChoiceFilter(
        label=_("EU response"), choices=Response.choices, empty_label=_("Any response")
    )
    japan_response = django_filters.ChoiceFilter(
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
        self, queryset: RecommendationQuerySet, name: str, value: str
    ) -> RecommendationQuerySet:
        return queryset.filter(Q(eu_response=value) | Q(japan_response=value))

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
