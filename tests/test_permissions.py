"""Who may do what, cell by cell: four owners' items × {the secretariat, an official of METI,
an anonymous visitor} × {view, change, add update, delete, bulk status, import}.

Each action's expected outcomes are written out as a table, one row per cell, rather than
derived from a rule: a rule in the test could only repeat the app's, mistakes included."""

import io

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from recommendations.models import Official, ProgressUpdate, Recommendation, Side, Status
from recommendations.rules import permissions
from tests import factories
from tests.helpers import CHANGELIST, bulk_status, change_url, form_data, open_change_form

OWNERS = ["DGCONNECT", "METI", "MIC", "DIGITAL"]
IMPORT = reverse("admin:recommendations_recommendation_import_updates")
LOGIN = reverse("admin:login")
# Where the admin's login address leads: the one login page, with its second-factor step.
SIGN_IN = reverse("account_login")

# What a cell's user gets.
SHOWN = "shown"
SENT_TO_LOG_IN = "sent to log in"
SAVED = "saved"
FORBIDDEN = "forbidden"
ADDED = "added"
NOT_ADDED = "not added"
OVERALL_SET = "overall status set"
JAPAN_SIDE_SET = "Japan side set"
REFUSED = "refused"


def owner(code):
    """The owner of that code, on its government's side: DG Connect reports for the EU, METI,
    MIC and the Digital Agency for Japan."""
    return factories.OwnerFactory(code=code, side=Side.EU if code == "DGCONNECT" else Side.JAPAN)


@pytest.fixture
def items(db):
    """One recommendation led by each of the four owners."""
    topic = factories.TopicFactory(code="AI")
    owners = {code: owner(code) for code in OWNERS}
    return {
        code: factories.RecommendationFactory(
            topic=topic, number=str(n), lead_owner=lead, text=f"Original text {code}."
        )
        for n, (code, lead) in enumerate(owners.items(), start=1)
    }


@pytest.fixture
def as_role(client, items):
    def log_in(role):
        if role == "secretariat":
            client.force_login(factories.SuperuserFactory())
        elif role == "METI official":
            client.force_login(factories.OfficialFactory(owner=items["METI"].lead_owner).user)
        return client

    return log_in


def editable_form(client, recommendation):
    """The change form as this user's browser has it, or, where they see it read-only, as an
    editing user's browser would, so the test posts a complete form either way."""
    data = open_change_form(client, recommendation)
    if "loaded_version" not in data:
        reader = type(client)()
        reader.force_login(factories.SuperuserFactory())
        data = open_change_form(reader, recommendation)
    return data


@pytest.mark.parametrize(
    ("role", "owner_code", "outcome"),
    [
        ("secretariat", "DGCONNECT", SHOWN),
        ("secretariat", "METI", SHOWN),
        ("secretariat", "MIC", SHOWN),
        ("secretariat", "DIGITAL", SHOWN),
        ("METI official", "DGCONNECT", SHOWN),
        ("METI official", "METI", SHOWN),
        ("METI official", "MIC", SHOWN),
        ("METI official", "DIGITAL", SHOWN),
        ("anonymous", "DGCONNECT", SENT_TO_LOG_IN),
        ("anonymous", "METI", SENT_TO_LOG_IN),
        ("anonymous", "MIC", SENT_TO_LOG_IN),
        ("anonymous", "DIGITAL", SENT_TO_LOG_IN),
    ],
)
def test_view_in_the_admin_is_for_the_secretariat_and_every_official(
    as_role, items, role, owner_code, outcome
):
    client = as_role(role)

    response = client.get(change_url(items[owner_code]))

    if outcome == SENT_TO_LOG_IN:
        assert response.status_code == 302
        assert response.url.startswith(LOGIN)
    else:
        assert response.status_code == 200
        assert f"Original text {owner_code}." in response.content.decode()


