"""Public pages served like files: ETag and Last-Modified, 304 answers, and each rendering kept in
the cache until the data it shows changes.

The pages are read far more often than the data changes, and rendering them is most of their
cost. Every key carries the data version (`recommendations.data_version`), read by one query, so a
change made through any worker shows on the next request through any other, with the default
per-process cache as with a shared one (CACHE_BACKEND, e.g. Redis).

What is never cached: anything an official sees (their pages may differ, and must not reach the
public), answers other than 200, and pages whose rendering used the CSP nonce (the policy holds
no nonce today; a page that starts using one is then simply rendered on each request rather than
served with a stale nonce). The CSRF token of the language switcher is personal: it is stored as
a placeholder and each visitor's own token is put back when the page is served.
"""

import datetime
import hashlib
import re
from collections.abc import Callable
from functools import wraps

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import get_language

from recommendations.data_version import data_version

# Entries are never stale (their key changes with the data); the timeout only frees memory.
TIMEOUT_SECONDS = 60 * 60
CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]+(")')
CSRF_PLACEHOLDER = b"\x00csrf-token\x00"


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
        # Stored cut where the tokens go: one join puts the visitor's own in, however long
        # the page (the report's runs to megabytes).
        parts, content_type = stored
        token = get_token(request).encode() if len(parts) > 1 else b""
        return HttpResponse(token.join(parts), content_type=content_type)
    response = view(request, *args, **kwargs)
    uses_nonce = isinstance(getattr(request, "_csp_nonce", None), str)
    if response.status_code == 200 and not response.streaming and not uses_nonce:
        content = CSRF_INPUT.sub(rb"\1" + CSRF_PLACEHOLDER + rb"\2", response.content)
        parts = content.split(CSRF_PLACEHOLDER)
        cache.set(key, (parts, response["Content-Type"]), TIMEOUT_SECONDS)
    return response


def cached_page(view: View) -> View:
    """Serve `view` from the cache while the data is unchanged, and answer a conditional request
    for an unchanged page with 304. For anonymous GET and HEAD requests only."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or not _is_anonymous(request):
            return view(request, *args, **kwargs)
        version = data_version()
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
        # Browsers may keep the page but must ask each time (a change shows on the next
        # request); the CSRF token in it is the visitor's own, so no shared cache may keep it.
        patch_cache_control(response, no_cache=True, private=True)
        return response

    return wrapper
