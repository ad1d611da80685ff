"""Every command the README prints, run exactly as printed, in a copy of the project as a reader
would have it after `make run`: the copy's own SQLite database, the project's .venv.

The commands are written here and the README is checked against them, so the README cannot
print a command that no test runs. `make test` and `make test-postgres` are what CI runs."""

import contextlib
import gzip
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

README = settings.BASE_DIR / "README.md"
PY = ".venv/bin/python manage.py"

# Run by .ci/run, which CI runs on every submission.
RUN_BY_CI = {"make test", "make test-postgres", "make test-redis"}

WITH_THE_REPORT = [
    f"{PY} load_report",
    f"{PY} add_official hana.sato@meti.go.jp --owner METI",
    f"{PY} add_official hana.sato@meti.go.jp --new-link",
    f"{PY} axes_reset_username hana.sato@meti.go.jp",
    f"{PY} reset_2fa hana.sato@meti.go.jp",
    f"{PY} import_updates updates.csv --dry-run --as hana.sato@meti.go.jp",
    f"{PY} import_updates updates.csv --as hana.sato@meti.go.jp",
    f"{PY} export_report --format pdf -o council-report.pdf",
    f"{PY} dumpdata > dump.json",
    f"{PY} backup -o tracker-2026-01-31.json.gz",
    f"{PY} restore tracker-2026-01-31.json.gz --force",
]
INTO_AN_EMPTY_DATABASE = [
    f"{PY} loaddata report",
    f"{PY} restore tracker-2026-01-31.json.gz",
]
TRANSLATIONS = [
    f"DEBUG=true {PY} makemessages -l ja --ignore=.venv",
    f"DEBUG=true {PY} compilemessages -l ja --ignore=.venv",
]
ROUND = [
    f"{PY} open_round --council 3 --deadline \"$(date -d '+4 weeks' +%F)\" "
    '--message "Please report before the senior officials meet."',
    f"{PY} send_reminders",
    f"{PY} publish_report --council 3",
]
CREATE_SUPERUSER = f"{PY} createsuperuser"
WORKER = f"{PY} db_worker"
MAKE_RUN = "make run"
TRY_SERVE = (
    "SECRET_KEY=local-trial ALLOWED_HOSTS=127.0.0.1,localhost SECURE_SSL_REDIRECT=false "
    "SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false make serve"
)
MAKE_BENCHMARK = 'make benchmark BENCHMARK_ARGS="--sizes 70 --repeat 1"'

TESTED = {
    *RUN_BY_CI,
    *WITH_THE_REPORT,
    *INTO_AN_EMPTY_DATABASE,
    *TRANSLATIONS,
    *ROUND,
    CREATE_SUPERUSER,
    WORKER,
    MAKE_RUN,
    TRY_SERVE,
    MAKE_BENCHMARK,
}


def readme_commands() -> list[str]:
    """The commands of the README's ```sh blocks, comments dropped, continued lines joined."""
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", README.read_text(encoding="utf-8"), re.S):
        for line in block.replace("\\\n", " ").splitlines():
            command = re.sub(r"\s+#.*$", "", line).strip()
            if command and not command.startswith("#"):
                commands.append(re.sub(r"\s+", " ", command))
    return commands


def test_the_readme_prints_only_commands_a_test_runs():
    printed = readme_commands()

    assert set(printed) - TESTED == set()
    assert TESTED - set(printed) == set()


def test_the_readme_names_manage_py_only_in_its_runnable_commands():
    prose = re.sub(r"```sh\n.*?```", "", README.read_text(encoding="utf-8"), flags=re.S)

    assert "manage.py" not in prose


def test_ci_runs_the_test_commands_the_readme_prints():
    ci = (settings.BASE_DIR / ".ci" / "run").read_text(encoding="utf-8")

    assert all(re.search(rf"^{re.escape(command)}$", ci, re.M) for command in RUN_BY_CI)


# Running them ------------------------------------------------------------------------------------