@pytest.mark.parametrize(
    ("role", "owner_code", "outcome"),
    [
        ("secretariat", "DGCONNECT", SAVED),
        ("secretariat", "METI", SAVED),
        ("secretariat", "MIC", SAVED),
        ("secretariat", "DIGITAL", SAVED),
        ("METI official", "DGCONNECT", FORBIDDEN),
        ("METI official", "METI", SAVED),
        ("METI official", "MIC", FORBIDDEN),
        ("METI official", "DIGITAL", FORBIDDEN),
        ("anonymous", "DGCONNECT", SENT_TO_LOG_IN),
        ("anonymous", "METI", SENT_TO_LOG_IN),
        ("anonymous", "MIC", SENT_TO_LOG_IN),
        ("anonymous", "DIGITAL", SENT_TO_LOG_IN),
    ],
)
def test_change_is_allowed_only_to_the_secretariat_and_the_owners_officials(
    as_role, items, role, owner_code, outcome
):
    recommendation = items[owner_code]
    client = as_role(role)
    data = editable_form(client, recommendation) if role != "anonymous" else {}
    data["notes"] = [f"Noted by the {role}."]

    response = client.post(change_url(recommendation), data)

    recommendation.refresh_from_db()
    if outcome == SAVED:
        assert response.status_code == 302
        assert recommendation.notes == f"Noted by the {role}."
    else:
        if outcome == FORBIDDEN:
            assert response.status_code == 403
        else:
            assert response.status_code == 302
            assert response.url.startswith(LOGIN)
        assert recommendation.notes == ""
        assert recommendation.version == 1


@pytest.mark.parametrize(
    ("role", "owner_code", "outcome"),
    [
        ("secretariat", "DGCONNECT", ADDED),
        ("secretariat", "METI", ADDED),
        ("secretariat", "MIC", ADDED),
        ("secretariat", "DIGITAL", ADDED),
        ("METI official", "DGCONNECT", NOT_ADDED),
        ("METI official", "METI", ADDED),
        ("METI official", "MIC", NOT_ADDED),
        ("METI official", "DIGITAL", NOT_ADDED),
        ("anonymous", "DGCONNECT", NOT_ADDED),
        ("anonymous", "METI", NOT_ADDED),
        ("anonymous", "MIC", NOT_ADDED),
        ("anonymous", "DIGITAL", NOT_ADDED),
    ],
)
def test_progress_updates_are_added_only_where_the_user_may_change(
    as_role, items, role, owner_code, outcome
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
    assert added == (outcome == ADDED)


@pytest.mark.parametrize(
    ("role", "owner_code", "outcome"),
    [
        ("secretariat", "DGCONNECT", FORBIDDEN),
        ("secretariat", "METI", FORBIDDEN),
        ("secretariat", "MIC", FORBIDDEN),
        ("secretariat", "DIGITAL", FORBIDDEN),
        ("METI official", "DGCONNECT", FORBIDDEN),
        ("METI official", "METI", FORBIDDEN),
        ("METI official", "MIC", FORBIDDEN),
        ("METI official", "DIGITAL", FORBIDDEN),
        ("anonymous", "DGCONNECT", SENT_TO_LOG_IN),
        ("anonymous", "METI", SENT_TO_LOG_IN),
        ("anonymous", "MIC", SENT_TO_LOG_IN),
        ("anonymous", "DIGITAL", SENT_TO_LOG_IN),
    ],
)
def test_nobody_deletes_a_recommendation_through_the_admin(
    as_role, items, role, owner_code, outcome
):
    recommendation = items[owner_code]
    client = as_role(role)
    delete_url = reverse("admin:recommendations_recommendation_delete", args=[recommendation.pk])

    page = client.get(delete_url)
    posted = client.post(delete_url, {"post": "yes"})
    bulk = client.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [recommendation.pk]}
    )

    assert Recommendation.objects.filter(pk=recommendation.pk).exists()
    if outcome == SENT_TO_LOG_IN:
        assert page.url.startswith(LOGIN) and posted.url.startswith(LOGIN)
    else:
        assert page.status_code == posted.status_code == 403
        assert "delete_selected" not in client.get(CHANGELIST).content.decode()
    assert bulk.status_code in {200, 302}


