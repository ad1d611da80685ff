"""Whether this session has passed a second factor: set when a code or key is accepted at
sign-in, or when one is enrolled (enrolling proves the device), and tied to the user so that a
session that changes hands never carries it over."""

from django.http import HttpRequest

SESSION_KEY = "tracker_second_factor_user"


def mark_verified(request: HttpRequest, user) -> None:
    request.session[SESSION_KEY] = str(user.pk)


def is_verified(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return request.session.get(SESSION_KEY) == str(user.pk)
