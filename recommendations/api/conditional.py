"""Conditional GET for the API: ETag and Last-Modified on every read, 304 when nothing changed."""

import datetime
import hashlib

from django.db.models import Max
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from rest_framework.views import APIView

from recommendations.models import ProgressUpdate, Recommendation
from recommendations.rules.choices import Visibility


def newest_public_change() -> datetime.datetime | None:
    """When the public data last changed: the latest recorded change of any recommendation
    (archiving included) or of a public update.

    Internal updates are left out, so their timing does not show. Four small aggregates, however
    many rows there are.
    """
    candidates = [
        Recommendation.objects.aggregate(newest=Max("updated_at"))["newest"],
        Recommendation.history.aggregate(newest=Max("history_date"))["newest"],
        ProgressUpdate.objects.public().aggregate(newest=Max("created_at"))["newest"],
        # Edits and deletions of public updates are recorded in their history.
        ProgressUpdate.history.filter(visibility=Visibility.PUBLIC).aggregate(
            newest=Max("history_date")
        )["newest"],
    ]
    known = [moment for moment in candidates if moment is not None]
    return max(known) if known else None


class ConditionalGetMixin(APIView):
    """ETag and Last-Modified on every successful read, and 304 Not Modified when the caller
    already has the data, so a data portal can poll cheaply.

    The ETag is a hash of the body, so it changes with any change of what is shown (a renamed
    topic included). Last-Modified comes from the recorded timestamps, which only recommendations
    and updates carry: the other resources send an ETag alone rather than a date that could
    wrongly claim they had not changed.
    """

    has_timestamps = False

    def finalize_response(self, request, response, *args, **kwargs):
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
        return get_conditional_response(
            request, etag=response["ETag"], last_modified=last_modified, response=response
        )
