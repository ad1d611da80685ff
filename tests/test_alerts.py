"""E-mail alerts: the subscribe form and its throttles, the signed links (confirm, unsubscribe,
manage), what an alert says and never says, how often it goes, and that an address is shown on
no page and kept only while it is wanted."""

import datetime
import io
import re

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone
from mailer.models import Message

from recommendations.models import Edition, ProgressUpdate, Subscription
from recommendations.rules.choices import Status, Visibility
from recommendations.services import alerts
from recommendations.services.statuses import set_statuses
from tests import factories
from tests.helpers import Client

pytestmark = pytest.mark.django_db

ADDRESS = "reader@example.org"
CONFIRM = re.compile(r"https?://[^/\s]+(\S*?/alerts/confirm/[^/\s]+/)")


@pytest.fixture(autouse=True)
def outbox_to_test_outbox(settings):
    """The outbox delivers into Django's test outbox (mail.outbox)."""
    settings.MAILER_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def item(db):
    return factories.RecommendationFactory(reference="CYBER-2")


def run(*arguments) -> str:
    out = io.StringIO()
    call_command(*arguments, stdout=out)
    return out.getvalue()


def subscribe(client, query="?item=CYBER-2", **data):
    fields = {"email": ADDRESS, "language": "en", "frequency": "immediate", **data}
    return client.post(f"/alerts/subscribe/{query}", fields, REMOTE_ADDR="192.0.2.7")


def confirmed(
    *, email=ADDRESS, frequency="immediate", kind="item", key="CYBER-2", language="en"
) -> Subscription:
    return Subscription.objects.create(
        email=email,
        frequency=frequency,
        kind=kind,
        key=key,
        language=language,
        confirmed_at=timezone.now() - datetime.timedelta(minutes=1),
    )


def alert_texts() -> list[str]:
    return [message.body for message in mail.outbox]


def test_the_form_page_offers_the_pages_language_and_names_what_is_followed(client, item):
    response = client.get("/ja/alerts/subscribe/?item=CYBER-2")

    assert response.status_code == 200
    content = response.content.decode()
    assert "CYBER-2" in content
    assert 'name="language" value="ja" required id="id_language_1" checked' in content
    assert "csrfmiddlewaretoken" in content


def test_the_item_page_links_to_the_form_and_carries_no_form_of_its_own(client, item):
    response = client.get("/recommendations/CYBER-2/")

    content = response.content.decode()
    assert '/alerts/subscribe/?item=CYBER-2"' in content
    # The page stays the same for everyone, so shared caches may keep it: the form is elsewhere.
    assert 'name="email"' not in content


