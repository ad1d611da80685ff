"""The admin explains itself: an official's home leads with their items, the change form puts
their task first and says why an item is read-only, the action pages use the admin's form
styles, and the one-time link opens a page that says what it is for."""

import datetime
import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from recommendations.models import Side, Status
from recommendations.services.archive import archive
from tests import factories
from tests.helpers import CHANGELIST, bulk_status, change_url

HOME = reverse("admin:index")
LONG_AGO = datetime.date(2024, 4, 17)


@pytest.fixture
def owners(db):
    return {
        "DG": factories.OwnerFactory(code="DG-CONNECT", name="DG Connect", side=Side.EU),
        "METI": factories.OwnerFactory(code="METI", name="METI", side=Side.JAPAN),
        "MIC": factories.OwnerFactory(code="MIC", name="MIC", side=Side.JAPAN),
    }


@pytest.fixture
def meti_client(client, owners):
    client.force_login(factories.OfficialFactory(owner=owners["METI"], user__username="hana").user)
    return client


def positions(content: str, *markers: str) -> list[int]:
    return [content.index(marker) for marker in markers]


def test_an_officials_home_lists_the_current_items_their_owner_leads_or_co_owns_stale_first(
    meti_client, owners
):
    # The next Council is in four weeks: an item with nothing recorded in the eight weeks
    # before it is stale.
    factories.CouncilFactory(date=timezone.localdate() + datetime.timedelta(weeks=4))
    topic = factories.TopicFactory(code="AI")
    recent = factories.RecommendationFactory(
        topic=topic, number="1", lead_owner=owners["METI"], japan_status=Status.IN_PROGRESS
    )
    factories.ProgressUpdateFactory(recommendation=recent, date=timezone.localdate())
    stale = factories.RecommendationFactory(
        topic=topic,
        number="2",
        lead_owner=owners["DG"],
        co_owners=[owners["METI"]],
        status_date=LONG_AGO,
        japan_status=Status.PLANNED,
    )
    factories.RecommendationFactory(topic=topic, number="3", lead_owner=owners["MIC"])
    archived = factories.RecommendationFactory(topic=topic, number="4", lead_owner=owners["METI"])
    archive(recommendations=[archived], author=None)

    response = meti_client.get(HOME)

    items = response.context["own_items"]
    assert [(item.reference, item.side_status, item.stale) for item in items] == [
        ("AI-2", "Planned", True),
        ("AI-1", "In progress", False),
    ]
    content = response.content.decode()
    assert "Your items: METI leads or co-owns them" in content
    assert f'href="{change_url(stale)}"' in content
    # Their items come before Django's list of models.
    assert content.index('id="own-items"') < content.index("app-recommendations")


@pytest.mark.parametrize("items", [1, 30])
def test_an_officials_home_runs_the_same_number_of_queries_whatever_their_items(
    meti_client, owners, django_assert_num_queries, items
):
    own = factories.RecommendationFactory.create_batch(items, lead_owner=owners["METI"])
    for item in own:
        factories.NextStepFactory(recommendation=item, side=owners["METI"].side)

    # Session, user, the secretariat-group check and the official's owner (the role), the
    # Councils (the stale date), the items with their last activity, their side's open next
    # steps, the user's and their groups' permissions (the list of models), the recent
    # actions, the open reporting round.
    with django_assert_num_queries(11):
        response = meti_client.get(HOME)

    assert response.status_code == 200
    assert len(response.context["own_items"]) == items
    content = response.content.decode()
    assert all(item.reference in content for item in own)
    assert len(response.context["own_steps"]) == items


def test_the_secretariats_home_is_djangos_own(admin_client, owners):
    factories.RecommendationFactory(lead_owner=owners["METI"])

    response = admin_client.get(HOME)

    assert "own_items" not in response.context
    assert 'id="own-items"' not in response.content.decode()
    assert "app-recommendations" in response.content.decode()


def test_an_officials_change_form_puts_their_side_the_new_update_and_the_timeline_first(
    meti_client, owners
):
    recommendation = factories.RecommendationFactory(
        lead_owner=owners["METI"], source="stakeholder"
    )
    factories.ProgressUpdateFactory(recommendation=recommendation, text="Testbed list published.")

    content = meti_client.get(change_url(recommendation)).content.decode()

    side, new_update, timeline, report_data = positions(
        content,
        'name="japan_status"',
        'name="updates-2-0-text"',
        "Testbed list published.",
        "Stakeholder key recommendation",
    )
    assert side < new_update < timeline < report_data
    # The report's data is there to read, folded away: an official cannot change it.
    folded = re.search(r'<fieldset class="module aligned ([^"]*)"[^>]*>\s*<details>', content)
    assert folded and "collapse" in folded.group(1)
    assert "You set the Japan side's status." in content


def test_the_secretariats_change_form_keeps_the_reports_data_open_and_editable(
    admin_client, owners
):
    recommendation = factories.RecommendationFactory(lead_owner=owners["METI"])

    content = admin_client.get(change_url(recommendation)).content.decode()

    status, new_update, reference = positions(
        content, 'name="status"', 'name="updates-2-0-text"', 'name="reference"'
    )
    assert status < new_update < reference
    assert 'name="co_owners"' in content and 'name="loaded_version"' in content


