"""Conditional GET for the API: ETag and Last-Modified on every read, 304 when nothing changed."""

import hashlib
from typing import Any

from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from recommendations.data_version import newest_public_change


class ConditionalGetMixin(APIView):
    """ETag and Last-Modified on every successful read, and 304 Not Modified when the caller
    already has the data, so a data portal can poll cheaply.

    The ETag is a hash of the body, so it changes with any change of what is shown (a renamed
    topic included). Last-Modified comes from the recorded timestamps, which only recommendations
    and updates carry: the other resources send an ETag alone rather than a date that could
    wrongly claim they had not changed.
    """

    has_timestamps = False

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        response.render()
        response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()}"'
        last_modified = None
        if self.has_timestamps:
            newest = newest_public_change()
            if newest is not None:
                last_modified = int(newest.timestamp())
                response["Last-Modified"] = http_date(last_modified)
        # The response given, or a plain 304 that DRF passes on as it is: never None here.
        return get_conditional_response(  # type: ignore[return-value]
            request, etag=response["ETag"], last_modified=last_modified, response=response
        )
