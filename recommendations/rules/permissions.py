"""Who may do what, in one place: the admin, the spreadsheet import, the views and the exports
all ask these functions, so a rule changed here changes everywhere.

- The secretariat (superusers, or staff in the "secretariat" group) may do everything except
  hard-delete a recommendation, which nobody may: they are archived instead.
- An official (a staff user linked to one owner through `Official`) sees everything internal
  and may change a recommendation, add updates to it and import statuses for it only while its
  lead owner or one of its co-owners is their owner and it is not archived; and even then only
  the follow-up fields, never the report's text, reference or ownership.
- Each side of the bilateral status is set by its own government: an official of an EU owner
  (DG Connect) sets the EU side, an official of a Japanese owner (METI, MIC, the Digital Agency)
  the Japan side, and only on the items they may change. The overall status follows from the
  two sides; only the secretariat sets it by hand, with a reason (bilateral.resolve). So an
  official's "status" — in the admin, the bulk action or the import — is their own side's.
- The author of a progress update may correct or withdraw it while the reporting round it was
  written in is open, or for two weeks when no round is (`can_amend`); the secretariat may at any
  time. What it said before stays in its history.
- Everyone else reads the public pages only.
"""

import datetime
from dataclasses import dataclass
from typing import cast

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _

from recommendations.models import Official, Owner, ProgressUpdate, Recommendation, ReportingRound
from recommendations.models.recommendation import RecommendationQuerySet
from recommendations.rules.choices import SIDE_FIELDS, Side, answer_fields

SECRETARIAT_GROUP = "secretariat"
OFFICIALS_GROUP = "officials"
# Model permissions an official needs for the admin to show them anything at all; what they may
# actually change is narrowed by the functions below.
OFFICIAL_PERMISSIONS = [
    "view_topic",
    "view_organisation",
    "view_owner",
    "view_council",
    "view_recommendation",
    "change_recommendation",
    "view_progressupdate",
    "add_progressupdate",
]
# The follow-up an owner answers for; the report's wording, numbering, attribution and the
# choice of owners stay with the secretariat.
# The Japanese text and the record of who confirmed it: the owners' officials confirm or correct
# the secretariat's provisional translation of the items they own.
TRANSLATION_FIELDS = frozenset(
    {
        "title_ja",
        "text_ja",
        "text_ja_status",
        "text_ja_source",
        "text_ja_confirmed_by",
        "text_ja_confirmed_at",
    }
)
OFFICIAL_EDITABLE_FIELDS = frozenset({"target_council", "notes"}) | TRANSLATION_FIELDS
# What a status change may set: a side, or the overall status against the sides' (an override).
OVERALL = "overall"

# How long an author may correct or withdraw their update when no reporting round is open.
AMEND_WINDOW = datetime.timedelta(weeks=2)

# The acting user as the rules see it: `request.user` (signed in or not), or a service's author,
# None when no one acts (a command run by the system).
Actor = User | AnonymousUser | None


def signed_in_user(request: HttpRequest) -> User:
    """The account behind a request only signed-in users reach (the admin, the second factor's
    pages), as the services record it."""
    return cast(User, request.user)


@dataclass(frozen=True)
class Role:
    secretariat: bool = False
    owner: Owner | None = None
    # Their entry, for what else it says of them (language, time zone) without another query.
    official: Official | None = None

    @property
    def internal(self) -> bool:
        return self.secretariat or self.owner is not None


NOBODY = Role()


def role_of(user: Actor) -> Role:
    """The user's role, looked up once per user object (that is, once per request)."""
    if user is None or not user.is_authenticated or not user.is_active or not user.is_staff:
        return NOBODY
    cached = getattr(user, "_tracker_role", None)
    if cached is not None:
        return cached
    if user.is_superuser or user.groups.filter(name=SECRETARIAT_GROUP).exists():
        role = Role(secretariat=True)
    else:
        official = Official.objects.filter(user=user).select_related("owner").first()
        role = Role(owner=official.owner, official=official) if official else NOBODY
    # A per-request memo on the user object, which the model does not declare.
    user._tracker_role = role  # type: ignore[attr-defined]
    return role


def is_secretariat(user: Actor) -> bool:
    return role_of(user).secretariat


def owner_of(user: Actor) -> Owner | None:
    """The owner an official works for; None for the secretariat and everyone else."""
    return role_of(user).owner


def can_view_internal(user: Actor) -> bool:
    """May see internal updates, internal notes and archived items (admin, internal report), and
    so may change at least some recommendations (their owner's, or all for the secretariat):
    offers the edit actions and the import page. One right: whoever works in the tracker."""
    return role_of(user).internal


