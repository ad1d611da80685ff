"""Two people at the same moment, through two real gunicorn servers (or two publish_report
runs) on one database: both saves go through, or one is shown the conflict page or a message
that says why; never a server error or a traceback, and never a doubled publication. On SQLite
the database is a file, as it is deployed (the test database is in memory); in the PostgreSQL
pass the servers share the test database."""

import json
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.db import connection

from tests.helpers import form_data
from tests.servers import Server, prepare_database

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-test-password"

SETUP = """
import datetime, json
from django.utils import timezone
from recommendations.rules.choices import Side
from recommendations.services.rounds import open_round
from tests import factories

today = timezone.localdate()
factories.SuperuserFactory(username="secretariat")
factories.SuperuserFactory(username="deputy")
topic = factories.TopicFactory(code="AI")
eu = factories.OwnerFactory(code="CNECT", side=Side.EU)
first = factories.RecommendationFactory(topic=topic, number="1", lead_owner=eu)
second = factories.RecommendationFactory(topic=topic, number="2", lead_owner=eu)
council = factories.CouncilFactory(number=3, date=today + datetime.timedelta(days=30))
round_ = open_round(council=council, deadline=today, author=None)
print(json.dumps({"AI-1": first.pk, "AI-2": second.pk, "round": round_.pk}))
"""

READ_BACK = """
import json
from recommendations.models import Edition, ProgressUpdate, Recommendation
print(json.dumps({
    "notes": dict(Recommendation.objects.values_list("reference", "notes")),
    "status": dict(Recommendation.objects.values_list("reference", "status")),
    "updates": list(ProgressUpdate.objects.values_list("recommendation__reference", "text")),
    "editions": list(Edition.objects.values_list("council__number", "number")),
    "files": list(Edition.objects.values_list("files__file", flat=True)),
}))
"""


def database_url(tmp_path) -> str:
    if connection.vendor == "postgresql":
        # The test database itself: the test's transactional database is emptied afterwards.
        db = connection.settings_dict
        user = urllib.parse.quote(db["USER"] or "")
        password = urllib.parse.quote(db["PASSWORD"] or "")
        return f"postgres://{user}:{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return f"sqlite:///{tmp_path / 'tracker.sqlite3'}"


def run_in_database(env: dict, code: str) -> dict:
    """Run `code` with manage.py shell against env's database; it prints one JSON line."""
    done = subprocess.run(  # noqa: S603 -- our own manage.py
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


class Session:
    """One person's browser on one of the servers, signed in to the admin."""

    def __init__(self, server: Server, username: str):
        self.server = server
        server.post_form(
            "/accounts/login/?next=/admin/",
            {"login": username, "password": PASSWORD, "next": "/admin/"},
        )

    def form(self, path: str, form_id: str) -> dict[str, list[str]]:
        status, _headers, page = self.server.get(path)
        assert status == 200, page
        fields = form_data(page, form_id)
        assert fields, f"no form {form_id} at {path}"
        return fields

    def send(self, path: str, body: bytes, content_type: str) -> tuple[int, str, str]:
        request = urllib.request.Request(  # noqa: S310 -- the test's own loopback server
            f"{self.server.url}{path}",
            data=body,
            headers={"Content-Type": content_type, "Referer": f"{self.server.url}{path}"},
        )
        try:
            with self.server.browser.open(request, timeout=60) as response:
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.geturl(), error.read().decode()

    def post(self, path: str, fields: dict[str, list[str]]) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(fields, doseq=True).encode()
        return self.send(path, body, "application/x-www-form-urlencoded")

    def upload(self, path: str, fields: dict[str, list[str]], name: str, content: bytes):
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
            for key, values in fields.items()
            for value in values
        ]
        body = (
            "".join(parts).encode()
            + (
                f"--{boundary}\r\n"
                f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'
                "Content-Type: text/csv\r\n\r\n"
            ).encode()
        )
        body += content + f"\r\n--{boundary}--\r\n".encode()
        return self.send(path, body, f"multipart/form-data; boundary={boundary}")


def at_once(*actions: Callable[[], tuple[int, str, str]]) -> list[tuple[int, str, str]]:
    """Start every action at the same moment, each from its own thread; their answers in order."""
    start = threading.Barrier(len(actions))
    answers: list = [None] * len(actions)

    def run(index: int, action: Callable[[], tuple[int, str, str]]) -> None:
        start.wait()
        answers[index] = action()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


@dataclass
class Tracker:
    env: dict = field(repr=False)
    ids: dict
    secretariat: Session
    deputy: Session


@dataclass
class Database:
    env: dict = field(repr=False)
    ids: dict


