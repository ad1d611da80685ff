import socket

import pytest
from django.db import connections
from django.db.utils import load_backend


def closed_loopback_port() -> int:
    """A loopback port nothing listens on: bound by the system, then released."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def unreachable_database():
    """Point the default connection at a PostgreSQL server that is not there, for real."""
    original = connections["default"]
    settings_dict = {
        **original.settings_dict,
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "tracker",
        "USER": "tracker",
        "PASSWORD": "",
        "HOST": "127.0.0.1",
        "PORT": str(closed_loopback_port()),
        "OPTIONS": {"connect_timeout": 2},
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
    }
    unreachable = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "default")
    connections["default"] = unreachable
    yield
    unreachable.close()
    connections["default"] = original


@pytest.mark.django_db
def test_health_check_answers_ok_when_the_database_answers(client, django_assert_num_queries):
    with django_assert_num_queries(1):  # SELECT 1
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_health_check_answers_503_when_the_database_is_unreachable(client, unreachable_database):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


def test_health_check_refuses_writes(client):
    assert client.post("/healthz").status_code == 405
