import pytest

from tests.factories import SuperuserFactory


@pytest.fixture
def secretariat_user(db):
    return SuperuserFactory()


@pytest.fixture
def admin_client(client, secretariat_user):
    client.force_login(secretariat_user)
    return client


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "postgres: needs PostgreSQL's real row locks; runs in the PostgreSQL pass "
        "(make test-postgres), deselected on SQLite",
    )


def pytest_collection_modifyitems(config, items):
    # SQLite ignores SELECT ... FOR UPDATE, so a locking test there would prove nothing.
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    needs_postgres = [item for item in items if item.get_closest_marker("postgres")]
    if needs_postgres:
        config.hook.pytest_deselected(items=needs_postgres)
        items[:] = [item for item in items if not item.get_closest_marker("postgres")]