@pytest.mark.parametrize(
    ("role", "owner_code", "outcome"),
    [
        ("secretariat", "DGCONNECT", OVERALL_SET),
        ("secretariat", "METI", OVERALL_SET),
        ("secretariat", "MIC", OVERALL_SET),
        ("secretariat", "DIGITAL", OVERALL_SET),
        ("METI official", "DGCONNECT", REFUSED),
        ("METI official", "METI", JAPAN_SIDE_SET),
        ("METI official", "MIC", REFUSED),
        ("METI official", "DIGITAL", REFUSED),
        ("anonymous", "DGCONNECT", SENT_TO_LOG_IN),
        ("anonymous", "METI", SENT_TO_LOG_IN),
        ("anonymous", "MIC", SENT_TO_LOG_IN),
        ("anonymous", "DIGITAL", SENT_TO_LOG_IN),
    ],
)
def test_bulk_status_change_applies_only_where_the_user_may_change(
    as_role, items, role, owner_code, outcome
):
    """The secretariat sets the overall status with a reason; an official (of METI, a Japanese
    owner) sets the Japan side, and the overall status follows."""
    recommendation = items[owner_code]
    client = as_role(role)
    if role == "secretariat":
        change = {"target": "overall", "reason": "Agreed at the Council."}
    else:
        change = {"target": Side.JAPAN}

    response = client.post(
        CHANGELIST, bulk_status([recommendation], status="planned", **change), follow=True
    )

    recommendation.refresh_from_db()
    if outcome in {OVERALL_SET, JAPAN_SIDE_SET}:
        assert recommendation.status == Status.PLANNED
        assert ProgressUpdate.objects.filter(recommendation=recommendation).count() == 1
    else:
        assert recommendation.status == Status.NOT_ASSESSED
        assert (recommendation.eu_status, recommendation.japan_status) == (
            Status.NOT_ASSESSED,
            Status.NOT_ASSESSED,
        )
        assert recommendation.version == 1
        assert not ProgressUpdate.objects.exists()
    if outcome == OVERALL_SET:
        assert recommendation.status_override_reason == "Agreed at the Council."
        assert recommendation.japan_status == Status.NOT_ASSESSED
    if outcome == JAPAN_SIDE_SET:
        assert recommendation.japan_status == Status.PLANNED
        assert recommendation.eu_status == Status.NOT_ASSESSED
        assert recommendation.status_override_reason == ""
    if outcome == REFUSED:
        assert f"you may not change {recommendation.reference}" in response.content.decode()
    if outcome == SENT_TO_LOG_IN:
        assert response.redirect_chain[-1][0].startswith(SIGN_IN)


