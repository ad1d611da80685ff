"""The outbox: every mail is queued with what caused it and sent after commit, through a real SMTP
server that is first down, then refuses a recipient, then takes everything: nothing is lost,
nothing goes twice, one failing mail stops no other, and every run says what it did."""

import asyncio
import datetime
import io
import re
import socket
import threading

import pytest
from aiosmtpd.controller import Controller
from django.core.mail import EmailMessage, send_mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from mailer.models import RESULT_FAILURE, Message, MessageLog

import tracker.settings as tracker_settings
from recommendations.models import ReportingRound, RoundMail
from recommendations.rules.choices import Side
from recommendations.services import outbox
from tests import factories
from tests.helpers import Client

# Real commits: the outbox sends after the round's transaction commits, as in production.
pytestmark = pytest.mark.django_db(transaction=True)

TODAY = timezone.localdate()
DEADLINE = TODAY + datetime.timedelta(days=20)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class MailServer:
    """aiosmtpd on a loopback port that stays closed until start(); it refuses the addresses in
    `refused` at RCPT, as a server refuses an unknown mailbox, and keeps what it accepts."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.refused: set[str] = set()
        self.delay = 0.0
        self.received: list[tuple[str, str]] = []
        self.controller: Controller | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        content = envelope.content.decode("utf-8", "replace")
        self.received.extend((to, content) for to in envelope.rcpt_tos)
        return "250 OK"

    def start(self):
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def recipients(self) -> list[str]:
        return sorted(to for to, _content in self.received)


@pytest.fixture
def server(settings):
    """The SMTP server the outbox sends through, down until the test starts it."""
    mail_server = MailServer()
    settings.MAILER_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = mail_server.port
    yield mail_server
    mail_server.stop()


@pytest.fixture
def world():
    council = factories.CouncilFactory(number=3, date=TODAY + datetime.timedelta(days=60))
    eu = factories.OwnerFactory(code="CNECT", name="DG Connect", side=Side.EU)
    jp = factories.OwnerFactory(code="METI", name="METI", side=Side.JAPAN)
    factories.OfficialFactory(owner=eu, user__username="anna")
    factories.OfficialFactory(owner=jp, user__username="hana")
    factories.RecommendationFactory(reference="AI-1", lead_owner=eu)
    factories.RecommendationFactory(reference="AI-2", lead_owner=jp)
    return council


def run(*arguments) -> str:
    out = io.StringIO()
    call_command(*arguments, stdout=out)
    return out.getvalue()


def open_round_command() -> str:
    return run("open_round", "--council", "3", "--deadline", DEADLINE.isoformat())


def test_open_round_with_the_mail_server_down_opens_the_round_and_queues_the_calls(server, world):
    output = open_round_command()

    assert ReportingRound.objects.current() is not None
    assert RoundMail.objects.filter(kind="call").count() == 2
    assert Message.objects.count() == 2
    assert len(output.splitlines()) == 1
    assert "2 officials called on to report" in output
    assert "2 mail(s) wait in the outbox" in output
    assert "Connection refused" in output


def test_a_server_that_is_down_is_tried_once_a_delivery_not_once_a_mail(server, world):
    open_round_command()
    output = run("send_reminders")

    assert "0 mail(s) sent, 1 failed, 2 waiting in the outbox" in output
    # One refused connection in each delivery: the worker's once the round opened (run at once
    # in the tests), the command's own, and the run's; the other call waited each time.
    assert MessageLog.objects.filter(result=RESULT_FAILURE).count() == 3


def test_send_reminders_delivers_the_waiting_calls_once_the_server_is_back(server, world):
    open_round_command()
    server.start()

    output = run("send_reminders")

    assert server.recipients() == ["anna@example.org", "hana@example.org"]
    assert "AI-1" in dict(server.received)["anna@example.org"]
    assert "2 mail(s) sent, 0 failed, 0 waiting in the outbox" in output
    assert "0 mail(s) sent, 0 failed, 0 waiting in the outbox" in run("send_reminders")
    assert server.recipients() == ["anna@example.org", "hana@example.org"]


# The queue's rows lock each other on PostgreSQL; the test database SQLite runs on (shared
# memory) refuses a second writer outright where a file waits.
@pytest.mark.postgres
def test_two_deliveries_at_once_send_each_mail_once(server, world):
    open_round_command()
    server.delay = 0.2  # each mail takes a while: the two deliveries overlap
    server.start()

    errors = []

    def delivery():
        try:
            outbox.deliver()
        except Exception as error:  # noqa: BLE001 -- the test asserts there was none
            errors.append(error)
        finally:
            connection.close()

    runs = [threading.Thread(target=delivery) for _ in range(2)]
    for thread in runs:
        thread.start()
    for thread in runs:
        thread.join()

    assert errors == []
    assert server.recipients() == ["anna@example.org", "hana@example.org"]
    assert not Message.objects.exists()


def test_open_round_with_the_server_up_sends_the_calls_at_once(server, world):
    server.start()

    output = open_round_command()

    assert server.recipients() == ["anna@example.org", "hana@example.org"]
    assert "every mail sent" in output and not Message.objects.exists()


def test_a_refused_recipient_stops_no_other_mail_and_is_tried_again_until_taken(server, world):
    factories.SuperuserFactory(username="secretariat", email="secretariat@example.org")
    open_round_command()
    server.start()
    # The first mail in the queue fails; the ones after it still go.
    server.refused = {"anna@example.org"}
    after_deadline = (DEADLINE + datetime.timedelta(days=1)).isoformat()

    output = run("send_reminders", "--today", after_deadline)

    # hana's call, and after the deadline: the overdue notices and the secretariat's summary.
    assert server.recipients() == [
        "hana@example.org",
        "hana@example.org",
        "secretariat@example.org",
    ]
    assert "3 new mail(s) due" in output
    assert "3 mail(s) sent, 2 failed, 2 waiting in the outbox" in output
    assert "No such mailbox" in output

    server.refused = set()
    output = run("send_reminders", "--today", after_deadline)

    assert "0 new mail(s) due; 2 mail(s) sent, 0 failed, 0 waiting" in output
    assert sorted(server.recipients()) == [
        "anna@example.org",
        "anna@example.org",
        "hana@example.org",
        "hana@example.org",
        "secretariat@example.org",
    ]


def test_the_round_pages_send_now_button_delivers_the_outbox_and_says_what_it_did(server, world):
    open_round_command()
    reporting_round = ReportingRound.objects.get()
    client = Client(enforce_csrf_checks=True)
    client.force_login(factories.SuperuserFactory())
    page = client.get(reporting_round.get_absolute_url()).content.decode()
    assert "2 mails wait in the outbox." in page
    send_now = f"/admin/recommendations/reportinground/{reporting_round.pk}/send-mail/"
    token = CSRF.search(page.split(send_now)[1]).group(1)
    server.start()

    assert client.get(send_now).status_code == 405
    assert client.post(send_now).status_code == 403  # no CSRF token
    assert server.received == []
    response = client.post(send_now, {"csrfmiddlewaretoken": token}, follow=True)

    assert server.recipients() == ["anna@example.org", "hana@example.org"]
    page = response.content.decode()
    assert "Outbox: 2 mail(s) sent, 0 failed, 0 waiting." in page
    assert "0 mails wait in the outbox." in page


def test_an_official_may_not_press_send_now(server, world):
    open_round_command()
    reporting_round = ReportingRound.objects.get()
    client = Client()
    client.force_login(factories.OfficialFactory(owner=factories.OwnerFactory()).user)
    server.start()

    response = client.post(f"/admin/recommendations/reportinground/{reporting_round.pk}/send-mail/")

    assert response.status_code == 403
    assert server.received == [] and Message.objects.count() == 2


def test_a_mail_django_sends_elsewhere_goes_through_the_outbox_too(server, settings):
    # Django's test runner swaps EMAIL_BACKEND for its in-memory one; put the project's back.
    settings.EMAIL_BACKEND = tracker_settings.EMAIL_BACKEND

    send_mail("Your account", "Welcome.", None, ["new@example.org"])
    assert Message.objects.count() == 1
    server.start()

    assert "1 mail(s) sent" in run("send_reminders")
    assert server.recipients() == ["new@example.org"]


def test_a_mail_queued_by_a_page_is_sent_by_the_worker_not_by_the_request(server, settings):
    # The database queue, as in production: the request hands the delivery to the worker.
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    server.start()

    outbox.queue([EmailMessage("Subject", "Body", "tracker@example.org", ["anna@example.org"])])
    outbox.deliver_after_commit()

    assert server.received == []
    assert outbox.waiting() == 1
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    assert server.recipients() == ["anna@example.org"]
    assert outbox.waiting() == 0
    # The worker's delivery asked for again finds nothing left to send.
    assert outbox.deliver_in_background.call() == 0
    assert server.recipients() == ["anna@example.org"]
