"""A log line for every sign-in event (tracker/logs.py's format, logger `tracker.sign_in`), the
session's second-factor mark set by the events that prove one, and the code that enrolled an
authenticator app spent."""

import logging
from typing import Any

from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from django.contrib.auth import signals as auth_signals
from django.contrib.auth.models import User
from django.dispatch import receiver
from django.http import HttpRequest

from recommendations.services.two_factor import spend_totp_code
from recommendations.sign_in.lockout import client_address
from recommendations.sign_in.session import mark_verified

log = logging.getLogger("tracker.sign_in")


def _address(request: HttpRequest | None) -> str:
    # The address the lockout counts, so that a log line can be matched with a lockout.
    return (client_address(request) if request is not None else None) or "-"


@receiver(auth_signals.user_logged_in)
def logged_in(sender: type[User], request: HttpRequest, user: User, **kwargs: Any) -> None:
    log.info("sign-in user=%s address=%s", user.get_username(), _address(request))


@receiver(auth_signals.user_logged_out)
def logged_out(
    sender: type[User] | None, request: HttpRequest, user: User | None, **kwargs: Any
) -> None:
    log.info("sign-out user=%s", user.get_username() if user else "-")


@receiver(auth_signals.user_login_failed)
def login_failed(
    sender: str,
    credentials: dict[str, Any],
    request: HttpRequest | None = None,
    second_factor: bool = False,
    **kwargs: Any,
) -> None:
    log.warning(
        "sign-in failed user=%s step=%s address=%s",
        credentials.get("username", "-"),
        "second factor" if second_factor else "password",
        _address(request),
    )


@receiver(mfa_signals.authenticator_used)
def second_factor_used(
    sender: type[Authenticator],
    request: HttpRequest,
    user: User,
    authenticator: Authenticator,
    **kwargs: Any,
) -> None:
    mark_verified(request, user)
    log.info("second factor passed user=%s type=%s", user.get_username(), authenticator.type)


@receiver(mfa_signals.authenticator_added)
def second_factor_added(
    sender: type[Authenticator],
    request: HttpRequest,
    user: User,
    authenticator: Authenticator,
    **kwargs: Any,
) -> None:
    # Enrolling proves the device there and then.
    mark_verified(request, user)
    code = request.POST.get("code") if request is not None else None
    if authenticator.type == Authenticator.Type.TOTP and code:
        # The code just typed, on the tracker's enrolment page or allauth's own activation
        # page alike, is spent: it cannot pass the second-factor step a second time.
        # (spend_totp_code checks it against the new authenticator's secret again.)
        spend_totp_code(authenticator=authenticator, code=code)
    log.info("second factor enrolled user=%s type=%s", user.get_username(), authenticator.type)


@receiver(mfa_signals.authenticator_removed)
def second_factor_removed(
    sender: type[Authenticator],
    request: HttpRequest,
    user: User,
    authenticator: Authenticator,
    **kwargs: Any,
) -> None:
    log.warning("second factor removed user=%s type=%s", user.get_username(), authenticator.type)
