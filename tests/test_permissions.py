"""Who may do what, cell by cell: four owners' items × {secretariat, official of METI,
anonymous} × {view, change, add update, delete, bulk status, import}."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse

from recommendations import permissions
from recommendations.models import Official, ProgressUpdate, Recommendation, Side, Status
from tests.factories import (
    OfficialFactory,
    OwnerFactory,
    RecommendationFactory,
    SuperuserFactory,
    TopicFactory,
    UserFactory,
)
from tests.forms import form_data

OWNERS = ["DGCONNECT", "METI", "MIC", "DIGITAL"]
ROLES = ["secretariat", "official", "anonymous"]
CHANGELIST = reverse("admin:recommendations_recommendation_changelist")
IMPORT = reverse("admin:recommendations_recommendation_import_updates")
LOGIN = reverse("admin:login")


def change_url(recommendation):
    return reverse("admin:recommendations_recommendation_change", args=[recommendation.pk])


def may_change(role, owner_code):
    return role == "secretariat" or (role == "official" and owner_code == "METI")


@pytest.fixture
def items(db):
    """One recommendation led by each of the four owners."""
    topic = TopicFactory(code="AI")
    owners = {
        code: OwnerFactory(code=code, side=Side.JAPAN if code != "DGCONNECT" else Side.EU)
        for code in OWNERS
    }
    return {
        code: RecommendationFactory(
            topic=topic, number=str(n), lead_owner=owner, text=f"Original text {code}."
        )
        for n, (code, owner) in enumerate(owners.items(), start=1)
    }


@pytest.fixture
def as_role(client, items):
    def log_in(role):
        if role == "secretariat":
            client.force_login(SuperuserFactory())
        elif role == "official":
            client.force_login(OfficialFactory(owner=items["METI"].lead_owner).user)
        return client

    return log_in


def editable_form(client, recommendation):
    """The change form as this user's browser has it, or, where they see it read-only, as an
    editing user's browser would, so the test posts a complete form either way."""
    page = client.get(change_url(recommendation))
    data = form_data(page.content.decode(), "recommendation_form")
    if "loaded_version" not in data:
        reader = type(client)()
        reader.force_login(SuperuserFactory())
        page = reader.get(change_url(recommendation))
        data = form_data(page.content.decode(), "recommendation_form")
    return data


@pytest.mark.parametrize("owner_code", OWNERS)
@pytest.mark.parametrize("role", ROLES)
def test_view_in_the_admin_is_for_the_secretariat_and_every_official(
    as_role, items, role, owner_code
):
    client = as_role(role)

    response = client.get(change_url(items[owner_code]))

    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(LOGIN)
    else:
        assert response.status_code == 200
        assert f"Original text {owner_code}." in response.content.decode()


@pytest.mark.parametrize("owner_code", OWNERS)
@pytest.mark.parametrize("role", ROLES)
def test_change_is_allowed_only_to_the_secretariat_and_the_owners_officials(
    as_role, items, role, owner_code
):
    recommendation = items[owner_code]
    client = as_role(role)
    data = editable_form(client, recommendation) if role != "anonymous" else {}
    data["notes"] = [f"Noted by the {role}."]

    response = client.post(change_url(recommendation), data)

    recommendation.refresh_from_db()
    if may_change(role, owner_code):
        assert response.status_code == 302
        assert recommendation.notes == f"Noted by the {role}."
    else:
        assert response.status_code in {302, 403}
        assert response.status_code == 403 or response.url.startswith(LOGIN)
        assert recommendation.notes == ""
        assert recommendation.version == 1


