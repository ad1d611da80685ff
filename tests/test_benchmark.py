"""The benchmark command end to end, in a child process as a developer runs it: it must build
its own database and leave the tracker's alone (the numbers themselves are not tested)."""

import os
import subprocess
import sys

from django.conf import settings

PAGES = ("dashboard /", "list ?status=in_progress", "recommendation page", "admin changelist")


def test_benchmark_measures_pages_against_the_floor_in_a_throwaway_database(tmp_path):
    env = dict(os.environ)
    user_database = tmp_path / "tracker.sqlite3"
    if not env.get("DATABASE_URL", "").startswith("postgres"):
        env["DATABASE_URL"] = f"sqlite:///{user_database}"
    command = [sys.executable, "manage.py", "benchmark", "--sizes", "3,6"]
    options = ["--updates-per-item", "2", "--repeat", "2", "--pages", ",".join(PAGES)]
    done = subprocess.run(  # noqa: S603 -- our own manage.py, fixed arguments
        command + options,
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    throwaway = next(line for line in lines if line.startswith("Throw-away database:"))
    assert throwaway.split(":", 1)[1].strip() not in {str(user_database), "tracker"}
    assert not user_database.exists()
    for size in (3, 6):
        for page in ("floor (bare view)", *PAGES):
            assert any(line.startswith(f"| {size} | {page} | 200 |") for line in lines), page
    assert lines[-1].startswith("Summary at 6 items: queries constant across sizes on ")
