"""A METI official who chose 日本語 signs in with their password and authenticator app in a
Japanese browser and walks the admin, on a laptop and on a phone: no page shows an English label."""

import datetime
import re

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from recommendations.models import Official
from recommendations.rules.choices import Side
from recommendations.services.rounds import open_round
from tests import factories
from tests.helpers import Client, change_url, open_page
from tests.test_admin_language import IMPORT_URL, labels

PASSWORD = "a-long-test-password"
VIEWPORTS = {"laptop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
LABELS = "h1, h2, h3, th, label, button, caption, summary, legend"
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
# The language switch names each language in itself.
OWN_NAMES = {"English", "日本語"}


@pytest.fixture
def world(transactional_db, settings):
    settings.REQUIRE_2FA = True
    today = timezone.localdate()
    council = factories.CouncilFactory(number=3, date=today + datetime.timedelta(days=60))
    meti = factories.OwnerFactory(code="METI", name="METI", name_ja="経済産業省", side=Side.JAPAN)
    official = factories.OfficialFactory(owner=meti, user__username="hana", language="ja")
    item = factories.RecommendationFactory(reference="AI-1", lead_owner=meti)
    open_round(council=council, deadline=today + datetime.timedelta(days=14), author=None)
    secret = pyotp.random_base32()
    TOTP.activate(official.user, secret)
    return official, item, pyotp.TOTP(secret)


def english_labels(official, item, urls) -> set[str]:
    """Every label these pages show the official with English chosen."""
    Official.objects.filter(pk=official.pk).update(language="en")
    client = Client()
    client.force_login(official.user)
    found = set().union(*(labels(client.get(url).content.decode(), item) for url in urls))
    Official.objects.filter(pk=official.pk).update(language="ja")
    return found


# The official's own sheet, headed as the Japanese report heads it: one change to preview.
SHEET = "番号,状況,日本側\nAI-1,not_assessed,in_progress\n".encode()


def english_preview_labels(official, item) -> set[str]:
    """The labels of the import's preview of SHEET, with English chosen."""
    Official.objects.filter(pk=official.pk).update(language="en")
    client = Client()
    client.force_login(official.user)
    upload = SimpleUploadedFile("updates.csv", SHEET, content_type="text/csv")
    preview = client.post(IMPORT_URL, {"file": upload})
    Official.objects.filter(pk=official.pk).update(language="ja")
    assert preview.status_code == 200 and "import-confirm" in preview.content.decode()
    return labels(preview.content.decode(), item)


def shown_labels(page) -> set[str]:
    texts = page.locator(LABELS).all_inner_texts()
    texts += page.locator("input[type=submit]").evaluate_all("inputs => inputs.map(i => i.value)")
    return {" ".join(text.split()).strip(" :") for text in texts}


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_japanese_official_signs_in_and_reads_every_admin_page_in_japanese(
    browser, live_server, world, viewport, tmp_path
):
    official, item, app = world
    urls = ["/admin/", "/admin/recommendations/recommendation/", change_url(item), IMPORT_URL]
    english = english_labels(official, item, urls)
    english_preview = english_preview_labels(official, item)
    assert english and english_preview

    # A browser in Tokyo, as the official's own: the admin's times are theirs, with no note
    # about the server's.
    page = open_page(
        browser,
        live_server.url,
        viewport=VIEWPORTS[viewport],
        locale="ja-JP",
        timezone_id="Asia/Tokyo",
    )
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page.goto("/admin/")
    assert page.locator("html").get_attribute("lang") == "ja"
    page.fill("input[name=login]", "hana")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("form button[type=submit], form input[type=submit]").last.click()
    # The second-factor prompt is Japanese too: every label it shows has Japanese in it.
    page.locator("input[name=code]").wait_for()
    page.screenshot(path=tmp_path / f"{viewport}-code-prompt.png", full_page=True)
    assert page.locator("html").get_attribute("lang") == "ja"
    # (The switch's names are shown in capitals by its style.)
    prompt = {label for label in shown_labels(page) if label and label.title() not in OWN_NAMES}
    assert prompt
    assert sorted(label for label in prompt if not JAPANESE.search(label)) == []
    page.fill("input[name=code]", app.now())
    with page.expect_navigation():
        page.locator("form button[type=submit], form input[type=submit]").last.click()
    # Signed in: their own items' table, their round's panel.
    assert page.locator("#own-items").is_visible()
    assert page.locator("#round-panel").is_visible()

    for number, url in enumerate(urls):
        page.goto(url)
        page.screenshot(path=tmp_path / f"{viewport}-{number}.png", full_page=True)
        assert page.locator("html").get_attribute("lang") == "ja", url
        assert page.locator("#content").is_visible(), url
        assert sorted(english & shown_labels(page)) == [], url
        assert page.locator(".timezonewarning").count() == 0, url

    # The import's preview of their sheet: what it would change, in Japanese, before applying.
    page.goto(IMPORT_URL)
    page.set_input_files(
        "#import-upload input[type=file]",
        files=[{"name": "更新.csv", "mimeType": "text/csv", "buffer": SHEET}],
    )
    with page.expect_navigation():
        page.locator("#import-upload input[type=submit]").click()
    page.screenshot(path=tmp_path / f"{viewport}-import-preview.png", full_page=True)
    assert page.locator("#import-confirm").is_visible()
    # On a phone too the page fits its width: the preview's table scrolls in its own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"]
    assert page.locator("html").get_attribute("lang") == "ja"
    assert sorted(english_preview & shown_labels(page)) == []
    page.context.close()
