"""The site under load, served by gunicorn as in production (its own `gunicorn.conf.py`, three
workers), over the throw-away database: the figures of the report's downloads, each a ratio of
two measures taken in the same run.

(a) `/report.pdf` on unchanged data against the list page (median times);
(b) 20 connections asking for `/report.pdf` for 15 s: the dashboard's and `/healthz`'s p95
    during the flood against quiet, and the flood's answers by status;
(c) the API's list and the list page against `/healthz` (requests a second, 4 connections);
(d) a first rendering of the PDF against a bare WeasyPrint table of the same rows.
"""

import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from recommendations.reporting.formats import render
from recommendations.reporting.options import ReportOptions
from tools.benchmark.pdf import _bare_pdf, _timed
from tools.benchmark.synthetic import Dataset

LOAD_SIZE = 70
FLOOD_CONNECTIONS = 20
FLOOD_SECONDS = 15.0
THROUGHPUT_CONNECTIONS = 4
THROUGHPUT_SECONDS = 5.0
QUIET_REQUESTS = 30
# A request with no answer after this long counts as this long (and, in the flood, as an error).
CONNECTION_TIMEOUT = 60
RATE_PATHS = ("/healthz", "/api/recommendations/", "/recommendations/")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


class Server:
    """gunicorn over the throw-away database, on a free port, for the block."""

    def __enter__(self) -> "Server":
        self.port = _free_port()
        env = dict(
            os.environ,
            DATABASE_URL=_database_url(),
            DEBUG="false",
            SECRET_KEY=os.environ.get("SECRET_KEY") or "benchmark-only",
            ALLOWED_HOSTS="127.0.0.1",
            SECURE_SSL_REDIRECT="false",
            STATIC_MANIFEST="false",
            PORT=str(self.port),
            LOG_LEVEL="WARNING",
        )
        self.process = subprocess.Popen(  # noqa: S603 -- gunicorn with the project's own settings
            [sys.executable, "-m", "gunicorn", "--access-logfile", "/dev/null"],
            cwd=Path(settings.BASE_DIR),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.get("/healthz")[0] == 200:
                    return self
            except OSError:
                time.sleep(0.5)
        self.process.kill()
        raise RuntimeError("gunicorn did not answer /healthz within 60 s.")

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            # Workers still printing a flood's PDFs: not waited for.
            self.process.kill()
            self.process.wait()

    def connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=CONNECTION_TIMEOUT)

    def get(
        self, path: str, connection: http.client.HTTPConnection | None = None
    ) -> tuple[int, float]:
        """One GET, its body read to the end: its status and seconds."""
        own = connection is None
        link = connection or self.connect()
        started = time.perf_counter()
        try:
            link.request("GET", path, headers={"Host": "127.0.0.1"})
            answer = link.getresponse()
            answer.read()
            return answer.status, time.perf_counter() - started
        finally:
            if own:
                link.close()


def _timings(server: Server, path: str, count: int) -> list[float]:
    link = server.connect()
    try:
        return [server.get(path, link)[1] for _ in range(count)]
    finally:
        link.close()


def _p95(times: list[float]) -> float:
    if len(times) < 2:
        return times[0] if times else float("nan")
    return statistics.quantiles(times, n=20, method="inclusive")[-1]


def _rate(server: Server, path: str) -> float:
    """Requests a second answered on `path` by THROUGHPUT_CONNECTIONS connections at once."""
    done: list[int] = []
    stop = time.monotonic() + THROUGHPUT_SECONDS

    def run() -> None:
        link, count = server.connect(), 0
        while time.monotonic() < stop:
            server.get(path, link)
            count += 1
        link.close()
        done.append(count)

    _in_threads([run] * THROUGHPUT_CONNECTIONS)
    return sum(done) / THROUGHPUT_SECONDS


