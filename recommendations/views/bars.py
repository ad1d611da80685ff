"""The status bars and their legend, as the dashboard and the topic and organisation pages draw
them: a segment per status, each a link to the list filtered to it."""

from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.db.models import Choices
from django.urls import reverse

from recommendations.rules.choices import STATUS_MEANINGS, Response, Status

# Each response drawn with the pattern of the status nearest it, so a response bar reads in the
# shapes the status bars already taught.
RESPONSE_PATTERNS: dict[str, str] = {
    Response.NO_RESPONSE: Status.NOT_ASSESSED,
    Response.ACCEPTED: Status.COMPLETED,
    Response.ACCEPTED_IN_PRINCIPLE: Status.ONGOING,
    Response.UNDER_CONSIDERATION: Status.PLANNED,
    Response.NOTED: Status.STALLED,
    Response.NOT_ACCEPTED: Status.DROPPED,
}

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# A stacked bar as the templates draw it.
Bar = dict[str, object]


def status_legend() -> list[dict[str, object]]:
    """Each status with its label and what it means, for the legend (_legend.html)."""
    return [
        {"status": status.value, "label": status.label, "meaning": STATUS_MEANINGS[status]}
        for status in Status
    ]


def list_url(**params: object) -> str:
    return f"{reverse('recommendations:list')}?{urlencode(params)}"


def bar(
    label: "StrOrPromise",
    counts: Mapping[str, int],
    params: Mapping[str, object],
    url: str | None = None,
    *,
    choices: type[Choices] = Status,
    param: str = "status",
) -> Bar:
    """One stacked bar: a segment per status, in the workflow's order, widths in percent.

    Widths are strings so that templates never localise the decimal separator of an SVG
    attribute. `choices` are what the segments count (statuses, or responses linked to the list
    by `param`)."""
    total = sum(counts.values())
    segments, x = [], 0.0
    for status in choices:
        count = counts.get(status.value, 0)
        if not count:
            continue
        width = 100 * count / total
        segments.append(
            {
                "status": status.value,
                "pattern": RESPONSE_PATTERNS.get(str(status.value), str(status.value)),
                "label": status.label,
                "count": count,
                "x": f"{x:.3f}%",
                "width": f"{width:.3f}%",
                "url": list_url(**params, **{param: status.value}),
            }
        )
        x += width
    return {"label": label, "url": url, "total": total, "segments": segments}