@pytest.mark.parametrize(
    ("role", "owner_code", "outcome"),
    [
        ("secretariat", "DGCONNECT", OVERALL_SET),
        ("secretariat", "METI", OVERALL_SET),
        ("secretariat", "MIC", OVERALL_SET),
        ("secretariat", "DIGITAL", OVERALL_SET),
        ("METI official", "DGCONNECT", REFUSED),
        ("METI official", "METI", JAPAN_SIDE_SET),
        ("METI official", "MIC", REFUSED),
        ("METI official", "DIGITAL", REFUSED),
        ("anonymous", "DGCONNECT", SENT_TO_LOG_IN),
        ("anonymous", "METI", SENT_TO_LOG_IN),
        ("anonymous", "MIC", SENT_TO_LOG_IN),
        ("anonymous", "DIGITAL", SENT_TO_LOG_IN),
    ],
)
def test_spreadsheet_import_applies_only_where_the_user_may_change(
    as_role, items, role, owner_code, outcome
):
    """An official's plain sheet sets their own side (METI's: Japan), the overall status
    following; the secretariat's `status` sets the overall status, with a reason."""
    recommendation = items[owner_code]
    client = as_role(role)
    if role == "secretariat":
        sheet = (
            "reference,status,override_reason,status_date,latest_update\n"
            f"{recommendation.reference},completed,Agreed at the Council.,2024-06-01,Done.\n"
        )
    else:
        sheet = (
            "reference,status,status_date,latest_update\n"
            f"{recommendation.reference},completed,2024-06-01,Done.\n"
        )
    upload = io.BytesIO(sheet.encode())
    upload.name = "updates.csv"

    preview = client.post(IMPORT, {"file": upload})
    if outcome == SENT_TO_LOG_IN:
        assert preview.status_code == 302 and preview.url.startswith(LOGIN)
    elif outcome == REFUSED:
        assert "your organisation does not own it" in preview.content.decode()
    else:
        client.post(IMPORT, {"token": preview.context["token"], "confirm": "1"})

    recommendation.refresh_from_db()
    statuses = (recommendation.eu_status, recommendation.japan_status, recommendation.status)
    updates = [
        update.message for update in ProgressUpdate.objects.filter(recommendation=recommendation)
    ]
    if outcome == OVERALL_SET:
        assert statuses == (Status.NOT_ASSESSED, Status.NOT_ASSESSED, Status.COMPLETED)
        assert recommendation.status_override_reason == "Agreed at the Council."
        assert updates == ["Done.\n\nStatus changed to “Completed”."]
    elif outcome == JAPAN_SIDE_SET:
        # Japan completed, the EU not yet assessed: in progress as a whole.
        assert statuses == (Status.NOT_ASSESSED, Status.COMPLETED, Status.IN_PROGRESS)
        assert recommendation.status_override_reason == ""
        assert updates == ["Done.\n\nJapan side: “Completed”. Overall status now “In progress”."]
    else:
        assert statuses == (Status.NOT_ASSESSED,) * 3
        assert recommendation.version == 1
        assert updates == []


@pytest.mark.django_db
def test_official_may_change_an_item_their_owner_co_owns():
    meti = owner("METI")
    recommendation = factories.RecommendationFactory(co_owners=[meti])
    official = factories.OfficialFactory(owner=meti).user

    assert permissions.can_change(official, recommendation)
    assert list(permissions.changeable(official, Recommendation.objects.all())) == [recommendation]


@pytest.mark.django_db
def test_official_cannot_change_text_reference_or_ownership_of_their_own_item(client):
    meti = owner("METI")
    recommendation = factories.RecommendationFactory(lead_owner=meti, text="As printed.")
    client.force_login(factories.OfficialFactory(owner=meti).user)
    data = open_change_form(client, recommendation)
    assert "text" not in data and "reference" not in data and "lead_owner" not in data

    data.update(
        text=["Rewritten."],
        reference=["HACK-1"],
        lead_owner=[str(factories.OwnerFactory().pk)],
        japan_status=["in_progress"],
    )
    response = client.post(change_url(recommendation), data)

    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert (recommendation.text, recommendation.lead_owner) == ("As printed.", meti)
    assert recommendation.reference != "HACK-1"
    # Their own side is theirs to set, and the overall status follows it.
    assert (recommendation.japan_status, recommendation.status) == (
        Status.IN_PROGRESS,
        Status.IN_PROGRESS,
    )


