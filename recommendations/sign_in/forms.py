"""The second-factor step's forms: allauth's, with the tracker's recovery codes accepted in the
same field and django-axes counting every wrong code as it counts a wrong password."""

from allauth.core import context
from allauth.mfa.adapter import get_adapter
from allauth.mfa.base import forms as allauth_forms
from allauth.mfa.models import Authenticator
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext_lazy as _

from recommendations.services.two_factor import spend_totp_code, use_recovery_code

LOCKED = _("Too many failed sign-in attempts: this account is locked for an hour.")


class SecondFactorCodeMixin:
    """Refuses any code while the account is locked out, accepts a code from the authenticator
    app once (spend_totp_code) or an unused recovery code, and reports a wrong one to
    django-axes."""

    user: User
    authenticator: Authenticator

    def clean_code(self) -> str:
        request = context.request
        credentials = {"username": self.user.get_username()}
        if not AxesProxyHandler.is_allowed(request, credentials):
            # django-axes' middleware answers with its lockout page.
            request.axes_locked_out = True
            raise forms.ValidationError(LOCKED)
        try:
            code: str = super().clean_code()  # type: ignore[misc]
        except forms.ValidationError:
            code = self.cleaned_data["code"]  # type: ignore[attr-defined]
            if use_recovery_code(user=self.user, code=code):
                self.authenticator = self.main_authenticator()
                return code
            user_login_failed.send(
                sender=__name__, credentials=credentials, request=request, second_factor=True
            )
            raise
        if self.authenticator.type == Authenticator.Type.TOTP and not spend_totp_code(
            authenticator=self.authenticator, code=code
        ):
            # Given already, at another worker or server: a replayed code is a wrong one.
            user_login_failed.send(
                sender=__name__, credentials=credentials, request=request, second_factor=True
            )
            raise get_adapter().validation_error("incorrect_code")
        return code

    def main_authenticator(self) -> Authenticator:
        # allauth records which authenticator passed; a recovery code stands in for the
        # user's own (it is logged as a recovery code by use_recovery_code).
        authenticator = Authenticator.objects.filter(user=self.user).order_by("type").first()
        assert authenticator is not None  # A user at this step has one: allauth checks.
        authenticator.user = self.user
        return authenticator


class AuthenticateForm(SecondFactorCodeMixin, allauth_forms.AuthenticateForm):
    pass


class ReauthenticateForm(SecondFactorCodeMixin, allauth_forms.ReauthenticateForm):
    pass
