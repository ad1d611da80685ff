"""Measure each page's queries and time as the data grows; see tools.benchmark."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tools.benchmark.load import measure_load
from tools.benchmark.measure import measure_all, summary, table, throwaway_database
from tools.benchmark.pages import PAGES
from tools.benchmark.pdf import export_floors
from tools.benchmark.publication import publication_time


class Command(BaseCommand):
    help = (
        "Measure queries per request and median / p95 time of each page, and the exports' rows "
        "per second and peak memory, against a floor view, at growing data sizes, in a "
        "throw-away database filled with synthetic data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
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

        parser.add_argument(
            "--export-floors",
            action="store_true",
            help="Also time the report's PDF and XLSX against bare WeasyPrint and openpyxl "
            "over the same rows (70, 1000 and 5000 items; minutes).",
        )
        parser.add_argument(
            "--publication",
            action="store_true",
            help="Also time a publication of the 70 items' report through the admin and the "
            "background worker: the request's return and the edition's readiness.",
        )

        parser.add_argument(
            "--load",
            action="store_true",
            help="Only the report's downloads under load, through gunicorn at 70 items: a PDF "
            "served again, a flood of 20 connections, requests a second, a first rendering "
            "(about two minutes).",
        )

    def handle(
        self,
        *args: Any,
        sizes: str,
        updates_per_item: int,
        repeat: int,
        budget: float,
        seed: int,
        pages: str,
        **options: Any,
    ) -> None:
        try:
            numbers = sorted({int(size) for size in sizes.split(",") if size.strip()})
        except ValueError as error:
            raise CommandError(f"--sizes: give whole numbers such as 70,1000 ({error}).") from error
        if not numbers or numbers[0] < 1 or updates_per_item < 0 or repeat < 1:
            raise CommandError("--sizes must be positive, --updates-per-item >= 0, --repeat >= 1.")
        words = [word.strip() for word in pages.split(",") if word.strip()]
        chosen = [page for page in PAGES if not words or any(w in page.name for w in words)]
        if not chosen:
            raise CommandError(f"--pages {','.join(words)}: no page name contains these words.")
        if settings.DEBUG:
            self.stderr.write("DEBUG is on: numbers will be slower than production's.")
        if options["load"]:
            with throwaway_database():
                lines = measure_load(
                    updates_per_item=updates_per_item, seed=seed, write=self.stdout.write
                )
            self.stdout.write("\n".join(lines))
            return

        with throwaway_database() as name:
            self.stdout.write(f"Throw-away database: {name}")
            results = measure_all(
                chosen,
                numbers,
                updates_per_item=updates_per_item,
                repeat=repeat,
                budget=budget,
                seed=seed,
                write=self.stdout.write,
            )
        for line in table(results):
            self.stdout.write(line)
        self.stdout.write(summary(results, numbers))
        if options["export_floors"]:
            with throwaway_database():
                floors = export_floors(
                    updates_per_item=updates_per_item, seed=seed, repeat=3, write=self.stdout.write
                )
            self.stdout.write("\n".join(floors))
        if options["publication"]:
            with throwaway_database():
                figure = publication_time(
                    size=70, updates_per_item=updates_per_item, seed=seed, write=self.stdout.write
                )
            self.stdout.write("\n".join(figure))
