"""The reporting round in the admin and on the public dashboard: the secretariat opens, follows,
closes and publishes; an official sees the round on their home and confirms "no change"."""

import csv
import datetime
import io

import pytest
from django.core import mail
from django.utils import timezone
from mailer.models import Message

from recommendations.models import Edition, ProgressUpdate, Recommendation, ReportingRound
from recommendations.rules.choices import Side, Status, TranslationStatus, UpdateKind
from recommendations.services.rounds import confirm_unchanged, open_round
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DEADLINE = TODAY + datetime.timedelta(days=10)


@pytest.fixture
def world():
    council = factories.CouncilFactory(number=3, date=TODAY + datetime.timedelta(days=60))
    eu = factories.OwnerFactory(code="CNECT", name="DG Connect", side=Side.EU)
    jp = factories.OwnerFactory(code="METI", name="METI", side=Side.JAPAN)
    official = factories.OfficialFactory(owner=eu, user__username="anna")
    jp_official = factories.OfficialFactory(owner=jp, user__username="hana")
    # Assessed on both sides, so that each side can be confirmed unchanged.
    assessed = {"eu_status": Status.PLANNED, "japan_status": Status.PLANNED}
    items = [
        factories.RecommendationFactory(reference="AI-1", lead_owner=eu, **assessed),
        factories.RecommendationFactory(
            reference="AI-2", lead_owner=eu, co_owners=[jp], **assessed
        ),
        factories.RecommendationFactory(reference="AI-3", lead_owner=jp, **assessed),
    ]
    return {"council": council, "eu": eu, "official": official, "jp": jp_official, "items": items}


def opened(world):
    return open_round(council=world["council"], deadline=DEADLINE, author=None)


def test_the_secretariat_opens_a_round_from_the_admin_and_the_calls_go_after_commit(
    admin_client, world, settings, django_capture_on_commit_callbacks
):
    settings.MAILER_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks() as after_commit:
        response = admin_client.post(
            "/admin/recommendations/reportinground/add/",
            {"council": world["council"].pk, "deadline": DEADLINE.isoformat(), "message": "Hi"},
        )
        # Queued with the round; nothing has gone before the round is committed.
        assert mail.outbox == [] and Message.objects.count() == 2
    reporting_round = ReportingRound.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reporting_round.get_absolute_url()

    for callback in after_commit:
        callback()

    assert sorted(message.to[0] for message in mail.outbox) == [
        "anna@example.org",
        "hana@example.org",
    ]
    assert not Message.objects.exists()


def test_a_deadline_in_the_past_is_refused_in_the_admin_and_nothing_is_written(admin_client, world):
    response = admin_client.post(
        "/admin/recommendations/reportinground/add/",
        {"council": world["council"].pk, "deadline": "2001-01-01"},
    )
    assert "The deadline 2001-01-01 is in the past" in response.content.decode()
    assert not ReportingRound.objects.exists() and not Message.objects.exists()


def test_the_round_page_shows_each_owner_and_the_outstanding_items(admin_client, world):
    reporting_round = opened(world)
    confirm_unchanged(recommendations=[world["items"][2]], author=world["jp"].user)

    page = admin_client.get(reporting_round.get_absolute_url()).content.decode()

    assert "1 of 3 items has a report from at least one side due; 1 from every side due." in (
        " ".join(page.split())
    )
    assert '<tr data-owner="CNECT">' in page and '<tr data-owner="METI">' in page
    # METI: two due (AI-2, AI-3), one reported and confirmed, one outstanding.
    meti = page.split('<tr data-owner="METI">')[1].split("</tr>")[0]
    assert '<td class="due">2</td>' in meti
    assert '<td class="confirmed">1</td>' in meti and '<td class="outstanding">1</td>' in meti
    csv_response = admin_client.get(
        f"/admin/recommendations/reportinground/{reporting_round.pk}/outstanding.csv"
    )
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert [(row[0], row[2]) for row in rows[1:]] == [
        ("AI-1", "DG Connect"),
        ("AI-2", "DG Connect, METI"),
    ]