@pytest.mark.parametrize("owner_code", OWNERS)
@pytest.mark.parametrize("role", ROLES)
def test_progress_updates_are_added_only_where_the_user_may_change(
    as_role, items, role, owner_code
):
    recommendation = items[owner_code]
    client = as_role(role)
    data = editable_form(client, recommendation) if role != "anonymous" else {}
    data.update(
        {
            "updates-2-TOTAL_FORMS": ["1"],
            "updates-2-INITIAL_FORMS": ["0"],
            "updates-2-0-text": ["Working group met."],
            "updates-2-0-visibility": ["public"],
            "updates-2-0-date": ["2024-06-01"],
        }
    )

    client.post(change_url(recommendation), data)

    added = ProgressUpdate.objects.filter(recommendation=recommendation).exists()
    assert added == may_change(role, owner_code)


@pytest.mark.parametrize("owner_code", OWNERS)
@pytest.mark.parametrize("role", ROLES)
def test_nobody_deletes_a_recommendation_through_the_admin(as_role, items, role, owner_code):
    recommendation = items[owner_code]
    client = as_role(role)
    delete_url = reverse("admin:recommendations_recommendation_delete", args=[recommendation.pk])

    page = client.get(delete_url)
    posted = client.post(delete_url, {"post": "yes"})
    bulk = client.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [recommendation.pk]}
    )

    assert Recommendation.objects.filter(pk=recommendation.pk).exists()
    if role == "anonymous":
        assert page.url.startswith(LOGIN) and posted.url.startswith(LOGIN)
    else:
        assert page.status_code == posted.status_code == 403
        assert "delete_selected" not in client.get(CHANGELIST).content.decode()
    assert bulk.status_code in {200, 302}


@pytest.mark.parametrize("owner_code", OWNERS)
@pytest.mark.parametrize("role", ROLES)
def test_bulk_status_change_applies_only_where_the_user_may_change(
    as_role, items, role, owner_code
):
    recommendation = items[owner_code]
    client = as_role(role)

    response = client.post(
        CHANGELIST,
        {
            "action": "change_status_action",
            "_selected_action": [recommendation.pk],
            "apply": "1",
            "status": "planned",
            "text": "",
            "visibility": "public",
        },
        follow=True,
    )

    recommendation.refresh_from_db()
    changed = recommendation.status == Status.PLANNED
    assert changed == may_change(role, owner_code)
    if role == "official" and owner_code != "METI":
        assert f"you may not change {recommendation.reference}" in response.content.decode()


@pytest.mark.parametrize("owner_code", OWNERS)
@pytest.mark.parametrize("role", ROLES)
def test_spreadsheet_import_applies_only_where_the_user_may_change(
    as_role, items, role, owner_code
):
    recommendation = items[owner_code]
    client = as_role(role)
    upload = io.BytesIO(
        f"reference,status,status_date,latest_update\n{recommendation.reference},completed,"
        "2024-06-01,Done.\n".encode()
    )
    upload.name = "updates.csv"

    preview = client.post(IMPORT, {"file": upload})
    if role == "anonymous":
        assert preview.status_code == 302 and preview.url.startswith(LOGIN)
    elif may_change(role, owner_code):
        client.post(IMPORT, {"token": preview.context["token"], "confirm": "1"})
    else:
        assert "your organisation does not own it" in preview.content.decode()

    recommendation.refresh_from_db()
    assert (recommendation.status == Status.COMPLETED) == may_change(role, owner_code)


@pytest.mark.django_db
def test_official_may_change_an_item_their_owner_co_owns():
    meti = OwnerFactory(code="METI")
    recommendation = RecommendationFactory(co_owners=[meti])
    official = OfficialFactory(owner=meti).user

    assert permissions.can_change(official, recommendation)
    assert list(permissions.changeable(official, Recommendation.objects.all())) == [recommendation]


