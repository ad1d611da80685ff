"""No edit is lost: two officials with the same recommendation open, in two sessions. A save
after someone else's is merged with theirs three ways: what the second saver left alone takes
the saved value, what only they changed is saved, and only a field both changed is refused."""

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


@pytest.fixture
def dg_connect(db):
    return factories.OwnerFactory(code="CNECT", government="European Commission", side=Side.EU)


@pytest.fixture
def hana(meti):
    client = Client()
    client.force_login(factories.OfficialFactory(owner=meti, user__username="hana").user)
    return client


@pytest.fixture
def pierre(dg_connect):
    client = Client()
    client.force_login(factories.OfficialFactory(owner=dg_connect, user__username="pierre").user)
    return client


@pytest.fixture
def cyber_2(meti, dg_connect):
    topic = factories.TopicFactory(code="CYBER")
    return factories.RecommendationFactory(
        topic=topic, number="2", lead_owner=meti, co_owners=[dg_connect]
    )


@pytest.mark.django_db
def test_a_save_from_a_form_opened_before_anothers_note_keeps_the_note(hana, pierre, cyber_2):
    hanas_form = open_change_form(hana, cyber_2)
    pierres_form = open_change_form(pierre, cyber_2)
    hanas_form.update(notes=["Hana: the sandbox law passed the Diet."])
    assert hana.post(change_url(cyber_2), hanas_form).status_code == 302

    pierres_form.update(eu_status=["in_progress"])
    saved = pierre.post(change_url(cyber_2), pierres_form)
    # The same stale form sent once more, the note still untouched in it.
    again = pierre.post(change_url(cyber_2), pierres_form)

    assert (saved.status_code, again.status_code) == (302, 302)
    cyber_2.refresh_from_db()
    assert cyber_2.notes == "Hana: the sandbox law passed the Diet."
    assert cyber_2.eu_status == Status.IN_PROGRESS
    # Nobody is recorded reverting Hana's note.
    assert [(r.history_user.username, r.notes) for r in cyber_2.history.all()[:2]] == [
        ("pierre", "Hana: the sandbox law passed the Diet."),
        ("hana", "Hana: the sandbox law passed the Diet."),
    ]


@pytest.mark.django_db
def test_the_second_of_two_saves_changing_the_same_field_is_refused_with_a_table(alice, bob, meti):
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
    table = content[content.index('<table class="edit-conflict">') :]
    table = table[: table.index("</table>")]
    assert '<th scope="row">Internal notes</th>' in table
    assert "Bob: confirmed with the ministry." in table and "by bob, " in table
    assert "Alice: waiting for the Council." in table
    # Only the field both changed is in question; the note is quoted once each, not twice.
    assert "Japan side status" not in table
    assert content.count("Bob: confirmed with the ministry.") == 1
    # Alice's input is still on the form, to choose from; Bob's status is taken into it.
    resubmitted = form_data(content, "recommendation_form")
    assert resubmitted["notes"] == ["Alice: waiting for the Council."]
    assert resubmitted["japan_status"] == ["planned"]
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

    alices_form.update(
        {"notes": ["Alice."], "updates-2-0-text": ["Alice's long update about the sandbox."]}
    )
    refused = alice.post(change_url(recommendation), alices_form)

    assert "Alice&#x27;s long update about the sandbox." in refused.content.decode()
    assert not recommendation.updates.exists()


@pytest.mark.django_db
def test_a_form_opened_before_a_bulk_status_change_saves_without_undoing_it(alice, meti):
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
            "stalled_reason": "budget",
            "visibility": "public",
        },
    )
    council = factories.CouncilFactory()

    alices_form.update(target_council=[str(council.pk)])
    saved = alice.post(change_url(recommendation), alices_form)

    assert saved.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.target_council == council
    assert (recommendation.japan_status, recommendation.status) == (Status.STALLED, Status.STALLED)


