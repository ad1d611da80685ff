"""English at /…, Japanese at /ja/…: the whole public interface is translated, dates follow the
reader's language, and an item's Japanese text is shown when officials have written one."""

import ast
import datetime
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from recommendations.models import Side, Status
from recommendations.services.statuses import set_statuses
from tests import factories
from tests.factories import ProgressUpdateFactory, RecommendationFactory, TopicFactory

PO = Path(settings.BASE_DIR) / "locale" / "ja" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def po_entries():
    """(msgid, msgstr, flags) of the Japanese catalogue, header excluded."""
    entries, current, key = [], None, None
    for line in [*PO.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if current and current.get("msgid"):
                entries.append(current)
            current = None
            continue
        current = current or {"flags": ""}
        if line.startswith("#,"):
            current["flags"] += line
        elif line.startswith("#"):
            continue
        elif match := re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[0\])?) (".*")$', line):
            key = "msgstr" if match.group(1).startswith("msgstr") else match.group(1)
            current[key] = ast.literal_eval(match.group(2))
        else:
            current[key] += ast.literal_eval(line)
    return entries


def test_every_message_has_a_japanese_translation():
    entries = po_entries()

    assert len(entries) > 100
    untranslated = [entry["msgid"] for entry in entries if not entry["msgstr"]]
    fuzzy = [entry["msgid"] for entry in entries if "fuzzy" in entry["flags"]]
    assert untranslated == [] and fuzzy == []


def test_compiled_catalogue_matches_the_translations():
    with MO.open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)

    for entry in po_entries():
        if "msgid_plural" in entry:
            assert catalogue.ngettext(entry["msgid"], entry["msgid_plural"], 1) == entry["msgstr"]
        elif "msgctxt" in entry:
            # A word with two meanings ("Due": a round's side due, a next step's date).
            assert catalogue.pgettext(entry["msgctxt"], entry["msgid"]) == entry["msgstr"]
        else:
            assert catalogue.gettext(entry["msgid"]) == entry["msgstr"], entry["msgid"]


@pytest.mark.django_db
def test_japanese_dashboard_has_japanese_headings_and_status_labels(client):
    RecommendationFactory(status=Status.PLANNED)

    response = client.get("/ja/")

    content = response.content.decode()
    assert '<html lang="ja">' in content
    assert "<h1>ワークショップ提言の進捗状況</h1>" in content
    assert "計画中" in content and "Planned" not in content
    assert 'href="/ja/recommendations/?status=planned"' in content


@pytest.mark.django_db
def test_unprefixed_addresses_stay_english_whatever_the_browser_asks(client):
    response = client.get(reverse("recommendations:home"), headers={"accept-language": "ja"})

    assert '<html lang="en">' in response.content.decode()


@pytest.mark.django_db
def test_japanese_list_translates_filter_labels_and_errors(client):
    response = client.get("/ja/recommendations/", {"updated_since": "notadate"})

    content = response.content.decode()
    assert response.status_code == 400
    assert '<label for="id_status">状況:</label>' in content
    assert "使用できない絞り込み条件があります" in content
    assert "すべての状況" in content


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page, language, lands_on",
    [
        ("/recommendations/?status=planned", "ja", "/ja/recommendations/?status=planned"),
        ("/ja/recommendations/?status=planned", "en", "/recommendations/?status=planned"),
        ("/ja/", "en", "/"),
    ],
)
def test_language_switcher_keeps_the_page_and_its_filters(client, page, language, lands_on):
    html = client.get(page).content.decode()
    switcher = re.search(r'<nav class="language-switcher".*?</nav>', html, re.DOTALL).group(0)
    link = re.search(rf'<a href="([^"]*)" hreflang="{language}"', switcher)

    assert link.group(1).replace("&amp;", "&") == lands_on
    assert client.get(lands_on).status_code == 200


@pytest.mark.django_db
def test_every_page_offers_the_other_language(client):
    recommendation = RecommendationFactory()

    for url in ["/", "/recommendations/", recommendation.get_absolute_url()]:
        english = client.get(url).content.decode()
        japanese = client.get(f"/ja{url}").content.decode()

        assert f'<a href="/ja{url}" hreflang="ja" lang="ja" rel="alternate">日本語</a>' in english
        assert f'<a href="{url}" hreflang="en" lang="en" rel="alternate">English</a>' in japanese


@pytest.mark.django_db
def test_dates_follow_the_readers_language(client):
    recommendation = RecommendationFactory(status_date=datetime.date(2025, 3, 14))
    ProgressUpdateFactory(recommendation=recommendation, date=datetime.date(2025, 3, 14))

    english = client.get(recommendation.get_absolute_url()).content.decode()
    japanese = client.get(f"/ja{recommendation.get_absolute_url()}").content.decode()

    assert "14 March 2025" in english
    assert "2025年3月14日" in japanese


US_DATE = re.compile(
    r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2}, \d{4}"
)


