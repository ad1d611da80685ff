"""Starts the test provider: `python -m tests.oidc_provider.serve PORT REDIRECT_URI`, with
PROVIDER_DATABASE and PROVIDER_RSA_KEY in the environment. It knows one client (the tracker,
client id `tracker`, secret `tracker-secret`) and two people who sign in with a password: an
official the tracker knows and someone it does not."""

import os
import sys
from wsgiref.simple_server import WSGIRequestHandler, make_server

import django

PASSWORD = "provider-password"  # noqa: S105
PEOPLE = ["hana@meti.go.jp", "stranger@example.org"]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


def main(port: int, redirect_uri: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    django.setup()
    from django.contrib.auth.models import User
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0)
    for email in PEOPLE:
        User.objects.create_user(username=email, email=email, password=PASSWORD)
    Application.objects.create(
        name="tracker",
        client_id="tracker",
        client_secret="tracker-secret",  # noqa: S106
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=redirect_uri,
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    server = make_server("127.0.0.1", port, WSGIHandler(), handler_class=QuietHandler)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