def test_subscribing_sends_only_a_confirmation_and_nothing_until_it_is_followed(
    client, item, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = subscribe(client)

    assert response.status_code == 200
    assert "Check your inbox" in response.content.decode()
    assert len(mail.outbox) == 1
    assert "Confirm your e-mail alerts" in mail.outbox[0].subject
    factories.ProgressUpdateFactory(recommendation=item, text="Talks began.")
    run("send_alerts")
    assert len(mail.outbox) == 1
    assert Subscription.objects.get().confirmed_at is None


def test_an_invalid_address_is_refused_with_a_message_and_nothing_written_or_sent(client, item):
    response = subscribe(client, email="not an address")

    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert not Subscription.objects.exists()
    assert not Message.objects.exists()


def test_a_confirmation_link_followed_twice_confirms_once_and_says_so(client, item):
    subscribe(client)
    link = CONFIRM.search(Message.objects.get().email.body).group(1)

    first = client.get(link)
    confirmed_at = Subscription.objects.get().confirmed_at
    second = client.get(link)

    assert "Your alerts are confirmed" in first.content.decode()
    assert "already confirmed" in second.content.decode()
    assert Subscription.objects.get().confirmed_at == confirmed_at
    assert Message.objects.count() == 1


def test_an_expired_confirmation_link_confirms_nothing(client, item, monkeypatch):
    subscribe(client)
    subscription = Subscription.objects.get()
    four_days_ago = timezone.now().timestamp() - 4 * 24 * 3600
    monkeypatch.setattr(signing.time, "time", lambda: four_days_ago)
    old_token = alerts.confirm_token(subscription)
    monkeypatch.undo()

    response = client.get(f"/alerts/confirm/{old_token}/")

    assert response.status_code == 400
    assert "This link has expired." in response.content.decode()
    assert Subscription.objects.get().confirmed_at is None


def test_a_tampered_link_is_refused(client, item):
    response = client.get("/alerts/confirm/not-a-token/")

    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()


def test_a_client_posting_the_form_over_and_over_is_stopped_after_ten_an_hour(client, item):
    for number in range(10):
        assert subscribe(client, email=f"person{number}@example.org").status_code == 200

    response = subscribe(client, email="one-more@example.org")

    assert response.status_code == 429
    assert "Too many alerts have been asked for" in response.content.decode()
    assert Subscription.objects.count() == 10
    assert not Subscription.objects.filter(email="one-more@example.org").exists()


def test_one_address_gets_at_most_three_confirmation_mails_a_day(item):
    for number in range(3):
        # From different connections: the address's own limit is what stops the fourth.
        Client().post(
            "/alerts/subscribe/?item=CYBER-2",
            {"email": ADDRESS, "language": "en", "frequency": "daily"},
            REMOTE_ADDR=f"192.0.2.{number}",
        )
    response = Client().post(
        "/alerts/subscribe/?item=CYBER-2",
        {"email": ADDRESS, "language": "en", "frequency": "daily"},
        REMOTE_ADDR="198.51.100.1",
    )

    assert response.status_code == 429
    assert "enough confirmation mails for today" in response.content.decode()
    assert Message.objects.count() == 3
    assert Subscription.objects.count() == 1


def test_an_internal_update_and_the_internal_notes_never_reach_an_alert(item):
    item.notes = "Minister unhappy: keep quiet."
    item.save()
    subscription = confirmed(kind="all", key="")
    factories.ProgressUpdateFactory(
        recommendation=item, text="Internal: budget not agreed.", visibility=Visibility.INTERNAL
    )
    factories.ProgressUpdateFactory(recommendation=item, text="Public: consultation opened.")

    run("send_alerts")

    assert len(mail.outbox) == 1
    body = mail.outbox[0].body + mail.outbox[0].alternatives[0][0]
    assert "Public: consultation opened." in body
    assert "budget not agreed" not in body
    assert "keep quiet" not in body
    assert subscription.email == mail.outbox[0].to[0]


def test_an_alert_tells_only_of_what_the_subscription_follows(item):
    other = factories.RecommendationFactory(reference="AI-9")
    confirmed()
    factories.ProgressUpdateFactory(recommendation=other, text="Elsewhere entirely.")

    assert "0 alert(s) queued" in run("send_alerts")
    factories.ProgressUpdateFactory(recommendation=item, text="Here.")
    assert "1 alert(s) queued" in run("send_alerts")
    assert "Elsewhere entirely." not in mail.outbox[0].body


def test_a_daily_subscriber_hears_once_a_day_however_often_send_alerts_runs(item):
    confirmed(frequency="daily")
    official = factories.OfficialFactory(owner=item.lead_owner)
    set_statuses(recommendation=item, author=official.user, sides={"eu": Status.PLANNED})
    run("send_alerts")
    set_statuses(recommendation=item, author=official.user, sides={"eu": Status.IN_PROGRESS})

    run("send_alerts")
    assert len(mail.outbox) == 1

    # A day later the second change is due, and only it: every moment moves a day back.
    day = datetime.timedelta(days=1, minutes=1)
    Subscription.objects.update(
        confirmed_at=F("confirmed_at") - day, last_sent_at=F("last_sent_at") - day
    )
    ProgressUpdate.objects.update(created_at=F("created_at") - day)
    run("send_alerts")
    assert len(mail.outbox) == 2
    assert "In progress" in mail.outbox[1].body
    assert "Planned" not in mail.outbox[1].body
    run("send_alerts")
    assert len(mail.outbox) == 2


def test_a_new_published_edition_is_in_the_next_alert(item):
    confirmed()
    council = factories.CouncilFactory(number=4)
    Edition.objects.create(
        council=council, number=1, as_of=timezone.localdate(), published_at=timezone.now()
    )

    run("send_alerts")

    assert "Council no. 4 report, edition 1" in mail.outbox[0].body
    assert "http://localhost:8000/reports/4/1/" in mail.outbox[0].body


def test_an_alert_in_japanese_is_written_in_japanese(item):
    confirmed(language="ja")
    factories.ProgressUpdateFactory(recommendation=item, text="進展あり")

    run("send_alerts")

    message = mail.outbox[0]
    assert message.subject.startswith("更新のお知らせ")
    assert 'lang="ja"' in message.alternatives[0][0]
    assert "/ja/recommendations/CYBER-2/" in message.body
    assert message.extra_headers["List-Unsubscribe"].startswith("<http://localhost:8000/ja/")


def test_the_unsubscribe_page_asks_before_it_deletes(client, item):
    subscription = confirmed()
    token = alerts.unsubscribe_token(subscription)

    page = client.get(f"/alerts/unsubscribe/{token}/")
    assert page.status_code == 200
    assert Subscription.objects.exists()
    # No token in the form: the same address takes a mail client's one-click POST.
    assert '<form method="post"><button type="submit">Unsubscribe</button></form>' in (
        page.content.decode()
    )

    client.post(f"/alerts/unsubscribe/{token}/")
    assert not Subscription.objects.exists()
    again = client.post(f"/alerts/unsubscribe/{token}/")
    assert "nothing more will be sent" in again.content.decode()


def test_an_unsubscribe_link_opens_nothing_once_its_row_number_is_used_again(item):
    gone = confirmed()
    token = alerts.unsubscribe_token(gone)
    row = gone.pk
    gone.delete()
    newcomer = confirmed(email="someone-else@example.org")
    Subscription.objects.filter(pk=newcomer.pk).update(id=row)

    Client(enforce_csrf_checks=True).post(f"/alerts/unsubscribe/{token}/")

    assert Subscription.objects.filter(email="someone-else@example.org").exists()


def test_the_manage_page_lists_what_the_address_follows_without_showing_it(client, item):
    topic = factories.TopicFactory(code="DATA", name="Data flows")
    mine = confirmed()
    confirmed(kind="topic", key="DATA")
    confirmed(email="other@example.org", kind="all", key="")
    token = alerts.manage_token(mine)

    page = client.get(f"/alerts/manage/{token}/").content.decode()

    assert "CYBER-2" in page
    assert topic.name in page
    assert "Every recommendation" not in page
    assert ADDRESS not in page
    client.post(
        f"/alerts/manage/{token}/",
        {"action": "frequency", "subscription": mine.pk, "frequency": "weekly"},
    )
    assert Subscription.objects.get(pk=mine.pk).frequency == "weekly"
    client.post(f"/alerts/manage/{token}/", {"action": "unsubscribe_all"})
    assert list(Subscription.objects.values_list("email", flat=True)) == ["other@example.org"]


def test_no_public_page_feed_or_api_shows_a_subscribers_address(client, item):
    confirmed()
    confirmed(kind="all", key="")
    factories.ProgressUpdateFactory(recommendation=item, text="Public news.")

    for address in [
        "/",
        "/recommendations/",
        "/recommendations/CYBER-2/",
        "/feed/",
        "/api/recommendations/",
        "/api/recommendations/CYBER-2/",
        "/api/updates/",
        "/recommendations/export.csv",
    ]:
        response = client.get(address)
        assert response.status_code == 200, address
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert ADDRESS.encode() not in body, address


def test_the_secretariat_sees_counts_per_followed_page_and_never_an_address(admin_client, item):
    confirmed()
    confirmed(email="second@example.org")
    Subscription.objects.create(email="waiting@example.org", kind="all", key="")

    page = admin_client.get("/admin/recommendations/subscription/")

    content = page.content.decode()
    assert page.status_code == 200
    assert "CYBER-2" in content
    assert "<td>2</td>" in content
    assert "1 request waits for its confirmation" in content
    assert "@example.org" not in content
    assert admin_client.get("/admin/recommendations/subscription/1/change/").status_code == 404


def test_send_alerts_forgets_addresses_unconfirmed_for_more_than_three_days(item):
    old = Subscription.objects.create(email="old@example.org", kind="all", key="")
    recent = Subscription.objects.create(email="recent@example.org", kind="all", key="")
    kept = confirmed()
    Subscription.objects.filter(pk__in=[old.pk, kept.pk]).update(
        created_at=timezone.now() - datetime.timedelta(days=3, hours=1)
    )

    output = run("send_alerts")

    assert "1 unconfirmed address(es) forgotten" in output
    assert set(Subscription.objects.values_list("pk", flat=True)) == {recent.pk, kept.pk}


def test_a_backup_holds_no_subscribers_address(tmp_path, item):
    confirmed()
    backup = tmp_path / "tracker.json"

    run("backup", "-o", str(backup))

    assert "CYBER-2" in backup.read_text()
    assert ADDRESS not in backup.read_text()