@pytest.mark.django_db
def test_a_form_opened_before_a_bulk_status_change_to_the_same_side_is_refused(alice, meti):
    recommendation = factories.RecommendationFactory(lead_owner=meti)
    alices_form = open_change_form(alice, recommendation)
    secretariat = Client()
    secretariat.force_login(factories.SuperuserFactory(username="sato"))
    secretariat.post(
        CHANGELIST,
        {
            "action": "change_status_action",
            "_selected_action": [recommendation.pk],
            "apply": "1",
            "target": "jp",
            "status": "stalled",
            "stalled_reason": "budget",
            "visibility": "public",
        },
    )

    alices_form.update(japan_status=["completed"])
    refused = alice.post(change_url(recommendation), alices_form)

    assert refused.status_code == 200
    content = refused.content.decode()
    assert '<th scope="row">Japan side status</th>' in content and "by sato, " in content
    recommendation.refresh_from_db()
    assert recommendation.japan_status == Status.STALLED


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
def test_one_save_of_a_note_and_a_side_is_one_history_record_and_one_version(alice, meti):
    recommendation = factories.RecommendationFactory(lead_owner=meti)
    form = open_change_form(alice, recommendation)
    form.update(notes=["Alice: the pilot starts in May."], japan_status=["in_progress"])

    assert alice.post(change_url(recommendation), form).status_code == 302

    records = list(recommendation.history.all())
    assert [(r.version, r.notes, r.japan_status) for r in records] == [
        (2, "Alice: the pilot starts in May.", Status.IN_PROGRESS),
        (1, "", Status.NOT_ASSESSED),
    ]
    assert Recommendation.objects.get(pk=recommendation.pk).version == 2


@pytest.mark.django_db
def test_one_save_of_co_owners_a_note_and_a_side_by_the_secretariat_is_one_history_record(meti):
    recommendation = factories.RecommendationFactory(lead_owner=meti)
    mic = factories.OwnerFactory(code="MIC", name="Ministry of Internal Affairs")
    secretariat = Client()
    secretariat.force_login(factories.SuperuserFactory(username="sato"))
    form = open_change_form(secretariat, recommendation)
    form.update(co_owners=[str(mic.pk)], notes=["MIC joins."], eu_status=["planned"])

    assert secretariat.post(change_url(recommendation), form).status_code == 302

    latest, *earlier = recommendation.history.all()
    assert len(earlier) == 1
    assert (latest.version, latest.notes, latest.eu_status, latest.history_user.username) == (
        2,
        "MIC joins.",
        Status.PLANNED,
        "sato",
    )
    assert [row.owner for row in latest.co_owners.all()] == [mic]


@pytest.mark.django_db
def test_co_owners_the_secretariat_added_survive_an_officials_older_form(alice, meti):
    recommendation = factories.RecommendationFactory(lead_owner=meti)
    mic = factories.OwnerFactory(code="MIC", name="Ministry of Internal Affairs")
    alices_form = open_change_form(alice, recommendation)
    secretariat = Client()
    secretariat.force_login(factories.SuperuserFactory())
    secretariats_form = open_change_form(secretariat, recommendation)
    secretariats_form.update(co_owners=[str(mic.pk)])
    assert secretariat.post(change_url(recommendation), secretariats_form).status_code == 302

    alices_form.update(notes=["Alice."])
    assert alice.post(change_url(recommendation), alices_form).status_code == 302

    recommendation.refresh_from_db()
    assert (recommendation.notes, list(recommendation.co_owners.all())) == ("Alice.", [mic])


@pytest.mark.django_db
def test_a_refused_save_names_co_owners_another_secretary_set(meti):
    recommendation = factories.RecommendationFactory(lead_owner=meti)
    mic = factories.OwnerFactory(code="MIC", name="Ministry of Internal Affairs")
    digital = factories.OwnerFactory(code="DA", name="Digital Agency")
    first, second = Client(), Client()
    first.force_login(factories.SuperuserFactory(username="ito"))
    second.force_login(factories.SuperuserFactory(username="mori"))
    firsts_form = open_change_form(first, recommendation)
    seconds_form = open_change_form(second, recommendation)
    firsts_form.update(co_owners=[str(mic.pk)])
    assert first.post(change_url(recommendation), firsts_form).status_code == 302

    seconds_form.update(co_owners=[str(digital.pk)])
    refused = second.post(change_url(recommendation), seconds_form)

    content = refused.content.decode()
    assert '<th scope="row">Co-owners</th>' in content
    assert "Ministry of Internal Affairs" in content and "by ito, " in content
    assert list(recommendation.co_owners.all()) == [mic]


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
