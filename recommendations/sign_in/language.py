"""The admin and the sign-in pages in the official's language and time zone.

The public pages take their language from the address (/ja/…); the admin and the sign-in pages
have one address whatever the language, so here it comes from the person: a choice made in the
admin header or by opening /ja/admin/ (kept in the session), then the official's entry, then
the language cookie and the browser's Accept-Language, as Django reads them. Only those pages
vary with the browser's Accept-Language, and only their answers say so."""

import re
import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.middleware.locale import LocaleMiddleware
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from recommendations.models import Official
from recommendations.rules.permissions import role_of

# The pages that speak the person's language rather than the address's.
PERSONAL_PREFIXES = ("/admin/", "/accounts/")
# A choice made for this session (the header's switch, or an address such as /ja/admin/).
SESSION_KEY = "tracker_language"
PREFIXED = re.compile(r"^/(?P<language>[a-z]{2}(?:-[a-z]+)?)(?P<rest>/(?:admin|accounts)/.*)$")


def supported(language: str) -> bool:
    return language in dict(settings.LANGUAGES)


def official_of(request: HttpRequest) -> Official | None:
    """The signed-in official's entry, as their role brings it (no query of its own)."""
    return role_of(getattr(request, "user", None)).official


def remember_language(request: HttpRequest, response: HttpResponse, language: str) -> None:
    """Keeps a choice of language for this session and in the language cookie, which outlives
    it and so chooses the sign-in page's language next time."""
    if hasattr(request, "session"):
        request.session[SESSION_KEY] = language
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def personal_language(request: HttpRequest) -> str:
    """The language of the admin and sign-in pages for this request."""
    chosen = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if chosen and supported(chosen):
        return str(chosen)
    official = official_of(request)
    if official is not None and supported(official.language):
        return official.language
    return translation.get_language_from_request(request, check_path=False)


class AddressLanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, without its `Vary: Accept-Language` where the language is the
    address's: English at an address with no prefix is English whatever the browser asks for
    (the offer of Japanese is made in the browser), so a shared cache keeps one copy of it, not
    one per browser language."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        response = super().process_response(request, response)
        if request.path_info.startswith(PERSONAL_PREFIXES) or not response.has_header("Vary"):
            return response
        kept = [
            header
            for header in (part.strip() for part in response["Vary"].split(","))
            if header and header.lower() != "accept-language"
        ]
        if kept:
            response["Vary"] = ", ".join(kept)
        else:
            del response["Vary"]
        return response


class PersonalLanguageMiddleware:
    """Activates the person's language and, for a signed-in official, their time zone on the
    admin and sign-in pages; sends /ja/admin/… to /admin/… with Japanese chosen."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        prefixed = PREFIXED.match(request.path_info)
        if prefixed and supported(prefixed["language"]):
            query = request.META.get("QUERY_STRING", "")
            response = HttpResponseRedirect(prefixed["rest"] + (f"?{query}" if query else ""))
            remember_language(request, response, prefixed["language"])
            return response
        if not request.path_info.startswith(PERSONAL_PREFIXES):
            return self.get_response(request)
        language = personal_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        official = official_of(request)
        if official is None:
            return self.get_response(request)
        timezone.activate(zoneinfo.ZoneInfo(official.time_zone_name))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


@require_POST
def choose_language(request: HttpRequest) -> HttpResponse:
    """The header's English | 日本語 switch: the choice holds for this session and the cookie
    and, for an official, on their entry, so their next sign-in and the round's mails follow."""
    language = request.POST.get("language", "")
    if not supported(language):
        return HttpResponseBadRequest("Unknown language.")
    candidate = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    response = HttpResponseRedirect(candidate if safe else reverse("admin:index"))
    remember_language(request, response, language)
    official = official_of(request)
    if official is not None and official.language != language:
        official.language = language
        official.save(update_fields=["language"])
    return response
