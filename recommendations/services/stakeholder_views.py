"""Each recommending organisation's view: its contact's sign-in by a mailed link, the view they
give, and the secretariat's moderation.

A sign-in link is a random token mailed to the contact's address; only its SHA-256 is stored,
it works for SIGN_IN_MAX_AGE and once. Asking for one is throttled per address whether or not
the address is a contact's, so neither the answer nor the throttle tells who is one. Every mail
goes through the outbox in the transaction that records what caused it: a new approved view to
the owners' officials, a rejection's reason to the contact, each once."""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from recommendations.models import (
    Official,
    OrganisationContact,
    Recommendation,
    SignInLink,
    StakeholderView,
)
from recommendations.rules import permissions
from recommendations.services import outbox
from recommendations.services.alerts import allow

SIGN_IN_MAX_AGE = datetime.timedelta(minutes=30)
# Sign-in mails one address can be sent in an hour: enough for a lost mail, not a flood.
LINKS_PER_ADDRESS = 3
LINKS_WINDOW = datetime.timedelta(hours=1)
COMMENT_MAX_LENGTH = 2000


class ContactError(Exception):
    """A contact's request that cannot be met; its message is for the contact."""


class LinkInvalid(ContactError):
    pass


class LinkExpired(ContactError):
    pass


class LinkUsed(ContactError):
    pass


class TooManyRequests(ContactError):
    pass


class NotYourOrganisations(ContactError):
    pass


def normalised_email(email: str) -> str:
    return email.strip().lower()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _address_key(email: str) -> str:
    # A digest: the address itself is never written to the cache.
    return "contacts:sign-in:" + salted_hmac("recommendations.contacts", email).hexdigest()[:24]


# Signing in.


@transaction.atomic
def request_sign_in(*, email: str, now: datetime.datetime | None = None) -> bool:
    """Mail a sign-in link to `email` if it is a contact's; True if one was queued.
    TooManyRequests past the address's links in the hour, whoever's address it is."""
    email = normalised_email(email)
    if not allow(_address_key(email), limit=LINKS_PER_ADDRESS, window=LINKS_WINDOW):
        raise TooManyRequests(
            _("Enough sign-in links have been sent to this address for now: try in an hour.")
        )
    contact = OrganisationContact.objects.select_related("organisation").filter(email=email)
    found = contact.first()
    if found is None:
        return False
    now = now or timezone.now()
    token = secrets.token_urlsafe(32)
    SignInLink.objects.create(
        contact=found, token_hash=_token_hash(token), expires_at=now + SIGN_IN_MAX_AGE
    )
    outbox.queue([_sign_in_mail(found, token)])
    outbox.deliver_after_commit()
    return True


@transaction.atomic
def redeem(*, token: str, now: datetime.datetime | None = None) -> OrganisationContact:
    """Spend a sign-in link: the contact it was sent to. LinkInvalid, LinkUsed, LinkExpired."""
    now = now or timezone.now()
    link = (
        SignInLink.objects.select_for_update()
        .select_related("contact__organisation")
        .filter(token_hash=_token_hash(token))
        .first()
    )
    if link is None:
        raise LinkInvalid(_("This sign-in link is not valid: copy the whole link from the mail."))
    if link.used_at is not None:
        raise LinkUsed(_("This sign-in link has already been used: ask for a new one."))
    if link.is_expired(now):
        raise LinkExpired(_("This sign-in link has expired: ask for a new one."))
    link.used_at = now
    link.save(update_fields=["used_at"])
    return link.contact


def contact_of(contact_id: object) -> OrganisationContact | None:
    """The contact a session names, None if none (or since deleted)."""
    if not isinstance(contact_id, int):
        return None
    return OrganisationContact.objects.select_related("organisation").filter(pk=contact_id).first()


# What the contact sees and gives.


def recommendations_of(contact: OrganisationContact) -> models.QuerySet[Recommendation]:
    """The organisation's public recommendations, in the report's order."""
    return (
        Recommendation.objects.public()
        .filter(organisations=contact.organisation_id)
        .select_related("topic", "lead_owner")
        .order_by("topic__position", "sequence", "pk")
    )


def views_of(contact: OrganisationContact) -> dict[int, StakeholderView]:
    """The organisation's views, by recommendation."""
    views = StakeholderView.objects.filter(organisation=contact.organisation_id)
    return {view.recommendation_id: view for view in views}


def recommendation_of(contact: OrganisationContact, reference: str) -> Recommendation:
    """One of the organisation's recommendations; NotYourOrganisations for any other."""
    recommendation = recommendations_of(contact).filter(reference=reference).first()
    if recommendation is None:
        raise NotYourOrganisations(
            _("%(reference)s is not one of %(organisation)s's recommendations.")
            % {"reference": reference, "organisation": contact.organisation.acronym}
        )
    return recommendation


