"""The pages the benchmark requests, and the floor view they are compared with."""

import types
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.http import HttpResponse
from django.template import engines
from django.urls import URLPattern, URLResolver, path

from recommendations.models import Recommendation
from recommendations.views.pages import PAGE_SIZE
from tools.benchmark.exports import (
    CSV_FLOOR_PATH,
    XLSX_FLOOR_PATH,
    csv_floor_view,
    xlsx_floor_view,
)
from tools.benchmark.synthetic import SEARCH_WORD

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
    paged: bool = False  # the pages held to a few times the floor
    floor: str = FLOOR_PATH  # the floor this page's "× floor" is taken against


FLOOR = Page("floor (bare view)", FLOOR_PATH)
CSV_FLOOR = Page("floor CSV (bare csv.writer)", CSV_FLOOR_PATH, export=True, floor=CSV_FLOOR_PATH)
XLSX_FLOOR = Page(
    "floor XLSX (write-only openpyxl)", XLSX_FLOOR_PATH, export=True, floor=XLSX_FLOOR_PATH
)
FLOORS = {page.url: page for page in (FLOOR, CSV_FLOOR, XLSX_FLOOR)}

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
    Page("export list CSV", "/recommendations/export.csv", export=True, floor=CSV_FLOOR_PATH),
    Page("export list XLSX", "/recommendations/export.xlsx", export=True, floor=XLSX_FLOOR_PATH),
    Page("report CSV", "/report.csv", export=True, floor=CSV_FLOOR_PATH),
    Page("report XLSX", "/report.xlsx", export=True, floor=XLSX_FLOOR_PATH),
    Page("report PDF", "/report.pdf", export=True),
]


_floor_template = None


def floor_view(request):
    global _floor_template
    if _floor_template is None:
        _floor_template = engines["django"].from_string(FLOOR_TEMPLATE)
    rows = Recommendation.objects.order_by("pk").values("reference", "text", "status")
    # As many rows as one page of the list, so the two are compared like for like.
    return HttpResponse(_floor_template.render({"rows": rows[:PAGE_SIZE]}, request))


class _Urlconf(types.ModuleType):
    """A module built at run time, declaring what Django reads from a root URLconf."""

    urlpatterns: list[URLPattern | URLResolver]


def urlconf_with_floor() -> types.ModuleType:
    """The project's URLs plus the floor view, as a root URLconf (language prefixes included)."""
    root = import_module(settings.ROOT_URLCONF)
    module = _Urlconf("benchmark_urls")
    module.urlpatterns = [
        path(FLOOR_PATH.strip("/") + "/", floor_view),
        path(CSV_FLOOR_PATH.strip("/"), csv_floor_view),
        path(XLSX_FLOOR_PATH.strip("/"), xlsx_floor_view),
        *root.urlpatterns,
    ]
    for name in ("handler400", "handler403", "handler404", "handler500"):
        if hasattr(root, name):
            setattr(module, name, getattr(root, name))
    return module
