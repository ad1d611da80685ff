"""The reporting round before a Council: open it, call on the officials, count what each side
reported or confirmed, remind those behind (never twice), and notice who is overdue."""

import datetime
import io
import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Sink
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings
from django.utils import timezone

from recommendations.models import ProgressUpdate, Recommendation, ReportingRound, RoundMail
from recommendations.rules.choices import Side, Status, UpdateKind
from recommendations.services.rounds import confirm_unchanged, open_round
from recommendations.services.statuses import set_statuses
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DEADLINE = TODAY + datetime.timedelta(days=20)


@pytest.fixture
def world():
    """Two owners (EU and Japan), an official of each, and three items: one led by the EU owner
    alone, one led by the Japanese owner alone, one bilateral."""
    council = factories.CouncilFactory(number=3, date=TODAY + datetime.timedelta(days=60))
    eu = factories.OwnerFactory(code="CNECT", name="DG Connect", side=Side.EU)
    jp = factories.OwnerFactory(code="METI", name="METI", side=Side.JAPAN, government="Japan")
    eu_official = factories.OfficialFactory(owner=eu, user__username="anna")
    jp_official = factories.OfficialFactory(owner=jp, user__username="hana", language="ja")
    eu_only = factories.RecommendationFactory(reference="AI-1", lead_owner=eu)
    # Assessed already, so that their sides can be confirmed unchanged.
    jp_only = factories.RecommendationFactory(
        reference="AI-2", lead_owner=jp, japan_status=Status.PLANNED
    )
    both = factories.RecommendationFactory(
        reference="AI-3",
        lead_owner=eu,
        co_owners=[jp],
        eu_status=Status.PLANNED,
        japan_status=Status.PLANNED,
    )
    # Archived items are out of scope.
    factories.RecommendationFactory(reference="AI-4", lead_owner=eu, archived_at=timezone.now())
    return {
        "council": council,
        "eu": eu,
        "jp": jp,
        "eu_official": eu_official,
        "jp_official": jp_official,
        "eu_only": eu_only,
        "jp_only": jp_only,
        "both": both,
    }


@pytest.fixture(autouse=True)
def outbox_to_test_outbox(settings):
    """The outbox delivers into Django's test outbox (mail.outbox), as Django's test runner
    makes EMAIL_BACKEND do."""
    settings.MAILER_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def opened(world, **kwargs):
    # The calls go once the round's transaction commits, which each test's own transaction
    # would otherwise hold back.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return open_round(
            council=world["council"], deadline=DEADLINE, author=None, today=TODAY, **kwargs
        )


def closed_port() -> int:
    """A free loopback port nothing listens on: a mail server that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def progress(reporting_round):
    """Each item's sides as (due, reported, confirmed), by reference."""
    return {
        item.reference: {
            "eu": (item.eu_due, item.eu_reported, item.eu_confirmed),
            "jp": (item.jp_due, item.jp_reported, item.jp_confirmed),
        }
        for item in reporting_round.items()
    }


def test_opening_a_round_mails_each_official_the_items_due_from_their_owner(world):
    opened(world, message="Please report before the senior officials meet.")

    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {"anna@example.org", "hana@example.org"}
    anna = by_recipient["anna@example.org"]
    assert "AI-1" in anna.body and "AI-3" in anna.body
    assert "AI-2" not in anna.body and "AI-4" not in anna.body
    assert "Please report before the senior officials meet." in anna.body
    assert "http://localhost:8000/admin/recommendations/recommendation/?round=outstanding" in (
        anna.body
    )
    html, mimetype = anna.alternatives[0]
    assert mimetype == "text/html" and "AI-3" in html
    # The Japanese official reads it in Japanese.
    hana = by_recipient["hana@example.org"]
    assert "AI-2" in hana.body and "AI-3" in hana.body and "AI-1" not in hana.body
    assert "締切" in hana.subject or "報告" in hana.subject


