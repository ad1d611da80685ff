"""Each recommending organisation's own view: its contact signs in by a mailed link (once, for
30 minutes), sees only its organisation's items, gives a view and changes it; the secretariat
approves it (then it is public on the pages, in the report and the API, and mailed to the
owners' officials once) or rejects it with a reason mailed back. Mail goes through a real SMTP
server (aiosmtpd)."""

import datetime
import html
import re

import pytest
from django.conf import settings
from django.utils import timezone

from recommendations.models import OrganisationContact, SignInLink, StakeholderView
from recommendations.rules.choices import Side
from recommendations.services import stakeholder_views
from tests import factories
from tests.helpers import Client

# Real commits: the outbox sends after the transaction commits, as in production.
pytestmark = pytest.mark.django_db(transaction=True)

LINK = re.compile(r"https?://\S+?/contacts/sign-in/[^/\s]+/")
CONTACT = "contact@jbce.example.org"


@pytest.fixture
def world(db):
    """JBCE with one contact, two items of its own, one of another organisation's, and an
    official of the lead owner."""
    jbce = factories.OrganisationFactory(acronym="JBCE", slug="jbce")
    other = factories.OrganisationFactory(acronym="DE", slug="digitaleurope")
    owner = factories.OwnerFactory(code="CNECT", side=Side.EU)
    ours = factories.RecommendationFactory(
        reference="CYBER-2", organisations=[jbce], lead_owner=owner
    )
    second = factories.RecommendationFactory(reference="CYBER-3", organisations=[jbce])
    theirs = factories.RecommendationFactory(reference="AI-1", organisations=[other])
    contact = OrganisationContact.objects.create(organisation=jbce, email=CONTACT, language="en")
    official = factories.OfficialFactory(owner=owner, user__email="official@cnect.example.org")
    return {
        "jbce": jbce,
        "ours": ours,
        "second": second,
        "theirs": theirs,
        "contact": contact,
        "official": official,
    }


def local(url: str) -> str:
    return url.removeprefix(settings.SITE_URL)


def ask_for_link(client, address=CONTACT, *, prefix=""):
    return client.post(f"{prefix}/contacts/sign-in/", {"email": address}, REMOTE_ADDR="192.0.2.9")


def signed_in(server, address=CONTACT) -> Client:
    client = Client()
    ask_for_link(client, address)
    link = LINK.search(server.to(address)[-1].get_content()).group(0)
    response = client.post(local(link))
    assert response.status_code == 302
    return client


