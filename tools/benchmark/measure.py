"""Requesting the pages at each size, the table and summary of what was measured, and the
throw-away database it all runs in."""

import os
import statistics
import tempfile
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from recommendations.models import Recommendation
from recommendations.sign_in.session import SESSION_KEY as SECOND_FACTOR_SESSION_KEY
from tools.benchmark.pages import FLOOR, FLOOR_PATH, FLOORS, Page, urlconf_with_floor
from tools.benchmark.synthetic import Dataset


@dataclass
class Result:
    size: int
    page: Page
    status: int
    queries: int = 0
    times: list[float] = field(default_factory=list)
    peak_bytes: int = 0
    body_bytes: int = 0
    rows: int = 0

    @property
    def median(self):
        return statistics.median(self.times) if self.times else float("nan")

    @property
    def p95(self):
        if len(self.times) < 2:
            return self.median
        return statistics.quantiles(self.times, n=20, method="inclusive")[-1]


def measure_all(pages, sizes, *, updates_per_item, repeat, budget, seed, write):
    """Each page at each size, after the floor; `write` is told of the progress line by line."""
    hosts = [*settings.ALLOWED_HOSTS, "testserver"]
    with override_settings(ALLOWED_HOSTS=hosts, ROOT_URLCONF=urlconf_with_floor()):
        dataset = Dataset(updates_per_item=updates_per_item, seed=seed)
        public, admin = Client(), Client()
        admin.force_login(dataset.superuser, backend="django.contrib.auth.backends.ModelBackend")
        # The admin pages themselves are measured, not the second-factor step before them.
        session = admin.session
        session[SECOND_FACTOR_SESSION_KEY] = session[AUTH_SESSION_KEY]
        session.save()
        results = []
        for size in sizes:
            started = time.perf_counter()
            dataset.grow_to(size)
            write(
                f"{size} items, {size * updates_per_item} updates built in "
                f"{time.perf_counter() - started:.1f} s; measuring…"
            )
            rows = Recommendation.objects.public().count()
            # The page floor always; an export's floor when an export compared with it is asked.
            wanted = [FLOOR.url, *(page.floor for page in pages)]
            for floor in FLOORS.values():
                if floor.url in wanted:
                    results.append(measure(public, floor, size, repeat, budget, rows))
                    if floor is not FLOOR:
                        write(f"  {floor.name}: {describe(results[-1])}")
            for page in pages:
                url = page.url.format(
                    reference=dataset.sample.reference,
                    topic=dataset.topics[0].code,
                    organisation=dataset.organisations[0].slug,
                )
                client = admin if page.admin else public
                result = measure(
                    client, Page(**{**page.__dict__, "url": url}), size, repeat, budget, rows
                )
                results.append(result)
                write(f"  {page.name}: {describe(result)}")
        return results


def describe(result):
    if result.status == 404:
        return "missing (404)"
    return (
        f"status {result.status}, {result.queries} queries, median "
        f"{result.median * 1000:.1f} ms, peak {result.peak_bytes / 2**20:.1f} MiB"
    )


def request(client, url):
    """One request through the whole stack, its body read to the end (streamed or not)."""
    response = client.get(url, secure=True)
    size = 0
    if response.streaming:
        for chunk in response.streaming_content:
            size += len(chunk)
    else:
        size = len(response.content)
    response.close()
    return response, size


def measure(client, page, size, repeat, budget, rows):
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        response, body = request(client, page.url)
    first = time.perf_counter() - started
    result = Result(size=size, page=page, status=response.status_code, queries=len(queries))
    if response.status_code == 404:
        return result
    result.body_bytes, result.rows = body, rows

    tracemalloc.start()
    tracemalloc.reset_peak()
    request(client, page.url)
    result.peak_bytes = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    if first > budget:
        # A page slower than the whole budget (the PDF at scale) is timed by its first request.
        result.times.append(first)
        return result
    spent = 0.0
    for _ in range(repeat):
        started = time.perf_counter()
        request(client, page.url)
        elapsed = time.perf_counter() - started
        result.times.append(elapsed)
        spent += elapsed
        if spent > budget:
            break
    return result


