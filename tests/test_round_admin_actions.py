"""The round run from the admin: the reminders sent now and the call sent again to one official
or one owner, each after a confirmation; every mail of the round listed with its time and state;
the after-deadline summary to every secretariat account with an address (and the command saying
so when there is none); only Councils still to come offered for a new round. Mail goes through
a real SMTP server (aiosmtpd)."""

import datetime
import io
import socket

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.utils import timezone

from recommendations.models import RoundMail
from recommendations.rules.choices import Side
from recommendations.services.rounds import open_round
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DEADLINE = TODAY + datetime.timedelta(days=10)


class Inbox:
    """What the SMTP server was given: (recipient, message) pairs."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str]] = []

    async def handle_DATA(self, server, session, envelope):
        content = envelope.content.decode("utf-8", "replace")
        self.received.extend((to, content) for to in envelope.rcpt_tos)
        return "250 OK"

    def recipients(self) -> list[str]:
        return sorted(to for to, _content in self.received)


@pytest.fixture
def inbox(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILER_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    yield handler
    controller.stop()


@pytest.fixture
def world():
    council = factories.CouncilFactory(number=3, date=TODAY + datetime.timedelta(days=60))
    eu = factories.OwnerFactory(code="CNECT", name="DG Connect", side=Side.EU)
    jp = factories.OwnerFactory(code="METI", name="METI", side=Side.JAPAN)
    anna = factories.OfficialFactory(owner=eu, user__username="anna")
    ben = factories.OfficialFactory(owner=eu, user__username="ben")
    hana = factories.OfficialFactory(owner=jp, user__username="hana")
    factories.RecommendationFactory(reference="AI-1", lead_owner=eu)
    factories.RecommendationFactory(reference="AI-2", lead_owner=jp)
    return {"council": council, "eu": eu, "anna": anna, "ben": ben, "hana": hana}


@pytest.fixture
def reporting_round(world, inbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        opened = open_round(council=world["council"], deadline=DEADLINE, author=None)
    inbox.received.clear()
    return opened


def url(reporting_round, action: str) -> str:
    return f"/admin/recommendations/reportinground/{reporting_round.pk}/{action}/"


def test_send_the_reminders_now_asks_first_then_mails_every_official_behind(
    admin_client, reporting_round, inbox, django_capture_on_commit_callbacks
):
    asked = admin_client.get(url(reporting_round, "remind")).content.decode()
    assert "DG Connect: 1 item outstanding" in asked and "METI: 1 item outstanding" in asked
    assert inbox.received == []

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url(reporting_round, "remind"), follow=True)

    assert inbox.recipients() == ["anna@example.org", "ben@example.org", "hana@example.org"]
    assert "3 reminders queued" in response.content.decode()
    assert RoundMail.objects.filter(kind=RoundMail.Kind.REMINDER).count() == 3


def test_the_call_is_sent_again_to_one_official_after_a_confirmation(
    admin_client, reporting_round, world, inbox, django_capture_on_commit_callbacks
):
    resend = url(reporting_round, "resend")
    asked = admin_client.get(f"{resend}?official={world['ben'].pk}").content.decode()
    assert "Send the call for updates again to ben@example.org (DG Connect)?" in asked
    assert inbox.received == []

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(resend, {"official": world["ben"].pk})

    assert inbox.recipients() == ["ben@example.org"]
    assert "AI-1" in inbox.received[0][1]


def test_the_call_is_sent_again_to_every_official_of_one_owner(
    admin_client, reporting_round, world, inbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url(reporting_round, "resend"), {"owner": world["eu"].pk})

    assert inbox.recipients() == ["anna@example.org", "ben@example.org"]


def test_the_round_page_lists_every_mail_with_its_time_and_state(
    admin_client, reporting_round, world, settings, django_capture_on_commit_callbacks
):
    # The server goes away: the call sent again to Hana waits in the outbox, failed once.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        settings.EMAIL_PORT = probe.getsockname()[1]
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url(reporting_round, "resend"), {"official": world["hana"].pk})

    page = admin_client.get(reporting_round.get_absolute_url()).content.decode()

    mails = page.split('id="round-mails"')[1].split("</table>")[0]
    assert mails.count('<tr class="mail-sent">') == 3
    failed = mails.split('<tr class="mail-failed">')[1].split("</tr>")[0]
    assert "hana@example.org" in failed and "Failed" in failed
    assert "tried again at the next delivery" in failed
    assert "Call for updates" in mails and "Sent " in mails


def test_the_summary_goes_to_every_secretariat_account_with_an_address(
    reporting_round, inbox, secretariat_user
):
    factories.SuperuserFactory(username="admin", email="")
    factories.SuperuserFactory(username="chief", email="chief@example.org")
    secretariat_user.email = "desk@example.org"
    secretariat_user.save()

    out = io.StringIO()

    call_command(
        "send_reminders", "--today", (DEADLINE + datetime.timedelta(days=1)).isoformat(), stdout=out
    )

    subject = "Subject: Council no. 3: reporting round past its deadline"
    summaries = [to for to, content in inbox.received if subject in content]
    assert sorted(summaries) == ["chief@example.org", "desk@example.org"]
    assert "The secretariat's summary went to chief@example.org, desk@example.org." in (
        out.getvalue()
    )


def test_send_reminders_says_plainly_when_no_secretariat_account_has_an_address(
    reporting_round, inbox
):
    factories.SuperuserFactory(username="admin", email="")
    out = io.StringIO()

    call_command(
        "send_reminders", "--today", (DEADLINE + datetime.timedelta(days=1)).isoformat(), stdout=out
    )

    assert (
        "The secretariat's summary was not sent: no active secretariat account has an e-mail"
        in (out.getvalue())
    )
    assert not RoundMail.objects.filter(kind=RoundMail.Kind.SUMMARY).exists()


def test_add_reporting_round_offers_only_councils_still_to_come(admin_client, world):
    factories.CouncilFactory(number=1, date=TODAY - datetime.timedelta(days=400))
    factories.CouncilFactory(number=2, date=TODAY - datetime.timedelta(days=30))
    factories.CouncilFactory(number=4, date=None)

    form = admin_client.get("/admin/recommendations/reportinground/add/").context["adminform"]

    offered = [council.number for council in form.form.fields["council"].queryset]
    assert offered == [3, 4]
