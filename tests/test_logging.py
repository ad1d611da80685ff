"""Log lines go to stderr: stdout belongs to what a command writes, so `manage.py dumpdata >
dump.json` must give a file that loads. Each test runs the command in a child process, as a
developer or a server starts it, since the test run has configured logging its own way."""

import json
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings

# The shape of every log line, Django's and gunicorn's alike.
LOG_LINE = re.compile(r"^\S+ level=[A-Z]+ logger=\S+ ", re.MULTILINE)


def manage(*args, env):
    return subprocess.run(  # noqa: S603 -- our own manage.py, fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def tracker_env(tmp_path_factory):
    """The environment of a developer's checkout: its own database, migrated and loaded."""
    database = tmp_path_factory.mktemp("logging") / "tracker.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "LOG_LEVEL": "INFO"}
    for command in (["migrate", "--no-input"], ["load_report"]):
        done = manage(*command, env=env)
        assert done.returncode == 0, done.stderr
    return env


def test_dumpdata_to_stdout_is_valid_json_while_log_lines_go_to_stderr(tracker_env):
    done = manage("dumpdata", "recommendations", env=tracker_env)

    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert sum(row["model"] == "recommendations.recommendation" for row in rows) == 70
    # django-axes logs a line at INFO as the app starts, so every command logs at least once.
    assert LOG_LINE.search(done.stderr), done.stderr
