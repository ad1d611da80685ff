"""Status changes and progress updates: every status change leaves a progress update behind, so
a recommendation's timeline always explains its current status."""

import datetime
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import cast

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext as _

from recommendations.models import ProgressUpdate, Recommendation
from recommendations.rules import permissions
from recommendations.rules.answers import answer_errors, cleared_stall
from recommendations.rules.bilateral import OverrideNeedsReason, resolve
from recommendations.rules.choices import (
    RESPONSE_FIELDS,
    SIDE_FIELDS,
    STALLED_FIELDS,
    Response,
    Side,
    StalledReason,
    Status,
    UpdateKind,
    Visibility,
    answer_fields,
)
from recommendations.services.versions import next_version

# What a status change is decided from and who may make it: re-read under lock before deciding.
_DECIDED_FROM = [
    "status",
    "status_date",
    "status_override_reason",
    *(f"{field}{suffix}" for field in SIDE_FIELDS.values() for suffix in ("", "_date", "_by")),
    *(field for side in SIDE_FIELDS for field in answer_fields(side)),
    "lead_owner",
    "archived_at",
    "version",
]
# The side each answer field (response, rationale, date, stalled reason and detail) belongs to.
_ANSWER_SIDES = {field: side for side in SIDE_FIELDS for field in answer_fields(side)}


def _check_status(status: str, field: str) -> None:
    if status not in Status.values:
        raise ValidationError(
            {field: _("“%(status)s” is not a known status.") % {"status": status}}
        )


def _answer_sides(answers: Mapping[str, object]) -> set[str]:
    """The sides `answers` writes for, each field's value checked against its vocabulary."""
    for field, value in answers.items():
        if field not in _ANSWER_SIDES:
            raise ValidationError(
                {field: _("“%(field)s” is not a response field.") % {"field": field}}
            )
        if field in RESPONSE_FIELDS.values() and value not in Response.values:
            raise ValidationError(
                {field: _("“%(response)s” is not a known response.") % {"response": value}}
            )
        if field in STALLED_FIELDS.values() and value and value not in StalledReason.values:
            raise ValidationError(
                {field: _("“%(reason)s” is not a known reason for a stall.") % {"reason": value}}
            )
    return {_ANSWER_SIDES[field] for field in answers}


def _settle_answers(
    recommendation: Recommendation,
    *,
    answers: Mapping[str, object],
    moved: Mapping[str, str],
    on: datetime.date,
) -> list[str]:
    """Write `answers` on the locked row and hold each side to the answers' rules: a response
    that changes is dated `on` unless a date is given; "noted" and "not accepted" need their
    rationale; a side set to stalled needs its reason (and "other" its detail), and a side no
    longer stalled loses it. Returns the fields changed."""
    changed = []
    for field, value in answers.items():
        if getattr(recommendation, field) != value:
            setattr(recommendation, field, value)
            changed.append(field)
    for side in SIDE_FIELDS:
        response, date = RESPONSE_FIELDS[side], f"{RESPONSE_FIELDS[side]}_date"
        if response in changed and date not in answers:
            answered = getattr(recommendation, response) != Response.NO_RESPONSE
            setattr(recommendation, date, on if answered else None)
            changed.append(date)
    errors = answer_errors(recommendation, changed=set(changed), moved=set(moved))
    if errors:
        raise ValidationError(errors)
    for field in cleared_stall(recommendation):
        # The unblocking step is a link: cleared to none, the reason and detail to no text.
        setattr(recommendation, field, None if field.endswith("_step") else "")
        changed.append(field)
    return list(dict.fromkeys(changed))


