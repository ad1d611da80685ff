"""Cross-origin reads of the open data API: a browser notebook or another site's page may GET
/api/ from any origin, without credentials. Nothing else of the site (its pages, the admin,
sign-in) is offered to other origins."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

API_PREFIX = "/api/"
READS = ("GET", "HEAD", "OPTIONS")
# What a caller polling with validators sends, and what it reads back.
ALLOWED_HEADERS = "Accept, Accept-Language, If-None-Match, If-Modified-Since"
EXPOSED_HEADERS = "ETag, Last-Modified, Content-Disposition"


class ApiCorsMiddleware:
    """`Access-Control-Allow-Origin: *` on the API's reads, and an answer to a browser's
    preflight for them. Never `Allow-Credentials`: the API reads public data only, so a cookie
    has nothing to add and no origin may borrow a signed-in session."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        requested = request.headers.get("Access-Control-Request-Method")
        if request.method == "OPTIONS" and requested is not None:
            # A preflight: answered here, for the reads only.
            response = HttpResponse(status=204)
            if requested.upper() in READS:
                response["Access-Control-Allow-Origin"] = "*"
                response["Access-Control-Allow-Methods"] = ", ".join(READS)
                response["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
                response["Access-Control-Max-Age"] = "86400"
            return response
        response = self.get_response(request)
        if request.method in READS:
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        return response
