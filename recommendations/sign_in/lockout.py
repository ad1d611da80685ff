"""What django-axes counts failed sign-ins by: the user name as the tracker knows it, however it
was typed, and the address of the client itself, behind as many reverse proxies as the server
is told to trust."""

import unicodedata

from django.conf import settings
from django.http import HttpRequest
from ipware import get_client_ip


def normalised_username(name: str) -> str:
    """One spelling for every way of typing a user name: signing in ignores the case and the
    spaces around it, so the lockout must too, or each spelling gets five guesses of its own."""
    return unicodedata.normalize("NFKC", name).strip().casefold()


def lockout_username(request: HttpRequest | None, credentials: dict | None) -> str | None:
    """AXES_USERNAME_CALLABLE: the name from the credentials being checked (the password step's
    `username`, the second-factor step's own), else from the login form posted."""
    data = credentials or (getattr(request, "POST", None) or {})
    name = data.get("username") or data.get("login")
    return normalised_username(name) if isinstance(name, str) else None


def client_address(request: HttpRequest) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the address
    the outermost of them saw, which is that many entries from the right of X-Forwarded-For
    (each proxy appends who connected to it). Entries further left are whatever the client
    wrote, so they are never read; a request that did not pass the proxies keeps REMOTE_ADDR.

    django-ipware reads the chain, told to look at X-Forwarded-For alone (its default list
    has headers any client can set) and how many entries to its right are proxies: ipware
    counts the proxies *in* the header, and the last of ours is REMOTE_ADDR, not an entry."""
    remote = request.META.get("REMOTE_ADDR")
    proxies: int = settings.TRUSTED_PROXY_COUNT
    if not proxies:
        return remote
    address, _routable = get_client_ip(
        request,
        proxy_count=proxies - 1,
        request_header_order=["HTTP_X_FORWARDED_FOR"],
        strict=False,
    )
    return address or remote
