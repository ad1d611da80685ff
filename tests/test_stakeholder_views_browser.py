"""A recommending organisation's contact, on a phone (390 px) in Japanese, asks for a sign-in
link, follows it, and gives the organisation's view of one of its items; the secretariat
approves it in the admin, and it appears on the item's page beside the owners' status and in
the report's column. Driven in
Chromium, under the site's Content Security Policy."""

import os
import re
from pathlib import Path

import pytest
from django.core import mail

from recommendations.models import OrganisationContact, StakeholderView
from tests import factories
from tests.helpers import open_page

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
# Screenshots for a person to look at: test-artifacts/, or the folder SCREENSHOTS names.
SHOTS = Path(
    os.environ.get("SCREENSHOTS", Path(__file__).resolve().parent.parent / "test-artifacts")
)
LINK = re.compile(r"https?://\S+?(/ja/contacts/sign-in/[^/\s]+/)")


@pytest.fixture
def world(transactional_db, settings):
    settings.MAILER_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    jbce = factories.OrganisationFactory(
        acronym="JBCE", slug="jbce", name_ja="在欧日系ビジネス協議会"
    )
    item = factories.RecommendationFactory(reference="CYBER-2", organisations=[jbce])
    OrganisationContact.objects.create(
        organisation=jbce, email="contact@jbce.example.org", language="ja"
    )
    return item


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def fits(page, viewport) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def test_a_contact_gives_a_view_on_a_phone_in_japanese_and_it_appears_once_approved(
    browser, live_server, world, open_as
):
    phone = open_page(browser, live_server.url, viewport=PHONE, locale="ja-JP")
    phone.goto("/ja/contacts/sign-in/")
    phone.get_by_label("あなたの組織の連絡先アドレス").fill("contact@jbce.example.org")
    shot(phone, "contacts-sign-in-ja-390.png")
    phone.get_by_role("button", name="サインイン用リンクを送る").click()
    phone.get_by_role("heading", name="受信トレイを確認してください").wait_for()

    [message] = mail.outbox
    phone.goto(LINK.search(message.body).group(1))
    phone.get_by_role("button", name="サインイン").click()
    phone.get_by_role("heading", name="あなたの組織の見解").wait_for()
    assert "在欧日系ビジネス協議会としてサインイン中" in phone.content()
    phone.get_by_role("link", name="見解を述べる CYBER-2").click()
    phone.get_by_role("radio", name="一部応えている").check()
    phone.get_by_label("コメント（任意）").fill("規則の半分は実現しました。")
    assert fits(phone, PHONE)
    shot(phone, "contacts-give-view-ja-390.png")
    phone.get_by_role("button", name="見解を送る").click()
    phone.get_by_text("見解を保存しました。").wait_for()
    assert fits(phone, PHONE)
    shot(phone, "contacts-home-ja-390.png")
    assert phone.console_errors == []

    view = StakeholderView.objects.get()
    admin = open_as(factories.SuperuserFactory(), DESKTOP)
    admin.goto(f"/admin/recommendations/stakeholderview/{view.pk}/change/")
    admin.get_by_role("radio", name="Approve: publish this view").check()
    shot(admin, "contacts-moderation-1280.png")
    admin.get_by_role("button", name="Save", exact=True).click()
    admin.wait_for_url("**/admin/recommendations/stakeholderview/")

    phone.goto("/ja/recommendations/CYBER-2/")
    phone.get_by_text("JBCEの見解：提言に応えているか").wait_for()
    assert "規則の半分は実現しました。" in phone.content()
    assert fits(phone, PHONE)
    shot(phone, "item-with-view-ja-390.png")
    wide = open_page(browser, live_server.url, viewport=DESKTOP, locale="ja-JP")
    wide.goto("/ja/recommendations/CYBER-2/")
    wide.get_by_text("一部応えている").wait_for()
    shot(wide, "item-with-view-ja-1280.png")
    wide.goto("/ja/report/")
    assert "JBCE: 一部応えている" in wide.locator("#item-CYBER-2").inner_text()
    shot(wide, "report-with-view-ja-1280.png")
    assert phone.console_errors == wide.console_errors == []
    phone.context.close()
    wide.context.close()
