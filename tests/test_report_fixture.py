"""The report fixture says what the workshop report says: every recommendation, word for word,
credited to the organisations the report names, in the report's order."""

import io
import re
from collections import Counter

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from recommendations.models import Council, Organisation, Owner, Recommendation, Topic
from recommendations.reporting.options import ReportOptions
from recommendations.reporting.pdf_export import write_pdf

REPORT_NAME = "workshop-report-2024-04-17.txt"

TOPIC_ORDER = [
    ("GEN", "General Cooperation"),
    ("AI", "Artificial Intelligence"),
    ("SEMI", "Semiconductors"),
    ("QUANT", "Quantum Research & Innovation"),
    ("CYBER", "Cybersecurity"),
    ("CABLE", "Submarine Cables"),
    ("ID", "Digital Identity"),
    ("5G", "5G and Beyond 5G"),
    ("DFFT", "DDFT"),
    ("RD", "R&D Cooperation"),
    ("STD", "Standards"),
    ("SKILL", "Skills"),
]

# Numbered items of the summary table, per topic (sub-items of Cybersecurity 1 not included).
SUMMARY_COUNTS = {
    "GEN": 3,
    "AI": 9,
    "SEMI": 3,
    "QUANT": 8,
    "CYBER": 6,
    "CABLE": 3,
    "ID": 3,
    "5G": 2,
    "DFFT": 4,
    "RD": 1,
    "STD": 2,
    "SKILL": 2,
}
SUB_ITEMS = [f"CYBER-1{letter}" for letter in "abcde"]
STAKEHOLDER_COUNTS = {"digitaleurope": 4, "brt": 8, "jbce": 3, "jeita": 4}
STAKEHOLDER_PREFIXES = {"digitaleurope": "DE", "brt": "BRT", "jbce": "JBCE", "jeita": "JEITA"}

EXPECTED_REFERENCES = (
    [f"{code}-{n}" for code, count in SUMMARY_COUNTS.items() for n in range(1, count + 1)]
    + SUB_ITEMS
    + [
        f"{STAKEHOLDER_PREFIXES[slug]}-{n}"
        for slug, count in STAKEHOLDER_COUNTS.items()
        for n in range(1, count + 1)
    ]
)

# BRT-2 runs across a page break with a footnote in between: each half is printed on its own.
BRT_2_SECOND_HALF = "the EU-Japan Green Alliance's objectives."


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture
def report_text() -> str:
    # The report's text ships beside the fixture it was transcribed from.
    return (settings.BASE_DIR / "fixtures" / REPORT_NAME).read_text(encoding="utf-8")


@pytest.fixture
def report_without_attributions(report_text) -> str:
    """The report as plain words: no markdown, no list html, no "(BRT; JBCE)" attributions."""
    text = report_text.replace("**", "")
    text = re.sub(r"<ol[^>]*>", " ", text)
    names = set()
    for organisation in Organisation.objects.all():
        names.update({organisation.acronym, organisation.name})
        names.update(s.strip() for s in organisation.report_spellings.split(",") if s.strip())
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    attribution = rf"\s*\((?:{alternatives})(?:\s*[;/]\s*(?:{alternatives}))*\)"
    return collapse(re.sub(attribution, "", collapse(text)))


@pytest.fixture
def loaded(db):
    call_command("loaddata", "report", verbosity=0)


def references_of(queryset):
    return sorted(queryset.values_list("reference", flat=True))


@pytest.mark.django_db
def test_the_fixture_loads_seventy_recommendations(loaded):
    assert Recommendation.objects.count() == 70


@pytest.mark.django_db
def test_the_twelve_topics_come_in_the_reports_order_with_its_printed_names(loaded):
    topics = list(Topic.objects.order_by("position"))
    assert [(t.code, t.printed_name) for t in topics] == TOPIC_ORDER
    assert [t.position for t in topics] == list(range(1, 13))
    assert Topic.objects.get(code="DFFT").name == "Data Free Flow with Trust (DFFT)"
    assert all(t.name_ja for t in topics)