@pytest.mark.django_db
def test_official_cannot_set_the_overall_status_on_the_change_form(client):
    meti = owner("METI")
    recommendation = factories.RecommendationFactory(lead_owner=meti)
    client.force_login(factories.OfficialFactory(owner=meti).user)
    data = open_change_form(client, recommendation)
    assert "status" not in data and "status_override_reason" not in data

    data.update(
        status=["completed"],
        status_override_reason=["We say so."],
        notes=["Saved with the rest."],
    )
    response = client.post(change_url(recommendation), data)

    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.notes == "Saved with the rest."
    assert recommendation.status == Status.NOT_ASSESSED
    assert recommendation.status_override_reason == ""
    assert not ProgressUpdate.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("owner_code", "own_field", "other_field"),
    [("METI", "japan_status", "eu_status"), ("DGCONNECT", "eu_status", "japan_status")],
)
def test_official_cannot_set_the_other_governments_side_on_the_change_form(
    client, owner_code, own_field, other_field
):
    """The other side's field is read-only to them: posted anyway, it changes nothing."""
    their_owner = owner(owner_code)
    recommendation = factories.RecommendationFactory(lead_owner=their_owner)
    client.force_login(factories.OfficialFactory(owner=their_owner).user)
    data = open_change_form(client, recommendation)
    assert own_field in data and other_field not in data

    data.update({other_field: ["completed"], "notes": ["Saved with the rest."]})
    response = client.post(change_url(recommendation), data)

    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.notes == "Saved with the rest."
    assert (recommendation.eu_status, recommendation.japan_status, recommendation.status) == (
        Status.NOT_ASSESSED,
        Status.NOT_ASSESSED,
        Status.NOT_ASSESSED,
    )
    assert not ProgressUpdate.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["overall", Side.EU])
def test_official_bulk_change_of_the_overall_status_or_the_other_side_is_refused(client, target):
    meti = owner("METI")
    recommendation = factories.RecommendationFactory(lead_owner=meti)
    client.force_login(factories.OfficialFactory(owner=meti).user)

    response = client.post(
        CHANGELIST,
        bulk_status([recommendation], status="completed", target=target, reason="We say so."),
        follow=True,
    )

    assert (
        f"Select a valid choice. {target} is not one of the available choices."
        in response.content.decode()
    )
    recommendation.refresh_from_db()
    assert (recommendation.eu_status, recommendation.japan_status, recommendation.status) == (
        Status.NOT_ASSESSED,
        Status.NOT_ASSESSED,
        Status.NOT_ASSESSED,
    )
    assert recommendation.status_override_reason == ""
    assert not ProgressUpdate.objects.exists()


@pytest.mark.django_db
def test_secretariat_bulk_change_of_the_overall_status_needs_a_reason(admin_client):
    recommendations = factories.RecommendationFactory.create_batch(2, lead_owner=owner("MIC"))

    refused = admin_client.post(
        CHANGELIST,
        bulk_status(recommendations, status="completed", target="overall", reason=" "),
        follow=True,
    )

    assert "Setting the overall status overrides the sides: say why." in refused.content.decode()
    assert not Recommendation.objects.filter(status=Status.COMPLETED).exists()
    assert not ProgressUpdate.objects.exists()

    admin_client.post(
        CHANGELIST,
        bulk_status(
            recommendations, status="completed", target="overall", reason="Agreed at the Council."
        ),
        follow=True,
    )

    for recommendation in recommendations:
        recommendation.refresh_from_db()
        assert recommendation.status == Status.COMPLETED
        assert recommendation.status_override_reason == "Agreed at the Council."
    assert ProgressUpdate.objects.count() == 2


@pytest.mark.django_db
def test_official_sees_another_owners_item_read_only(client):
    mic_item = factories.RecommendationFactory(lead_owner=owner("MIC"))
    client.force_login(factories.OfficialFactory(owner=owner("METI")).user)

    page = client.get(change_url(mic_item))

    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    fields = form_data(page.content.decode(), "recommendation_form")
    assert not {"status", "notes", "text", "loaded_version"} & set(fields)
    assert 'name="_save"' not in page.content.decode()


@pytest.mark.django_db
def test_bulk_status_refuses_the_whole_selection_and_names_the_items_not_theirs(client):
    meti = owner("METI")
    own = factories.RecommendationFactory(lead_owner=meti)
    others = factories.RecommendationFactory.create_batch(2, lead_owner=owner("MIC"))
    client.force_login(factories.OfficialFactory(owner=meti).user)

    response = client.post(
        CHANGELIST, bulk_status([own, *others], status="planned", target=Side.JAPAN), follow=True
    )

    content = response.content.decode()
    assert "Nothing was changed" in content
    for other in others:
        assert other.reference in content
    assert not Recommendation.objects.filter(status=Status.PLANNED).exists()
    assert not Recommendation.objects.filter(japan_status=Status.PLANNED).exists()
    assert not ProgressUpdate.objects.exists()


