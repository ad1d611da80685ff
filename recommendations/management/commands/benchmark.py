"""How the tracker behaves as its data grows: each page's queries and time, against a floor.

The floor is the least any page of this stack can cost: a bare view that renders one page of rows
from one query with the same template engine, through the same middleware. A page's ratio to the
floor is what the page adds on top; a query count that grows with the data is an N+1.

Everything runs in a throw-away database (a temporary SQLite file, or a temporary PostgreSQL
database on DATABASE_URL's server) filled by recommendations.benchmark.synthetic, so it never
reads or writes the tracker's own data.
"""

import os
import statistics
import tempfile
import time
import tracemalloc
import types
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.http import HttpResponse
from django.template import engines
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import path

from recommendations.benchmark.synthetic import SEARCH_WORD, Dataset
from recommendations.models import Recommendation

FLOOR_PATH = "/benchmark-floor/"
FLOOR_TEMPLATE = (
    "<!DOCTYPE html><html><head><title>Floor</title></head><body><table>"
    "{% for row in rows %}<tr><td>{{ row.reference }}</td><td>{{ row.text }}</td>"
    "<td>{{ row.status }}</td></tr>{% endfor %}</table></body></html>"
)


@dataclass
class Page:
    name: str
    url: str  # may name {reference}, {topic} or {organisation}: filled from the data
    export: bool = False
    admin: bool = False
    paged: bool = False  # the pages the issue holds to 2x the floor


# One line per page; a page that answers 404 is reported as missing rather than measured.
PAGES = [
    Page("dashboard /", "/", paged=True),
    Page("list", "/recommendations/", paged=True),
    Page("list ?status=in_progress", "/recommendations/?status=in_progress", paged=True),
    Page(f"list ?q={SEARCH_WORD}", f"/recommendations/?q={SEARCH_WORD}", paged=True),
    Page("recommendation page", "/recommendations/{reference}/"),
    Page("topic page", "/topics/{topic}/"),
    Page("organisation page", "/organisations/{organisation}/"),
    Page("feed /feed/", "/feed/"),
    Page("admin changelist", "/admin/recommendations/recommendation/", admin=True),
    Page("API recommendations", "/api/recommendations/"),
    Page("API updates", "/api/updates/"),
    Page("report page /report/", "/report/"),
    Page("export list CSV", "/recommendations/export.csv", export=True),
    Page("export list XLSX", "/recommendations/export.xlsx", export=True),
    Page("report CSV", "/report.csv", export=True),
    Page("report XLSX", "/report.xlsx", export=True),
    Page("report PDF", "/report.pdf", export=True),
]


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


def floor_rows():
    # The list page's page size, so the floor renders as many rows as the list does.
    views = import_module("recommendations.views")
    return getattr(views, "PAGE_SIZE", 25)


_floor_template = None


def floor_view(request):
    global _floor_template
    if _floor_template is None:
        _floor_template = engines["django"].from_string(FLOOR_TEMPLATE)
    rows = Recommendation.objects.order_by("pk").values("reference", "text", "status")
    return HttpResponse(_floor_template.render({"rows": rows[: floor_rows()]}, request))


def urlconf_with_floor():
    """The project's URLs plus the floor view, as a root URLconf (language prefixes included)."""
    root = import_module(settings.ROOT_URLCONF)
    module = types.ModuleType("benchmark_urls")
    module.urlpatterns = [path(FLOOR_PATH.strip("/") + "/", floor_view), *root.urlpatterns]
    for name in ("handler400", "handler403", "handler404", "handler500"):
        if hasattr(root, name):
            setattr(module, name, getattr(root, name))
    return module