def _check_rights(
    *,
    author: User | None,
    recommendation: Recommendation,
    sides: Mapping[str, str],
    answering: Collection[str] = (),
    overriding: bool,
    edited: Collection[str],
    writes: bool,
) -> None:
    """Refuse what `author` may not do to `recommendation` as it is now, under lock. No author
    is the tracker itself (a command, a data migration), which answers to nobody."""
    if author is None:
        return
    if writes and not permissions.can_change(author, recommendation):
        raise PermissionDenied(
            _("You may not change %(reference)s.") % {"reference": recommendation.reference}
        )
    for side in sides:
        if not permissions.can_set_side(author, recommendation, side):
            raise PermissionDenied(
                _("You may not set the %(side)s status of %(reference)s.")
                % {"side": Side(side).label, "reference": recommendation.reference}
            )
    for side in answering:
        if not permissions.can_set_side(author, recommendation, side):
            raise PermissionDenied(
                _("You may not set the %(side)s response of %(reference)s.")
                % {"side": Side(side).label, "reference": recommendation.reference}
            )
    if overriding and not permissions.is_secretariat(author):
        raise PermissionDenied(_("Only the secretariat sets the overall status by hand."))
    allowed = permissions.editable_fields(author)
    refused = sorted(set(edited) - allowed) if allowed is not None else []
    if refused:
        labels = [
            str(cast(Field, Recommendation._meta.get_field(name)).verbose_name) for name in refused
        ]
        raise PermissionDenied(_("You may not change %(fields)s.") % {"fields": ", ".join(labels)})


def set_statuses(
    *,
    recommendation: Recommendation,
    author: User | None,
    sides: Mapping[str, str] | None = None,
    overall: str | None = None,
    reason: str = "",
    drop_reason: bool = False,
    text: str = "",
    evidence_url: str = "",
    visibility: str = Visibility.PUBLIC,
    on: datetime.date | None = None,
    edited: Collection[str] = (),
    answers: Mapping[str, object] | None = None,
    save_relations: Callable[[], None] | None = None,
) -> ProgressUpdate | None:
    """Set side statuses and, for the secretariat, the overall status, as one change with one
    progress update and one history record; with `edited`, the other fields named there (their
    new values already on `recommendation`) and the relations `save_relations` writes are saved
    in the same record, so one form save is one write.

    `author` is the acting user: what they may set is asked of `permissions` here, against the
    row as it is once locked (PermissionDenied otherwise); None is the tracker itself. The row is
    locked and its statuses re-read before anything is decided, so a concurrent change of the
    other side is never overwritten with a stale copy.

    The overall status follows the sides unless the secretariat overrides it with a reason
    (bilateral.resolve); a `reason` given here is recorded on the item, `drop_reason` removes the
    one it has (the overall status goes back to the sides). `answers` sets each side's response
    and stalled reason (field name to value), with the same rights as that side's status and the
    rules of _settle_answers. The progress update carries `text`
    and says what moved; with nothing moved, nothing edited and no text, nothing is recorded and
    None is returned.
    """
    sides = dict(sides or {})
    for side, status in sides.items():
        if side not in SIDE_FIELDS:
            raise ValidationError({"side": _("“%(side)s” is not a side.") % {"side": side}})
        _check_status(status, SIDE_FIELDS[side])
    if overall is not None:
        _check_status(overall, "status")
    answers = dict(answers or {})
    answering = _answer_sides(answers)
    text = text.strip()
    on = on or timezone.localdate()
    relations = [field for field in edited if field in _m2m_fields()]
    columns = [field for field in edited if field not in relations]
    with transaction.atomic():
        recommendation.refresh_from_db(
            fields=[field for field in _DECIDED_FROM if field not in columns],
            from_queryset=Recommendation.objects.select_for_update(),
        )
        overriding = overall is not None or bool(reason.strip()) or drop_reason
        _check_rights(
            author=author,
            recommendation=recommendation,
            sides=sides,
            answering=answering,
            overriding=overriding,
            edited=edited,
            writes=bool(sides or answers or overriding or edited or text),
        )
        changed = list(columns)
        moved: dict[str, str] = {}
        moves = False
        if sides or overriding:
            if drop_reason:
                recommendation.status_override_reason = ""
            try:
                outcome = resolve(recommendation, sides=sides, overall=overall, reason=reason)
            except OverrideNeedsReason as problem:
                raise ValidationError({"status_override_reason": str(problem)}) from None
            for side, field in SIDE_FIELDS.items():
                status = getattr(outcome, field)
                if getattr(recommendation, field) != status:
                    setattr(recommendation, field, status)
                    setattr(recommendation, f"{field}_date", on)
                    setattr(recommendation, f"{field}_by", author)
                    changed += [field, f"{field}_date", f"{field}_by"]
                    moved[side] = status
            moves = outcome.status != recommendation.status
            if moves:
                recommendation.status = outcome.status
                recommendation.status_date = on
                changed += ["status", "status_date"]
            if drop_reason or outcome.override_reason != recommendation.status_override_reason:
                # The reason is internal: the history keeps it, the public update does not.
                recommendation.status_override_reason = outcome.override_reason
                changed.append("status_override_reason")
        changed += _settle_answers(recommendation, answers=answers, moved=moved, on=on)
        if not changed and not relations and not text:
            return None
        # What moved is stored as data and put into words when read, in the reader's language.
        kind = UpdateKind.CHANGE if moved or moves else UpdateKind.NOTE
        update = None
        if kind == UpdateKind.CHANGE or text:
            update = ProgressUpdate(
                recommendation=recommendation,
                date=on,
                author=author,
                kind=kind,
                text=text,
                sides=moved,
                evidence_url=evidence_url,
                status=recommendation.status if moves else "",
                visibility=visibility,
            )
            update.full_clean()
        if changed or relations:
            if save_relations is not None:
                # The one history record below snapshots the relations; their own signals
                # would each add a record of their own.
                recommendation.skip_history_when_saving = True  # type: ignore[attr-defined]
                try:
                    save_relations()
                finally:
                    del recommendation.skip_history_when_saving  # type: ignore[attr-defined]
            next_version(recommendation)
            # simple-history reads these when it writes the historical row.
            recommendation._history_user = author
            recommendation._change_reason = (
                (update.message if update else "")
                or (
                    _("Reason for overriding the sides changed.")
                    if "status_override_reason" in changed
                    else _("Response changed.")
                    if set(RESPONSE_FIELDS.values()) & set(changed)
                    else ""
                )
            )[:100]
            recommendation.save(update_fields=[*dict.fromkeys(changed), "version", "updated_at"])
        if update is not None:
            update.save()
    return update