def without_token(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def give(client, reference="CYBER-2", **data):
    return client.post(f"/contacts/{reference}/", data)


def test_a_contact_signs_in_by_the_mailed_link_and_sees_only_their_organisations_items(
    server, world
):
    client = Client()
    response = ask_for_link(client, "Contact@JBCE.example.org")
    assert response.status_code == 200
    assert "a sign-in link is on its way" in response.content.decode()
    [mail] = server.to(CONTACT)
    link = LINK.search(mail.get_content()).group(0)
    assert "30 minutes" in mail.get_content()

    # Opening the link (a mail scanner would) spends nothing: the button signs in.
    assert client.get(local(link)).status_code == 200
    response = client.post(local(link))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()

    assert "Signed in for JBCE Association" in page
    assert "CYBER-2" in page and "CYBER-3" in page
    assert "AI-1" not in page
    # A contact is no account: the admin does not let them in.
    assert client.get("/admin/").status_code == 302


def test_the_sign_in_link_and_pages_speak_the_contacts_language(server, world):
    world["contact"].language = "ja"
    world["contact"].save()
    client = Client()
    ask_for_link(client)
    [mail] = server.to(CONTACT)
    link = LINK.search(mail.get_content()).group(0)
    assert local(link).startswith("/ja/contacts/sign-in/")

    response = client.post(local(link))

    assert response["Location"] == "/ja/contacts/"
    assert "あなたの組織の見解" in client.get("/ja/contacts/").content.decode()


def test_a_used_sign_in_link_signs_no_one_in_again(server, world):
    client = Client()
    ask_for_link(client)
    link = local(LINK.search(server.to(CONTACT)[0].get_content()).group(0))
    assert client.post(link).status_code == 302

    stranger = Client()
    response = stranger.post(link)

    assert response.status_code == 400
    assert "already been used" in response.content.decode()
    assert stranger.get("/contacts/")["Location"] == "/contacts/sign-in/"


def test_an_expired_sign_in_link_is_refused(server, world):
    client = Client()
    ask_for_link(client)
    link = local(LINK.search(server.to(CONTACT)[0].get_content()).group(0))
    SignInLink.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    response = client.post(link)

    assert response.status_code == 400
    assert "has expired" in response.content.decode()
    assert client.get("/contacts/")["Location"] == "/contacts/sign-in/"
    assert SignInLink.objects.get().used_at is None


def test_a_made_up_sign_in_link_is_refused(world):
    response = Client().post("/contacts/sign-in/not-a-real-token/")

    assert response.status_code == 400
    assert "not valid" in response.content.decode()


def test_the_form_says_the_same_for_an_unknown_address_and_sends_it_nothing(server, world):
    known = ask_for_link(Client()).content.decode()
    unknown = ask_for_link(Client(), "stranger@example.org").content.decode()

    # Word for word, the language switcher's CSRF token aside.
    assert without_token(known) == without_token(unknown)
    assert server.to("stranger@example.org") == []
    assert SignInLink.objects.count() == 1


def test_a_flood_of_link_requests_sends_three_mails_then_refuses(server, world):
    client = Client()
    answers = [ask_for_link(client).status_code for _ in range(5)]

    assert answers == [200, 200, 200, 429, 429]
    assert len(server.to(CONTACT)) == 3
    assert SignInLink.objects.count() == 3
    # An unknown address is throttled alike, so the refusal tells nothing either.
    assert [ask_for_link(client, "x@example.org").status_code for _ in range(4)][-1] == 429


def test_one_client_asking_for_many_addresses_is_refused_past_ten(server, world):
    client = Client()
    answers = [ask_for_link(client, f"person{n}@example.org").status_code for n in range(11)]

    assert answers[:10] == [200] * 10
    assert answers[10] == 429
    assert "Too many sign-in links" in ask_for_link(client).content.decode()
    assert server.to(CONTACT) == []


def test_a_contact_cannot_see_or_give_a_view_of_another_organisations_item(server, world):
    client = signed_in(server)

    page = client.get("/contacts/AI-1/")
    posted = give(client, "AI-1", answer="no", comment="Not ours to say")

    assert page.status_code == posted.status_code == 403
    assert "AI-1 is not one of JBCE's recommendations." in text_of(posted)
    assert not StakeholderView.objects.exists()


def test_a_view_without_a_choice_is_refused_and_nothing_is_written(server, world):
    client = signed_in(server)

    response = give(client, comment="We think so")

    assert response.status_code == 400
    assert "Choose how far what has been done answers your recommendation." in (
        response.content.decode()
    )
    assert not StakeholderView.objects.exists()


def test_a_view_is_public_only_once_approved_and_mailed_to_the_officials_once(
    server, world, secretariat_user
):
    client = signed_in(server)
    assert give(client, answer="partly", comment="Half of what we asked").status_code == 302
    view = StakeholderView.objects.get()
    assert view.state == StakeholderView.State.PENDING

    public = Client()
    assert "Half of what we asked" not in public.get("/recommendations/CYBER-2/").content.decode()
    assert public.get("/api/recommendations/CYBER-2/").json()["stakeholder_views"] == []
    assert server.to("official@cnect.example.org") == []

    assert stakeholder_views.approve(view_id=view.pk, by=secretariat_user)
    assert not stakeholder_views.approve(view_id=view.pk, by=secretariat_user)

    item_page = text_of(public.get("/recommendations/CYBER-2/"))
    assert "JBCE's view: answers its recommendation" in item_page
    assert "Partly" in item_page and "Half of what we asked" in item_page
    organisation_page = public.get("/organisations/jbce/").content.decode()
    assert "Its view of what has been done" in organisation_page
    assert "Half of what we asked" in organisation_page
    assert public.get("/api/recommendations/CYBER-2/").json()["stakeholder_views"] == [
        {
            "organisation": "jbce",
            "answer": "partly",
            "comment": "Half of what we asked",
            "approved_at": public.get("/api/recommendations/CYBER-2/").json()["stakeholder_views"][
                0
            ]["approved_at"],
        }
    ]
    [mail] = server.to("official@cnect.example.org")
    assert "JBCE" in mail["Subject"] and "CYBER-2" in mail["Subject"]
    assert "Half of what we asked" in mail.get_content()


def test_a_changed_view_keeps_its_history_and_the_approved_one_stays_public_until_approved(
    server, world, secretariat_user
):
    client = signed_in(server)
    give(client, answer="not_yet", comment="Nothing yet")
    view = StakeholderView.objects.get()
    stakeholder_views.approve(view_id=view.pk, by=secretariat_user)

    give(client, answer="fully", comment="Done now")
    give(client, answer="fully", comment="Done now")  # sent twice: one change

    view.refresh_from_db()
    assert view.state == StakeholderView.State.PENDING
    assert [row.answer for row in view.history.order_by("history_id")] == [
        "not_yet",
        "not_yet",
        "fully",
    ]
    page = Client().get("/recommendations/CYBER-2/").content.decode()
    assert "Nothing yet" in page and "Done now" not in page
    assert "Shown publicly until then: Not yet" in client.get("/contacts/").content.decode()


def test_a_rejected_view_mails_its_reason_to_the_contact_in_their_language(
    server, world, secretariat_user
):
    world["contact"].language = "ja"
    world["contact"].save()
    client = signed_in(server)
    give(client, answer="no", comment="Rude words")
    view = StakeholderView.objects.get()

    assert stakeholder_views.reject(
        view_id=view.pk, by=secretariat_user, reason="Please keep to the facts."
    )
    assert not stakeholder_views.reject(view_id=view.pk, by=secretariat_user, reason="Again")

    mails = server.to(CONTACT)
    assert len(mails) == 2  # the sign-in link, the rejection
    rejection = mails[-1]
    assert "CYBER-2" in rejection["Subject"]
    assert "公開されませんでした" in rejection["Subject"]
    assert "Please keep to the facts." in rejection.get_content()
    assert "Rude words" not in Client().get("/recommendations/CYBER-2/").content.decode()
    assert "Please keep to the facts." in client.get("/ja/contacts/").content.decode()


def test_a_rejection_needs_a_reason_and_an_official_cannot_moderate(server, world):
    client = signed_in(server)
    give(client, answer="no")
    view = StakeholderView.objects.get()

    with pytest.raises(stakeholder_views.ValidationError):
        stakeholder_views.reject(view_id=view.pk, by=factories.SuperuserFactory(), reason=" ")
    with pytest.raises(stakeholder_views.PermissionDenied):
        stakeholder_views.approve(view_id=view.pk, by=world["official"].user)

    view.refresh_from_db()
    assert view.state == StakeholderView.State.PENDING
    assert server.to("official@cnect.example.org") == []


def test_the_secretariat_approves_and_rejects_in_the_admin(server, world, admin_client):
    client = signed_in(server)
    give(client, answer="partly", comment="Some of it")
    give(client, "CYBER-3", answer="no", comment="Off topic")
    first, second = StakeholderView.objects.order_by("recommendation__reference")
    url = f"/admin/recommendations/stakeholderview/{first.pk}/change/"

    form = admin_client.get(url).content.decode()
    assert "Some of it" in form and 'name="decision"' in form
    refused = admin_client.post(url, {"decision": "reject", "reason": ""})
    assert refused.status_code == 200
    assert "Give the contact a reason for the rejection." in refused.content.decode()
    assert admin_client.post(url, {"decision": "approve"}).status_code == 302
    admin_client.post(
        "/admin/recommendations/stakeholderview/",
        {"action": "approve_views", "_selected_action": [first.pk, second.pk]},
    )

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.public_answer == "partly" and second.public_answer == "no"
    assert len(server.to("official@cnect.example.org")) == 1  # CYBER-3 has another owner


def test_an_official_sees_neither_contacts_nor_views_in_the_admin(world):
    client = Client()
    client.force_login(world["official"].user)

    assert client.get("/admin/recommendations/stakeholderview/").status_code == 403
    assert client.get("/admin/recommendations/organisationcontact/").status_code == 403


def test_the_report_shows_each_approved_view_and_counts_them(server, world, secretariat_user):
    client = signed_in(server)
    give(client, answer="fully", comment="")
    stakeholder_views.approve(view_id=StakeholderView.objects.get().pk, by=secretariat_user)

    report = Client().get("/report/").content.decode()

    assert "Stakeholder view" in report
    assert "JBCE: Fully" in report
    assert "Stakeholder views" in report


def test_the_report_has_no_stakeholder_column_before_a_view_is_approved(server, world):
    client = signed_in(server)
    give(client, answer="fully", comment="Awaiting the secretariat")

    report = Client().get("/report/").content.decode()

    assert "Stakeholder view" not in report
    assert "Awaiting the secretariat" not in report


def test_the_secretariat_cannot_record_an_address_twice_in_another_case(world, admin_client):
    response = admin_client.post(
        "/admin/recommendations/organisationcontact/add/",
        {"organisation": world["jbce"].pk, "email": "Contact@JBCE.example.org", "language": "en"},
    )

    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert OrganisationContact.objects.count() == 1