@pytest.mark.django_db
def test_english_pages_write_every_date_as_the_eu_does_and_never_in_the_us_form(client):
    topic = TopicFactory(code="AI")
    recommendation = RecommendationFactory(topic=topic, status_date=datetime.date(2025, 2, 3))
    recommendation.organisations.add(factories.OrganisationFactory(slug="jbce"))
    factories.CouncilFactory(number=3, date=datetime.date(2024, 4, 30))
    ProgressUpdateFactory(recommendation=recommendation, date=datetime.date(2025, 2, 3))
    pages = [
        reverse("recommendations:home"),
        reverse("recommendations:list"),
        recommendation.get_absolute_url(),
        topic.get_absolute_url(),
        reverse("recommendations:organisation", args=["jbce"]),
        reverse("recommendations:feed"),
    ]

    contents = {page: client.get(page).content.decode() for page in pages}

    for page, content in contents.items():
        assert not US_DATE.search(content), (page, US_DATE.search(content))
    assert "3 February 2025" in contents[recommendation.get_absolute_url()]
    assert "30 April 2024" in contents[reverse("recommendations:home")]
    japanese = client.get(f"/ja{recommendation.get_absolute_url()}").content.decode()
    assert "2025年2月3日" in japanese


@pytest.mark.django_db
def test_japanese_text_is_shown_on_japanese_pages_with_the_original_one_click_away(client):
    recommendation = RecommendationFactory(
        title="Quantum roadmap",
        text="Build joint testbeds.",
        title_ja="量子ロードマップ",
        text_ja="共同テストベッドを構築する。",
    )

    url = recommendation.get_absolute_url()
    japanese = client.get(f"/ja{url}").content.decode()
    english = client.get(url).content.decode()

    assert f"<h1>{recommendation.reference}: 量子ロードマップ</h1>" in japanese
    assert "共同テストベッドを構築する。" in japanese
    original = japanese.split('<details class="original">')[1].split("</details>")[0]
    assert "Build joint testbeds." in original
    assert "共同テストベッドを構築する。" not in english


@pytest.mark.django_db
def test_japanese_page_without_translation_shows_the_english_text_marked_as_english(client):
    recommendation = RecommendationFactory(text="Build joint testbeds.")

    japanese = client.get(f"/ja{recommendation.get_absolute_url()}").content.decode()

    assert '<p class="recommendation-text" lang="en">Build joint testbeds.</p>' in japanese
    assert "日本語訳はまだありません" in japanese


@pytest.mark.django_db
def test_topic_names_are_shown_in_japanese_when_known(client):
    topic = TopicFactory(code="AI", name="Artificial Intelligence", name_ja="人工知能")
    RecommendationFactory(topic=topic)

    assert "<h1>人工知能</h1>" in client.get("/ja/topics/AI/").content.decode()
    assert ">人工知能</a>" in client.get("/ja/").content.decode()
    assert ">人工知能</option>" in client.get("/ja/recommendations/").content.decode()


@pytest.mark.django_db
def test_japanese_feed_has_japanese_titles_and_links_to_japanese_pages(client):
    ProgressUpdateFactory(
        recommendation=RecommendationFactory(reference="AI-3"), status=Status.COMPLETED
    )

    content = client.get("/ja/feed/").content.decode()

    assert "<title>日EUデジタルパートナーシップ フォローアップ：進捗報告</title>" in content
    assert "<title>AI-3: 完了</title>" in content
    assert 'href="http://testserver/ja/recommendations/AI-3/#update-' in content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "not_assessed"),
    [
        (
            "",
            "No report has reached the tracker yet — it does not mean that nothing is being done.",
        ),
        (
            "/ja",
            "トラッカーにまだ報告が届いていません。何も行われていないという意味ではありません。",
        ),
    ],
)
def test_statuses_are_explained_where_they_are_shown(client, prefix, not_assessed):
    recommendation = RecommendationFactory()
    pages = [reverse("recommendations:home"), reverse("recommendations:list")]

    for page in [*pages, recommendation.get_absolute_url()]:
        content = client.get(f"{prefix}{page}").content.decode()
        assert 'class="legend"' in content, page
        assert not_assessed in content, page


@pytest.mark.django_db
def test_japanese_item_page_names_owners_and_the_officials_change_in_japanese(client):
    meti = factories.OwnerFactory(
        code="METI", name="METI", name_ja="経済産業省", government_ja="日本国政府", side="jp"
    )
    connect = factories.OwnerFactory(
        code="DG-CONNECT",
        name="DG Connect",
        name_ja="欧州委員会 通信ネットワーク・コンテンツ・技術総局",
    )
    recommendation = RecommendationFactory(lead_owner=meti, co_owners=[connect])
    official = factories.OfficialFactory(owner=meti)
    set_statuses(
        recommendation=recommendation,
        sides={Side.JAPAN: Status.IN_PROGRESS},
        author=official.user,
        text="",
    )

    english = client.get(recommendation.get_absolute_url()).content.decode()
    japanese = client.get(f"/ja{recommendation.get_absolute_url()}").content.decode()

    assert "経済産業省 (日本国政府)" in japanese
    assert "欧州委員会 通信ネットワーク・コンテンツ・技術総局" in japanese
    assert "日本側：「実施中」。" in japanese
    assert "Japan side" not in japanese
    assert "Japan side: “In progress”." in english
    assert "経済産業省" not in english