@pytest.mark.parametrize(
    ("case", "message"),
    [
        (
            "not theirs",
            "METI neither leads nor co-owns AI-3; the secretariat can change its owners. "
            "Officials of DG Connect, MIC and the secretariat can change it.",
        ),
        ("archived", "AI-3 is archived; the secretariat can restore it."),
    ],
)
def test_a_read_only_item_says_why_and_who_can_change_it(meti_client, owners, case, message):
    topic = factories.TopicFactory(code="AI")
    if case == "archived":
        recommendation = factories.RecommendationFactory(
            topic=topic, number="3", lead_owner=owners["METI"]
        )
        archive(recommendations=[recommendation], author=None)
    else:
        recommendation = factories.RecommendationFactory(
            topic=topic, number="3", lead_owner=owners["DG"], co_owners=[owners["MIC"]]
        )

    response = meti_client.get(change_url(recommendation))

    assert response.context["read_only_reason"] == message
    content = response.content.decode()
    assert message in content
    # Nothing is offered that could not be saved.
    assert 'name="updates-2-0-text"' not in content
    assert 'name="_save"' not in content


def test_an_item_the_official_may_change_gives_no_read_only_reason(meti_client, owners):
    recommendation = factories.RecommendationFactory(
        lead_owner=owners["DG"], co_owners=[owners["METI"]]
    )

    response = meti_client.get(change_url(recommendation))

    assert response.context["read_only_reason"] is None
    assert "read-only-reason" not in response.content.decode()


def test_the_changelist_shows_the_text_folded_with_its_topic_and_the_three_statuses_together(
    admin_client, owners
):
    factories.RecommendationFactory(
        topic=factories.TopicFactory(name="Semiconductors"),
        lead_owner=owners["METI"],
        title="Supply chains",
        text="Map the supply chains of chips together.",
        status=Status.PLANNED,
        eu_status=Status.IN_PROGRESS,
        japan_status=Status.PLANNED,
    )

    content = admin_client.get(CHANGELIST).content.decode()

    assert re.search(
        r'<details class="item-text"><summary title="Map the supply chains of chips together.">'
        r"<strong>Supply chains</strong> Map the supply chains of chips together.</summary>",
        content,
    )
    assert '<span class="item-topic">Semiconductors</span>' in content
    assert (
        '<span class="status-overall">Planned</span><span class="status-side">EU: In progress'
        '</span><span class="status-side">Japan: Planned</span>'
    ) in content


def test_the_bulk_status_page_uses_the_admins_form_styles(admin_client, owners):
    selected = factories.RecommendationFactory.create_batch(2, lead_owner=owners["METI"])

    response = admin_client.post(
        CHANGELIST,
        {"action": "change_status_action", "_selected_action": [r.pk for r in selected]},
    )

    content = response.content.decode()
    assert "admin/css/forms.css" in content
    assert '<fieldset class="module aligned ">' in content
    for field in ["target", "status", "reason", "text", "visibility"]:
        assert f'class="form-row field-{field}"' in content
    assert 'class="module selected-recommendations"' in content


def test_a_refused_bulk_change_shows_its_error_in_the_admins_style(admin_client, owners):
    selected = factories.RecommendationFactory(lead_owner=owners["METI"])

    response = admin_client.post(
        CHANGELIST, bulk_status([selected], target="overall", status=Status.COMPLETED)
    )

    content = response.content.decode()
    assert '<p class="errornote">' in content
    assert re.search(r'class="form-row errors field-reason"', content)


def test_the_archive_confirmation_lists_the_items_in_an_admin_table(admin_client, owners):
    selected = factories.RecommendationFactory(lead_owner=owners["METI"], text="Keep talking.")

    response = admin_client.post(
        CHANGELIST, {"action": "archive_action", "_selected_action": [selected.pk]}
    )

    content = response.content.decode()
    assert "admin/recommendations/recommendation/archive.html" in [
        template.name for template in response.templates
    ]
    assert re.search(r"<th scope=\"row\">[^<]*</th>\s*<td>Keep talking\.", content)
    assert "recommendations/admin.css" in content


def one_time_link(user) -> str:
    """The link `manage.py add_official` prints for this user."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(user)])


def test_the_one_time_link_opens_choose_your_password_naming_the_account_and_the_rules(
    client, owners
):
    official = factories.OfficialFactory(owner=owners["METI"], user__username="hana@meti.go.jp")

    response = client.get(one_time_link(official.user), follow=True)

    content = response.content.decode()
    assert "<title>Choose your password |" in content
    assert "<h1>Choose your password</h1>" in content
    assert "<strong>hana@meti.go.jp</strong>" in content
    assert "an official of METI" in content
    rules, form = positions(content, "at least 12 characters", 'id="set-password-form"')
    assert rules < form


def test_a_used_link_says_it_no_longer_works_and_the_secretariat_sends_a_new_one(client, owners):
    user = factories.OfficialFactory(owner=owners["METI"]).user
    link = one_time_link(user)
    form_page = client.get(link, follow=True)
    new_password = "a-fresh-long-passphrase-42"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
        follow=True,
    )

    again = client.get(link, follow=True)

    assert "Your password is set." in done.content.decode()
    assert f'href="{reverse("admin:login")}"' in done.content.decode()
    content = again.content.decode()
    assert "<h1>This link no longer works</h1>" in content
    assert "Ask the secretariat for a new link" in content
    assert "Password reset" not in content


def test_admin_pages_leave_out_the_sidebar_of_models_for_the_width_it_took(admin_client):
    content = admin_client.get(CHANGELIST).content.decode()

    assert 'id="nav-sidebar"' not in content