def table(results):
    """The results as a Markdown table, one line per page and size, blank lines around it."""
    lines = [
        "",
        "| items | page | status | queries | median ms | p95 ms | × floor | peak MiB "
        "| rows/s | runs |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    floors = {(r.size, r.page.url): r for r in results if r.page.url in FLOORS}
    for r in results:
        if r.status == 404:
            lines.append(f"| {r.size} | {r.page.name} | missing | | | | | | | |")
            continue
        ratio = r.median / floors[r.size, r.page.floor].median
        rate = f"{r.rows / r.median:,.0f}" if r.page.export and r.status == 200 else ""
        lines.append(
            f"| {r.size} | {r.page.name} | {r.status} | {r.queries} | "
            f"{r.median * 1000:.1f} | {r.p95 * 1000:.1f} | {ratio:.1f} | "
            f"{r.peak_bytes / 2**20:.1f} | {rate} | {len(r.times)} |"
        )
    lines.append("")
    return lines


def summary(results, sizes):
    largest = sizes[-1]
    measured = [r for r in results if r.status != 404]
    counts: dict[str, set[int]] = {}
    for r in measured:
        counts.setdefault(r.page.name, set()).add(r.queries)
    growing = sorted(name for name, seen in counts.items() if len(seen) > 1)
    floors = {r.page.url: r for r in measured if r.size == largest and r.page.url in FLOORS}
    ratios = ", ".join(
        f"{r.page.name} {r.median / floors[r.page.floor].median:.1f}×"
        for r in measured
        if r.size == largest and r.page.paged
    )
    exports = [r for r in measured if r.size == largest and r.page.export]
    export_ratios = ", ".join(
        f"{r.page.name} {r.median / floors[r.page.floor].median:.1f}×"
        for r in exports
        if r.page.floor != FLOOR_PATH and r.page.url not in FLOORS
    )
    by_name = {r.page.name: r for r in measured if r.size == largest}
    report_page, list_page = by_name.get("report page /report/"), by_name.get("list")
    peak = max((r.peak_bytes for r in exports), default=0) / 2**20
    missing = sorted({r.page.name for r in results if r.status == 404})
    failing = sorted({f"{r.page.name} ({r.status})" for r in measured if r.status >= 400})
    parts = [
        f"Summary at {largest} items: queries constant across sizes on "
        f"{len(counts) - len(growing)}/{len(counts)} pages"
        + (f" (growing: {', '.join(growing)})" if growing else ""),
    ]
    if ratios:
        parts.append(f"against the floor (aim ≤ 5×): {ratios}")
    if export_ratios:
        parts.append(f"exports against their bare writer (aim ≤ 3×): {export_ratios}")
    if report_page and list_page:
        parts.append(
            f"/report/ against the list (aim ≤ 5×): {report_page.median / list_page.median:.1f}×"
        )
    if exports:
        parts.append(f"exports' peak memory {peak:.1f} MiB (aim < 100 MiB)")
    if failing:
        parts.append(f"answered with an error: {', '.join(failing)}")
    if missing:
        parts.append(f"missing: {', '.join(missing)}")
    return "; ".join(parts) + "."


class throwaway_database:
    """Point the default connection at a new, migrated database for the block, then drop it."""

    def __enter__(self):
        self.original_name = connection.settings_dict["NAME"]
        test_settings = connection.settings_dict.setdefault("TEST", {})
        self.folder = None
        if connection.vendor == "sqlite":
            self.folder = tempfile.TemporaryDirectory(prefix="tracker-benchmark-")
            test_settings["NAME"] = str(Path(self.folder.name) / "benchmark.sqlite3")
        else:
            test_settings["NAME"] = f"{self.original_name}_benchmark_{os.getpid()}"
        try:
            name = connection.creation.create_test_db(
                verbosity=0, autoclobber=True, serialize=False
            )
        except Exception as error:
            raise CommandError(
                f"Cannot create the throw-away database {test_settings['NAME']!r}: {error}. "
                "On PostgreSQL the role needs CREATEDB."
            ) from error
        if name == self.original_name:  # never measure on the tracker's own data
            raise CommandError("The throw-away database would be the tracker's own: stopping.")
        return name

    def __exit__(self, *exc_info):
        connection.creation.destroy_test_db(self.original_name, verbosity=0)
        if self.folder is not None:
            self.folder.cleanup()
        return False
