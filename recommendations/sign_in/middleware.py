from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse

from recommendations.sign_in.session import is_verified

# What a session signed in by password alone may still open: the sign-in and enrolment pages,
# the language switcher and static files. The public pages and the API need no sign-in at all,
# but a half-signed-in official sees them as anyone does (see __call__).
OPEN_PREFIXES = ("/accounts/", "/admin/two-factor/", "/admin/logout/", "/i18n/", "/static/")


class SecondFactorMiddleware:
    """With REQUIRE_2FA, a session whose user has not passed a second factor reaches no admin
    page: it is sent to the second-factor step (enrolment first, for an official who has none).
    Elsewhere it counts as signed out, so no internal page or export opens either."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if (
            settings.REQUIRE_2FA
            and request.user.is_authenticated
            and not is_verified(request)
            and not request.path_info.startswith(OPEN_PREFIXES)
        ):
            if request.path_info.startswith("/admin/"):
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('two_factor')}?{query}")
            request.user = AnonymousUser()
        return self.get_response(request)
