"""Conditional GET for the API: ETag and Last-Modified on every read, and 304 decided before the
read's queryset runs."""

import hashlib
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.response import SimpleTemplateResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import get_language
from rest_framework.views import APIView

from recommendations.data_version import data_version, newest_public_change_of

# A body kept under its ETag is never stale (the ETag moves with the data); the timeout only
# frees memory.
KEPT_SECONDS = 60 * 60
KEPT_HEADERS = ("Content-Type", "Vary", "Allow")


class ConditionalGetMixin(APIView):
    """ETag and Last-Modified on every successful read, and 304 Not Modified when the caller
    already has the data, so a data portal can poll cheaply.

    The ETag is a hash of the data version (`data_version()`, one query: it moves with any change
    of what is shown, a renamed topic included) and of the request (its address and query, what
    it accepts, the language), so a 304 is answered before the read's rows are fetched.
    Last-Modified comes from the recorded timestamps, which only recommendations and updates
    carry: the other resources send an ETag alone rather than a date that could wrongly claim
    they had not changed. The body answered is kept in the cache under its ETag, so the same
    read of the same data is answered without its queryset too.
    """

    has_timestamps = False

    def _validators(self, request: HttpRequest) -> tuple[str, int | None]:
        version = data_version()
        asked = "\n".join(
            (
                version,
                request.build_absolute_uri(),
                request.headers.get("Accept", ""),
                get_language() or "",
            )
        )
        etag = f'"{hashlib.sha256(asked.encode()).hexdigest()}"'
        newest = newest_public_change_of(version) if self.has_timestamps else None
        return etag, int(newest.timestamp()) if newest is not None else None

    @staticmethod
    def _kept(etag: str) -> HttpResponse | None:
        """The body answered under `etag` before: the same data version and request."""
        kept = cache.get(f"api-response:{etag}")
        if kept is None:
            return None
        content, headers = kept
        response = HttpResponse(content)
        for name, value in headers.items():
            response[name] = value
        return response

    def _rendered(
        self, etag: str, request: HttpRequest, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> HttpResponseBase:
        response = super().dispatch(request, *args, **kwargs)
        if response.status_code == 200 and isinstance(response, SimpleTemplateResponse):
            response.render()
            headers = {name: response[name] for name in KEPT_HEADERS if name in response}
            cache.set(f"api-response:{etag}", (response.content, headers), KEPT_SECONDS)
        return response

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method not in ("GET", "HEAD"):
            return super().dispatch(request, *args, **kwargs)
        etag, last_modified = self._validators(request)
        not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
        response = not_modified or self._kept(etag) or self._rendered(etag, request, args, kwargs)
        if response.status_code in (200, 304):
            response["ETag"] = etag
            if last_modified is not None:
                response["Last-Modified"] = http_date(last_modified)
        return response
