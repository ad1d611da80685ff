"""An official's own progress updates: the author (or the secretariat) corrects or withdraws one
within the round it was written in, or within two weeks when no round is open; the history
keeps what it said and why; a correction is shown as such, a withdrawn update leaves the public
pages and the report and stays in the admin."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from recommendations.models import ProgressUpdate, Side, Status
from recommendations.reporting.options import ReportOptions
from recommendations.reporting.query import report_queryset
from recommendations.services.own_updates import correct_update, withdraw_update
from recommendations.services.rounds import open_round
from recommendations.services.statuses import record_update, set_statuses
from tests import factories
from tests.helpers import change_url

pytestmark = pytest.mark.django_db

FIRST_WORDS = "The joint call is planned for March."
CORRECTED = "The joint call is planned for May, after the budget vote."


@pytest.fixture
def meti():
    return factories.OwnerFactory(code="METI", name="METI", name_ja="経済産業省", side=Side.JAPAN)


@pytest.fixture
def author(meti):
    return factories.OfficialFactory(owner=meti, user__username="hana").user


@pytest.fixture
def colleague(meti):
    return factories.OfficialFactory(owner=meti, user__username="kenji").user


@pytest.fixture
def item(meti):
    return factories.RecommendationFactory(reference="QUANT-4", lead_owner=meti)


@pytest.fixture
def note(item, author):
    return record_update(
        update=ProgressUpdate(recommendation=item, text=FIRST_WORDS), author=author
    )


def amend_url(update) -> str:
    return reverse("admin:recommendations_progressupdate_amend", args=[update.pk])


def aged(update, days: int) -> None:
    ProgressUpdate.objects.filter(pk=update.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days)
    )


def public_page(client, item) -> str:
    return client.get(item.get_absolute_url()).content.decode()


def test_the_author_corrects_their_update_and_the_public_page_says_it_was_corrected(
    client, author, item, note
):
    client.force_login(author)

    response = client.post(
        amend_url(note),
        {"text": CORRECTED, "evidence_url": "", "reason": "The month was wrong.", "_correct": "1"},
    )

    assert response.status_code == 302 and response.url == change_url(item)
    client.logout()
    page = public_page(client, item)
    assert CORRECTED in page and FIRST_WORDS not in page
    assert "Corrected by its author on" in page


def test_the_history_keeps_what_the_update_said_who_corrected_it_and_why(author, note):
    correct_update(
        update_id=note.pk,
        author=author,
        text=CORRECTED,
        evidence_url="",
        reason="The month was wrong.",
    )

    newest, first = note.history.order_by("-history_id")[:2]
    assert (first.text, newest.text) == (FIRST_WORDS, CORRECTED)
    assert newest.history_user == author
    assert newest.history_change_reason == "The month was wrong."


def test_a_withdrawn_update_leaves_the_public_page_and_the_report_but_stays_in_the_admin(
    client, author, item, note
):
    client.force_login(author)

    client.post(
        amend_url(note),
        {
            "text": FIRST_WORDS,
            "evidence_url": "",
            "reason": "Posted on the wrong item.",
            "_withdraw": "1",
        },
    )

    form = client.get(change_url(item)).content.decode()
    assert FIRST_WORDS in form and "no longer shown to the public" in form
    client.logout()
    assert FIRST_WORDS not in public_page(client, item)
    row = report_queryset(ReportOptions(as_of=timezone.localdate())).get(pk=item.pk)
    assert row.latest_update_text != FIRST_WORDS
    assert note.history.count() == 2


def test_the_timeline_offers_the_author_a_link_to_correct_and_nobody_else(
    client, author, colleague, item, note
):
    client.force_login(author)
    assert amend_url(note) in client.get(change_url(item)).content.decode()

    client.force_login(colleague)
    assert amend_url(note) not in client.get(change_url(item)).content.decode()
    assert client.get(amend_url(note)).status_code == 403


def test_another_official_may_not_correct_someone_elses_update(colleague, note):
    with pytest.raises(PermissionDenied):
        withdraw_update(update_id=note.pk, author=colleague, reason="Not mine.")

    note.refresh_from_db()
    assert note.withdrawn_at is None


def test_with_no_round_open_the_author_has_two_weeks(author, note):
    aged(note, days=15)

    with pytest.raises(PermissionDenied):
        correct_update(
            update_id=note.pk, author=author, text=CORRECTED, evidence_url="", reason="Late."
        )


def test_the_secretariat_corrects_an_update_whenever_it_was_written(secretariat_user, note):
    aged(note, days=60)

    correct_update(
        update_id=note.pk,
        author=secretariat_user,
        text=CORRECTED,
        evidence_url="",
        reason="The owner asked us to.",
    )

    note.refresh_from_db()
    assert note.text == CORRECTED and note.corrected_at is not None


def test_an_update_written_before_the_round_opened_is_no_longer_the_authors_to_change(author, note):
    aged(note, days=3)
    council = factories.CouncilFactory(date=timezone.localdate() + datetime.timedelta(days=60))
    open_round(
        council=council, deadline=timezone.localdate() + datetime.timedelta(days=20), author=None
    )

    with pytest.raises(PermissionDenied):
        withdraw_update(update_id=note.pk, author=author, reason="Too late.")


def test_a_status_change_is_corrected_but_never_withdrawn(client, author, item):
    change = set_statuses(
        recommendation=item,
        author=author,
        sides={Side.JAPAN: Status.PLANNED},
        text=FIRST_WORDS,
    )
    client.force_login(author)

    page = client.get(amend_url(change)).content.decode()

    assert 'name="_correct"' in page and 'name="_withdraw"' not in page
    with pytest.raises(ValidationError):
        withdraw_update(update_id=change.pk, author=author, reason="Wrong.")
    correct_update(
        update_id=change.pk, author=author, text=CORRECTED, evidence_url="", reason="Month."
    )
    change.refresh_from_db()
    item.refresh_from_db()
    assert change.text == CORRECTED and item.japan_status == Status.PLANNED


def test_a_correction_needs_a_reason(author, note):
    with pytest.raises(ValidationError):
        correct_update(
            update_id=note.pk, author=author, text=CORRECTED, evidence_url="", reason=" "
        )
