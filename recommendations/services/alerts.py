"""E-mail alerts for readers without an account, on GOV.UK's pattern: double opt-in, then an
alert at the subscriber's pace with what moved since the last one, each with a one-click
unsubscribe.

Every link is signed (django.core.signing), so no password is needed: the confirmation link
expires, the unsubscribe and manage links name the address they act for. Every mail goes
through the outbox, queued in the transaction that records it, so a run that stops half-way
neither loses an alert nor sends one twice: a subscriber's high-water mark (`last_sent_at`)
moves in the transaction that queues its alert."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from recommendations.models import (
    Edition,
    Organisation,
    Owner,
    ProgressUpdate,
    Recommendation,
    Subscription,
    Topic,
)
from recommendations.models.steps import public_step_changes
from recommendations.services import outbox

Kind = Subscription.Kind

CONFIRM_SALT = "recommendations.alerts.confirm"
UNSUBSCRIBE_SALT = "recommendations.alerts.unsubscribe"
MANAGE_SALT = "recommendations.alerts.manage"
# A confirmation link works for as long as an unconfirmed address is kept.
CONFIRM_MAX_AGE = datetime.timedelta(days=3)
# The manage link of any alert works for two months: every alert brings a fresh one.
MANAGE_MAX_AGE = datetime.timedelta(days=60)
# So that nobody can fill another's inbox from the form: confirmation mails per address a day.
CONFIRMATIONS_PER_ADDRESS = 3
CONFIRMATIONS_WINDOW = datetime.timedelta(days=1)


class AlertError(Exception):
    """A request about alerts that cannot be met; its message is for the reader."""


class LinkExpired(AlertError):
    pass


class LinkInvalid(AlertError):
    pass


class AlreadyConfirmed(AlertError):
    pass


class TooManyRequests(AlertError):
    pass


@dataclass(frozen=True)
class Followed:
    """What a subscription follows, as a reader names it: a title and its public page."""

    kind: str
    key: str
    title: str
    path: str


@dataclass
class Changes:
    """What moved for one subscriber between two moments."""

    updates: list[ProgressUpdate] = field(default_factory=list)
    editions: list[Edition] = field(default_factory=list)
    # History rows of public next steps done or slipped (models.steps.public_step_changes).
    steps: list[Any] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.updates or self.editions or self.steps)


def normalised_email(email: str) -> str:
    return email.strip().lower()


def followed(kind: str, key: str) -> Followed:
    """The public row `kind` and `key` name, in the active language; LinkInvalid if none."""
    try:
        if kind == Kind.EVERYTHING and not key:
            return Followed(kind, key, _("Every recommendation"), reverse("recommendations:home"))
        if kind == Kind.ITEM:
            item = Recommendation.objects.public().get(reference=key)
            return Followed(
                kind, key, f"{item.reference} {item.localised_short_text}", item.get_absolute_url()
            )
        if kind == Kind.TOPIC:
            topic = Topic.objects.get(code=key)
            return Followed(kind, key, topic.localised_name, topic.get_absolute_url())
        if kind == Kind.ORGANISATION:
            organisation = Organisation.objects.get(slug=key)
            return Followed(kind, key, organisation.localised_name, organisation.get_absolute_url())
        if kind == Kind.OWNER:
            owner = Owner.objects.get(code=key)
            return Followed(kind, key, owner.localised_name, reverse("recommendations:list"))
    except models.ObjectDoesNotExist:
        pass
    raise LinkInvalid(_("There is nothing to follow at this address."))


def absolute(path: str) -> str:
    return settings.SITE_URL + path


# Signed links.


def _digest(email: str) -> str:
    # Keyed with SECRET_KEY: a link names its address without carrying it, since a token is
    # signed, not encrypted, and links end up in logs.
    return salted_hmac("recommendations.alerts.address", email).hexdigest()[:24]


def _token(subscription: Subscription, salt: str) -> str:
    # The address's digest is signed with the row: a row number used again after a deletion
    # opens nothing.
    return signing.dumps({"id": subscription.pk, "e": _digest(subscription.email)}, salt=salt)


def confirm_token(subscription: Subscription) -> str:
    return _token(subscription, CONFIRM_SALT)


def unsubscribe_token(subscription: Subscription) -> str:
    return _token(subscription, UNSUBSCRIBE_SALT)


def manage_token(subscription: Subscription) -> str:
    return _token(subscription, MANAGE_SALT)


def _read(token: str, *, salt: str, max_age: datetime.timedelta | None = None) -> dict:
    try:
        payload = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as expired:
        raise LinkExpired(_("This link has expired.")) from expired
    except signing.BadSignature as bad:
        raise LinkInvalid(_("This link is not valid: copy the whole link from the mail.")) from bad
    if not isinstance(payload, dict):
        raise LinkInvalid(_("This link is not valid: copy the whole link from the mail."))
    return payload


def _subscription_of(payload: dict) -> Subscription | None:
    row = payload.get("id")
    if not isinstance(row, int):
        return None
    subscription = Subscription.objects.filter(pk=row).first()
    if subscription is None:
        return None
    if not constant_time_compare(_digest(subscription.email), str(payload.get("e", ""))):
        return None
    return subscription


def email_of_manage_token(token: str) -> str:
    """The address a manage link acts for; LinkExpired or LinkInvalid (or all its alerts gone)."""
    subscription = _subscription_of(_read(token, salt=MANAGE_SALT, max_age=MANAGE_MAX_AGE))
    if subscription is None:
        raise LinkInvalid(_("These alerts are stopped: nothing more will be sent."))
    return subscription.email


def subscription_of_unsubscribe_token(token: str) -> Subscription | None:
    """The subscription an unsubscribe link names, None if it is already gone."""
    return _subscription_of(_read(token, salt=UNSUBSCRIBE_SALT))


# Throttles, in the cache: counted with add/incr, so concurrent requests each count.


def allow(key: str, *, limit: int, window: datetime.timedelta) -> bool:
    """Count one more under `key` in the window; False once `limit` is passed."""
    seconds = int(window.total_seconds())
    cache.add(key, 0, seconds)
    try:
        count = cache.incr(key)
    except ValueError:
        # The count expired between add and incr: this one opens a new window.
        cache.set(key, 1, seconds)
        count = 1
    return count <= limit


def _address_key(email: str) -> str:
    # A digest: the address itself is never written to the cache.
    return "alerts:confirmations:" + _digest(email)


# Writes.


@transaction.atomic
def subscribe(
    *, email: str, language: str, frequency: str, kind: str, key: str = ""
) -> Subscription | None:
    """Ask for alerts on what `kind` and `key` name: queue a confirmation mail, nothing else,
    until its link is followed. Returns the unconfirmed subscription, or None when the address
    already follows it (nothing is sent). ValidationError for a bad address or choice,
    LinkInvalid for nothing to follow, TooManyRequests past the address's daily confirmations."""
    email = normalised_email(email)
    validate_email(email)
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Choose English or Japanese."))
    if frequency not in Subscription.Frequency.values:
        raise ValidationError(_("Choose how often to hear."))
    followed(kind, key)
    existing = Subscription.objects.select_for_update().filter(email=email, kind=kind, key=key)
    subscription = existing.first()
    if subscription is not None and subscription.confirmed_at is not None:
        return None
    if not allow(_address_key(email), limit=CONFIRMATIONS_PER_ADDRESS, window=CONFIRMATIONS_WINDOW):
        raise TooManyRequests(
            _("This address has been sent enough confirmation mails for today: try tomorrow.")
        )
    if subscription is None:
        try:
            with transaction.atomic():
                subscription = Subscription.objects.create(
                    email=email, language=language, frequency=frequency, kind=kind, key=key
                )
        except IntegrityError:
            # Asked for twice at the same moment: the other request's mail is on its way.
            return None
    else:
        subscription.language = language
        subscription.frequency = frequency
        subscription.save(update_fields=["language", "frequency"])
    outbox.queue([_confirmation(subscription)])
    outbox.deliver_after_commit()
    return subscription


