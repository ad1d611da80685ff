"""The reporting round's mails to a Japanese official read as Japanese: the HTML part says so,
the owner goes by its Japanese name, the subject starts with its first word and no value is set
apart from its particle by a space."""

import datetime

import pytest
from django.core import mail
from django.test import TestCase
from django.utils import timezone, translation
from django.utils.formats import date_format

from recommendations.rules.choices import Side
from recommendations.services.round_mail import deadline_shown
from recommendations.services.rounds import open_round
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DEADLINE = TODAY + datetime.timedelta(days=20)


@pytest.fixture(autouse=True)
def outbox_to_test_outbox(settings):
    settings.MAILER_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def call():
    """The call a Japanese official of METI gets when a round opens."""
    council = factories.CouncilFactory(number=3, date=TODAY + datetime.timedelta(days=60))
    meti = factories.OwnerFactory(code="METI", name="METI", name_ja="経済産業省", side=Side.JAPAN)
    factories.OfficialFactory(owner=meti, user__username="hana", language="ja")
    factories.RecommendationFactory(reference="AI-2", lead_owner=meti)
    with TestCase.captureOnCommitCallbacks(execute=True):
        open_round(council=council, deadline=DEADLINE, author=None, today=TODAY)
    (message,) = mail.outbox
    return message


def japanese_date(day: datetime.date) -> str:
    with translation.override("ja"):
        return date_format(day, "DATE_FORMAT")


def test_the_html_part_of_a_japanese_mail_says_it_is_japanese(call):
    html, mimetype = call.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="ja">' in html and 'lang="en"' not in html


def test_a_japanese_mail_names_the_owner_in_japanese(call):
    html, _mimetype = call.alternatives[0]
    assert "経済産業省が主担当または共同担当の提言" in call.body
    assert "経済産業省" in html
    assert "METI" not in call.body and "METI" not in html


def test_a_japanese_subject_starts_with_its_first_word_and_keeps_dates_with_their_particles(call):
    # The round's last minute in the official's time zone, Tokyo's for METI.
    with translation.override("ja"):
        deadline = deadline_shown(DEADLINE, "Asia/Tokyo")
    assert call.subject == f"第3回協議会：{deadline}までに担当の提言を報告してください"
    assert f"{deadline}までに報告してください" in call.body
