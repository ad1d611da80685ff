"""The admin as an official uses it: the bulk action asks what the change form asks, a save
leads back where they came from, their home says which items they lead and which they co-own,
what nobody has touched since the report, and from when an item counts as stale; the list
names the owners in the admin's language."""

import datetime
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from recommendations.models import ProgressUpdate, Side, Status
from tests import factories
from tests.helpers import (
    CHANGELIST,
    bulk_status,
    change_url,
    form_data,
    officials_today,
    post_change_form,
)

pytestmark = pytest.mark.django_db

HOME = reverse("admin:index")
LONG_AGO = datetime.date(2024, 4, 17)


@pytest.fixture
def meti():
    return factories.OwnerFactory(code="METI", name="METI", name_ja="経済産業省", side=Side.JAPAN)


@pytest.fixture
def official(meti):
    return factories.OfficialFactory(owner=meti, user__username="hana")


@pytest.fixture
def meti_client(client, official):
    client.force_login(official.user)
    return client


def row_of(page: str, reference: str) -> str:
    """The row of the home's own items that links to `reference`."""
    return next(row for row in page.split("<tr") if f">{reference}</a>" in row)


def test_the_bulk_action_records_the_date_and_evidence_link_on_each_update(meti_client, meti):
    items = factories.RecommendationFactory.create_batch(2, lead_owner=meti)
    day = timezone.localdate() - datetime.timedelta(days=3)

    response = meti_client.post(
        CHANGELIST,
        bulk_status(
            items,
            target=Side.JAPAN,
            status=Status.IN_PROGRESS,
            date=day.isoformat(),
            evidence_url="meti.go.jp/press/2026/ai.html",
        ),
    )

    assert response.status_code == 302
    updates = ProgressUpdate.objects.filter(recommendation__in=items)
    assert [(update.date, update.evidence_url) for update in updates] == [
        (day, "https://meti.go.jp/press/2026/ai.html")
    ] * 2
    for item in items:
        item.refresh_from_db()
        assert item.japan_status_date == day


def test_the_bulk_action_asks_for_the_date_and_evidence_link_as_the_form_does(
    meti_client, meti, official
):
    item = factories.RecommendationFactory(lead_owner=meti)

    page = meti_client.post(
        CHANGELIST, {"action": "change_status_action", "_selected_action": [item.pk]}
    ).content.decode()

    assert 'name="date"' in page and f'value="{officials_today(official.user).isoformat()}"' in page
    assert 'name="evidence_url"' in page


def test_the_bulk_action_refuses_an_evidence_link_that_is_no_web_link(meti_client, meti):
    item = factories.RecommendationFactory(lead_owner=meti)

    response = meti_client.post(
        CHANGELIST,
        bulk_status(
            [item], target=Side.JAPAN, status=Status.PLANNED, evidence_url="javascript:alert(1)"
        ),
    )

    assert response.status_code == 200
    assert not ProgressUpdate.objects.exists()


def test_saving_from_the_home_page_returns_to_the_officials_own_items(meti_client, meti):
    item = factories.RecommendationFactory(lead_owner=meti)

    response = post_change_form(meti_client, item, japan_status=Status.PLANNED)

    assert response.status_code == 302
    assert response.url == HOME + "#own-items"


def test_saving_from_a_filtered_list_returns_to_that_list(meti_client, meti):
    item = factories.RecommendationFactory(lead_owner=meti)
    filters = f"stale=yes&topic__id__exact={item.topic_id}"
    url = change_url(item) + "?" + urlencode({"_changelist_filters": filters})
    form = meti_client.get(url)
    assert form.status_code == 200

    data = form_data(form.content.decode(), "recommendation_form")
    data["japan_status"] = [Status.PLANNED]
    response = meti_client.post(url, data)

    assert response.status_code == 302
    assert response.url == CHANGELIST + "?" + filters


def test_the_secretariat_still_returns_to_the_list_after_a_save(admin_client):
    item = factories.RecommendationFactory()

    response = post_change_form(admin_client, item, eu_status=Status.PLANNED)

    assert response.url == CHANGELIST


def test_your_items_says_which_the_owner_leads_and_which_it_co_owns(meti_client, meti):
    led = factories.RecommendationFactory(lead_owner=meti)
    co_owned = factories.RecommendationFactory(co_owners=[meti])

    page = meti_client.get(HOME).content.decode()

    assert '<span class="own-role">Lead</span>' in row_of(page, led.reference)
    assert '<span class="own-role">Co-owner</span>' in row_of(page, co_owned.reference)


def test_an_untouched_item_says_no_activity_since_the_report(meti_client, meti):
    untouched = factories.RecommendationFactory(lead_owner=meti, status_date=LONG_AGO)
    updated = factories.RecommendationFactory(lead_owner=meti, status_date=LONG_AGO)
    factories.ProgressUpdateFactory(recommendation=updated, date=datetime.date(2026, 11, 2))

    page = meti_client.get(HOME).content.decode()

    assert "None since the report" in row_of(page, untouched.reference)
    assert "17 April 2024" not in row_of(page, untouched.reference)
    assert "2 November 2026" in row_of(page, updated.reference)


def test_the_stale_warning_counts_back_from_today_when_the_next_council_has_no_date(
    meti_client, meti, official
):
    factories.CouncilFactory(date=None)
    factories.RecommendationFactory(lead_owner=meti, status_date=LONG_AGO)
    cutoff = officials_today(official.user) - datetime.timedelta(weeks=8)

    page = meti_client.get(HOME).content.decode()

    assert "the run-up to the next Council" not in page
    assert (
        f"1 item has had no update since {cutoff.day} {cutoff:%B %Y}, the last 8 weeks "
        "(the next Council has no date yet): it comes first."
    ) in page


def test_the_stale_warning_names_the_run_up_to_a_dated_council(meti_client, meti):
    council = factories.CouncilFactory(date=timezone.localdate() + datetime.timedelta(weeks=4))
    factories.RecommendationFactory(lead_owner=meti, status_date=LONG_AGO)
    cutoff = council.date - datetime.timedelta(weeks=8)

    page = meti_client.get(HOME).content.decode()

    assert (
        f"1 item has had no update since {cutoff.day} {cutoff:%B %Y}, the run-up to the next "
        "Council: it comes first."
    ) in page


def test_a_run_up_not_yet_begun_is_named_by_the_day_it_begins_not_as_a_past_date(meti_client, meti):
    council = factories.CouncilFactory(date=timezone.localdate() + datetime.timedelta(weeks=12))
    factories.RecommendationFactory(lead_owner=meti, status_date=LONG_AGO)
    begins = council.date - datetime.timedelta(weeks=8)

    page = meti_client.get(HOME).content.decode()

    assert "had no update since" not in page
    assert (
        f"The run-up to the next Council begins on {begins.day} {begins:%B %Y}: only an update "
        "from then on counts for it, so until an item has one it is marked as having no recent "
        "update."
    ) in page


def test_the_japanese_changelist_names_the_owners_in_japanese(client, official, meti):
    factories.RecommendationFactory(lead_owner=meti)
    factories.OwnerFactory(code="MIC", name="MIC", name_ja="総務省", side=Side.JAPAN)
    official.language = "ja"
    official.save()
    client.force_login(official.user)

    page = client.get(CHANGELIST).content.decode()

    assert '<td class="field-lead_owner_name">経済産業省</td>' in page
    # The owner filter too.
    assert ">経済産業省</a>" in page and ">総務省</a>" in page
    assert ">METI<" not in page and ">MIC<" not in page
