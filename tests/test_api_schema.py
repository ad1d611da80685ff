"""The open data API against its own OpenAPI schema: the schema validates, and schemathesis, run
as a data portal would run it (its command, its defaults, against gunicorn serving the report's
data), finds nothing: no server error, no response the schema does not promise, no request the
schema allows refused, no request it forbids accepted."""

import os
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tests import factories
from tests.servers import BIN, Server, prepare_database


@pytest.mark.django_db
def test_schema_validates_without_warnings(tmp_path):
    # The codes the filters take are the data's own: one of each, for the schema to list.
    factories.RecommendationFactory(organisations=[factories.OrganisationFactory()])
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = target.read_text()
    assert "/api/recommendations/{reference}/" in schema
    assert "as_of" in schema


# A fixed seed, so that CI sees the same requests run after run; everything else is
# schemathesis' defaults: every check, every phase (examples, coverage, fuzzing, stateful).
SEED = "160"


def test_schemathesis_with_its_defaults_finds_nothing_against_the_served_api(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'api.sqlite3'}"}
    prepare_database(env, ["load_report"])
    before = sorted(path.name for path in Path(settings.BASE_DIR).iterdir())
    with open(tmp_path / "gunicorn.log", "w") as log:
        server = Server(env, log, workers=2)
        try:
            server.wait()
            # From a folder of its own: schemathesis keeps its files (.schemathesis/,
            # .hypothesis/) where it runs, and the work tree must stay clean.
            done = subprocess.run(  # noqa: S603 -- schemathesis from our own environment
                [str(BIN / "st"), "run", f"{server.url}/api/schema/", "--seed", SEED],
                cwd=tmp_path,
                capture_output=True,
                text=True,
                timeout=900,
            )
        finally:
            server.stop()

    assert done.returncode == 0, done.stdout[-20000:]
    assert "No issues found" in done.stdout
    assert sorted(path.name for path in Path(settings.BASE_DIR).iterdir()) == before
