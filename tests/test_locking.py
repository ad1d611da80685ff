"""No edit is lost: two officials with the same recommendation open, in two sessions."""

import pytest

from recommendations.models import Recommendation, Side, Status
from recommendations.services.archive import archive
from recommendations.services.statuses import set_statuses
from tests import factories
from tests.helpers import CHANGELIST, Client, change_url, form_data, open_change_form


@pytest.fixture
def meti(db):
    return factories.OwnerFactory(code="METI", government="Government of Japan", side=Side.JAPAN)


@pytest.fixture
def alice(meti):
    client = Client()
    client.force_login(factories.OfficialFactory(owner=meti, user__username="alice").user)
    return client


@pytest.fixture
def bob(meti):
    client = Client()
    client.force_login(factories.OfficialFactory(owner=meti, user__username="bob").user)
    return client


@pytest.mark.django_db
def test_the_second_of_two_concurrent_saves_is_refused_with_what_the_first_changed(
    alice, bob, meti
):
    recommendation = factories.RecommendationFactory(lead_owner=meti)
    alices_form = open_change_form(alice, recommendation)
    bobs_form = open_change_form(bob, recommendation)

    bobs_form.update(notes=["Bob: confirmed with the ministry."], japan_status=["planned"])
    assert bob.post(change_url(recommendation), bobs_form).status_code == 302

    alices_form.update(notes=["Alice: waiting for the Council."])
    refused = alice.post(change_url(recommendation), alices_form)

    assert refused.status_code == 200
    content = refused.content.decode()
    assert "Not saved: bob saved this recommendation after you opened it" in content
    assert "Internal notes: “—” → “Bob: confirmed with the ministry.”" in content
    assert "Japan side status: “Not yet assessed” → “Planned”" in content
    assert "Status: “Not yet assessed” → “Planned”" in content
    # Alice's input is still on the form, to merge by hand.
    assert "Alice: waiting for the Council." in content
    recommendation.refresh_from_db()
    assert recommendation.notes == "Bob: confirmed with the ministry."
    assert recommendation.status == Status.PLANNED


@pytest.mark.django_db
def test_after_a_refused_save_the_merged_form_saves(alice, bob, meti):
    recommendation = factories.RecommendationFactory(lead_owner=meti)
    alices_form = open_change_form(alice, recommendation)
    bobs_form = open_change_form(bob, recommendation)
    bobs_form.update(notes=["Bob's note."])
    bob.post(change_url(recommendation), bobs_form)
    alices_form.update(notes=["Alice's note."])
    refused = alice.post(change_url(recommendation), alices_form)

    merged = form_data(refused.content.decode(), "recommendation_form")
    merged.update(notes=["Bob's note. Alice's note."])
    saved = alice.post(change_url(recommendation), merged)

    assert saved.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.notes == "Bob's note. Alice's note."


@pytest.mark.django_db
def test_a_refused_save_keeps_the_inline_update_the_user_was_writing(alice, bob, meti):
    recommendation = factories.RecommendationFactory(lead_owner=meti)
    alices_form = open_change_form(alice, recommendation)
    bob.post(
        change_url(recommendation), {**open_change_form(bob, recommendation), "notes": ["Bob."]}
    )

    alices_form.update({"updates-2-0-text": ["Alice's long update about the sandbox."]})
    refused = alice.post(change_url(recommendation), alices_form)

    assert "Alice&#x27;s long update about the sandbox." in refused.content.decode()
    assert not recommendation.updates.exists()


@pytest.mark.django_db
def test_a_form_opened_before_a_bulk_status_change_is_refused(alice, meti):
    recommendation = factories.RecommendationFactory(lead_owner=meti)
    alices_form = open_change_form(alice, recommendation)
    secretariat = Client()
    secretariat.force_login(factories.SuperuserFactory())
    secretariat.post(
        CHANGELIST,
        {
            "action": "change_status_action",
            "_selected_action": [recommendation.pk],
            "apply": "1",
            "target": "jp",
            "status": "stalled",
            "visibility": "public",
        },
    )

    alices_form.update(target_council=[str(factories.CouncilFactory().pk)])
    refused = alice.post(change_url(recommendation), alices_form)

    assert refused.status_code == 200
    assert "Status: “Not yet assessed” → “Stalled”" in refused.content.decode()
    recommendation.refresh_from_db()
    assert recommendation.target_council is None


@pytest.mark.django_db
def test_every_save_through_the_admin_and_the_services_moves_the_version_on(alice, meti):
    recommendation = factories.RecommendationFactory(lead_owner=meti)
    assert recommendation.version == 1

    alice.post(
        change_url(recommendation), {**open_change_form(alice, recommendation), "notes": ["x"]}
    )
    recommendation.refresh_from_db()
    assert recommendation.version == 2

    set_statuses(recommendation=recommendation, sides={Side.JAPAN: Status.PLANNED}, author=None)
    archive(recommendations=[recommendation], author=None)
    assert Recommendation.objects.get(pk=recommendation.pk).version == 4
    assert [r.version for r in recommendation.history.all()] == [4, 3, 2, 1]


@pytest.mark.django_db
def test_a_refused_save_names_co_owners_the_secretariat_added(alice, meti):
    recommendation = factories.RecommendationFactory(lead_owner=meti)
    mic = factories.OwnerFactory(code="MIC", name="Ministry of Internal Affairs")
    alices_form = open_change_form(alice, recommendation)
    secretariat = Client()
    secretariat.force_login(factories.SuperuserFactory())
    secretariats_form = open_change_form(secretariat, recommendation)
    secretariats_form.update(co_owners=[str(mic.pk)])
    assert secretariat.post(change_url(recommendation), secretariats_form).status_code == 302

    alices_form.update(notes=["Alice."])
    refused = alice.post(change_url(recommendation), alices_form)

    assert "Co-owners: “—” → “Ministry of Internal Affairs”" in refused.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("version", [None, "", "not a number"])
def test_a_form_without_a_readable_version_is_refused_not_saved_blindly(alice, meti, version):
    recommendation = factories.RecommendationFactory(lead_owner=meti)
    form = open_change_form(alice, recommendation)
    form["notes"] = ["Blind save."]
    if version is None:
        del form["loaded_version"]
    else:
        form["loaded_version"] = [version]

    response = alice.post(change_url(recommendation), form)

    assert response.status_code == 200
    assert "reload the page" in response.content.decode()
    recommendation.refresh_from_db()
    assert recommendation.notes == ""
