"""The benchmark command end to end, in a child process as a developer runs it: it must build
its own database and leave the tracker's alone (the numbers themselves are not tested). It runs
where the tracker is installed (BENCHMARK=true adds it), so neither it nor any runtime module may
need the test suite or the dev extra."""

import ast
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

PAGES = ("dashboard /", "list ?status=in_progress", "recommendation page", "admin changelist")

# The test suite and the import names of the dev extra's packages (pyproject.toml).
DEV_ONLY = {"tests", "factory", "faker", "pytest", "pytest_django", "playwright", "schemathesis"}

# manage.py with DEV_ONLY unimportable, as on a server installed without the dev extra.
WITHOUT_DEV_EXTRA = (
    "import runpy, sys\n"
    f"sys.modules.update(dict.fromkeys({sorted(DEV_ONLY)!r}))\n"
    "sys.argv[0] = 'manage.py'\n"
    "runpy.run_path('manage.py', run_name='__main__')\n"
)


def test_benchmark_measures_pages_against_the_floor_in_a_throwaway_database(tmp_path):
    env = dict(os.environ, BENCHMARK="true")
    user_database = tmp_path / "tracker.sqlite3"
    if not env.get("DATABASE_URL", "").startswith("postgres"):
        env["DATABASE_URL"] = f"sqlite:///{user_database}"
    command = [sys.executable, "-c", WITHOUT_DEV_EXTRA, "benchmark", "--sizes", "3,6"]
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


def imported_names(tree):
    """Absolute module names a module imports, wherever the import stands, with its line."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module, node.lineno
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None)) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            yield node.args[0].value, node.lineno


def test_runtime_code_imports_nothing_from_the_tests_or_the_dev_extra():
    # Read, not imported: an import inside a function (as the benchmark once had) only runs
    # when called, and importing would not see it.
    base = Path(settings.BASE_DIR)
    found = [
        f"{source.relative_to(base)}:{line} imports {name}"
        for package in ("recommendations", "tracker", "tools")
        for source in sorted((base / package).rglob("*.py"))
        for name, line in imported_names(ast.parse(source.read_text(), filename=str(source)))
        if str(name).split(".")[0] in DEV_ONLY
    ]
    assert not found