@pytest.mark.parametrize("extra", [0, 30])
def test_the_round_page_runs_the_same_queries_whatever_the_items(
    admin_client, world, django_assert_num_queries, extra
):
    reporting_round = opened(world)
    for _ in range(extra):
        factories.RecommendationFactory(lead_owner=world["eu"], co_owners=[world["jp"].owner])
    admin_client.get(reporting_round.get_absolute_url())
    # session, user; the round; items with their flags, co-owner links, owners, the owners
    # with an official to call (to flag those nobody was called for); the current edition;
    # the mails waiting in the outbox; the round's mails and the outbox's log of them (their
    # states)
    with django_assert_num_queries(11):
        response = admin_client.get(reporting_round.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert all(item.reference in content for item in Recommendation.objects.all())


def test_an_official_may_not_see_the_round_page(client, world):
    reporting_round = opened(world)
    client.force_login(world["official"].user)
    assert client.get(reporting_round.get_absolute_url()).status_code == 403


def test_an_officials_home_shows_the_round_and_leads_to_the_outstanding_items(client, world):
    opened(world)
    client.force_login(world["official"].user)
    client.post(f"/admin/recommendations/reportinground/confirm/{world['items'][0].pk}/")

    home = client.get("/admin/").content.decode()
    assert "Your items: 1 of 2 reported." in home
    assert 'href="/admin/recommendations/recommendation/?round=outstanding"' in home
    listed = client.get("/admin/recommendations/recommendation/?round=outstanding")
    assert [item.reference for item in listed.context["cl"].result_list] == ["AI-2"]


def test_the_bulk_action_confirms_an_officials_items_and_refuses_others(client, world):
    opened(world)
    client.force_login(world["official"].user)
    eu_items = [item.pk for item in world["items"][:2]]
    client.post(
        "/admin/recommendations/recommendation/",
        {"action": "confirm_unchanged_action", "_selected_action": eu_items},
    )
    assert ProgressUpdate.objects.filter(kind=UpdateKind.CONFIRMATION).count() == 2

    response = client.post(
        "/admin/recommendations/recommendation/",
        {"action": "confirm_unchanged_action", "_selected_action": [world["items"][2].pk]},
        follow=True,
    )
    assert "You may not confirm AI-3" in response.content.decode()
    assert ProgressUpdate.objects.filter(kind=UpdateKind.CONFIRMATION).count() == 2


def test_the_change_form_offers_the_confirmation_only_to_the_items_owners(client, world):
    opened(world)
    client.force_login(world["official"].user)
    own = client.get(f"/admin/recommendations/recommendation/{world['items'][0].pk}/change/")
    other = client.get(f"/admin/recommendations/recommendation/{world['items'][2].pk}/change/")
    assert 'id="confirm-unchanged"' in own.content.decode()
    assert 'id="confirm-unchanged"' not in other.content.decode()


def test_publishing_from_the_admin_asks_first_then_needs_a_reason_the_second_time(
    admin_client, world, media
):
    reporting_round = opened(world)
    url = f"/admin/recommendations/reportinground/{reporting_round.pk}/publish/"
    assert "Yes, publish" in admin_client.get(url).content.decode()
    assert not Edition.objects.exists()

    admin_client.post(url)
    assert Edition.objects.count() == 1
    assert not ReportingRound.objects.open().exists()

    refused = admin_client.post(url, {"reason": ""}).content.decode()
    assert "already published" in refused and Edition.objects.count() == 1
    admin_client.post(url, {"reason": "AI-3 owner corrected"})
    assert Edition.objects.count() == 2


def test_the_dashboard_says_how_many_items_are_reported_without_names(client, world):
    opened(world)
    page = client.get("/").content.decode()
    deadline = f"{DEADLINE.day} {DEADLINE:%B %Y}"
    assert (
        f"Reporting for Council no. 3, deadline {deadline}: 0 of 3 items have a report from at "
        "least one side due; 0 from every side due."
    ) in " ".join(page.split())
    assert "DG Connect" not in page.split('class="round-line"')[1].split("</p>")[0]


def test_the_publish_confirmation_lists_out_of_date_translations_first(admin_client, world):
    reporting_round = opened(world)
    stale, fresh = world["items"][0], world["items"][1]
    Recommendation.objects.filter(pk=stale.pk).update(text_ja_status=TranslationStatus.OUT_OF_DATE)
    url = f"/admin/recommendations/reportinground/{reporting_round.pk}/publish/"

    page = admin_client.get(url).content.decode()

    assert "1 Japanese translation is out of date" in page
    assert f">{stale.reference}</a>" in page
    assert f">{fresh.reference}</a>" not in page
    assert not Edition.objects.exists()