def _in_threads(runs: list[Callable[[], None]]) -> None:
    threads = [threading.Thread(target=run) for run in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _flood(server: Server) -> tuple[Counter, dict[str, list[float]]]:
    """FLOOD_CONNECTIONS connections on /report.pdf while the dashboard and /healthz are timed."""
    statuses: Counter = Counter()
    during: dict[str, list[float]] = {"/": [], "/healthz": []}
    stop = time.monotonic() + FLOOD_SECONDS

    def flood() -> None:
        link = server.connect()
        while time.monotonic() < stop:
            try:
                statuses[server.get("/report.pdf", link)[0]] += 1
            except (OSError, http.client.HTTPException):
                statuses["error"] += 1
                link.close()
                link = server.connect()
        link.close()

    def probe() -> None:
        time.sleep(1)  # the flood under way first
        link = server.connect()
        while time.monotonic() < stop:
            for path, times in during.items():
                started = time.perf_counter()
                try:
                    times.append(server.get(path, link)[1])
                except (OSError, http.client.HTTPException):
                    # No answer within the connection's timeout: counted as that long.
                    times.append(time.perf_counter() - started)
                    link.close()
                    link = server.connect()
        link.close()

    _in_threads([flood] * FLOOD_CONNECTIONS + [probe])
    return statuses, during


def measure_load(*, updates_per_item: int, seed: int, write: Callable[[str], object]) -> list[str]:
    """The figures (a)–(d) at LOAD_SIZE items, as lines of text."""
    dataset = Dataset(updates_per_item=updates_per_item, seed=seed)
    dataset.grow_to(LOAD_SIZE)
    options = ReportOptions(as_of=timezone.localdate())
    # (d) in this process: the whole report printed, against the bare table of its rows.
    first_render = _timed(lambda: render("pdf", options), 3)
    bare = _timed(lambda: _bare_pdf(options), 3)
    write(f"  first PDF rendering {first_render * 1000:.0f} ms, bare table {bare * 1000:.0f} ms")
    with Server() as server:
        write(f"  gunicorn on port {server.port}; measuring…")
        quiet = {path: _timings(server, path, QUIET_REQUESTS) for path in ("/", "/healthz")}
        server.get("/report.pdf")  # rendered for this data version, then served
        pdf = _timings(server, "/report.pdf", 5)
        listing = _timings(server, "/recommendations/", 15)
        rates = {
            path: _rate(server, path)
            for path in ("/healthz", "/api/recommendations/", "/recommendations/")
        }
        statuses, during = _flood(server)
    health, api, list_rate = (
        rates["/healthz"],
        rates["/api/recommendations/"],
        rates["/recommendations/"],
    )
    errors = sum(count for status, count in statuses.items() if status not in (200, 304, 429))
    answers = ", ".join(f"{status}: {count}" for status, count in sorted(statuses.items(), key=str))
    return [
        "",
        f"Under load at {LOAD_SIZE} items (gunicorn, {FLOOD_CONNECTIONS} flood connections):",
        f"(a) /report.pdf on unchanged data {statistics.median(pdf) * 1000:.1f} ms against the "
        f"list page {statistics.median(listing) * 1000:.1f} ms: "
        f"{statistics.median(pdf) / statistics.median(listing):.2f}× (aim ≤ 2×)",
        f"(b) during the flood, p95 of the dashboard {_p95(during['/']) * 1000:.0f} ms against "
        f"{_p95(quiet['/']) * 1000:.0f} ms quiet: {_p95(during['/']) / _p95(quiet['/']):.1f}×; "
        f"/healthz {_p95(during['/healthz']) * 1000:.0f} ms against "
        f"{_p95(quiet['/healthz']) * 1000:.0f} ms: "
        f"{_p95(during['/healthz']) / _p95(quiet['/healthz']):.1f}× (aim ≤ 3×); the flood's "
        f"answers {answers}; errors other than 429: {errors} (aim 0)",
        f"(c) requests a second: /healthz {health:.0f}, API list {api:.0f} ({api / health:.2f}, "
        f"aim ≥ 0.5), list page {list_rate:.0f} ({list_rate / health:.2f}, aim ≥ 0.8)",
        f"(d) a first PDF rendering against a bare WeasyPrint table: "
        f"{first_render / bare:.1f}× (aim ≤ 2.5×)",
    ]