@pytest.fixture
def database(tmp_path):
    """One database for several processes, migrated, with two superusers, two items and a
    Council whose round is open."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(tmp_path),
        "MEDIA_ROOT": str(tmp_path / "media"),
        # Plain http on loopback: the cookies must come back without TLS.
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        # Signing in by password alone: tests/test_sign_in.py walks the second factor.
        "REQUIRE_2FA": "false",
    }
    prepare_database(env)
    return Database(env=env, ids=run_in_database(env, SETUP))


@pytest.fixture
def tracker(database, tmp_path):
    """Two servers on one database, the secretariat signed in on one, a deputy on the other."""
    with open(tmp_path / "gunicorn.log", "w") as log:
        servers = [Server(database.env, log), Server(database.env, log)]
        try:
            for server in servers:
                server.wait()
            yield Tracker(
                env=database.env,
                ids=database.ids,
                secretariat=Session(servers[0], "secretariat"),
                deputy=Session(servers[1], "deputy"),
            )
        finally:
            for server in servers:
                server.stop()


def change_path(pk: int) -> str:
    return f"/admin/recommendations/recommendation/{pk}/change/"


def edited(session: Session, pk: int, notes: str) -> dict[str, list[str]]:
    fields = session.form(change_path(pk), "recommendation_form")
    return fields | {"notes": [notes], "_save": ["Save"]}


def saved(answer: tuple[int, str, str]) -> bool:
    status, landed, _page = answer
    return status == 200 and landed.endswith("/admin/recommendations/recommendation/")


def test_two_saves_of_the_same_item_at_once_keep_one_and_show_the_other_the_conflict(tracker):
    pk = tracker.ids["AI-1"]
    secretariat, deputy = tracker.secretariat, tracker.deputy
    mine = edited(secretariat, pk, "Noted by the secretariat")
    theirs = edited(deputy, pk, "Noted by the deputy")

    answers = at_once(
        lambda: secretariat.post(change_path(pk), mine),
        lambda: deputy.post(change_path(pk), theirs),
    )

    assert [status for status, _landed, _page in answers] == [200, 200], answers
    kept = [saved(answer) for answer in answers]
    assert sorted(kept) == [False, True], [landed for _status, landed, _page in answers]
    refused = answers[kept.index(False)][2]
    assert "saved this recommendation after you opened it" in refused
    winner = ["Noted by the secretariat", "Noted by the deputy"][kept.index(True)]
    loser = ["Noted by the secretariat", "Noted by the deputy"][kept.index(False)]
    # The refused person's input is still in the form, to save again after comparing.
    assert loser in refused
    assert run_in_database(tracker.env, READ_BACK)["notes"]["AI-1"] == winner


def test_two_saves_of_different_items_at_once_both_go_through(tracker):
    ids = tracker.ids
    secretariat, deputy = tracker.secretariat, tracker.deputy
    mine = edited(secretariat, ids["AI-1"], "Noted by the secretariat")
    theirs = edited(deputy, ids["AI-2"], "Noted by the deputy")

    answers = at_once(
        lambda: secretariat.post(change_path(ids["AI-1"]), mine),
        lambda: deputy.post(change_path(ids["AI-2"]), theirs),
    )

    assert [saved(answer) for answer in answers] == [True, True], answers
    notes = run_in_database(tracker.env, READ_BACK)["notes"]
    assert (notes["AI-1"], notes["AI-2"]) == ("Noted by the secretariat", "Noted by the deputy")


IMPORT = "/admin/recommendations/recommendation/import-updates/"
SHEET = b"reference,status,override_reason,latest_update\nAI-1,planned,Agreed.,Pilot started.\n"


def test_an_import_confirmed_during_a_save_and_the_save_both_go_through(tracker):
    ids = tracker.ids
    secretariat, deputy = tracker.secretariat, tracker.deputy
    upload = secretariat.form(IMPORT, "import-upload")
    status, _landed, preview = secretariat.upload(IMPORT, upload, "updates.csv", SHEET)
    assert status == 200, preview
    confirm = form_data(preview, "import-confirm") | {"confirm": ["Apply"]}
    theirs = edited(deputy, ids["AI-2"], "Noted by the deputy")

    answers = at_once(
        lambda: secretariat.post(IMPORT, confirm),
        lambda: deputy.post(change_path(ids["AI-2"]), theirs),
    )

    assert [saved(answer) for answer in answers] == [True, True], answers
    stored = run_in_database(tracker.env, READ_BACK)
    assert stored["status"]["AI-1"] == "planned"
    assert ["AI-1", "Pilot started."] in stored["updates"]
    assert stored["notes"]["AI-2"] == "Noted by the deputy"


def test_two_publications_at_once_publish_one_edition_and_tell_the_second_why(tracker):
    path = f"/admin/recommendations/reportinground/{tracker.ids['round']}/publish/"
    secretariat, deputy = tracker.secretariat, tracker.deputy
    mine = secretariat.form(path, "round-confirm")
    theirs = deputy.form(path, "round-confirm")

    answers = at_once(lambda: secretariat.post(path, mine), lambda: deputy.post(path, theirs))

    assert [status for status, _landed, _page in answers] == [200, 200], answers
    published = [landed.endswith("/progress/") for _status, landed, _page in answers]
    assert sorted(published) == [False, True], [landed for _status, landed, _page in answers]
    # Refused while the first is being published, or once it is: either way the second is told.
    refused = answers[published.index(False)][2]
    assert (
        "Council no. 3 is already published (edition 1)" in refused
        or "Council no. 3 is being published already" in refused
    ), refused
    stored = run_in_database(tracker.env, READ_BACK)
    assert stored["editions"] == [[3, 1]]
    assert sorted(stored["files"]) == sorted(
        f"reports/council-3/edition-1/{folder}report.{kind}"
        for folder in ("", "ja/")
        for kind in ("csv", "docx", "html", "pdf", "xlsx")
    )


def test_two_publish_report_commands_at_once_publish_one_edition_and_tell_the_second_why(
    database,
):
    command = [sys.executable, "manage.py", "publish_report", "--council", "3"]
    runs = [
        subprocess.Popen(  # noqa: S603 -- our own manage.py
            command,
            cwd=settings.BASE_DIR,
            env=database.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    answers = [(*run.communicate(timeout=120), run.returncode) for run in runs]

    assert sorted(code for _out, _err, code in answers) == [0, 1], answers
    refused = next(err for _out, err, code in answers if code == 1)
    assert "CommandError: Council no. 3 is already published (edition 1)" in refused
    assert "Traceback" not in refused
    stored = run_in_database(database.env, READ_BACK)
    assert stored["editions"] == [[3, 1]]
    assert sorted(stored["files"]) == sorted(
        f"reports/council-3/edition-1/{folder}report.{kind}"
        for folder in ("", "ja/")
        for kind in ("csv", "docx", "html", "pdf", "xlsx")
    )
