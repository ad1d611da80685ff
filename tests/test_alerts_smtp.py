"""E-mail alerts end to end through a real SMTP server (aiosmtpd): a reader subscribes, gets
only the confirmation, confirms, hears of a status change once, and unsubscribes with the
one-click POST of the List-Unsubscribe header, after which nothing more comes."""

import io
import re

import pytest
from django.conf import settings
from django.core.management import call_command

from recommendations.models import Subscription
from recommendations.rules.choices import Side, Status
from recommendations.services.statuses import set_statuses
from tests import factories
from tests.helpers import Client

# Real commits: the outbox sends after the transaction commits, as in production.
pytestmark = pytest.mark.django_db(transaction=True)

LINK = re.compile(r"https?://\S+?/alerts/confirm/[^/\s]+/")


def run(*arguments) -> str:
    out = io.StringIO()
    call_command(*arguments, stdout=out)
    return out.getvalue()


def parts(message) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def local(url: str) -> str:
    return url.removeprefix(settings.SITE_URL)


def test_a_subscriber_hears_of_a_change_once_and_nothing_after_the_one_click_unsubscribe(server):
    item = factories.RecommendationFactory(reference="CYBER-2")
    official = factories.OfficialFactory(owner=item.lead_owner, owner__side=Side.EU)
    client = Client(enforce_csrf_checks=False)

    response = client.post(
        "/ja/alerts/subscribe/?item=CYBER-2",
        {"email": "Reader@Example.org", "language": "ja", "frequency": "immediate"},
    )
    assert response.status_code == 200
    # Only the confirmation, even once a change has happened before it is confirmed.
    set_statuses(recommendation=item, author=official.user, sides={"eu": Status.PLANNED})
    run("send_alerts")
    assert len(server.received) == 1
    confirmation = server.received[0]
    assert confirmation["To"] == "reader@example.org"
    assert "List-Unsubscribe" not in confirmation
    text, html = parts(confirmation)
    assert 'lang="ja"' in html
    confirm_url = LINK.search(text).group(0)

    assert client.get(local(confirm_url)).status_code == 200
    set_statuses(recommendation=item, author=official.user, sides={"eu": Status.IN_PROGRESS})
    output = run("send_alerts")

    assert "1 alert(s) queued" in output
    assert "1 mail(s) sent" in output
    assert len(server.received) == 2
    alert = server.received[1]
    assert alert["To"] == "reader@example.org"
    assert alert["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_url = str(alert["List-Unsubscribe"]).strip().strip("<>")
    assert unsubscribe_url.startswith(settings.SITE_URL + "/ja/alerts/unsubscribe/")
    text, html = parts(alert)
    assert 'lang="ja"' in html
    assert "CYBER-2" in alert["Subject"]
    assert "実施中" in text  # the side's new status, in Japanese
    assert "計画中" not in text  # the change before the confirmation is not news
    assert settings.SITE_URL + "/ja/recommendations/CYBER-2/" in text

    assert "0 alert(s) queued" in run("send_alerts")
    assert len(server.received) == 2

    # RFC 8058: the mail client posts with no CSRF token and no cookie.
    one_click = Client(enforce_csrf_checks=True)
    response = one_click.post(local(unsubscribe_url), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not Subscription.objects.exists()

    set_statuses(recommendation=item, author=official.user, sides={"eu": Status.COMPLETED})
    Subscription.objects.update()  # nothing left to move
    assert "0 alert(s) queued" in run("send_alerts")
    assert len(server.received) == 2
