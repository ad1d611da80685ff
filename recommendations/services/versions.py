"""Optimistic locking: every write to a recommendation goes through `next_version()`, which locks
its row until the transaction ends and moves its version on, so a form loaded before the write
can tell that it is stale and concurrent writers queue instead of overwriting each other."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from django.contrib.auth.models import User
from django.db import models

from recommendations.models import Recommendation

# Bookkeeping fields that change on every save and say nothing to the person merging.
_NOT_COMPARED = {"version", "updated_at", "created_at"}


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: str
    after: str

    def __str__(self) -> str:
        return f"{self.field}: “{self.before}” → “{self.after}”"


class EditConflict(Exception):
    """Someone saved the recommendation after the form being submitted was loaded."""

    def __init__(
        self, *, current: Recommendation, changed_by: User | None, changes: list[FieldChange]
    ) -> None:
        self.current = current
        self.changed_by = changed_by
        self.changes = changes
        super().__init__(f"{current.reference} changed since version was loaded")


def next_version(recommendation: Recommendation) -> int:
    """Lock the recommendation's row for the rest of the transaction and set its next version.

    Must run inside transaction.atomic(): on PostgreSQL a concurrent writer now waits for this
    transaction to end, then reads the version this one wrote.
    """
    current = (
        Recommendation.objects.select_for_update()
        .values_list("version", flat=True)
        .get(pk=recommendation.pk)
    )
    recommendation.version = current + 1
    return recommendation.version


def _display(field: models.Field, value: object) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        # Many-to-many rows arrive as {"recommendation": …, "owner": …} dicts.
        assert field.related_model is not None  # a list comes from a many-to-many field
        related = field.related_model._meta.model_name
        return ", ".join(sorted(str(row[related]) for row in value)) or "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def changes_since(
    recommendation: Recommendation, version: int
) -> tuple[list[FieldChange], User | None]:
    """What changed on `recommendation` after `version`, field by field, and who saved last."""
    records = recommendation.history.order_by("-history_date", "-history_id")
    latest = records.first()
    loaded = records.filter(version=version).first()
    if latest is None or loaded is None:
        return [], latest.history_user if latest else None
    delta = latest.diff_against(loaded, excluded_fields=_NOT_COMPARED, foreign_keys_are_objs=True)
    changes = []
    for change in sorted(delta.changes, key=lambda c: c.field):
        # The history diffs the model's own fields, never a reverse relation.
        field = cast(models.Field, Recommendation._meta.get_field(change.field))
        changes.append(
            FieldChange(
                field=str(field.verbose_name).capitalize(),
                before=_display(field, change.old),
                after=_display(field, change.new),
            )
        )
    return changes, latest.history_user


def check_version(*, recommendation: Recommendation, loaded_version: int) -> None:
    """Refuse a write based on `loaded_version` when someone has saved since.

    `recommendation` must have been read with select_for_update() in the current transaction, so
    nobody can slip a save in between this check and the write that follows it.
    """
    if recommendation.version == loaded_version:
        return
    changes, changed_by = changes_since(recommendation, loaded_version)
    raise EditConflict(current=recommendation, changed_by=changed_by, changes=changes)


@dataclass(frozen=True)
class FieldConflict:
    """A field both savers changed, each differently: what they saved, who and when, and what
    the form now holds."""

    name: str
    label: str
    theirs: str
    yours: str
    by: User | None
    at: datetime.datetime | None


@dataclass(frozen=True)
class Merge:
    """The form's edits against the row as someone else has saved it since the form was loaded:
    `theirs` are the fields the form did not touch, which take the saved values; `conflicts`
    the fields both changed."""

    theirs: list[str]
    conflicts: list[FieldConflict]


def _normal(value: object) -> object:
    # A browser sends a text's line ends as \r\n; an empty text and no value read the same.
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace("\r\n", "\n")
    if isinstance(value, models.Model):
        return value.pk
    return value


def _value(row: object, field: models.Field) -> object:
    """`field`'s value on a recommendation or one of its history records, as compared."""
    if field.many_to_many:
        assert field.related_model is not None  # a many-to-many field always relates a model
        related = f"{field.related_model._meta.model_name}_id"
        rows = getattr(row, field.name).all()
        if isinstance(row, Recommendation):
            return frozenset(item.pk for item in rows)
        return frozenset(getattr(item, related) for item in rows)
    return _normal(getattr(row, field.attname))


def merge(
    *, recommendation: Recommendation, loaded_version: int, yours: dict[str, object]
) -> Merge:
    """Merge the form's values `yours` ({field: value}, a related row or rows as such) loaded at
    `loaded_version` with `recommendation` as saved since, three ways: base is the history
    record of the loaded version. Without that record every field the form holds differently is
    a conflict, as nothing says who changed what.

    `recommendation` must have been read with select_for_update() in the current transaction.
    """
    records = list(
        recommendation.history.filter(version__gte=loaded_version).order_by(
            "history_date", "history_id"
        )
    )
    base = next((record for record in records if record.version == loaded_version), None)
    since = records[records.index(base) + 1 :] if base is not None else []
    theirs: list[str] = []
    conflicts: list[FieldConflict] = []
    for name, value in yours.items():
        field = cast(models.Field, Recommendation._meta.get_field(name))
        mine = (
            frozenset(_normal(item) for item in cast(Iterable[object], value))
            if field.many_to_many
            else _normal(value)
        )
        current = _value(recommendation, field)
        loaded = _value(base, field) if base is not None else None
        if mine == current:
            continue
        if base is not None and mine == loaded:
            theirs.append(name)
            continue
        if base is not None and current == loaded:
            continue  # only this form changed it
        by, at = _last_change(since, field, loaded)
        conflicts.append(
            FieldConflict(
                name=name,
                label=str(field.verbose_name).capitalize(),
                theirs=_shown(field, recommendation),
                yours=_display(field, _shown_value(field, value)),
                by=by,
                at=at,
            )
        )
    return Merge(theirs=theirs, conflicts=conflicts)


def _last_change(
    since: list[models.Model], field: models.Field, loaded: object
) -> tuple[User | None, datetime.datetime | None]:
    """Who saved the last change of `field` among the records `since` (oldest first), from
    its `loaded` value; the last saver when the records do not say."""
    if not since:
        return None, None
    last = since[-1]
    previous = loaded
    for record in since:
        value = _value(record, field)
        if value != previous:
            last = record
        previous = value
    return getattr(last, "history_user", None), getattr(last, "history_date", None)


def _shown_value(field: models.Field, value: object) -> object:
    if field.many_to_many:
        return ", ".join(sorted(str(item) for item in cast(Iterable[object], value)))
    return value


def _shown(field: models.Field, recommendation: Recommendation) -> str:
    if field.many_to_many:
        return _display(field, _shown_value(field, getattr(recommendation, field.name).all()))
    if field.is_relation:
        return _display(field, getattr(recommendation, field.name))
    return _display(field, getattr(recommendation, field.attname))
