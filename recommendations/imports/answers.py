"""A row's answers beside its statuses (each side's response, rationale, stalled reason and
detail): what its edited cells ask for, refused where the uploader may not set that side or the
answers break their rules (rules.answers)."""

import copy
from collections.abc import Callable

from django.utils.translation import gettext as _

from recommendations.imports.reading import Row
from recommendations.models import Recommendation
from recommendations.rules.answers import answer_errors
from recommendations.rules.bilateral import Outcome
from recommendations.rules.choices import (
    SIDE_FIELDS,
    Response,
    Side,
    StalledReason,
    answer_fields,
)

# error(column, message) reports a problem with one cell of the row being judged.
RowReporter = Callable[[str, str], None]


def answer_label(value: str) -> str:
    """A response or stalled reason by its label; a rationale or detail as it is."""
    for choices in (Response, StalledReason):
        if value in choices.values:
            return str(choices(value).label)
    return value


def answers_asked(
    *,
    row: Row,
    item: Recommendation,
    own_side: str | None,
    outcome: Outcome,
    edited: set[str],
    error: RowReporter,
) -> dict[str, str]:
    """The answers (responses, stalled reasons) the row's edited cells ask for, each refused
    where the uploader may not set that side or the side's answers break their rules."""
    answers = {field: value for field, value in row.answers.items() if field in edited}
    if own_side is not None:
        for field in answers:
            if field not in answer_fields(own_side):
                error(
                    field,
                    _("You may set only the %(own)s side; leave this as it is (“%(current)s”).")
                    % {"own": Side(own_side).label, "current": answer_label(getattr(item, field))},
                )
    after = copy.copy(item)
    for field, value in answers.items():
        setattr(after, field, value)
    moved = set()
    for side, status in SIDE_FIELDS.items():
        setattr(after, status, getattr(outcome, status))
        if getattr(item, status) != getattr(outcome, status):
            moved.add(side)
    for field, message in answer_errors(after, changed=set(answers), moved=moved).items():
        error(field, message)
    return answers
