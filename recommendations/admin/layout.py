"""How the recommendation's change form is laid out, task first: the statuses, the follow-up,
then (the template puts the progress updates here) the report's own data, which only the
secretariat changes and an official reads collapsed."""

from django.contrib.admin.utils import flatten_fieldsets
from django.utils.translation import gettext_lazy as _

from recommendations.models import Recommendation
from recommendations.rules import permissions
from recommendations.rules.choices import Side, answer_fields

# Fieldsets with this class are the item's reference data: the change form template renders
# them after the progress updates.
REFERENCE_DATA = "reference-data"

IDENTITY = ["reference", "topic", "source", "number", "sequence", "parent"]
TEXT = ["title", "text", "title_ja", "text_ja", "organisations"]
# The Japanese text, which the owners' officials confirm or correct, and who confirmed it when.
TRANSLATION = ["title_ja", "text_ja", "translation_record"]
CONFIRM_TRANSLATION = "confirm_translation"
FOLLOW_UP = ["target_council", "notes", "lead_owner", "co_owners"]
RECORD = ["archived_at", "created_at", "updated_at"]
SIDE_LINES = {
    Side.EU: ("eu_status", "eu_status_date", "eu_status_by"),
    Side.JAPAN: ("japan_status", "japan_status_date", "japan_status_by"),
}
OVERALL_LINE = ("status", "status_date")
# Each side's formal response and, when stalled, why: beside its status, set with its rights.
ANSWER_LINES = {
    side: [
        (f"{side_name}_response", f"{side_name}_response_date"),
        f"{side_name}_response_rationale",
        (f"{side_name}_stalled_reason", f"{side_name}_stalled_detail"),
    ]
    for side, side_name in ((Side.EU, "eu"), (Side.JAPAN, "japan"))
}

BILATERAL = _(
    "Each side reports its own status; the overall status follows from the two unless the "
    "secretariat gives a reason to override it."
)

# A new item is typed in from the report: its reference data first.
ADD_FIELDSETS = [
    (None, {"fields": IDENTITY}),
    (_("Text"), {"fields": TEXT}),
    (_("Follow-up"), {"fields": FOLLOW_UP}),
    (
        _("Bilateral status"),
        {
            "description": BILATERAL,
            "fields": [OVERALL_LINE, "status_override_reason", *SIDE_LINES.values()],
        },
    ),
]
RESPONSE_TITLES = {Side.EU: _("EU response"), Side.JAPAN: _("Japan response")}
RESPONSES = _(
    "Each government's formal response to the recommendation, apart from how far the work has "
    "got. “Noted” and “Not accepted” need a rationale; a stalled side needs a reason."
)

# The stubs type fieldset options as a TypedDict, which a plain dict literal is not inferred as.
ALL_FIELDS = [
    *flatten_fieldsets(ADD_FIELDSETS),  # type: ignore[arg-type]
    *(field for side in (Side.EU, Side.JAPAN) for field in answer_fields(side)),
    *RECORD,
]


def change_fieldsets(
    user: permissions.Actor, recommendation: Recommendation, *, may_change: bool
) -> list:
    """The change form's fieldsets for this user: an official finds their own side's status
    first and the report's data folded away; the secretariat gets everything open."""
    side = permissions.own_side(user)
    reference_classes = [REFERENCE_DATA]
    if side is None:
        status = {
            "description": BILATERAL,
            "fields": [OVERALL_LINE, "status_override_reason", *SIDE_LINES.values()],
        }
    else:
        other = Side.EU if side == Side.JAPAN else Side.JAPAN
        lines: list[str | tuple[str, ...]] = [
            SIDE_LINES[Side(side)],
            SIDE_LINES[other],
            OVERALL_LINE,
        ]
        if recommendation.status_overridden:
            lines.append("status_override_reason")
        description = (
            _(
                "You set the %(side)s side's status. The overall status follows from the EU "
                "and Japan sides; only the secretariat overrides it."
            )
            % {"side": Side(side).label}
            if may_change
            else BILATERAL
        )
        status = {"description": description, "fields": lines}
        reference_classes.append("collapse")
    translation = [*TRANSLATION, CONFIRM_TRANSLATION] if may_change else TRANSLATION
    # An official's own side's response first, as their own side's status.
    order = [Side.EU, Side.JAPAN] if side != Side.JAPAN else [Side.JAPAN, Side.EU]
    answers = [
        (RESPONSE_TITLES[answering], {"description": RESPONSES, "fields": ANSWER_LINES[answering]})
        for answering in order
    ]
    return [
        (_("Status"), status),
        *answers,
        (_("Follow-up"), {"fields": FOLLOW_UP}),
        (
            _("Japanese translation"),
            {
                "description": _(
                    "The secretariat's translation stays provisional until an official of an "
                    "owner confirms it or corrects it; the English text is the authority."
                ),
                "fields": translation,
            },
        ),
        (
            _("The report's item"),
            {
                "classes": reference_classes,
                "fields": [*IDENTITY, *(field for field in TEXT if field not in TRANSLATION)],
            },
        ),
        (_("Record"), {"classes": [REFERENCE_DATA, "collapse"], "fields": RECORD}),
    ]


def read_only_fields(user: permissions.Actor) -> list[str]:
    """Every field this user may not edit (on an item they may change at all)."""
    editable = permissions.editable_fields(user)
    if editable is None:
        # Dates and authors of statuses are recorded by the save, not typed.
        recorded = [field for line in [OVERALL_LINE, *SIDE_LINES.values()] for field in line[1:]]
        return [*recorded, *RECORD, "translation_record"]
    return [field for field in ALL_FIELDS if field not in editable] + ["translation_record"]


def with_version(fieldsets: list) -> list:
    """The fieldsets with the hidden version field the optimistic lock needs (a form that may be
    saved carries it)."""
    (name, options), *rest = fieldsets
    return [(name, {**options, "fields": [*options["fields"], "loaded_version"]}), *rest]
