"""django-allauth's hooks: nobody signs up, and a single sign-on is let in only for the active
staff account that already has the address the identity provider vouches for."""

import logging
from typing import Any
from urllib.parse import urlencode

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.base import Provider
from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from recommendations.services.two_factor import has_second_factor

log = logging.getLogger("tracker.sign_in")


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts are made by the secretariat (`manage.py add_official`, the admin).
        return False

    def post_login(self, request: HttpRequest, user: User, **kwargs: Any) -> HttpResponse:
        response = super().post_login(request, user, **kwargs)
        # Enrolment is offered at every sign-in until done (required or not), on the way to
        # where they were going.
        if isinstance(response, HttpResponseRedirect) and not has_second_factor(user):
            query = urlencode({"next": response.url})
            response = HttpResponseRedirect(f"{reverse('two_factor')}?{query}")
        return response


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return False

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Provider | str,
        error: str | None = None,
        exception: Exception | None = None,
        extra_context: dict[str, Any] | None = None,
    ) -> None:
        log.warning(
            "single sign-on failed provider=%s error=%s exception=%r",
            getattr(provider, "id", provider),
            error,
            exception,
        )
        return super().on_authentication_error(
            request, provider, error=error, exception=exception, extra_context=extra_context
        )

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        """Refuse a sign-in that matches no active staff account by verified e-mail address:
        the identity provider vouches for who someone is, the tracker alone decides what they
        may do."""
        # allauth has looked the account up: by an earlier sign-in's link, or by e-mail address.
        user = sociallogin.user if sociallogin.is_existing else None
        if user is None or not user.is_active or not user.is_staff:
            addresses = ", ".join(e.email for e in sociallogin.email_addresses) or "-"
            log.warning("single sign-on refused email=%s: no such official", addresses)
            raise ImmediateHttpResponse(
                render(
                    request,
                    "account/sso_refused.html",
                    {"addresses": addresses, "provider": settings.OIDC_ISSUER},
                    status=403,
                )
            )
        if user.email:
            # The secretariat made the account from this address: it is the official's, so
            # allauth need not treat it as unverified (and wipe the password) on first use.
            EmailAddress.objects.get_or_create(
                user=user,
                email__iexact=user.email,
                defaults={"email": user.email, "verified": True},
            )
        log.info("single sign-on matched user=%s", user.get_username())