@pytest.mark.django_db
def test_each_topic_holds_the_summary_tables_numbered_items(loaded):
    summary = Recommendation.objects.filter(source="summary", parent__isnull=True)
    assert Counter(summary.values_list("topic__code", flat=True)) == SUMMARY_COUNTS


@pytest.mark.django_db
def test_cybersecurity_1_has_five_sub_items_a_to_e(loaded):
    children = Recommendation.objects.filter(parent__isnull=False)
    assert references_of(children) == SUB_ITEMS
    for child in children:
        assert child.parent.reference == "CYBER-1"
        assert child.topic.code == "CYBER"
        assert child.source == "summary"
    assert Recommendation.objects.get(reference="CYBER-1").text == "Promote cooperation on:"


@pytest.mark.django_db
def test_each_presenting_organisation_has_its_key_recommendations(loaded):
    stakeholder = Recommendation.objects.filter(source="stakeholder")
    counts = Counter(stakeholder.values_list("organisations__slug", flat=True))
    assert counts == STAKEHOLDER_COUNTS
    for item in stakeholder:
        assert item.organisations.count() == 1
        assert item.sequence > 1000


@pytest.mark.django_db
def test_some_organisations_are_credited_with_exactly_the_reports_items(loaded):
    def credited(slug):
        return references_of(Organisation.objects.get(slug=slug).recommendations.all())

    jbce_summary = ["GEN-1", "GEN-2", "AI-3", "AI-4", "AI-8", "DFFT-1", "DFFT-2", "DFFT-4"]
    jbce_summary += ["RD-1", "STD-1", "STD-2"]
    assert credited("jbce") == sorted([*jbce_summary, "JBCE-1", "JBCE-2", "JBCE-3"])
    assert credited("adra") == sorted(["AI-5", "AI-6", "AI-7", "AI-9", "SKILL-1"])
    assert credited("quic") == sorted(
        ["QUANT-1", "QUANT-2", "QUANT-3", "QUANT-5", "QUANT-6", "SKILL-2"]
    )
    assert credited("ecso") == sorted(["CYBER-1", *SUB_ITEMS, "CYBER-6"])
    assert credited("lstc") == ["SEMI-1"]
    assert sorted(
        Recommendation.objects.get(reference="DFFT-1").organisations.values_list("slug", flat=True)
    ) == ["brt", "digitaleurope", "jbce"]


@pytest.mark.django_db
def test_items_printed_without_attribution_credit_nobody(loaded):
    unattributed = Recommendation.objects.filter(organisations__isnull=True)
    assert references_of(unattributed) == ["ID-2", "QUANT-4", "QUANT-7"]


@pytest.mark.django_db
def test_organisations_are_one_per_body_with_the_reports_other_spellings(loaded):
    assert Organisation.objects.count() == 15
    assert Organisation.objects.get(slug="digitaleurope").report_spellings == (
        "Digital Europe, DIGITAL EUROPE"
    )
    assert Organisation.objects.get(slug="quic").acronym == "QuIC"
    assert Organisation.objects.get(slug="brt").side == "joint"
    # Every organisation credited with something, and every one credited.
    assert not Organisation.objects.filter(recommendations__isnull=True).exists()


@pytest.mark.django_db
def test_every_expected_reference_is_present_once(loaded):
    references = list(Recommendation.objects.values_list("reference", flat=True))
    assert len(references) == len(set(references))
    assert sorted(references) == sorted(EXPECTED_REFERENCES)


@pytest.mark.django_db
def test_no_recommendation_has_empty_text(loaded):
    assert not Recommendation.objects.filter(text__regex=r"^\s*$").exists()
    for item in Recommendation.objects.all():
        assert item.text == item.text.strip()