@pytest.mark.django_db
def test_official_cannot_change_an_archived_item_of_their_owner():
    meti = owner("METI")
    recommendation = factories.RecommendationFactory(lead_owner=meti)
    recommendation.archived_at = "2024-06-01T00:00:00Z"

    assert not permissions.can_change(factories.OfficialFactory(owner=meti).user, recommendation)


@pytest.mark.django_db
def test_a_member_of_the_secretariat_group_has_the_secretariats_rights(client, items):
    user = factories.UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=permissions.SECRETARIAT_GROUP))
    client.force_login(user)

    response = client.get(change_url(items["MIC"]))

    assert response.status_code == 200
    assert response.context["has_change_permission"]
    assert client.get(reverse("admin:recommendations_owner_changelist")).status_code == 200


@pytest.mark.django_db
def test_staff_without_a_role_sees_no_internal_data(client, items):
    user = factories.UserFactory(is_staff=True)
    client.force_login(user)

    assert client.get(change_url(items["MIC"])).status_code == 403
    assert not permissions.can_view_internal(user)


@pytest.mark.django_db
def test_official_cannot_manage_owners_councils_or_other_officials(client):
    client.force_login(factories.OfficialFactory().user)

    for model in ["owner", "council", "topic"]:
        assert client.get(reverse(f"admin:recommendations_{model}_add")).status_code == 403
    assert client.get(reverse("admin:recommendations_official_changelist")).status_code == 403
    assert client.get(reverse("admin:recommendations_recommendation_add")).status_code == 403


@pytest.mark.django_db
def test_add_official_creates_a_staff_account_of_the_owner_with_a_one_time_link(client):
    meti = owner("METI")
    recommendation = factories.RecommendationFactory(lead_owner=meti)
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
    owner("METI")
    factories.UserFactory(username="taken@example.org")

    with pytest.raises(CommandError, match=message):
        call_command("add_official", *arguments, stdout=io.StringIO())

    assert not Official.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("updates", [1, 30])
def test_an_officials_change_form_runs_the_same_number_of_queries_whatever_the_updates(
    client, django_assert_num_queries, updates
):
    official = factories.OfficialFactory()
    recommendation = factories.RecommendationFactory(lead_owner=official.owner)
    timeline = factories.ProgressUpdateFactory.create_batch(updates, recommendation=recommendation)
    steps = factories.NextStepFactory.create_batch(updates, recommendation=recommendation)
    client.force_login(official.user)
    # Django keeps content types for the life of the process, as a server does after its first
    # request: whether an earlier test looked this one up must not change the count.
    ContentType.objects.get_for_model(Recommendation)

    # session; user; secretariat group check; the official with their owner; next Council (for
    # the staleness the admin's queryset orders by); the recommendation; user and group
    # permissions; the open round; the timeline's updates; the next steps; the open round again
    # (until when an update may be corrected); Councils, owners and organisations to choose from
    with django_assert_num_queries(15):
        response = client.get(change_url(recommendation))
    assert response.status_code == 200
    assert response.context["has_change_permission"]
    content = response.content.decode()
    assert recommendation.reference in content
    assert all(update.text in content for update in timeline)
    assert all(step.text in content for step in steps)