@transaction.atomic
def give_view(
    *, contact: OrganisationContact, reference: str, answer: str, comment: str = ""
) -> StakeholderView:
    """Record (or change) the organisation's view of one of its recommendations; it waits for
    the secretariat's approval. A view given again unchanged writes nothing.
    NotYourOrganisations, ValidationError without a choice."""
    recommendation = recommendation_of(contact, reference)
    if answer not in StakeholderView.Answer.values:
        raise ValidationError(_("Choose how far what has been done answers your recommendation."))
    comment = comment.strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            _("Keep the comment under %(count)d characters.") % {"count": COMMENT_MAX_LENGTH}
        )
    view = (
        StakeholderView.objects.select_for_update()
        .filter(recommendation=recommendation, organisation=contact.organisation_id)
        .first()
    )
    if view is not None and view.answer == answer and view.comment == comment:
        return view
    if view is None:
        view = StakeholderView(recommendation=recommendation, organisation=contact.organisation)
    view.answer = answer
    view.comment = comment
    view.contact_email = contact.email
    view.state = StakeholderView.State.PENDING
    view.rejection_reason = ""
    view.full_clean(validate_unique=False)
    view.save()
    return view


# Moderation, by the secretariat.


def _locked(view_id: int, by: permissions.Actor) -> StakeholderView | None:
    if not permissions.is_secretariat(by):
        raise PermissionDenied(_("Only the secretariat moderates the organisations' views."))
    return (
        StakeholderView.objects.select_for_update()
        .select_related("recommendation", "organisation")
        .filter(pk=view_id)
        .first()
    )


@transaction.atomic
def approve(*, view_id: int, by: permissions.Actor, now: datetime.datetime | None = None) -> bool:
    """Publish a view awaiting moderation and mail it to the owners' officials; False (nothing
    written, nothing sent) if it is not awaiting moderation."""
    view = _locked(view_id, by)
    if view is None or view.state != StakeholderView.State.PENDING:
        return False
    view.state = StakeholderView.State.APPROVED
    view.public_answer = view.answer
    view.public_comment = view.comment
    view.approved_at = now or timezone.now()
    view.moderated_by = by if by is not None and by.is_authenticated else None
    view.save()
    outbox.queue(_officials_mails(view))
    outbox.deliver_after_commit()
    return True


@transaction.atomic
def reject(*, view_id: int, by: permissions.Actor, reason: str) -> bool:
    """Turn down a view awaiting moderation and mail the reason to the contact who gave it;
    False if it is not awaiting moderation. ValidationError without a reason."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give the contact a reason for the rejection."))
    view = _locked(view_id, by)
    if view is None or view.state != StakeholderView.State.PENDING:
        return False
    view.state = StakeholderView.State.REJECTED
    view.rejection_reason = reason
    view.moderated_by = by if by is not None and by.is_authenticated else None
    view.save()
    contact = (
        OrganisationContact.objects.filter(email=view.contact_email).first()
        or OrganisationContact.objects.filter(organisation=view.organisation_id).first()
    )
    if contact is not None:
        outbox.queue([_rejection_mail(view, contact)])
        outbox.deliver_after_commit()
    return True


# The mails.


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def _mail(name: str, language: str, to: str, context: dict) -> EmailMessage:
    with translation.override(language):
        context = {**context, "site_url": settings.SITE_URL}
        subject = render_to_string(f"contacts/mail/{name}_subject.txt", context)
        body = render_to_string(f"contacts/mail/{name}.txt", context)
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=[to])


def _sign_in_mail(contact: OrganisationContact, token: str) -> EmailMessage:
    with translation.override(contact.language):
        url = absolute(reverse("recommendations:contacts_link", args=[token]))
    minutes = int(SIGN_IN_MAX_AGE.total_seconds() // 60)
    return _mail(
        "sign_in",
        contact.language,
        contact.email,
        {"contact": contact, "organisation": contact.organisation, "url": url, "minutes": minutes},
    )


def _rejection_mail(view: StakeholderView, contact: OrganisationContact) -> EmailMessage:
    with translation.override(contact.language):
        url = absolute(reverse("recommendations:contacts_sign_in"))
    return _mail(
        "rejected",
        contact.language,
        contact.email,
        {"view": view, "recommendation": view.recommendation, "url": url},
    )


def _officials_mails(view: StakeholderView) -> list[EmailMessage]:
    recommendation = view.recommendation
    owners = [recommendation.lead_owner_id, *recommendation.co_owners.values_list("pk", flat=True)]
    officials = (
        Official.objects.filter(owner__in=owners, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("pk")
    )
    mails = []
    for official in officials:
        with translation.override(official.language):
            url = absolute(recommendation.get_absolute_url())
        mails.append(
            _mail(
                "new_view",
                official.language,
                official.user.email,
                {"view": view, "recommendation": recommendation, "url": url},
            )
        )
    return mails
