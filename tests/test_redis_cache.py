"""Several app servers sharing one Redis: a change made through one gunicorn worker shows on the
next request through another. Real gunicorn, real Redis, one SQLite file both servers use.

Needs REDIS_URL: `make test-redis` starts a throw-away Redis and runs the tests marked `redis`,
which `make test` deselects."""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import redis
from django.conf import settings

pytestmark = pytest.mark.redis

BIN = Path(sys.executable).parent
SETUP = """
from django.contrib.auth import get_user_model
from recommendations.models import Topic
Topic.objects.create(code="AI", name="Artificial intelligence", printed_name="AI", position=1)
get_user_model().objects.create_superuser("secretariat", "s@example.org", "a-long-pass-phrase")
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """One gunicorn with one worker process, so two of them are two distinct workers."""

    def __init__(self, env, log):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(  # noqa: S603 -- gunicorn from our own environment
            [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py"],
            cwd=settings.BASE_DIR,
            env={**env, "PORT": str(self.port), "WEB_CONCURRENCY": "1"},
            stdout=log,
            stderr=log,
        )
        self.browser = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def wait(self):
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=5):  # noqa: S310
                    return
            except OSError:  # not listening yet, or still loading the app
                time.sleep(0.1)
        raise AssertionError(f"gunicorn did not answer on {self.url}")

    def get(self, path, headers=None):
        request = urllib.request.Request(f"{self.url}{path}", headers=headers or {})  # noqa: S310
        try:
            with self.browser.open(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:  # a 304 arrives as an "error"
            return error.code, dict(error.headers), error.read().decode()

    def post_form(self, path, fields):
        """Fetch the form at `path` for its CSRF token, then post `fields` back with it."""
        _status, _headers, page = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(  # noqa: S310
            f"{self.url}{path}", data=data, headers={"Referer": f"{self.url}{path}"}
        )
        with self.browser.open(request, timeout=30) as response:
            return response.status, response.geturl(), response.read().decode()

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def test_a_change_through_one_worker_shows_on_the_next_request_through_another(tmp_path):
    redis_url = os.environ.get("REDIS_URL")
    assert redis_url, "REDIS_URL is not set: run this test with `make test-redis`"
    shared = redis.Redis.from_url(redis_url)
    shared.flushdb()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}",
        "REDIS_URL": redis_url,
        # Plain http on loopback: the cookies must come back without TLS.
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
    }
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "--no-input"], ["shell", "-c", SETUP]):
        subprocess.run(  # noqa: S603 -- our own manage.py
            manage + command, cwd=settings.BASE_DIR, env=env, check=True, capture_output=True
        )
    topic_page = "/topics/AI/"
    with open(tmp_path / "gunicorn.log", "w") as log:
        first, second = Server(env, log), Server(env, log)
        try:
            first.wait()
            second.wait()
            status, rendered, page = first.get(topic_page)
            assert status == 200
            assert "Artificial intelligence" in page
            # The second server is served the first one's rendering from the shared cache.
            assert any(b"page:" in key for key in shared.keys("*"))
            assert second.get(topic_page)[1]["ETag"] == rendered["ETag"]

            second.post_form(
                "/admin/login/?next=/admin/",
                {"username": "secretariat", "password": "a-long-pass-phrase", "next": "/admin/"},
            )
            status, landed, _page = second.post_form(
                "/admin/recommendations/topic/1/change/",
                {
                    "code": "AI",
                    "name": "Trustworthy AI",
                    "printed_name": "AI",
                    "name_ja": "",
                    "position": "1",
                    "_save": "Save",
                },
            )
            assert landed.endswith("/admin/recommendations/topic/"), landed

            status, changed, page = first.get(topic_page, {"If-None-Match": rendered["ETag"]})
        finally:
            first.stop()
            second.stop()

    assert status == 200
    assert changed["ETag"] != rendered["ETag"]
    assert "Trustworthy AI" in page