@pytest.mark.django_db
def test_add_official_new_link_lets_an_existing_official_choose_a_new_password(client):
    official = factories.OfficialFactory(user__username="kenji@mic.go.jp", owner=owner("MIC"))
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
    mic = owner("MIC")
    user = factories.UserFactory(username="yuki")
    recommendation = factories.RecommendationFactory(lead_owner=mic)

    response = admin_client.post(
        reverse("admin:recommendations_official_add"),
        {"user": user.pk, "owner": mic.pk, "language": "en"},
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_staff
    assert permissions.can_change(user, recommendation)
    assert user.has_perm("recommendations.view_recommendation")


@pytest.mark.parametrize("owner_code", ["METI", "MIC"])
@pytest.mark.parametrize("role", ["secretariat", "METI official"])
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


# The rules themselves, function by function, for each kind of user: the tables above go through
# the admin; these say what each rule answers, so a rule that breaks fails by its own name.


@pytest.fixture
def users(db):
    """A user of each kind the rules tell apart, by what they are."""
    meti = owner("METI")
    secretariat_group, _created = Group.objects.get_or_create(name=permissions.SECRETARIAT_GROUP)
    member = factories.UserFactory(username="member", is_staff=True)
    member.groups.add(secretariat_group)
    return {
        "superuser": factories.SuperuserFactory(),
        "secretariat group member": member,
        "METI official": factories.OfficialFactory(owner=meti).user,
        "DG Connect official": factories.OfficialFactory(owner=owner("DGCONNECT")).user,
        "staff without a role": factories.UserFactory(username="staff", is_staff=True),
        "inactive superuser": factories.SuperuserFactory(is_active=False),
        "superuser without staff status": factories.SuperuserFactory(is_staff=False),
        "official without staff status": factories.OfficialFactory(
            owner=meti, user__username="former", user__is_staff=False
        ).user,
        "anonymous": AnonymousUser(),
        "nobody": None,
    }


# (is_secretariat, owner_of, can_view_internal, can_view_internal again where the admin asks
#  whether the user may change some items, can_archive, own_side, status_targets,
#  editable_fields) by user.
RULES = {
    "superuser": (True, None, True, True, True, None, ["overall", "eu", "jp"], None),
    "secretariat group member": (True, None, True, True, True, None, ["overall", "eu", "jp"], None),
    "METI official": (
        False,
        "METI",
        True,
        True,
        False,
        "jp",
        ["jp"],
        # Their side's status, and beside it that side's response, stalled reason and the step
        # that would unblock it.
        {
            "target_council",
            "notes",
            "japan_status",
            "japan_response",
            "japan_response_rationale",
            "japan_response_date",
            "japan_stalled_reason",
            "japan_stalled_detail",
            "japan_stalled_step",
            *permissions.TRANSLATION_FIELDS,
        },
    ),
    "DG Connect official": (
        False,
        "DGCONNECT",
        True,
        True,
        False,
        "eu",
        ["eu"],
        # Their side's status, and beside it that side's response, stalled reason and the step
        # that would unblock it.
        {
            "target_council",
            "notes",
            "eu_status",
            "eu_response",
            "eu_response_rationale",
            "eu_response_date",
            "eu_stalled_reason",
            "eu_stalled_detail",
            "eu_stalled_step",
            *permissions.TRANSLATION_FIELDS,
        },
    ),
    "staff without a role": (False, None, False, False, False, None, [], set()),
    "inactive superuser": (False, None, False, False, False, None, [], set()),
    "superuser without staff status": (False, None, False, False, False, None, [], set()),
    "official without staff status": (False, None, False, False, False, None, [], set()),
    "anonymous": (False, None, False, False, False, None, [], set()),
    "nobody": (False, None, False, False, False, None, [], set()),
}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(RULES))
def test_each_kind_of_user_gets_the_rights_of_their_role(users, kind):
    user = users[kind]
    owner_found = permissions.owner_of(user)
    fields = permissions.editable_fields(user)

    assert (
        permissions.is_secretariat(user),
        owner_found.code if owner_found else None,
        permissions.can_view_internal(user),
        permissions.can_view_internal(user),
        permissions.can_archive(user),
        permissions.own_side(user),
        permissions.status_targets(user),
        set(fields) if fields is not None else None,
    ) == RULES[kind]


