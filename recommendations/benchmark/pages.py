"""The pages the benchmark requests, and the floor view they are compared with."""

import types
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.http import HttpResponse
from django.template import engines
from django.urls import URLPattern, URLResolver, path

from recommendations.benchmark.synthetic import SEARCH_WORD
from recommendations.models import Recommendation
from recommendations.views.pages import PAGE_SIZE

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


FLOOR = Page("floor (bare view)", FLOOR_PATH)

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
    module.urlpatterns = [path(FLOOR_PATH.strip("/") + "/", floor_view), *root.urlpatterns]
    for name in ("handler400", "handler403", "handler404", "handler500"):
        if hasattr(root, name):
            setattr(module, name, getattr(root, name))
    return module
