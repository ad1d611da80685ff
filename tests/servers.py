"""Real servers for the tests that need more than Django's test client: a database file of
their own, prepared with manage.py, and gunicorn serving it on a free loopback port."""

import http.cookiejar
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from django.conf import settings

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare_database(env: dict, *commands: list[str]) -> None:
    """Run `migrate`, then each of `commands`, with manage.py against env's DATABASE_URL."""
    for command in (["migrate", "--no-input"], *commands):
        subprocess.run(  # noqa: S603 -- our own manage.py
            [sys.executable, "manage.py", *command],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
            capture_output=True,
        )


class Server:
    """gunicorn with `workers` worker processes, as `make serve` starts it; a browser of its own
    (cookies kept) to talk to it."""

    def __init__(self, env: dict, log, *, workers: int = 1):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(  # noqa: S603 -- gunicorn from our own environment
            [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py"],
            cwd=settings.BASE_DIR,
            env={**env, "PORT": str(self.port), "WEB_CONCURRENCY": str(workers)},
            stdout=log,
            stderr=log,
        )
        self.browser = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def wait(self) -> None:
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=5):  # noqa: S310
                    return
            except OSError:  # not listening yet, or still loading the app
                time.sleep(0.1)
        raise AssertionError(f"gunicorn did not answer on {self.url}")

    def get(self, path: str, headers: dict | None = None) -> tuple[int, dict, str]:
        request = urllib.request.Request(f"{self.url}{path}", headers=headers or {})  # noqa: S310
        try:
            with self.browser.open(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:  # a 304 or a 4xx arrives as an "error"
            return error.code, dict(error.headers), error.read().decode()

    def post_form(self, path: str, fields: dict) -> tuple[int, str, str]:
        """Fetch the form at `path` for its CSRF token, then post `fields` back with it."""
        _status, _headers, page = self.get(path)
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert found, f"no form with a CSRF token at {path}"
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": found.group(1)}).encode()
        request = urllib.request.Request(  # noqa: S310
            f"{self.url}{path}", data=data, headers={"Referer": f"{self.url}{path}"}
        )
        with self.browser.open(request, timeout=30) as response:
            return response.status, response.geturl(), response.read().decode()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