@pytest.mark.django_db
def test_a_users_role_is_looked_up_once_and_brings_its_owner(users, django_assert_num_queries):
    official = users["METI official"]

    # The secretariat group, then the official with their owner.
    with django_assert_num_queries(2):
        assert permissions.role_of(official).owner.name == "Meti"
    with django_assert_num_queries(0):
        assert permissions.role_of(official).owner.code == "METI"
        assert permissions.own_side(official) == Side.JAPAN


@pytest.mark.django_db
def test_a_superuser_is_the_secretariat_without_a_query(users, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert permissions.role_of(users["superuser"]) == permissions.Role(secretariat=True)


@pytest.fixture
def owned_items(users):
    """METI's own item, one it co-owns, one it does not own, and an archived one of its own."""
    topic = factories.TopicFactory(code="AI")
    meti, mic = owner("METI"), owner("MIC")

    def item(number, lead, **fields):
        return factories.RecommendationFactory(
            topic=topic, number=str(number), lead_owner=lead, **fields
        )

    return {
        "led": item(1, meti),
        "co-owned": item(2, mic, co_owners=[owner("DIGITAL"), meti]),
        "other": item(3, mic, co_owners=[owner("DIGITAL")]),
        "archived": item(4, meti, archived_at=timezone.now()),
    }


# What each user may change, by item: the same answer row by row and as a queryset.
CHANGEABLE = {
    "superuser": {"led", "co-owned", "other", "archived"},
    "secretariat group member": {"led", "co-owned", "other", "archived"},
    "METI official": {"led", "co-owned"},
    "DG Connect official": set(),
    "staff without a role": set(),
    "anonymous": set(),
    "nobody": set(),
}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(CHANGEABLE))
def test_officials_change_their_owners_items_while_not_archived_and_the_secretariat_all(
    users, owned_items, kind
):
    user = users[kind]
    by_pk = {item.pk: name for name, item in owned_items.items()}

    in_queryset = permissions.changeable(user, Recommendation.objects.all())

    assert {by_pk[item.pk] for item in in_queryset} == CHANGEABLE[kind]
    assert {
        name for name, item in owned_items.items() if permissions.can_change(user, item)
    } == CHANGEABLE[kind]


@pytest.mark.django_db
def test_why_read_only_says_who_can_change_the_item(users, owned_items):
    official, staff = users["METI official"], users["staff without a role"]

    assert permissions.why_read_only(official, owned_items["co-owned"]) is None
    assert permissions.why_read_only(users["superuser"], owned_items["archived"]) is None
    assert permissions.why_read_only(official, owned_items["archived"]) == (
        "AI-4 is archived; the secretariat can restore it."
    )
    assert permissions.why_read_only(official, owned_items["other"]) == (
        "Meti neither leads nor co-owns AI-3; the secretariat can change its owners. "
        "Officials of Mic, Digital and the secretariat can change it."
    )
    assert permissions.why_read_only(staff, owned_items["led"]) == (
        "Your account is not linked to an owner; the secretariat can link it. "
        "Officials of Meti and the secretariat can change it."
    )


@pytest.mark.django_db
def test_each_side_is_set_by_its_own_government_on_its_own_items_and_the_secretariat(
    users, owned_items
):
    led, other, archived = owned_items["led"], owned_items["other"], owned_items["archived"]
    meti, connect = users["METI official"], users["DG Connect official"]
    secretariat = users["secretariat group member"]

    assert [permissions.can_set_side(meti, led, side) for side in Side.values] == [
        False,
        True,
        False,
    ]
    assert not permissions.can_set_side(meti, other, Side.JAPAN)
    assert not permissions.can_set_side(meti, archived, Side.JAPAN)
    assert not permissions.can_set_side(connect, led, Side.EU)
    assert not permissions.can_set_side(users["staff without a role"], led, Side.JAPAN)
    assert [permissions.can_set_side(secretariat, other, side) for side in Side.values] == [
        True,
        True,
        False,
    ]
    assert permissions.can_set_side(secretariat, archived, Side.EU)