def project_copy(folder: Path) -> Path:
    """The tracked files, with their times (so make finds .venv up to date), and the .venv."""
    files = subprocess.run(
        ["git", "ls-files", "-z"],  # noqa: S607 -- the developer's git
        cwd=settings.BASE_DIR,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, files.split("\0")):
        source = settings.BASE_DIR / name
        if source.is_file():
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    venv = settings.BASE_DIR / ".venv"
    (folder / ".venv").symlink_to(venv, target_is_directory=True)
    # As after `make run`: the environment was installed from this pyproject.toml and lock file,
    # so make finds it up to date (either edited since would have make rebuild the shared one).
    installed = (venv / ".installed").stat().st_mtime_ns
    for name in ("pyproject.toml", "requirements-dev.lock"):
        os.utime(folder / name, ns=(installed, installed))
    return folder


def environment(**extra) -> dict[str, str]:
    # The copy's own db.sqlite3, whatever database the suite itself runs on.
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    return {**env, **extra}


def shell(command: str, cwd: Path, **extra) -> subprocess.CompletedProcess:
    done = subprocess.run(  # noqa: S602 -- the README's own commands, as a reader types them
        command,
        shell=True,
        cwd=cwd,
        env=environment(**extra),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return done


def migrated(folder: Path, *, report: bool) -> Path:
    copy = project_copy(folder)
    shell(f"{PY} migrate --no-input", copy)
    if report:
        shell(f"{PY} load_report", copy)
    return copy


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def serving(command: str, cwd: Path, port: int, **extra):
    """Start a server command in its own process group and end the whole group afterwards."""
    process = subprocess.Popen(  # noqa: S602 -- the README's own commands
        command,
        shell=True,
        cwd=cwd,
        env=environment(PORT=str(port), **extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        # The group may be gone already: a test that reads the output ends it first.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def answer(url: str, *, server: subprocess.Popen, within: float) -> int:
    """The status `url` answers with once the server is up; fails at once if it stopped."""
    deadline = time.monotonic() + within
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 -- loopback
                return response.status
        except OSError:
            assert server.poll() is None, server.communicate()[0]
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def test_the_readme_commands_with_the_report_loaded_work_as_printed(tmp_path):
    copy = migrated(tmp_path, report=True)
    (copy / "updates.csv").write_text(
        "reference,status,latest_update\nCYBER-1,planned,Scoping with the Commission.\n",
        encoding="utf-8",
    )

    outputs = {command: shell(command, copy).stdout for command in WITH_THE_REPORT}

    assert "already loaded" in outputs[f"{PY} load_report"]
    # The link starts with SITE_URL, here its default.
    assert "http://localhost:8000/admin/set-password/" in outputs[WITH_THE_REPORT[1]]
    assert "/admin/" in outputs[WITH_THE_REPORT[2]]
    assert "enrol again at their next sign-in" in outputs[f"{PY} reset_2fa hana.sato@meti.go.jp"]
    assert (copy / "council-report.pdf").read_bytes().startswith(b"%PDF")
    dumped = json.loads((copy / "dump.json").read_text(encoding="utf-8"))
    assert sum(row["model"] == "recommendations.recommendation" for row in dumped) == 70
    with gzip.open(copy / "tracker-2026-01-31.json.gz") as backup:
        assert json.load(backup)


def test_the_readme_commands_for_an_empty_database_work_as_printed(tmp_path):
    source = migrated(tmp_path / "source", report=True)
    shell(f"{PY} backup -o tracker-2026-01-31.json.gz", source)

    for command in INTO_AN_EMPTY_DATABASE:
        copy = migrated(tmp_path / str(INTO_AN_EMPTY_DATABASE.index(command)), report=False)
        shutil.copy2(source / "tracker-2026-01-31.json.gz", copy)
        shell(command, copy)
        count = shell(
            f'{PY} shell -c "from recommendations.models import Recommendation; '
            'print(Recommendation.objects.count())"',
            copy,
        )
        # The last line: Django's shell first says which models it imported.
        assert count.stdout.splitlines()[-1] == "70", command


def test_the_readme_round_commands_call_officials_and_publish_as_printed(tmp_path):
    copy = migrated(tmp_path, report=True)
    shell(f"{PY} add_official hana.sato@meti.go.jp --owner METI", copy)
    mails = {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend"}

    outputs = [shell(command, copy, **mails).stdout for command in ROUND]

    assert "1 officials called on to report" in outputs[0]
    sent = "".join(path.read_text() for path in (copy / "sent-mail").iterdir())
    assert "To: hana.sato@meti.go.jp" in sent and "Please report before the senior" in sent
    assert "mail(s) sent" in outputs[1]
    assert "Published Council no. 3 report, edition 1 (10 files)" in outputs[2]
    assert (copy / "media" / "reports" / "council-3" / "edition-1" / "report.pdf").is_file()


def test_the_readme_worker_command_publishes_the_edition_the_admin_asked_for(tmp_path):
    copy = migrated(tmp_path, report=True)
    queue = {"TASKS_BACKEND": "database"}
    shell(f"{PY} open_round --council 3 --deadline \"$(date -d '+4 weeks' +%F)\"", copy)
    ask = (
        "from recommendations.models import Council; "
        "from recommendations.services.editions import request_publication; "
        "request_publication(council=Council.objects.get(number=3), author=None)"
    )
    shell(f'{PY} shell -c "{ask}"', copy, **queue)
    pdf = copy / "media" / "reports" / "council-3" / "edition-1" / "report.pdf"
    assert not pdf.exists()

    with serving(WORKER, copy, free_port(), **queue) as process:
        deadline = time.monotonic() + 300
        while not pdf.is_file() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(1)

    assert pdf.is_file(), "the worker published nothing"


def test_the_readme_translation_commands_work_as_printed(tmp_path):
    copy = project_copy(tmp_path)

    for command in TRANSLATIONS:
        shell(command, copy)

    assert (copy / "locale/ja/LC_MESSAGES/django.mo").stat().st_size > 0


def test_createsuperuser_as_printed_asks_and_creates_the_account(tmp_path):
    copy = migrated(tmp_path, report=False)
    prompts = [
        ("Username", "secretariat"),
        ("Email address", "secretariat@example.org"),
        ("Password", "a-long-secretariat-passphrase"),
        ("Password (again)", "a-long-secretariat-passphrase"),
    ]
    # createsuperuser asks only at a terminal: give it one.
    leader, follower = os.openpty()
    process = subprocess.Popen(  # noqa: S602 -- the README's own command
        CREATE_SUPERUSER,
        shell=True,
        cwd=copy,
        env=environment(),
        stdin=follower,
        stdout=follower,
        stderr=follower,
    )
    os.close(follower)
    seen = ""
    for prompt, reply in prompts:
        # "Username (leave blank to use 'root'): ": the prompt, maybe a hint, then a colon.
        while not (asked := re.search(rf"{re.escape(prompt)}[^\n:]*: ", seen)):
            ready, _, _ = select.select([leader], [], [], 60)
            assert ready, seen
            seen += os.read(leader, 1024).decode()
        seen = seen[asked.end() :]
        os.write(leader, f"{reply}\n".encode())
    assert process.wait(timeout=60) == 0
    os.close(leader)

    check = shell(
        f'{PY} shell -c "from django.contrib.auth.models import User; '
        "print(User.objects.get(username='secretariat').is_superuser)\"",
        copy,
    )
    assert check.stdout.splitlines()[-1] == "True"


def test_make_run_as_printed_serves_the_report_with_a_way_into_the_admin(tmp_path):
    copy = project_copy(tmp_path)
    port = free_port()

    with serving(MAKE_RUN, copy, port) as process:
        item = f"http://127.0.0.1:{port}/recommendations/AI-3/"
        assert answer(item, server=process, within=180) == 200
        login = f"http://127.0.0.1:{port}/admin/login/"
        assert answer(login, server=process, within=10) == 200
        os.killpg(process.pid, signal.SIGTERM)
        output = process.communicate(timeout=30)[0]

    assert re.search(r"password: \S+", output), output


def test_the_readme_trial_serve_command_serves_under_gunicorn(tmp_path):
    copy = project_copy(tmp_path)
    port = free_port()

    with serving(TRY_SERVE, copy, port) as process:
        assert answer(f"http://127.0.0.1:{port}/healthz", server=process, within=180) == 200


@pytest.mark.parametrize("command", [MAKE_BENCHMARK])
def test_the_readme_benchmark_command_prints_its_summary(tmp_path, command):
    copy = project_copy(tmp_path)

    done = shell(command, copy)

    assert "Summary at 70 items" in done.stdout
