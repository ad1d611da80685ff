"""Optimistic locking: every write to a recommendation goes through `next_version()`, which locks
its row until the transaction ends and moves its version on, so a form loaded before the write
can tell that it is stale and concurrent writers queue instead of overwriting each other."""

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
