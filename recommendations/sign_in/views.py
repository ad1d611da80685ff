import base64
from urllib.parse import urlencode

from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added
from allauth.mfa.totp.forms import ActivateTOTPForm
from allauth.mfa.totp.internal.auth import TOTP, clear_totp_secret
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from recommendations.models import RecoveryCode
from recommendations.rules import permissions
from recommendations.services.two_factor import (
    has_second_factor,
    new_recovery_codes,
    vouch_for_own_address,
)
from recommendations.sign_in.session import is_verified, mark_verified


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("admin:index")


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """An official's second factor: enrol an authenticator app (and see the recovery codes,
    once), or, enrolled, ask for new recovery codes and add a security key."""
    user = permissions.signed_in_user(request)
    next_url = _next_url(request)
    context: dict[str, object] = {"title": _("Two-factor authentication"), "next": next_url}
    # Before enrolling, and before adding a security key through allauth's page linked here.
    vouch_for_own_address(user=user)
    if not has_second_factor(user):
        form = ActivateTOTPForm(user=user, data=request.POST or None)
        if request.method == "POST" and form.is_valid():
            # Not allauth's activation flow, which asks for the password again first: the
            # first enrolment follows the password at once (the session has no factor to
            # lose). Adding or removing one later goes through allauth's pages, which do ask.
            authenticator = TOTP.activate(user, form.secret).instance
            clear_totp_secret(request)
            mark_verified(request, user)
            # Its receiver spends the code just typed, as for allauth's own activation page.
            authenticator_added.send(
                sender=Authenticator, request=request, user=user, authenticator=authenticator
            )
            return _show_recovery_codes(request, context)
        url = get_adapter().build_totp_url(user, form.secret)
        svg = get_adapter().build_totp_svg(url)
        context |= {
            "form": form,
            "secret": form.secret,
            # An image, not inline SVG markup: the Content Security Policy allows data: images.
            "qr_code": "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode(),
            "required": settings.REQUIRE_2FA,
        }
        return render(request, "registration/two_factor_enrol.html", context)
    if not is_verified(request):
        # Enrolled, but this session has not passed the second factor (a session that began
        # before the requirement was switched on): allauth asks for a code.
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('mfa_reauthenticate')}?{query}")
    if request.method == "POST" and "new_recovery_codes" in request.POST:
        return _show_recovery_codes(request, context)
    context["unused_codes"] = RecoveryCode.objects.unused().filter(user=user).count()
    return render(request, "registration/two_factor.html", context)


def _show_recovery_codes(request: HttpRequest, context: dict[str, object]) -> HttpResponse:
    context["codes"] = new_recovery_codes(user=permissions.signed_in_user(request))
    response = render(request, "registration/recovery_codes.html", context)
    # Shown this once: never kept by a cache or the browser's history.
    response["Cache-Control"] = "no-store"
    return response


def email_addresses_closed(request: HttpRequest) -> HttpResponse:
    """allauth's page for managing one's e-mail addresses, closed to everyone: an official's
    address is the one the secretariat made the account with, and the page filed it as
    unverified on a mere visit, which barred enrolment in the second factor."""
    raise Http404
