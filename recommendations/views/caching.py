"""Public pages served like files: ETag and Last-Modified, 304 answers, and each rendering kept in
the cache until the data it shows changes.

The pages are read far more often than the data changes, and rendering them is most of their
cost. Every key carries the data version (`recommendations.data_version`), read by one query, so a
change made through any worker shows on the next request through any other, with the default
per-process cache as with a shared one (CACHE_BACKEND, e.g. Redis).

What is never cached: anything an official sees (their pages may differ, and must not reach the
public), answers other than 200, and pages whose rendering used the CSP nonce (the policy holds
no nonce today; a page that starts using one is then simply rendered on each request rather than
served with a stale nonce).

A public page is the same for every visitor: it carries no CSRF token (the language switcher is
a pair of links, the alert forms have pages of their own) and sets no cookie, so it is answered
with `Cache-Control: public` and a shared cache or CDN may keep it for a few minutes. `Vary:
Cookie` (the session middleware's) keeps a signed-in official's request from being answered with
it.
"""

import datetime
import hashlib
from collections.abc import Callable
from functools import wraps

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import get_language

from recommendations.data_version import data_version

# Entries are never stale (their key changes with the data); the timeout only frees memory.
TIMEOUT_SECONDS = 60 * 60
# How long a browser or a shared cache may serve a page without asking: a change made by the
# secretariat reaches every reader within five minutes, and a crowd costs one rendering.
MAX_AGE_SECONDS = 5 * 60


# Where a request keeps its data version once read.
_VERSION_ATTRIBUTE = "_tracker_data_version"


def request_data_version(request: HttpRequest) -> str:
    """The data version for this request, read once: the page cache's key and the counts the
    page shows must name the same version, and each reading is a query."""
    version: str | None = getattr(request, _VERSION_ATTRIBUTE, None)
    if version is None:
        version = data_version()
        setattr(request, _VERSION_ATTRIBUTE, version)
    return version


def _first_seen(version: str) -> datetime.datetime:
    """When this cache first saw the data in this version: the pages' Last-Modified."""
    now = timezone.now().replace(microsecond=0)
    return cache.get_or_set(f"data-version-seen:{version}", now, TIMEOUT_SECONDS) or now


# A public page's view, as the URLconf calls it.
View = Callable[..., HttpResponse]


def _is_anonymous(request: HttpRequest) -> bool:
    return not request.user.is_authenticated


def _rendered(
    request: HttpRequest,
    key: str,
    view: View,
    args: tuple[object, ...],
    kwargs: dict[str, object],
) -> HttpResponse:
    stored = cache.get(key)
    if stored is not None:
        content, content_type = stored
        return HttpResponse(content, content_type=content_type)
    response = view(request, *args, **kwargs)
    uses_nonce = isinstance(getattr(request, "_csp_nonce", None), str)
    if response.status_code == 200 and not response.streaming and not uses_nonce:
        cache.set(key, (response.content, response["Content-Type"]), TIMEOUT_SECONDS)
    return response


def cached_page(view: View) -> View:
    """Serve `view` from the cache while the data is unchanged, and answer a conditional request
    for an unchanged page with 304. For anonymous GET and HEAD requests only."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or not _is_anonymous(request):
            return view(request, *args, **kwargs)
        version = request_data_version(request)
        # The path carries the language prefix and the query string the filters and the page;
        # the active language is named too, for a language chosen by cookie or header.
        address = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
        key = f"page:{version}:{get_language()}:{address}"
        etag = f'"{hashlib.sha256(key.encode()).hexdigest()[:32]}"'
        last_modified = _first_seen(version)
        response = get_conditional_response(
            request, etag=etag, last_modified=int(last_modified.timestamp())
        )
        if response is None:
            response = _rendered(request, key, view, args, kwargs)
            if response.status_code != 200:
                return response
        response["ETag"] = etag
        response["Last-Modified"] = http_date(last_modified.timestamp())
        patch_cache_control(response, public=True, max_age=MAX_AGE_SECONDS)
        return response

    return wrapper
