"""Each official's time zone: the admin shows their times and defaults their dates in it, and
the reporting round's mails give the deadline in it."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.test import TestCase
from django.utils import translation

from recommendations.rules.choices import Side
from recommendations.services.round_mail import deadline_shown
from recommendations.services.rounds import open_round
from tests import factories
from tests.helpers import change_url

pytestmark = pytest.mark.django_db

# 17:00 in Brussels on Monday 7 December is 01:00 on Tuesday 8 December in Tokyo.
BRUSSELS_EVENING = datetime.datetime(2026, 12, 7, 16, 0, tzinfo=datetime.UTC)


@pytest.fixture
def meti():
    return factories.OwnerFactory(code="METI", name="METI", side=Side.JAPAN)


@pytest.fixture
def cnect():
    return factories.OwnerFactory(code="CNECT", name="DG Connect", side=Side.EU)


@pytest.fixture(autouse=True)
def outbox_to_test_outbox(settings):
    settings.MAILER_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def update_date_offered(client, item) -> str:
    page = client.get(change_url(item)).content.decode()
    return re.search(r'name="updates-\d+-0-date" value="([^"]*)"', page)[1]


def test_a_japanese_ministrys_official_is_on_tokyo_time_and_the_commissions_on_brussels(
    meti, cnect
):
    assert factories.OfficialFactory(owner=meti).time_zone_name == "Asia/Tokyo"
    assert factories.OfficialFactory(owner=cnect).time_zone_name == "Europe/Brussels"
    assert (
        factories.OfficialFactory(owner=cnect, time_zone="Asia/Tokyo").time_zone_name
        == "Asia/Tokyo"
    )


def test_a_tokyo_officials_new_update_is_dated_tokyos_day_while_brussels_is_on_the_day_before(
    client, meti, cnect
):
    tokyo = factories.OfficialFactory(owner=meti)
    brussels = factories.OfficialFactory(owner=cnect)
    item = factories.RecommendationFactory(reference="AI-1", lead_owner=meti, co_owners=[cnect])

    with time_machine.travel(BRUSSELS_EVENING, tick=False):
        client.force_login(tokyo.user)
        in_tokyo = update_date_offered(client, item)
        client.force_login(brussels.user)
        in_brussels = update_date_offered(client, item)

    assert in_tokyo == "2026-12-08"
    assert in_brussels == "2026-12-07"


def test_the_admin_tells_the_browser_the_officials_own_offset(client, meti):
    # The admin's calendar compares this with the browser's offset: equal, no "hours ahead of
    # server time" note.
    tokyo = factories.OfficialFactory(owner=meti)
    client.force_login(tokyo.user)

    with time_machine.travel(BRUSSELS_EVENING, tick=False):
        page = client.get("/admin/").content.decode()

    assert 'data-admin-utc-offset="32400"' in page


def test_the_time_zone_is_changed_on_the_officials_entry_in_the_admin(admin_client, meti):
    official = factories.OfficialFactory(owner=meti)

    page = admin_client.get(f"/admin/recommendations/official/{official.pk}/change/")

    assert 'name="time_zone"' in page.content.decode()


def test_the_deadline_is_given_in_the_readers_time_zone_and_named():
    deadline = datetime.date(2026, 12, 7)

    with translation.override("ja"):
        assert deadline_shown(deadline, "Asia/Tokyo") == "2026年12月8日 07:59（日本時間）"
    with translation.override("en"):
        assert deadline_shown(deadline, "Asia/Tokyo") == "8 December 2026 07:59 (Asia/Tokyo)"
        assert (
            deadline_shown(deadline, "Europe/Brussels") == "7 December 2026 23:59 (Europe/Brussels)"
        )


def test_a_tokyo_officials_call_gives_the_deadline_in_japan_time(meti):
    official = factories.OfficialFactory(owner=meti, language="ja", user__email="hana@meti.example")
    factories.RecommendationFactory(reference="AI-1", lead_owner=meti)
    council = factories.CouncilFactory(number=3, date=datetime.date(2027, 3, 1))

    with (
        time_machine.travel(BRUSSELS_EVENING, tick=False),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        open_round(
            council=council,
            deadline=datetime.date(2026, 12, 21),
            author=None,
            today=datetime.date(2026, 12, 7),
        )

    (call,) = [message for message in mail.outbox if official.user.email in message.to]
    assert "2026年12月22日 07:59（日本時間）" in call.body