@pytest.mark.django_db
def test_official_cannot_change_text_reference_or_ownership_of_their_own_item(client):
    meti = OwnerFactory(code="METI")
    recommendation = RecommendationFactory(lead_owner=meti, text="As printed.")
    client.force_login(OfficialFactory(owner=meti).user)
    data = form_data(client.get(change_url(recommendation)).content.decode(), "recommendation_form")
    assert "text" not in data and "reference" not in data and "lead_owner" not in data

    data.update(
        text=["Rewritten."],
        reference=["HACK-1"],
        lead_owner=[str(OwnerFactory().pk)],
        status=["in_progress"],
    )
    response = client.post(change_url(recommendation), data)

    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert (recommendation.text, recommendation.lead_owner) == ("As printed.", meti)
    assert recommendation.reference != "HACK-1"
    assert recommendation.status == Status.IN_PROGRESS


@pytest.mark.django_db
def test_official_sees_another_owners_item_read_only(client):
    mic_item = RecommendationFactory(lead_owner=OwnerFactory(code="MIC"))
    client.force_login(OfficialFactory(owner=OwnerFactory(code="METI")).user)

    page = client.get(change_url(mic_item))

    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    fields = form_data(page.content.decode(), "recommendation_form")
    assert not {"status", "notes", "text", "loaded_version"} & set(fields)
    assert 'name="_save"' not in page.content.decode()


@pytest.mark.django_db
def test_bulk_status_refuses_the_whole_selection_and_names_the_items_not_theirs(client):
    meti = OwnerFactory(code="METI")
    own = RecommendationFactory(lead_owner=meti)
    others = RecommendationFactory.create_batch(2, lead_owner=OwnerFactory(code="MIC"))
    client.force_login(OfficialFactory(owner=meti).user)

    response = client.post(
        CHANGELIST,
        {
            "action": "change_status_action",
            "_selected_action": [own.pk, *(r.pk for r in others)],
            "apply": "1",
            "status": "planned",
            "visibility": "public",
        },
        follow=True,
    )

    content = response.content.decode()
    assert "Nothing was changed" in content
    for other in others:
        assert other.reference in content
    assert not Recommendation.objects.filter(status=Status.PLANNED).exists()
    assert not ProgressUpdate.objects.exists()


@pytest.mark.django_db
def test_official_cannot_change_an_archived_item_of_their_owner():
    meti = OwnerFactory(code="METI")
    recommendation = RecommendationFactory(lead_owner=meti)
    recommendation.archived_at = "2024-06-01T00:00:00Z"

    assert not permissions.can_change(OfficialFactory(owner=meti).user, recommendation)


@pytest.mark.django_db
def test_a_member_of_the_secretariat_group_has_the_secretariats_rights(client, items):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=permissions.SECRETARIAT_GROUP))
    client.force_login(user)

    response = client.get(change_url(items["MIC"]))

    assert response.status_code == 200
    assert response.context["has_change_permission"]
    assert client.get(reverse("admin:recommendations_owner_changelist")).status_code == 200


@pytest.mark.django_db
def test_staff_without_a_role_sees_no_internal_data(client, items):
    user = UserFactory(is_staff=True)
    client.force_login(user)

    assert client.get(change_url(items["MIC"])).status_code == 403
    assert not permissions.can_view_internal(user)


@pytest.mark.django_db
def test_official_cannot_manage_owners_councils_or_other_officials(client):
    client.force_login(OfficialFactory().user)

    for model in ["owner", "council", "topic"]:
        assert client.get(reverse(f"admin:recommendations_{model}_add")).status_code == 403
    assert client.get(reverse("admin:recommendations_official_changelist")).status_code == 403
    assert client.get(reverse("admin:recommendations_recommendation_add")).status_code == 403


