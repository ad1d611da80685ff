"""Whether this session has passed a second factor: set when a code or key is accepted at
sign-in, or when one is enrolled (enrolling proves the device), and tied to the user so that a
session that changes hands never carries it over."""

from typing import TYPE_CHECKING

from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.contrib.auth.models import User
from django.http import HttpRequest

if TYPE_CHECKING:
    from django.test import Client

SESSION_KEY = "tracker_second_factor_user"


def mark_verified(request: HttpRequest, user: User) -> None:
    request.session[SESSION_KEY] = str(user.pk)


def is_verified(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return request.session.get(SESSION_KEY) == str(user.pk)


def mark_client_verified(client: "Client") -> None:
    """For Django's test client after force_login (the benchmark, the tests): the session of
    its signed-in user counts as past the second factor."""
    session = client.session
    session[SESSION_KEY] = session[AUTH_SESSION_KEY]
    session.save()