def can_archive(user: Actor) -> bool:
    return role_of(user).secretariat


def changeable(user: Actor, queryset: RecommendationQuerySet) -> RecommendationQuerySet:
    """The recommendations of `queryset` this user may change (still lockable with
    select_for_update(): see RecommendationQuerySet.owned_by)."""
    role = role_of(user)
    if role.secretariat:
        return queryset
    if role.owner is None:
        return queryset.none()
    return queryset.owned_by(role.owner).filter(archived_at__isnull=True)


def can_change(user: Actor, recommendation: Recommendation) -> bool:
    role = role_of(user)
    if role.secretariat:
        return True
    if role.owner is None or recommendation.archived_at is not None:
        return False
    return recommendation.is_owned_by(role.owner)


def why_read_only(user: Actor, recommendation: Recommendation) -> str | None:
    """Why this user may not change this recommendation and who can, in the words of the rules
    above; None when they may change it. Shown on the item's admin page, so nobody wonders."""
    if can_change(user, recommendation):
        return None
    reference = recommendation.reference
    if recommendation.archived_at is not None:
        return _("%(reference)s is archived; the secretariat can restore it.") % {
            "reference": reference
        }
    owners = ", ".join(
        owner.name for owner in [recommendation.lead_owner, *recommendation.co_owners.all()]
    )
    who = _("Officials of %(owners)s and the secretariat can change it.") % {"owners": owners}
    owner = role_of(user).owner
    if owner is None:
        why = _("Your account is not linked to an owner; the secretariat can link it.")
    else:
        why = _(
            "%(owner)s neither leads nor co-owns %(reference)s; the secretariat can change its "
            "owners."
        ) % {"owner": owner.name, "reference": reference}
    return f"{why} {who}"


def can_set_side(user: Actor, recommendation: Recommendation, side: str) -> bool:
    """May set `side`'s status of this recommendation: the secretariat either side, an official
    only their own government's side and only on an item they may change."""
    role = role_of(user)
    if role.secretariat:
        return side in (Side.EU, Side.JAPAN)
    if role.owner is None or role.owner.side != side:
        return False
    return can_change(user, recommendation)


def own_side(user: Actor) -> str | None:
    """The side an official reports for; None for the secretariat and everyone else."""
    owner = role_of(user).owner
    return owner.side if owner else None


def status_targets(user: Actor) -> list[str]:
    """What this user's status changes may set: their own side for an official; either side or
    the overall status (an override, with a reason) for the secretariat."""
    role = role_of(user)
    if role.secretariat:
        return [OVERALL, Side.EU, Side.JAPAN]
    return [role.owner.side] if role.owner else []


def editable_fields(user: Actor) -> frozenset[str] | None:
    """Fields this user may edit on a recommendation they may change; None means all of them."""
    role = role_of(user)
    if role.secretariat:
        return None
    if role.owner is None:
        return frozenset()
    # Their own side's status, and beside it that side's formal response and stalled reason.
    side = role.owner.side
    return OFFICIAL_EDITABLE_FIELDS | {SIDE_FIELDS[side], *answer_fields(side)}


def amendable_since(now: datetime.datetime) -> datetime.datetime:
    """The moment from which an official's own updates may still be corrected or withdrawn: the
    opening of the round under way, or two weeks back when none is open."""
    reporting_round = ReportingRound.objects.current()
    return reporting_round.opened_at if reporting_round else now - AMEND_WINDOW


def can_amend(user: Actor, update: ProgressUpdate, *, since: datetime.datetime) -> bool:
    """Whether this user may correct or withdraw this update: the secretariat always, its author
    while they may still change its recommendation and it was written since `since`
    (amendable_since). A withdrawn update is done with, for everyone."""
    if update.withdrawn_at is not None:
        return False
    if is_secretariat(user):
        return True
    if user is None or not user.is_authenticated or update.author_id != user.pk:
        return False
    return update.created_at >= since and can_change(user, update.recommendation)


def amendable_condition(user: Actor, *, since: datetime.datetime | None) -> Q:
    """can_amend as a condition on updates, for a timeline that offers the links (the change
    of the recommendation itself is asked of can_change on its page); `since` is needed for
    officials only."""
    if is_secretariat(user):
        return Q(withdrawn_at__isnull=True)
    if since is None or user is None or not user.is_authenticated or owner_of(user) is None:
        return Q(pk__in=[])
    return Q(withdrawn_at__isnull=True, author_id=user.pk, created_at__gte=since)
