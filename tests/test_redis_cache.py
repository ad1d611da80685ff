"""Several app servers sharing one Redis: a change made through one gunicorn worker shows on the
next request through another. Real gunicorn, real Redis, one SQLite file both servers use.

Needs REDIS_URL: `make test-redis` starts a throw-away Redis and runs the tests marked `redis`,
which `make test` deselects."""

import os

import pytest
import redis

from tests.servers import Server, prepare_database

pytestmark = pytest.mark.redis

SETUP = """
from django.contrib.auth import get_user_model
from recommendations.models import Topic
Topic.objects.create(code="AI", name="Artificial intelligence", printed_name="AI", position=1)
get_user_model().objects.create_superuser("secretariat", "s@example.org", "a-long-pass-phrase")
"""


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
        # The change is made by password alone: this test is about the shared cache, and
        # tests/test_sign_in.py walks the second factor.
        "REQUIRE_2FA": "false",
    }
    prepare_database(env, ["shell", "-c", SETUP])
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
                "/accounts/login/?next=/admin/",
                {"login": "secretariat", "password": "a-long-pass-phrase", "next": "/admin/"},
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