def test_sides_count_as_reported_by_a_status_an_update_or_a_confirmation(world):
    reporting_round = opened(world)
    assert progress(reporting_round) == {
        "AI-1": {"eu": (True, False, False), "jp": (False, False, False)},
        "AI-2": {"eu": (False, False, False), "jp": (True, False, False)},
        "AI-3": {"eu": (True, False, False), "jp": (True, False, False)},
    }
    eu_user, jp_user = world["eu_official"].user, world["jp_official"].user
    set_statuses(recommendation=world["eu_only"], author=eu_user, sides={Side.EU: Status.PLANNED})
    factories.ProgressUpdateFactory(recommendation=world["jp_only"], author=jp_user)
    confirm_unchanged(recommendations=[world["both"]], author=jp_user)

    assert progress(reporting_round) == {
        "AI-1": {"eu": (True, True, False), "jp": (False, False, False)},
        "AI-2": {"eu": (False, False, False), "jp": (True, True, False)},
        "AI-3": {"eu": (True, False, False), "jp": (True, True, True)},
    }
    assert reporting_round.reported_count() == (2, 3)
    assert [item.reference for item in reporting_round.owner_outstanding(world["eu"])] == ["AI-3"]


def test_an_update_from_before_the_round_does_not_count(world):
    factories.ProgressUpdateFactory(
        recommendation=world["eu_only"], author=world["eu_official"].user
    )
    reporting_round = opened(world)
    assert progress(reporting_round)["AI-1"]["eu"] == (True, False, False)


def test_a_confirmation_is_dated_signed_and_on_the_public_timeline(world):
    opened(world)
    world["both"].japan_status = Status.IN_PROGRESS
    world["both"].save()
    jp_user = world["jp_official"].user

    [update] = confirm_unchanged(recommendations=[world["both"]], author=jp_user)

    assert (update.kind, update.sides, update.author, update.date) == (
        UpdateKind.CONFIRMATION,
        {"jp": "in_progress"},
        jp_user,
        TODAY,
    )
    assert update.event_text == "Japan side: no change since the last report (“In progress”)."
    assert ProgressUpdate.objects.public().filter(pk=update.pk).exists()


def test_a_confirmation_records_the_stored_status_not_the_callers_stale_copy(world):
    opened(world)
    stale_copy = Recommendation.objects.get(pk=world["both"].pk)
    world["both"].japan_status = Status.IN_PROGRESS
    world["both"].save()

    [update] = confirm_unchanged(recommendations=[stale_copy], author=world["jp_official"].user)

    assert update.sides == {"jp": "in_progress"}


def test_confirming_the_same_side_twice_in_a_round_records_nothing_the_second_time(world):
    opened(world)
    jp_user = world["jp_official"].user
    confirm_unchanged(recommendations=[world["both"]], author=jp_user)
    assert confirm_unchanged(recommendations=[world["both"]], author=jp_user) == []
    assert ProgressUpdate.objects.filter(kind=UpdateKind.CONFIRMATION).count() == 1


def test_an_official_confirming_an_item_not_theirs_is_refused_and_nothing_is_written(world):
    opened(world)
    with pytest.raises(ValidationError, match="You may not confirm AI-1"):
        confirm_unchanged(
            recommendations=[world["jp_only"], world["eu_only"]],
            author=world["jp_official"].user,
        )
    assert not ProgressUpdate.objects.exists()


def test_confirming_with_no_round_open_is_refused(world):
    with pytest.raises(ValidationError, match="No reporting round is open"):
        confirm_unchanged(recommendations=[world["eu_only"]], author=world["eu_official"].user)


@override_settings(REMINDER_DAYS=[7, 1])
def test_reminders_go_at_each_point_to_those_behind_listing_only_what_is_outstanding(world):
    reporting_round = opened(world)
    jp_user = world["jp_official"].user
    confirm_unchanged(recommendations=[world["jp_only"], world["both"]], author=jp_user)
    mail.outbox.clear()

    def run(day):
        mail.outbox.clear()
        call_command("send_reminders", "--today", day.isoformat())
        return [(message.to[0], message.body) for message in mail.outbox]

    assert run(DEADLINE - datetime.timedelta(days=8)) == []
    sent = run(DEADLINE - datetime.timedelta(days=7))
    # Only the EU official is behind, and only on what is still outstanding.
    assert [to for to, _body in sent] == ["anna@example.org"]
    assert "AI-1" in sent[0][1] and "AI-3" in sent[0][1] and "AI-2" not in sent[0][1]
    # The same day again, and the days until the next point: nothing new.
    assert run(DEADLINE - datetime.timedelta(days=7)) == []
    assert run(DEADLINE - datetime.timedelta(days=3)) == []
    set_statuses(
        recommendation=world["eu_only"],
        author=world["eu_official"].user,
        sides={Side.EU: Status.COMPLETED},
    )
    sent = run(DEADLINE - datetime.timedelta(days=1))
    assert len(sent) == 1 and "AI-3" in sent[0][1] and "AI-1" not in sent[0][1]
    assert run(DEADLINE - datetime.timedelta(days=1)) == []
    assert RoundMail.objects.filter(round=reporting_round, kind="reminder").count() == 2


