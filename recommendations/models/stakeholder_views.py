"""Each recommending organisation's own view of what has been done with its recommendations.

The secretariat records a contact address for an organisation (`OrganisationContact`); the
contact signs in with a link mailed to it (`SignInLink`: short-lived, one use, only its hash
kept) and gives, for each of the organisation's recommendations, a `StakeholderView`. Nothing of
it is public until the secretariat approves it: the public reads the approved answer and comment
only, which an approval copies from what the contact wrote, so a changed view waits for its own
approval while the last approved one stays shown."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from recommendations.models.recommendation import Recommendation
from recommendations.models.reference import Organisation


class OrganisationContact(models.Model):
    """The address an organisation's views come from; one organisation per address."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="contacts",
        verbose_name=_("organisation"),
    )
    email = models.EmailField(_("e-mail address"), unique=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["organisation", "email"]
        verbose_name = _("organisation contact")
        verbose_name_plural = _("organisation contacts")

    def __str__(self) -> str:
        return f"{self.organisation.acronym}: {self.email}"

    def save(self, *args: object, **kwargs: object) -> None:
        # Looked up by its address as typed in the sign-in form, in any case.
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> None:
        # Before the uniqueness check: "Contact@…" is the address "contact@…" already has.
        self.email = self.email.strip().lower()


class SignInLink(models.Model):
    """A sign-in link sent to a contact: only the token's SHA-256 is kept, so the table read by
    anyone does not sign them in; it works until `expires_at`, once."""

    contact = models.ForeignKey(
        OrganisationContact,
        on_delete=models.CASCADE,
        related_name="sign_in_links",
        verbose_name=_("contact"),
    )
    token_hash = models.CharField(_("token's hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("sign-in link")
        verbose_name_plural = _("sign-in links")

    def __str__(self) -> str:
        return f"{self.contact} {self.created_at:%Y-%m-%d %H:%M}"

    def is_expired(self, now: datetime.datetime) -> bool:
        return self.expires_at <= now


class StakeholderViewQuerySet(models.QuerySet["StakeholderView"]):
    def approved(self) -> "StakeholderViewQuerySet":
        """The views the public may read: approved once at least, shown as last approved."""
        return self.exclude(public_answer="")

    def pending(self) -> "StakeholderViewQuerySet":
        return self.filter(state=StakeholderView.State.PENDING)

    def for_public(self) -> "StakeholderViewQuerySet":
        """Approved views with their organisation, by organisation: the item page and the API."""
        return self.approved().select_related("organisation").order_by("organisation__acronym")


class StakeholderView(models.Model):
    class Answer(models.TextChoices):
        FULLY = "fully", _("Fully")
        PARTLY = "partly", _("Partly")
        NOT_YET = "not_yet", _("Not yet")
        NO = "no", _("No")

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting moderation")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.CASCADE,
        related_name="stakeholder_views",
        verbose_name=_("recommendation"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="stakeholder_views",
        verbose_name=_("organisation"),
    )
    # What the contact last wrote, seen by the secretariat only until approved.
    answer = models.CharField(
        _("answers our recommendation"), max_length=10, choices=Answer, blank=False
    )
    comment = models.TextField(_("comment"), blank=True)
    contact_email = models.EmailField(_("given by"), blank=True)
    state = models.CharField(_("moderation"), max_length=10, choices=State, default=State.PENDING)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    # What the public reads: copied from the above by an approval.
    public_answer = models.CharField(
        _("approved answer"), max_length=10, choices=Answer, blank=True, editable=False
    )
    public_comment = models.TextField(_("approved comment"), blank=True, editable=False)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True, editable=False)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moderated by"),
        editable=False,
    )
    updated_at = models.DateTimeField(_("given"), auto_now=True)
    history = HistoricalRecords()

    objects = StakeholderViewQuerySet.as_manager()

    class Meta:
        ordering = ["recommendation", "organisation"]
        verbose_name = _("stakeholder view")
        verbose_name_plural = _("stakeholder views")
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "organisation"], name="stakeholder_view_unique"
            ),
            models.CheckConstraint(
                condition=Q(answer__in=["fully", "partly", "not_yet", "no"]),
                name="stakeholder_view_answer_valid",
            ),
            models.CheckConstraint(
                condition=Q(public_answer__in=["", "fully", "partly", "not_yet", "no"]),
                name="stakeholder_view_public_answer_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation.acronym} — {self.recommendation.reference}"

    @property
    def public_answer_label(self) -> str:
        return str(self.Answer(self.public_answer).label) if self.public_answer else ""


def approved_views() -> models.Prefetch:
    """Each recommendation's approved views as `approved_views`, by organisation: one query
    for a whole page or list, to add to any queryset of recommendations."""
    return models.Prefetch(
        "stakeholder_views",
        queryset=StakeholderView.objects.for_public(),
        to_attr="approved_views",
    )
