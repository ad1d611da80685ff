"""The tracker's vocabularies. They sit apart from the models so that the rules built on them
(bilateral.py, permissions.py) and the models that store them can all import them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Side(models.TextChoices):
    EU = "eu", _("EU")
    JAPAN = "jp", _("Japan")
    # The EU-Japan Business Round Table speaks for businesses of both sides at once.
    JOINT = "joint", _("EU–Japan")


class Status(models.TextChoices):
    # "Not yet assessed" is where every item starts: the report records no implementation. It
    # must never read as "no action", so it has a label and a place of its own.
    NOT_ASSESSED = "not_assessed", _("Not yet assessed")
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    # Standing commitments ("maintain dialogue") never complete: they are carried out or not.
    ONGOING = "ongoing", _("Ongoing")
    COMPLETED = "completed", _("Completed")
    STALLED = "stalled", _("Stalled")
    DROPPED = "dropped", _("Dropped")


# What each status means, for the legend shown wherever statuses are (dashboard, list, item).
STATUS_MEANINGS = {
    Status.NOT_ASSESSED: _(
        "No report has reached the tracker yet — it does not mean that nothing is being done."
    ),
    Status.PLANNED: _("Action has been decided or scheduled but has not started."),
    Status.IN_PROGRESS: _("Work has started; it is not finished."),
    Status.ONGOING: _("A standing commitment that is being carried out and has no end date."),
    Status.COMPLETED: _("The action asked for has been carried out."),
    Status.STALLED: _("Work has stopped for now: something blocks it."),
    Status.DROPPED: _("The action will not be taken; the timeline says why."),
}


class UpdateKind(models.TextChoices):
    # An official's own words, and nothing else.
    NOTE = "note", _("Note")
    # The tracker records what moved (sides, overall status) as data, not as sentences, so each
    # reader sees it in their own language; the official's words, if any, ride along in `text`.
    CHANGE = "change", _("Status change")
    # "No change since the last report": an owner's side confirmed as it stands, in a round.
    CONFIRMATION = "confirmation", _("No change since the last report")


class TranslationStatus(models.TextChoices):
    NONE = "none", _("No Japanese translation yet")
    # The secretariat's translation, loaded with the report: readable, not yet checked by the
    # owners.
    PROVISIONAL = "provisional", _("Provisional translation")
    CONFIRMED = "confirmed", _("Translation confirmed")
    # The English text changed after the Japanese was made or confirmed.
    OUT_OF_DATE = "out_of_date", _("Original updated: translation to be checked")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public (stakeholders see it)")
    INTERNAL = "internal", _("Internal (officials only)")


# The field each government reports its side's status in; the overall status is `status`.
# Looked up with plain strings too (an owner's side, a form's choice): a Side is equal to its value.
SIDE_FIELDS: dict[str, str] = {Side.EU: "eu_status", Side.JAPAN: "japan_status"}


class Response(models.TextChoices):
    # A government's formal answer to the recommendation: did it take it up. It is apart from
    # the status (how far the work has got): "not accepted" with its reason is an answer, not
    # "dropped". The report records none, so every item starts with none.
    NO_RESPONSE = "no_response", _("No response yet")
    ACCEPTED = "accepted", _("Accepted")
    ACCEPTED_IN_PRINCIPLE = "accepted_in_principle", _("Accepted in principle")
    UNDER_CONSIDERATION = "under_consideration", _("Under consideration")
    NOTED = "noted", _("Noted (no action planned)")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")


# Answers that say no action will follow: they are refused without the government's rationale.
RESPONSES_NEEDING_RATIONALE = frozenset({Response.NOTED, Response.NOT_ACCEPTED})


class StalledReason(models.TextChoices):
    # Asked for whenever a side is set to stalled, so the Council sees what blocks the work.
    LEGISLATION = "legislation", _("Awaiting legislation")
    BUDGET = "budget", _("Budget")
    OTHER_SIDE = "other_side", _("Waiting for the other side")
    POLITICAL = "political", _("Needs a political decision")
    CAPACITY = "capacity", _("Capacity")
    OTHER = "other", _("Other")


# Each side's formal response and its stalled reason, named by side like SIDE_FIELDS.
RESPONSE_FIELDS: dict[str, str] = {Side.EU: "eu_response", Side.JAPAN: "japan_response"}
STALLED_FIELDS: dict[str, str] = {Side.EU: "eu_stalled_reason", Side.JAPAN: "japan_stalled_reason"}


def answer_fields(side: str) -> tuple[str, ...]:
    """The fields a side answers for beside its status: its response, the response's rationale
    and date, its stalled reason, that reason's detail and the step that would unblock it."""
    response, stalled = RESPONSE_FIELDS[side], STALLED_FIELDS[side]
    return (
        response,
        f"{response}_rationale",
        f"{response}_date",
        stalled,
        stalled.replace("_reason", "_detail"),
        stalled.replace("_reason", "_step"),
    )


class StepState(models.TextChoices):
    # A dated action a side commits to. A slipped step keeps its first date beside the new one.
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    SLIPPED = "slipped", _("Slipped")
