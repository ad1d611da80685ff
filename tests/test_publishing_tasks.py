"""Publishing in the background: the admin's "Yes, publish" hands the edition to the worker and
returns at once; the publication's page follows it step by step to its edition, says why one
failed and tries it again; the confirmation previews what the edition will say first. These
tests use the database queue and run its worker (`db_worker`), as a server does."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from recommendations.models import Edition, Publication, Recommendation, ReportingRound
from recommendations.rules.choices import Side, Status
from recommendations.services.editions import publish_edition
from recommendations.services.rounds import open_round
from recommendations.services.statuses import set_statuses
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]
# The worker closes a connection left inside a transaction, as one in its own process never
# is: a test it runs in commits its writes, as the request's are in production.
committed = pytest.mark.django_db(transaction=True)

TODAY = timezone.localdate()


@pytest.fixture
def queue(settings):
    """The database queue, as in production: nothing runs until the worker takes it up."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


@pytest.fixture
def council():
    council = factories.CouncilFactory(number=3, date=TODAY + datetime.timedelta(days=30))
    eu = factories.OwnerFactory(code="CNECT", name="DG Connect", side=Side.EU)
    japan = factories.OwnerFactory(code="DA", name="Digital Agency", side=Side.JAPAN)
    factories.RecommendationFactory(reference="AI-1", lead_owner=eu)
    factories.RecommendationFactory(reference="AI-2", lead_owner=japan)
    return council


def publish_url(council) -> str:
    reporting_round = ReportingRound.objects.get(council=council)
    return f"/admin/recommendations/reportinground/{reporting_round.pk}/publish/"


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")


@committed
def test_the_publish_request_returns_before_the_edition_and_the_worker_publishes_it(
    admin_client, council, queue
):
    open_round(council=council, deadline=TODAY, author=None)

    response = admin_client.post(publish_url(council))

    publication = Publication.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/recommendations/publication/{publication.pk}/change/"
    assert not Edition.objects.exists()
    waiting = admin_client.get(response["Location"]).content.decode()
    assert "Waiting for the worker" in waiting
    assert '<meta http-equiv="refresh" content="2">' in waiting

    run_worker()

    page = admin_client.get(response["Location"]).content.decode()
    edition = Edition.objects.get()
    assert f'Published: <a href="{edition.get_absolute_url()}">{edition}</a>.' in page
    assert 'http-equiv="refresh"' not in page
    assert edition.files.filter(language="ja", name="report.pdf").exists()


@committed
def test_a_failed_publication_says_why_and_publishes_when_tried_again(
    admin_client, council, queue, media
):
    open_round(council=council, deadline=TODAY, author=None)
    # A file where the editions' folder should be: the files cannot be stored.
    media.mkdir(parents=True, exist_ok=True)
    (media / "reports").write_text("in the way")
    location = admin_client.post(publish_url(council))["Location"]

    run_worker()

    failed = admin_client.get(location).content.decode()
    assert "The publication failed:" in failed
    assert "NotADirectoryError" in failed.split('class="publication-error"')[1].split("</span>")[0]
    assert "Try again" in failed
    assert not Edition.objects.exists()

    (media / "reports").unlink()
    failed_pk = Publication.objects.get().pk
    retried = admin_client.post(f"/admin/recommendations/publication/{failed_pk}/retry/")
    run_worker()

    again = Publication.objects.order_by("-pk").first()
    assert retried["Location"] == f"/admin/recommendations/publication/{again.pk}/change/"
    assert again.step == Publication.Step.DONE
    assert Edition.objects.get().number == 1


def test_a_second_publication_while_one_is_under_way_is_refused_at_once(
    admin_client, council, queue
):
    open_round(council=council, deadline=TODAY, author=None)
    admin_client.post(publish_url(council))

    refused = admin_client.post(publish_url(council), {"reason": "typo"}).content.decode()

    assert "Council no. 3 is being published already" in refused
    assert Publication.objects.count() == 1


def test_the_publish_confirmation_previews_counts_per_side_owners_still_to_report_and_moves(
    admin_client, council
):
    previous = factories.CouncilFactory(number=2, date=TODAY + datetime.timedelta(days=10))
    open_round(council=previous, deadline=TODAY, author=None)
    publish_edition(council=previous, author=None)
    open_round(council=council, deadline=TODAY, author=None)
    ai_1 = Recommendation.objects.get(reference="AI-1")
    set_statuses(recommendation=ai_1, sides={Side.EU: Status.IN_PROGRESS}, author=None)

    page = admin_client.get(publish_url(council)).content.decode()

    counts = page.split('id="preview-counts"')[1].split("</table>")[0]
    assert '<th scope="row">In progress</th><td>1</td><td>1</td><td>0</td>' in counts
    assert "2 recommendations, by status" in counts
    outstanding = page.split('id="preview-outstanding"')[1].split("</ul>")[0]
    assert "Digital Agency: 1 item outstanding" in outstanding
    moves = page.split('id="preview-moves"')[1].split("</ul>")[0]
    assert "AI-1: Not yet assessed → In progress" in moves
    assert "AI-2" not in moves


def test_publish_report_names_the_reason_option_when_a_correction_needs_one(council):
    open_round(council=council, deadline=TODAY, author=None)
    call_command("publish_report", "--council", "3")

    with pytest.raises(CommandError, match='--reason "…"'):
        call_command("publish_report", "--council", "3")
