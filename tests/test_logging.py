"""Log lines go to stderr: stdout belongs to what a command writes, so `manage.py dumpdata >
dump.json` must give a file that loads. Each test runs the command in a child process, as a
developer or a server starts it, since the test run has configured logging its own way."""

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

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


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_logs_requests_and_server_events_to_stderr_and_nothing_to_stdout(tracker_env):
    port = free_port()
    env = {**tracker_env, "HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": "1"}
    server = subprocess.Popen(  # noqa: S603 -- gunicorn with the project's own configuration
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--no-control-socket"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        answer = None
        deadline = time.monotonic() + 60
        while answer is None and server.poll() is None and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                    answer = r.status
            except OSError:
                time.sleep(0.2)
    finally:
        server.terminate()
        stdout, stderr = server.communicate(timeout=30)

    assert answer == 200, stderr
    assert stdout == ""
    lines = LOG_LINE.findall(stderr)
    assert any("logger=gunicorn.error" in line for line in lines), stderr
    assert re.search(r'logger=gunicorn\.access .*path="/healthz" .*status=200', stderr), stderr
