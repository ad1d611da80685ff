"""The report's CSV in Japanese: headings, statuses, topics and owners in the words of the
XLSX edition, read back by the import as they are written, so an unchanged file changes nothing
and an edited status is taken."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from recommendations.models import ProgressUpdate, Recommendation, Side, Status
from tests import factories

IMPORT = reverse("admin:recommendations_recommendation_import_updates")

pytestmark = pytest.mark.django_db


@pytest.fixture
def meti():
    """Two items of METI's and one of DG CONNECT's, one with a progress update."""
    meti = factories.OwnerFactory(code="METI", name="METI", name_ja="経済産業省", side=Side.JAPAN)
    connect = factories.OwnerFactory(code="CNECT", name="DG CONNECT", side=Side.EU)
    topic = factories.TopicFactory(code="AI", name="Artificial Intelligence", name_ja="人工知能")
    one = factories.RecommendationFactory(
        topic=topic, number="1", lead_owner=meti, japan_status=Status.PLANNED
    )
    factories.RecommendationFactory(topic=topic, number="2", lead_owner=meti)
    factories.RecommendationFactory(topic=topic, number="3", lead_owner=connect)
    factories.ProgressUpdateFactory(recommendation=one, text="予算要求を提出。", date="2024-05-01")
    return meti


def japanese_csv(client) -> bytes:
    response = client.get("/ja/report.csv")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def table(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def recorded():
    return (
        ProgressUpdate.objects.count(),
        Recommendation.history.count(),
        ProgressUpdate.history.count(),
    )


def preview(client, content):
    return client.post(IMPORT, {"file": SimpleUploadedFile("report.csv", content)})


def test_the_japanese_csv_has_japanese_headings_statuses_and_names(client, meti):
    rows = table(japanese_csv(client))

    header = rows[0]
    assert header[:4] == ["番号", "分野", "提言", "提言団体"]
    assert header[4:8] == ["主担当", "共同担当", "状況", "状況の設定日"]
    assert header[8:13] == ["最新の進捗報告", "報告日", "報告の公開範囲", "EU側", "日本側"]
    first = dict(zip(header, rows[1], strict=True))
    assert (first["番号"], first["分野"], first["主担当"]) == ("AI-1", "人工知能", "経済産業省")
    assert (first["状況"], first["日本側"], first["EU側"]) == ("未評価", "計画中", "未評価")
    assert first["翻訳の状況"] == "日本語訳なし"
    # The English file keeps its codes.
    english = table(b"".join(client.get("/report.csv").streaming_content))
    assert english[0][:2] == ["reference", "topic"] and english[1][12] == "planned"


@pytest.mark.parametrize("role", ["official", "secretariat"])
def test_the_japanese_csv_uploaded_unchanged_records_nothing(client, meti, role):
    user = factories.OfficialFactory(owner=meti).user if role == "official" else None
    client.force_login(user or factories.SuperuserFactory())
    content = japanese_csv(client)
    before = recorded()

    shown = preview(client, content)

    assert "errors" not in shown.context, [str(error) for error in shown.context["errors"]]
    assert shown.context["plan"].changes == []
    assert recorded() == before


def test_a_status_edited_in_the_japanese_csv_is_taken(client, meti):
    official = factories.OfficialFactory(owner=meti).user
    client.force_login(official)
    rows = table(japanese_csv(client))
    header = rows[0]
    for row in rows[1:]:
        if row[0] == "AI-2":
            row[header.index("日本側")] = "実施中"
    edited = io.StringIO()
    csv.writer(edited).writerows(rows)

    shown = preview(client, ("\ufeff" + edited.getvalue()).encode())

    assert [change.reference for change in shown.context["changes"]] == ["AI-2"]
    client.post(IMPORT, {"token": shown.context["token"], "confirm": "1"})
    assert Recommendation.objects.get(reference="AI-2").japan_status == Status.IN_PROGRESS