def _m2m_fields() -> set[str]:
    return {field.name for field in Recommendation._meta.many_to_many}


def bulk_set_statuses(
    *,
    recommendations: Iterable[Recommendation],
    author: User | None,
    sides: Mapping[str, str] | None = None,
    overall: str | None = None,
    reason: str = "",
    text: str = "",
    evidence_url: str = "",
    visibility: str = Visibility.PUBLIC,
    on: datetime.date | None = None,
    answers: Mapping[str, object] | None = None,
) -> list[ProgressUpdate]:
    """The same change on many recommendations, all or nothing, one progress update each; the
    rows are locked in one order (by key) so two bulk changes at once queue, never deadlock."""
    items = sorted(recommendations, key=lambda item: item.pk)
    updates = []
    with transaction.atomic():
        list(
            Recommendation.objects.select_for_update()
            .filter(pk__in=[item.pk for item in items])
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for item in items:
            updates.append(
                set_statuses(
                    recommendation=item,
                    author=author,
                    sides=sides,
                    overall=overall,
                    reason=reason,
                    text=text,
                    evidence_url=evidence_url,
                    visibility=visibility,
                    on=on,
                    answers=answers,
                )
            )
    return [update for update in updates if update is not None]


def record_update(
    *,
    update: ProgressUpdate,
    author: User | None,
) -> ProgressUpdate:
    """Save a progress update written by an official or the secretariat.

    Statuses are set on the recommendation (set_statuses), which records the update that says
    so; an update that claims to set one is refused rather than recorded as if it had.
    """
    update.author = update.author or author
    if update.status:
        raise ValidationError(
            {"status": _("Set the status on the recommendation itself; updates only record it.")}
        )
    update.full_clean()
    update.save()
    return update