def test_after_the_deadline_one_overdue_notice_per_owner_behind_and_a_summary(world):
    factories.SuperuserFactory(username="secretariat", email="secretariat@example.org")
    opened(world)
    confirm_unchanged(
        recommendations=[world["jp_only"], world["both"]], author=world["jp_official"].user
    )
    mail.outbox.clear()

    call_command("send_reminders", "--today", (DEADLINE + datetime.timedelta(days=1)).isoformat())

    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert set(subjects) == {"anna@example.org", "secretariat@example.org"}
    assert subjects["anna@example.org"].startswith("Overdue")
    summary = next(m for m in mail.outbox if m.to == ["secretariat@example.org"])
    assert "1 of 3 items reported" in summary.body
    assert "DG Connect: 2 items outstanding" in summary.body
    mail.outbox.clear()
    call_command("send_reminders", "--today", (DEADLINE + datetime.timedelta(days=2)).isoformat())
    assert mail.outbox == []


def test_a_reminder_the_server_does_not_take_waits_in_the_outbox_and_goes_once_later(
    world, settings
):
    reporting_round = opened(world)
    mail.outbox.clear()
    day = (DEADLINE - datetime.timedelta(days=1)).isoformat()
    settings.MAILER_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()

    down = io.StringIO()
    call_command("send_reminders", "--today", day, stdout=down)

    # The first mail finds the server down; the other is not tried and waits with it.
    assert "2 new mail(s) due; 0 mail(s) sent, 1 failed, 2 waiting" in down.getvalue()
    assert RoundMail.objects.filter(round=reporting_round, kind="reminder").count() == 2
    settings.MAILER_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    up = io.StringIO()
    call_command("send_reminders", "--today", day, stdout=up)
    call_command("send_reminders", "--today", day)

    assert "0 new mail(s) due; 2 mail(s) sent, 0 failed, 0 waiting" in up.getvalue()
    assert sorted(message.to[0] for message in mail.outbox) == [
        "anna@example.org",
        "hana@example.org",
    ]


def test_send_reminders_with_no_open_round_says_so(world, capsys):
    call_command("send_reminders")
    assert "No reporting round is open" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--council", "9", "--deadline", "2099-01-01"], "there is no Council no. 9"),
        (["--council", "3", "--deadline", "31/03/2027"], "give a date as YYYY-MM-DD"),
        (["--council", "3", "--deadline", "2001-01-01"], "is in the past"),
        (["--council", "1", "--deadline", "2099-01-01"], "was held on"),
    ],
)
def test_open_round_refuses_bad_input_and_writes_nothing(world, arguments, message):
    factories.CouncilFactory(number=1, date=TODAY - datetime.timedelta(days=30))
    with pytest.raises(CommandError, match=message):
        call_command("open_round", *arguments)
    assert not ReportingRound.objects.exists()
    assert mail.outbox == []


def test_a_second_open_round_is_refused(world, capsys):
    call_command("open_round", "--council", "3", "--deadline", DEADLINE.isoformat())
    assert "2 officials called on to report" in capsys.readouterr().out
    factories.CouncilFactory(number=4, date=TODAY + datetime.timedelta(days=200))
    with pytest.raises(CommandError, match="A round is already open"):
        call_command("open_round", "--council", "4", "--deadline", DEADLINE.isoformat())
    assert ReportingRound.objects.count() == 1


def test_the_call_goes_through_a_real_smtp_server(world, settings):
    received = []

    class Collect(Sink):
        async def handle_DATA(self, server, session, envelope):
            received.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
            return "250 OK"

    port = closed_port()
    controller = Controller(Collect(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.MAILER_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        opened(world)
    finally:
        controller.stop()

    assert sorted(to for [to], _content in received) == ["anna@example.org", "hana@example.org"]
    anna = next(content for [to], content in received if to == "anna@example.org")
    assert "multipart/alternative" in anna and "text/html" in anna and "AI-3" in anna
    assert RoundMail.objects.filter(kind="call").count() == 2
