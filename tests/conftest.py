import pytest

from tests.factories import SuperuserFactory


@pytest.fixture
def secretariat_user(db):
    return SuperuserFactory()


@pytest.fixture
def admin_client(client, secretariat_user):
    client.force_login(secretariat_user)
    return client
