"""E-mail alerts about next steps, through a real SMTP server (aiosmtpd): a subscriber hears
which public steps were done or slipped since the last alert (the new date, the first one and
the reason), in the subscriber's language, never an internal step, and each change only once."""

import datetime

import pytest
from django.db.models import F
from django.utils import timezone

from recommendations.models import NextStep, Subscription
from recommendations.rules.choices import Side, Visibility
from recommendations.services.steps import complete_step, slip_step, update_step
from tests import factories
from tests.test_alerts_smtp import parts, run

# Real commits: the outbox sends after the transaction commits, as in production.
pytestmark = pytest.mark.django_db(transaction=True)

ADDRESS = "reader@example.org"


def follow(*, kind="item", key="CYBER-2", language="ja") -> Subscription:
    return Subscription.objects.create(
        email=ADDRESS,
        frequency=Subscription.Frequency.IMMEDIATE,
        kind=kind,
        key=key,
        language=language,
        confirmed_at=timezone.now() - datetime.timedelta(minutes=1),
    )


def an_hour_passes() -> None:
    """Move everything recorded an hour and a minute back, so the hourly alert is due again."""
    hour = datetime.timedelta(hours=1, minutes=1)
    Subscription.objects.update(
        confirmed_at=F("confirmed_at") - hour, last_sent_at=F("last_sent_at") - hour
    )
    NextStep.history.model.objects.update(history_date=F("history_date") - hour)


@pytest.fixture
def item():
    return factories.RecommendationFactory(reference="CYBER-2")


def test_a_subscriber_hears_in_japanese_which_public_steps_were_done_or_slipped(server, item):
    done = factories.NextStepFactory(
        recommendation=item,
        text="Joint call for quantum testbeds",
        text_ja="量子テストベッド共同公募",
    )
    slipped = factories.NextStepFactory(
        recommendation=item, side=Side.JAPAN, text="Guidelines on cloud security"
    )
    secret = factories.NextStepFactory(
        recommendation=item, text="Brief the minister privately", visibility=Visibility.INTERNAL
    )
    follow()

    complete_step(step=done, author=None, done_on=timezone.localdate())
    slip_step(
        step=slipped,
        author=None,
        target_date=datetime.date(2027, 9, 30),
        reason="Waiting for the Diet's budget",
    )
    complete_step(step=secret, author=None, done_on=timezone.localdate())
    output = run("send_alerts")

    assert "1 alert(s) queued" in output
    assert len(server.received) == 1
    text, html = parts(server.received[0])
    assert "量子テストベッド共同公募" in text  # the step in the subscriber's language
    assert "完了" in text
    assert "Guidelines on cloud security" in text
    assert "2027年9月30日に延期" in text  # the new target date
    assert "当初の目標期日：2027年6月30日" in text  # the first one, kept
    assert "Waiting for the Diet's budget" in text
    assert "量子テストベッド共同公募" in html
    assert "Brief the minister privately" not in text
    assert "Brief the minister privately" not in html
    assert "/ja/recommendations/CYBER-2/#next-steps" in text


def test_each_step_change_is_sent_once_however_often_alerts_run(server, item):
    step = factories.NextStepFactory(recommendation=item, text="Guidelines on cloud security")
    follow(language="en")
    slip_step(step=step, author=None, target_date=datetime.date(2027, 9, 30), reason="Budget")
    assert "1 alert(s) queued" in run("send_alerts")

    an_hour_passes()
    update_step(step=step, author=None, changes={"text": "Guidelines on cloud security, v2"})
    assert "0 alert(s) queued" in run("send_alerts")  # an edit is neither done nor slipped
    an_hour_passes()
    slip_step(
        step=step, author=None, target_date=datetime.date(2027, 12, 31), reason="Consultation"
    )
    assert "1 alert(s) queued" in run("send_alerts")
    an_hour_passes()
    assert "0 alert(s) queued" in run("send_alerts")

    assert len(server.received) == 2
    first, second = (parts(message)[0] for message in server.received)
    assert "Slipped to 30 September 2027 (first target 30 June 2027)" in first
    assert "Why it slipped: Budget" in first
    assert "Slipped to 31 December 2027 (first target 30 June 2027)" in second
    assert "Why it slipped: Consultation" in second
    assert "30 September 2027" not in second


def test_a_step_made_internal_after_it_was_done_is_not_told(server, item):
    public = factories.NextStepFactory(recommendation=item, text="Joint call for quantum testbeds")
    hidden = factories.NextStepFactory(recommendation=item, text="Brief the minister privately")
    follow(language="en")
    complete_step(step=public, author=None, done_on=timezone.localdate())
    complete_step(step=hidden, author=None, done_on=timezone.localdate())
    update_step(step=hidden, author=None, changes={"visibility": Visibility.INTERNAL})

    assert "1 alert(s) queued" in run("send_alerts")
    text, html = parts(server.received[0])
    assert "Joint call for quantum testbeds" in text
    assert "Brief the minister privately" not in text
    assert "Brief the minister privately" not in html


def test_a_topic_subscriber_hears_of_a_step_done_on_an_item_of_the_topic_only(server, item):
    other = factories.RecommendationFactory(reference="AI-1", topic=factories.TopicFactory())
    mine = factories.NextStepFactory(recommendation=item, text="Joint call for quantum testbeds")
    theirs = factories.NextStepFactory(recommendation=other, text="Code of conduct for AI")
    follow(kind="topic", key=item.topic.code, language="en")
    today = timezone.localdate()

    complete_step(step=mine, author=None, done_on=today)
    complete_step(step=theirs, author=None, done_on=today)
    run("send_alerts")

    text = parts(server.received[0])[0]
    assert "Joint call for quantum testbeds" in text
    assert f"Done on {today:%-d %B %Y}" in text
    assert "Code of conduct for AI" not in text