@pytest.mark.django_db
def test_sample_texts_are_word_for_word_the_reports(loaded):
    def text(reference):
        return Recommendation.objects.get(reference=reference).text

    assert text("AI-3") == "Promote regulatory alignment between the EU and Japan on GenAI."
    assert text("AI-2") == (
        "Maintain discussions to ensure bilateral alignment, and a common position in "
        "multilateral fora."
    )
    assert text("GEN-3") == (
        "Continue to work together to shape digital global trade, including for WTO e-commerce "
        "rules."
    )
    assert text("CYBER-5") == (
        "The EU and Japan should seek mutual interoperability/ mutual recognition, on "
        "cybersecurity standardisation and conformity assessment."
    )
    assert text("CYBER-1e") == "Capacity building for human resources."
    assert text("ID-1") == (
        "EU activity on travel, payments and organisational identity could be linked with Japan. "
        "Japan will be linked to the digital ID and personal wallet."
    )
    assert text("BRT-7").endswith(
        "stimulated by government funding. Accelerate the digital transformation"
    )
    assert text("JEITA-1") == (
        "Create a methodology based on global standards while reflecting sectoral and regional "
        "approaches."
    )
    de_1 = Recommendation.objects.get(reference="DE-1")
    assert de_1.title == "Embrace Collaboration"
    assert de_1.text.startswith("The EU and Japan must intensify collaborative efforts")
    assert Recommendation.objects.get(reference="JEITA-2").title == ""


@pytest.mark.django_db
def test_no_text_keeps_attribution_or_markup_leftovers(loaded):
    names = set()
    for organisation in Organisation.objects.all():
        names.update({organisation.acronym, organisation.name})
        names.update(s.strip() for s in organisation.report_spellings.split(",") if s.strip())
    for item in Recommendation.objects.all():
        for field in (item.text, item.title):
            assert "**" not in field, item.reference
            assert "<" not in field, item.reference
            for name in names:
                assert f"({name})" not in field, (item.reference, name)
                assert f"({name};" not in field, (item.reference, name)
                assert f"({name}/" not in field, (item.reference, name)


@pytest.mark.django_db
def test_every_text_and_title_appears_verbatim_in_the_report(loaded, report_without_attributions):
    for item in Recommendation.objects.all():
        text = collapse(item.text)
        if item.reference == "BRT-2":
            first, second = text.split(" " + BRT_2_SECOND_HALF, 1)
            parts = [first, BRT_2_SECOND_HALF + second]
        else:
            parts = [text]
        for part in parts:
            assert part in report_without_attributions, (item.reference, part)
        if item.title:
            assert f"{item.title}: {parts[0]}" in report_without_attributions, item.reference


@pytest.mark.django_db
def test_brt_2_is_joined_across_the_page_break_without_its_footnote(loaded, report_text):
    text = Recommendation.objects.get(reference="BRT-2").text
    assert "supporting the EU-Japan Green Alliance's objectives." in text
    assert "Working Party" not in text
    assert "⁴" not in text
    # The report itself never prints the joined sentence: the footnote sits in between.
    assert "supporting the EU-Japan Green Alliance" not in collapse(report_text)


@pytest.mark.django_db
def test_jbce_3_keeps_the_use_case_sentence_the_report_also_gives_jeita(loaded, report_text):
    sentence = "A concrete use case was presented: the Carbon Data Visualization Project"
    assert sentence in Recommendation.objects.get(reference="JBCE-3").text
    assert collapse(report_text).count(sentence) == 2


@pytest.mark.django_db
def test_loading_the_fixture_twice_changes_nothing(loaded):
    def snapshot():
        sample = Recommendation.objects.get(reference="CYBER-1a")
        return {
            "counts": [
                model.objects.count()
                for model in (Topic, Organisation, Owner, Council, Recommendation)
            ],
            "pk": sample.pk,
            "text": sample.text,
            "notes": sample.notes,
            "parent": sample.parent.reference,
            "organisations": list(sample.organisations.values_list("slug", flat=True)),
            "co_owners": list(sample.co_owners.values_list("code", flat=True)),
            "lead_owner": sample.lead_owner.code,
            "updated_at": sample.updated_at,
        }

    before = snapshot()
    call_command("loaddata", "report", verbosity=0)
    assert snapshot() == before


@pytest.mark.django_db
def test_every_item_has_a_lead_owner_and_a_co_owner_on_the_other_side(loaded):
    for item in Recommendation.objects.select_related("lead_owner"):
        co_sides = set(item.co_owners.values_list("side", flat=True))
        assert co_sides, item.reference
        assert co_sides - {item.lead_owner.side}, item.reference
        assert item.notes.startswith("Owners are provisional: the report assigns none;")


