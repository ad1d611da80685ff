"""The open data API against its own OpenAPI schema: the schema validates, and schemathesis
generates requests from it and checks that none gets a server error and every response matches
what the schema promises."""

import datetime

import pytest
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from recommendations.models import Side, Status, Visibility
from tests import factories


def test_schema_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = target.read_text()
    assert "/api/recommendations/{reference}/" in schema
    assert "as_of" in schema


# Read from the API itself, as a data portal would. Loaded when the tests are collected: the
# lazy fixture loader of this schemathesis release does not work under pytest 9.2.
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.fixture
def requests_keep_the_test_transaction():
    """Django closes a connection not in autocommit mode when a request ends; the test client
    stops that, and so must calls through the WSGI application, or on PostgreSQL the first
    response would close the connection holding the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tracker(db, requests_keep_the_test_transaction):
    """A small tracker behind the API, so that lists, details and filters answer with data."""
    ai = factories.TopicFactory(code="AI", name="Artificial Intelligence", name_ja="人工知能")
    semi = factories.TopicFactory(code="SEMI", name="Semiconductors")
    meti = factories.OwnerFactory(code="METI", name="METI", government="Japan", side=Side.JAPAN)
    connect = factories.OwnerFactory(code="CNECT", name="DG Connect")
    jbce = factories.OrganisationFactory(slug="jbce", acronym="JBCE", side=Side.JAPAN)
    digitaleurope = factories.OrganisationFactory(slug="digitaleurope", acronym="DIGITALEUROPE")
    council = factories.CouncilFactory(number=2, date=datetime.date(2025, 5, 12))
    factories.CouncilFactory(number=3, date=None, place="")
    parent = factories.RecommendationFactory(
        topic=ai,
        number="1",
        status=Status.IN_PROGRESS,
        lead_owner=meti,
        co_owners=[connect],
        organisations=[jbce, digitaleurope],
        target_council=council,
        title="Trustworthy AI",
    )
    factories.RecommendationFactory(topic=ai, number="1a", parent=parent, lead_owner=meti)
    for number in range(2, 6):
        recommendation = factories.RecommendationFactory(
            topic=semi, number=str(number), lead_owner=connect, organisations=[digitaleurope]
        )
        factories.ProgressUpdateFactory(recommendation=recommendation, status=Status.PLANNED)
    factories.ProgressUpdateFactory(
        recommendation=parent, evidence_url="https://example.org/evidence"
    )
    factories.ProgressUpdateFactory(recommendation=parent, visibility=Visibility.INTERNAL)


@schema.parametrize()
@settings(
    # Enough for every parameter to be tried with valid and invalid values, few enough for the
    # whole run to take well under a minute; derandomised so that CI sees the same inputs.
    max_examples=50,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_answers_every_generated_request_as_its_schema_says(case, tracker):
    # What the schema promises: no server error, only documented status codes and content
    # types, bodies of the documented shape. Not schemathesis' "reject anything the schema does
    # not describe": like the list page, the API ignores parameters it does not know and reads
    # an empty filter as no filter.
    case.call_and_validate(
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_headers_conformance,
            response_schema_conformance,
        ]
    )