class Command(BaseCommand):
    help = (
        "Measure queries per request and median / p95 time of each page, and the exports' rows "
        "per second and peak memory, against a floor view, at growing data sizes, in a "
        "throw-away database filled with synthetic data."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--sizes",
            default="70,1000",
            help="Comma-separated numbers of recommendations (default: 70,1000; try 10000).",
        )
        parser.add_argument(
            "--updates-per-item", type=int, default=10, help="Progress updates per item."
        )
        parser.add_argument(
            "--repeat", type=int, default=15, help="Timed requests per page (at most)."
        )
        parser.add_argument(
            "--budget",
            type=float,
            default=20.0,
            help="Seconds of timed requests per page and size before stopping early.",
        )
        parser.add_argument("--seed", type=int, default=17, help="Seed of the synthetic data.")
        parser.add_argument(
            "--pages",
            default="",
            help="Only the pages whose name contains one of these comma-separated words "
            "(default: all), e.g. --pages dashboard,list.",
        )

    def handle(self, *args, sizes, updates_per_item, repeat, budget, seed, pages, **options):
        try:
            sizes = sorted({int(size) for size in sizes.split(",") if size.strip()})
        except ValueError as error:
            raise CommandError(f"--sizes: give whole numbers such as 70,1000 ({error}).") from error
        if not sizes or sizes[0] < 1 or updates_per_item < 0 or repeat < 1:
            raise CommandError("--sizes must be positive, --updates-per-item >= 0, --repeat >= 1.")
        words = [word.strip() for word in pages.split(",") if word.strip()]
        pages = [page for page in PAGES if not words or any(w in page.name for w in words)]
        if not pages:
            raise CommandError(f"--pages {','.join(words)}: no page name contains these words.")
        if settings.DEBUG:
            self.stderr.write("DEBUG is on: numbers will be slower than production's.")

        with throwaway_database() as name:
            self.stdout.write(f"Throw-away database: {name}")
            results = self.measure_all(pages, sizes, updates_per_item, repeat, budget, seed)
        self.print_table(results)
        self.stdout.write(summary(results, sizes))

    def measure_all(self, pages, sizes, updates_per_item, repeat, budget, seed):
        hosts = [*settings.ALLOWED_HOSTS, "testserver"]
        with override_settings(ALLOWED_HOSTS=hosts, ROOT_URLCONF=urlconf_with_floor()):
            dataset = Dataset(updates_per_item=updates_per_item, seed=seed)
            public, admin = Client(), Client()
            admin.force_login(
                dataset.superuser, backend="django.contrib.auth.backends.ModelBackend"
            )
            results = []
            for size in sizes:
                started = time.perf_counter()
                dataset.grow_to(size)
                self.stdout.write(
                    f"{size} items, {size * updates_per_item} updates built in "
                    f"{time.perf_counter() - started:.1f} s; measuring…"
                )
                rows = Recommendation.objects.public().count()
                floor = Page("floor (bare view)", FLOOR_PATH)
                results.append(measure(public, floor, size, repeat, budget, rows))
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
                    self.stdout.write(f"  {page.name}: {describe(result)}")
            return results

    def print_table(self, results):
        self.stdout.write("")
        self.stdout.write(
            "| items | page | status | queries | median ms | p95 ms | × floor | peak MiB "
            "| rows/s | runs |"
        )
        self.stdout.write("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        floors = {r.size: r for r in results if r.page.url == FLOOR_PATH}
        for r in results:
            if r.status == 404:
                self.stdout.write(f"| {r.size} | {r.page.name} | missing | | | | | | | |")
                continue
            ratio = r.median / floors[r.size].median
            rate = f"{r.rows / r.median:,.0f}" if r.page.export and r.status == 200 else ""
            self.stdout.write(
                f"| {r.size} | {r.page.name} | {r.status} | {r.queries} | "
                f"{r.median * 1000:.1f} | {r.p95 * 1000:.1f} | {ratio:.1f} | "
                f"{r.peak_bytes / 2**20:.1f} | {rate} | {len(r.times)} |"
            )
        self.stdout.write("")


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


def summary(results, sizes):
    largest = sizes[-1]
    measured = [r for r in results if r.status != 404]
    counts = {}
    for r in measured:
        counts.setdefault(r.page.name, set()).add(r.queries)
    growing = sorted(name for name, seen in counts.items() if len(seen) > 1)
    floor = next(r for r in measured if r.size == largest and r.page.url == FLOOR_PATH)
    ratios = ", ".join(
        f"{r.page.name} {r.median / floor.median:.1f}×"
        for r in measured
        if r.size == largest and r.page.paged
    )
    exports = [r for r in measured if r.size == largest and r.page.export]
    peak = max((r.peak_bytes for r in exports), default=0) / 2**20
    missing = sorted({r.page.name for r in results if r.status == 404})
    failing = sorted({f"{r.page.name} ({r.status})" for r in measured if r.status >= 400})
    parts = [
        f"Summary at {largest} items: queries constant across sizes on "
        f"{len(counts) - len(growing)}/{len(counts)} pages"
        + (f" (growing: {', '.join(growing)})" if growing else ""),
    ]
    if ratios:
        parts.append(f"against the floor (aim ≤ 2×): {ratios}")
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
