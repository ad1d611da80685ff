"""The dashboard: where the recommendations stand, as bars by status, topic, owner and side,
each segment a link to the list filtered to it."""

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from recommendations.models import Council, Organisation, Owner, ProgressUpdate, Topic
from recommendations.models.reference import localised_name
from recommendations.rules.choices import Response, Side, Status
from recommendations.tallies.dashboard import counts as count_by_status
from recommendations.tallies.rounds import public_round_line
from recommendations.views.bars import Bar, bar, list_url, status_legend
from recommendations.views.caching import request_data_version

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

LATEST_UPDATES = 8

# A row of count_by_status (a values() row: its fields and `status`, `count`).
Row = Mapping[str, Any]


def _bars(
    rows: Iterable[Row],
    key: str,
    label: Callable[[Row], "StrOrPromise"],
    params: Callable[[Row], Mapping[str, object]],
    url: Callable[[Row], str] | None = None,
) -> list[Bar]:
    """Group `count_by_status` rows into bars, keeping the rows' order."""
    grouped: dict[Any, dict[str, Any]] = {}
    for row in rows:
        entry = grouped.setdefault(row[key], {"row": row, "counts": {}})
        entry["counts"][row["status"]] = row["count"]
    return [
        bar(
            label(entry["row"]),
            entry["counts"],
            params(entry["row"]),
            url(entry["row"]) if url else None,
        )
        for entry in grouped.values()
    ]


def _label_rows(
    count_rows: Iterable[Row], key: str, objects: Sequence[Model], fields: Sequence[str]
) -> list[dict[str, Any]]:
    """Counts by a related row's id, given that row's `fields` as `key__field` (the shape of
    `count_by_status` over a relation), in the order of `objects`. The counts come from the
    cache; labels are read fresh, so a renamed topic or owner shows at once."""
    position = {obj.pk: index for index, obj in enumerate(objects)}
    by_pk = {obj.pk: obj for obj in objects}
    rows = []
    for row in sorted(
        (row for row in count_rows if row[f"{key}_id"] in by_pk),
        key=lambda row: position[row[f"{key}_id"]],
    ):
        obj = by_pk[row[f"{key}_id"]]
        labelled = {f"{key}__{field}": getattr(obj, field) for field in fields}
        rows.append({**labelled, "status": row["status"], "count": row["count"]})
    return rows


def home(request: HttpRequest) -> HttpResponse:
    next_council, last_council = Council.objects.next_and_last(timezone.localdate())
    counts = count_by_status(
        version=request_data_version(request),
        changed_since=last_council.date if last_council else None,
    )
    status_rows = counts["by_status"]
    by_status = {row["status"]: row["count"] for row in status_rows}
    divergent = sum(row["divergent"] for row in status_rows)
    awaiting = [
        {
            "side": side,
            "count": sum(row[f"awaiting_{key}"] for row in status_rows),
            "url": list_url(awaiting=side.value),
        }
        for side, key in ((Side.EU, "eu"), (Side.JAPAN, "japan"))
    ]
    status_counts = [
        {"status": s.value, "label": s.label, "count": by_status.get(s.value, 0)} for s in Status
    ]
    total = sum(by_status.values())

    topic_rows = _label_rows(
        counts["by_topic"], "topic", list(Topic.objects.all()), ["code", "name", "name_ja"]
    )
    topic_bars = _bars(
        topic_rows,
        "topic__code",
        label=lambda r: localised_name(r["topic__name"], r["topic__name_ja"]),
        params=lambda r: {"topic": r["topic__code"]},
        url=lambda r: reverse("recommendations:topic", args=[r["topic__code"]]),
    )
    owners = list(Owner.objects.order_by("side", "code"))
    owner_rows = _label_rows(
        counts["by_owner"],
        "lead_owner",
        owners,
        ["code", "name", "name_ja", "side"],
    )
    owner_bars = _bars(
        owner_rows,
        "lead_owner__code",
        label=lambda r: localised_name(r["lead_owner__name"], r["lead_owner__name_ja"]),
        params=lambda r: {"owner": r["lead_owner__code"]},
    )
    # Each side's counts are its owners' (owner_rows come ordered by side).
    by_side: dict[tuple[str, str], int] = {}
    for row in owner_rows:
        slot = (row["lead_owner__side"], row["status"])
        by_side[slot] = by_side.get(slot, 0) + row["count"]
    side_rows = [
        {"lead_owner__side": side, "status": status, "count": count}
        for (side, status), count in by_side.items()
    ]
    side_bars = _bars(
        side_rows,
        "lead_owner__side",
        label=lambda r: Side(r["lead_owner__side"]).label,
        params=lambda r: {"side": r["lead_owner__side"]},
    )

    step_counts = counts["steps_by_owner"]
    owner_steps = [
        {
            "owner": localised_name(owner.name, owner.name_ja),
            "on_time": ngettext(
                "%(count)s next step on time", "%(count)s next steps on time", tally["on_time"]
            )
            % {"count": tally["on_time"]},
            "overdue": ngettext("%(count)s overdue", "%(count)s overdue", tally["overdue"])
            % {"count": tally["overdue"]},
            "overdue_url": list_url(owner=owner.code, overdue="true") if tally["overdue"] else None,
        }
        for owner in owners
        if (tally := step_counts.get(owner.pk))
    ]

    response_bars = [
        bar(
            label,
            {r: sum(row[f"{key}_response_{r}"] for row in status_rows) for r in Response.values},
            {},
            choices=Response,
            param=f"{key}_response",
        )
        for label, key in ((Side.EU.label, "eu"), (Side.JAPAN.label, "japan"))
    ]

    changed_since_last = counts["changed_since"]
    updated_since_url = None
    # The last Council held is always dated (CouncilManager.next_and_last).
    if last_council is not None and last_council.date is not None:
        updated_since_url = list_url(
            updated_since=(last_council.date + datetime.timedelta(days=1)).isoformat(),
            ordering="-last_update",
        )

    latest_updates = ProgressUpdate.objects.for_public_news()[:LATEST_UPDATES]
    organisations = Organisation.objects.order_by("acronym")
    return render(
        request,
        "recommendations/home.html",
        {
            "total": total,
            "divergent": divergent,
            "divergent_url": list_url(divergent="1"),
            "awaiting": awaiting,
            "legend": status_legend(),
            "status_counts": status_counts,
            "topic_bars": topic_bars,
            "owner_bars": owner_bars,
            "side_bars": side_bars,
            "response_bars": response_bars,
            "owner_steps": owner_steps,
            "next_council": next_council,
            "last_council": last_council,
            "changed_since_last": changed_since_last,
            "updated_since_url": updated_since_url,
            "latest_updates": latest_updates,
            "organisations": organisations,
            "round_line": public_round_line(),
        },
    )