@transaction.atomic
def confirm(*, token: str, now: datetime.datetime | None = None) -> Subscription:
    """Follow a confirmation link: from now on the subscriber hears what moves.
    LinkExpired, LinkInvalid (or the subscription forgotten), AlreadyConfirmed."""
    payload = _read(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    subscription = _subscription_of(payload)
    if subscription is None:
        raise LinkInvalid(_("This link is no longer valid: subscribe again."))
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.confirmed_at is not None:
        raise AlreadyConfirmed(_("These alerts were already confirmed."))
    subscription.confirmed_at = now or timezone.now()
    subscription.save(update_fields=["confirmed_at"])
    return subscription


def unsubscribe(*, token: str) -> bool:
    """Delete the subscription the link names; False if it was already gone."""
    subscription = subscription_of_unsubscribe_token(token)
    if subscription is None:
        return False
    deleted, _rows = Subscription.objects.filter(pk=subscription.pk).delete()
    return bool(deleted)


def subscriptions_of(email: str) -> models.QuerySet[Subscription]:
    """What an address follows and has confirmed."""
    return Subscription.objects.confirmed().filter(email=email)


def set_frequency(*, email: str, subscription_id: int, frequency: str) -> bool:
    """Change how often one of the address's subscriptions is sent; False if none changed."""
    if frequency not in Subscription.Frequency.values:
        raise ValidationError(_("Choose how often to hear."))
    changed = subscriptions_of(email).filter(pk=subscription_id).update(frequency=frequency)
    return bool(changed)


def unsubscribe_one(*, email: str, subscription_id: int) -> bool:
    deleted, _rows = Subscription.objects.filter(email=email, pk=subscription_id).delete()
    return bool(deleted)


def unsubscribe_all(*, email: str) -> int:
    """Delete every subscription of the address; how many there were."""
    deleted, _rows = Subscription.objects.filter(email=email).delete()
    return deleted


def purge_unconfirmed(*, now: datetime.datetime) -> int:
    """Forget the addresses that never confirmed within CONFIRM_MAX_AGE; how many."""
    deleted, _rows = Subscription.objects.unconfirmed_since(now - CONFIRM_MAX_AGE).delete()
    return deleted


# What moved, and the alerts that say it.


def _of_followed(rows: models.QuerySet[Any], kind: str, key: str) -> models.QuerySet[Any]:
    """Rows about recommendations (updates, next steps' history) of what `kind` and `key` name."""
    if kind == Kind.ITEM:
        return rows.filter(recommendation__reference=key)
    if kind == Kind.TOPIC:
        return rows.filter(recommendation__topic__code=key)
    if kind == Kind.ORGANISATION:
        return rows.filter(recommendation__organisations__slug=key).distinct()
    if kind == Kind.OWNER:
        return rows.filter(
            models.Q(recommendation__lead_owner__code=key)
            | models.Q(recommendation__co_owners__code=key)
        ).distinct()
    return rows


def changes_for(
    subscription: Subscription, *, since: datetime.datetime, until: datetime.datetime
) -> Changes:
    """Public updates of what the subscription follows, its public next steps done or slipped,
    and editions published (every subscriber hears of a new edition), recorded after `since`
    and up to `until`."""
    kind, key = subscription.kind, subscription.key
    updates = _of_followed(ProgressUpdate.objects.for_public_timeline(), kind, key).filter(
        created_at__gt=since, created_at__lte=until
    )
    steps = _of_followed(public_step_changes(since=since, until=until), kind, key).filter(
        recommendation__in=Recommendation.objects.public()
    )
    editions = (
        Edition.objects.filter(published_at__gt=since, published_at__lte=until)
        .select_related("council")
        .order_by("published_at", "pk")
    )
    return Changes(updates=list(updates), editions=list(editions), steps=list(steps))


def due(now: datetime.datetime) -> list[Subscription]:
    """Confirmed subscriptions whose last alert is older than their period."""
    candidates = Subscription.objects.confirmed().filter(
        models.Q(last_sent_at__isnull=True)
        | models.Q(last_sent_at__lte=now - Subscription.PERIODS[Subscription.Frequency.IMMEDIATE])
    )
    return [subscription for subscription in candidates if subscription.is_due(now)]


def queue_alert(subscription_id: int, *, now: datetime.datetime) -> bool:
    """Queue one subscriber's alert if it is due and something moved, moving its high-water
    mark in the same transaction; True if queued. Read again under the row's lock, so two runs
    at once send it once."""
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().filter(pk=subscription_id).first()
        if subscription is None or not subscription.is_due(now):
            return False
        since = subscription.changes_since
        assert since is not None  # a due subscription is confirmed
        changes = changes_for(subscription, since=since, until=now)
        if not changes:
            return False
        outbox.queue([_alert(subscription, changes)])
        subscription.last_sent_at = now
        subscription.save(update_fields=["last_sent_at"])
    return True


def queue_alerts(*, now: datetime.datetime) -> int:
    """Queue every alert due at `now`; how many were queued."""
    return sum(queue_alert(subscription.pk, now=now) for subscription in due(now))


# The mails.


def _links(subscription: Subscription) -> dict[str, str]:
    return {
        "unsubscribe_url": absolute(
            reverse("recommendations:alerts_unsubscribe", args=[unsubscribe_token(subscription)])
        ),
        "manage_url": absolute(
            reverse("recommendations:alerts_manage", args=[manage_token(subscription)])
        ),
    }


def _message(
    name: str, subscription: Subscription, context: dict, headers: dict[str, str] | None = None
) -> EmailMultiAlternatives:
    with translation.override(subscription.language):
        context = {
            **context,
            "subscription": subscription,
            "followed": followed_or_gone(subscription),
            "site_url": settings.SITE_URL,
        }
        subject = render_to_string(f"recommendations/mail/{name}_subject.txt", context)
        text = render_to_string(f"recommendations/mail/{name}.txt", context)
        html = render_to_string(f"recommendations/mail/{name}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()), body=text, to=[subscription.email], headers=headers
    )
    message.attach_alternative(html, "text/html")
    return message


def followed_or_gone(subscription: Subscription) -> Followed:
    """What the subscription follows, or its key alone if that row has left the public pages."""
    try:
        return followed(subscription.kind, subscription.key)
    except LinkInvalid:
        return Followed(subscription.kind, subscription.key, subscription.key, "")


def _confirmation(subscription: Subscription) -> EmailMultiAlternatives:
    with translation.override(subscription.language):
        url = absolute(
            reverse("recommendations:alerts_confirm", args=[confirm_token(subscription)])
        )
    return _message("alert_confirm", subscription, {"confirm_url": url, "days": 3})


def _alert(subscription: Subscription, changes: Changes) -> EmailMultiAlternatives:
    with translation.override(subscription.language):
        links = _links(subscription)
        updates = [
            {
                "update": update,
                "url": absolute(update.recommendation.get_absolute_url()),
            }
            for update in changes.updates
        ]
        editions = [
            {"edition": edition, "url": absolute(edition.get_absolute_url())}
            for edition in changes.editions
        ]
        steps = [
            {"step": step, "url": absolute(step.recommendation.get_absolute_url() + "#next-steps")}
            for step in changes.steps
        ]
    headers = {
        # RFC 2369 and RFC 8058: mail clients offer an unsubscribe button that posts here.
        "List-Unsubscribe": f"<{links['unsubscribe_url']}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    context = {**links, "updates": updates, "editions": editions, "steps": steps}
    return _message("alert", subscription, context, headers)