@pytest.mark.django_db
def test_add_official_creates_a_staff_account_of_the_owner_with_a_one_time_link(client):
    meti = OwnerFactory(code="METI")
    recommendation = RecommendationFactory(lead_owner=meti)
    out = io.StringIO()

    call_command("add_official", "Hana.Sato@meti.go.jp", "--owner", "meti", stdout=out)

    official = Official.objects.select_related("user").get()
    user = official.user
    assert (user.username, user.email, official.owner) == (
        "hana.sato@meti.go.jp",
        "hana.sato@meti.go.jp",
        meti,
    )
    assert user.is_staff and not user.is_superuser and not user.has_usable_password()
    link = out.getvalue().strip().splitlines()[-1]
    path = link.removeprefix("http://127.0.0.1:8000")

    form_page = client.get(path, follow=True)
    new_password = "a-fresh-long-passphrase-42"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)
    assert client.get(path, follow=True).context["validlink"] is False
    client.force_login(user)
    assert client.get(change_url(recommendation)).context["has_change_permission"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["someone@example.org", "--owner", "NOPE"], "No owner has the code 'NOPE'"),
        (["not-an-email", "--owner", "METI"], "valid email"),
        (["taken@example.org", "--owner", "METI"], "already exists"),
        (["someone@example.org"], "Give the owner the official works for"),
    ],
)
def test_add_official_refuses_an_unknown_owner_a_bad_or_taken_address(arguments, message):
    OwnerFactory(code="METI")
    UserFactory(username="taken@example.org")

    with pytest.raises(CommandError, match=message):
        call_command("add_official", *arguments, stdout=io.StringIO())

    assert not Official.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("updates", [1, 30])
def test_an_officials_change_form_runs_the_same_number_of_queries_whatever_the_updates(
    client, django_assert_max_num_queries, updates
):
    from tests.factories import ProgressUpdateFactory

    official = OfficialFactory()
    recommendation = RecommendationFactory(lead_owner=official.owner)
    ProgressUpdateFactory.create_batch(updates, recommendation=recommendation)
    client.force_login(official.user)

    with django_assert_max_num_queries(22):
        response = client.get(change_url(recommendation))
    assert response.context["has_change_permission"]


@pytest.mark.django_db
def test_add_official_new_link_lets_an_existing_official_choose_a_new_password(client):
    official = OfficialFactory(user__username="kenji@mic.go.jp")
    out = io.StringIO()

    call_command("add_official", "kenji@mic.go.jp", "--new-link", stdout=out)

    path = out.getvalue().strip().splitlines()[-1].removeprefix("http://127.0.0.1:8000")
    form_page = client.get(path, follow=True)
    assert form_page.context["validlink"] is True
    client.post(
        form_page.redirect_chain[-1][0],
        {
            "new_password1": "another-long-passphrase-7",
            "new_password2": "another-long-passphrase-7",
        },
    )
    official.user.refresh_from_db()
    assert official.user.check_password("another-long-passphrase-7")
    with pytest.raises(CommandError, match="not an official"):
        call_command("add_official", "stranger@example.org", "--new-link")


@pytest.mark.django_db
def test_linking_an_existing_user_on_the_officials_page_makes_them_an_official(admin_client):
    mic = OwnerFactory(code="MIC")
    user = UserFactory(username="yuki")
    recommendation = RecommendationFactory(lead_owner=mic)

    response = admin_client.post(
        reverse("admin:recommendations_official_add"), {"user": user.pk, "owner": mic.pk}
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_staff
    assert permissions.can_change(user, recommendation)
    assert user.has_perm("recommendations.view_recommendation")


@pytest.mark.parametrize("owner_code", ["METI", "MIC"])
@pytest.mark.parametrize("role", ["secretariat", "official"])
def test_nobody_reverts_a_recommendation_through_its_history(as_role, items, role, owner_code):
    recommendation = items[owner_code]
    first = recommendation.history.earliest()
    recommendation.text = "Corrected by the secretariat."
    recommendation.save()
    client = as_role(role)
    url = reverse(
        "admin:recommendations_recommendation_simple_history",
        args=[recommendation.pk, first.history_id],
    )
    data = editable_form(client, recommendation)

    shown = client.get(url)
    reverted = client.post(url, {**data, "text": [first.text]})

    assert shown.status_code == 200
    assert "Revert" not in shown.content.decode()
    assert reverted.status_code == 403
    recommendation.refresh_from_db()
    assert recommendation.text == "Corrected by the secretariat."