@pytest.mark.django_db
def test_every_item_starts_unassessed_and_targets_the_next_council(loaded):
    assert set(Recommendation.objects.values_list("status", flat=True)) == {"not_assessed"}
    assert set(Recommendation.objects.values_list("target_council__number", flat=True)) == {3}
    next_council = Council.objects.get(number=3)
    assert next_council.date is None
    assert next_council.place == ""


@pytest.mark.django_db
def test_the_seventy_items_print_in_at_most_twelve_pages_with_a_bookmark_per_topic(loaded):
    target = io.BytesIO()
    write_pdf(ReportOptions(as_of=timezone.localdate()), target)
    reader = PdfReader(io.BytesIO(target.getvalue()))

    assert len(reader.pages) <= 12
    titles = [entry.title for entry in reader.outline]
    assert titles == ["Summary", *Topic.objects.order_by("position").values_list("name", flat=True)]
    text = "\n".join(page.extract_text() for page in reader.pages)
    # Items with no update yet are listed by reference, a topic's in one line: every one is there.
    missing = [
        reference
        for reference in Recommendation.objects.values_list("reference", flat=True)
        if not re.search(rf"(?<![\w-]){re.escape(reference)}(?![\w-])", text)
    ]
    assert missing == []


# Searching the report's items, as a stakeholder does --------------------------------------------


def jbce_references():
    return references_of(Recommendation.objects.filter(organisations__slug="jbce"))


@pytest.mark.django_db
def test_searching_for_jbce_lists_every_item_jbce_made_once(loaded, client):
    made_by_jbce = jbce_references()

    page = client.get("/recommendations/", {"q": "JBCE"})
    by_name = client.get("/recommendations/", {"q": "Japan Business Council"})
    api = client.get("/api/recommendations/", {"q": "jbce", "page_size": 100}).json()

    assert len(made_by_jbce) == 14
    assert sorted(r.reference for r in page.context["page"]) == made_by_jbce
    assert sorted(r.reference for r in by_name.context["page"]) == made_by_jbce
    assert sorted(item["reference"] for item in api["results"]) == made_by_jbce
    assert api["count"] == 14


@pytest.mark.django_db
def test_search_finds_items_by_owner_code_and_japanese_name_and_by_topic(loaded, client):
    def found(q, language=""):
        response = client.get(f"{language}/recommendations/", {"q": q})
        return sorted(r.reference for r in response.context["page"].paginator.object_list)

    led_or_co_owned_by_meti = references_of(
        Recommendation.objects.filter(lead_owner__code="METI")
        | Recommendation.objects.filter(co_owners__code="METI")
    )

    by_code = found("METI")
    assert by_code == sorted(set(led_or_co_owned_by_meti))
    assert found("経済産業省", "/ja") == by_code
    assert found("Semiconductors") == references_of(
        Recommendation.objects.filter(topic__code="SEMI")
    )
    assert found("JBCE Semiconductors") == references_of(
        Recommendation.objects.filter(organisations__slug="jbce", topic__code="SEMI")
    )


@pytest.mark.django_db
@pytest.mark.parametrize("q", ["JBCE", "METI AI"])
def test_search_runs_the_same_queries_however_many_items_match(
    loaded, client, django_assert_max_num_queries, q
):
    # the pages' data version; count; page; organisations of the page; topic, owner and
    # organisation choices
    with django_assert_max_num_queries(7):
        response = client.get("/recommendations/", {"q": q})
    assert response.status_code == 200
    # Each item the search matched, up to the page's 25, is a row of the page.
    page = response.context["page"]
    content = response.content.decode()
    assert page.paginator.count > 0
    assert content.count('<th scope="row"><a href=') == len(page) == min(page.paginator.count, 25)
    assert all(f">{item.reference}</a>" in content for item in page)


@pytest.mark.django_db
def test_owners_carry_their_official_japanese_names(loaded):
    names = dict(Owner.objects.values_list("code", "name_ja"))

    assert names == {
        "DG-CONNECT": "欧州委員会 通信ネットワーク・コンテンツ・技術総局",
        "METI": "経済産業省",
        "MIC": "総務省",
        "DIGITAL-AGENCY": "デジタル庁",
    }
