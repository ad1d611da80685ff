"""The layout docs/architecture.md describes holds: modules import each other one way and stay
short enough to read."""

import ast
import re
from pathlib import Path

from django.conf import settings

PACKAGES = ("recommendations", "tracker")
MAX_LINES = 500
# The packages whose every module the architecture's table names (docs/architecture.md).
MAPPED_PACKAGES = (*PACKAGES, "tools")


def app_modules() -> dict[str, Path]:
    """Every module of the app by dotted name, migrations aside (Django writes those)."""
    modules = {}
    for package in PACKAGES:
        for path in (settings.BASE_DIR / package).rglob("*.py"):
            relative = path.relative_to(settings.BASE_DIR).with_suffix("")
            if "migrations" in relative.parts:
                continue
            parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
            modules[".".join(parts)] = path
    return modules


def imports_of(path: Path, name: str, known: set[str]) -> set[str]:
    """The app modules `path` imports, at the top or inside a function: an import moved into a
    function hides a cycle from Python, not from the reader."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        found |= {target for target in targets if target in known and target != name}
    return found


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    visiting, done = [], set()

    def visit(module):
        if module in visiting:
            return [*visiting[visiting.index(module) :], module]
        if module in done:
            return None
        visiting.append(module)
        for target in sorted(graph[module]):
            cycle = visit(target)
            if cycle:
                return cycle
        visiting.pop()
        done.add(module)
        return None

    for module in sorted(graph):
        cycle = visit(module)
        if cycle:
            return cycle
    return None


def test_app_modules_import_each_other_without_a_cycle():
    modules = app_modules()
    graph = {name: imports_of(path, name, set(modules)) for name, path in modules.items()}
    # A package's __init__ may import its own modules (the admin registers them so); a module
    # importing its package's __init__ back would be the cycle.
    for name in graph:
        graph[name] = {
            target
            for target in graph[name]
            if not (target.startswith(name + ".") and modules[name].name == "__init__.py")
        }

    assert find_cycle(graph) is None, " → ".join(find_cycle(graph) or [])


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_an_import_inside_a_function_says_why_in_the_comment_above_it():
    unexplained = []
    for name, path in app_modules().items():
        lines = path.read_text(encoding="utf-8").splitlines()
        for node in ast.walk(ast.parse("\n".join(lines))):
            if not isinstance(node, ast.FunctionDef):
                continue
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    above = lines[inner.lineno - 2].strip()
                    if not (above.startswith("#") or above.startswith(("from ", "import "))):
                        unexplained.append(f"{name}:{inner.lineno}")

    assert unexplained == []


def test_no_app_module_runs_past_five_hundred_lines():
    long = {
        name: lines
        for name, path in app_modules().items()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }

    assert long == {}


def table_rows(text: str) -> list[tuple[set[str], set[str]]]:
    """Each row of the document's module table: the backticked names of its first column, and
    those of the whole row."""
    rows = []
    for line in text.splitlines():
        cells = line.strip().strip("|").split("|")
        if not line.startswith("|") or len(cells) < 2 or set(cells[0].strip()) <= {"-", " "}:
            continue
        rows.append((set(re.findall(r"`([^`]+)`", cells[0])), set(re.findall(r"`([^`]+)`", line))))
    return rows


def named_in_table(path: str, rows: list[tuple[set[str], set[str]]]) -> bool:
    """The rule docs/architecture.md states: a module is named by its path from the project's
    root, or by its path from a folder that the row's first column names."""
    return any(
        path in names
        or any(
            folder.endswith("/") and path.startswith(folder) and path[len(folder) :] in names
            for folder in folders
        )
        for folders, names in rows
    )


def test_the_architecture_table_names_every_module():
    rows = table_rows((settings.BASE_DIR / "docs" / "architecture.md").read_text(encoding="utf-8"))
    modules = [
        path.relative_to(settings.BASE_DIR).as_posix()
        for package in MAPPED_PACKAGES
        for path in sorted((settings.BASE_DIR / package).rglob("*.py"))
        if "migrations" not in path.parts and path.name != "__init__.py"
    ]

    assert [path for path in modules if not named_in_table(path, rows)] == []


def test_a_module_is_named_by_its_path_or_by_its_folder_and_name():
    rows = table_rows(
        "| module | owns |\n| --- | --- |\n"
        "| `app/views/` | `pages.py` and `feeds/rss.py` |\n| `app/urls.py` | the URLs |\n"
    )

    assert named_in_table("app/views/pages.py", rows)
    assert named_in_table("app/views/feeds/rss.py", rows)
    assert named_in_table("app/urls.py", rows)
    assert not named_in_table("app/views/dashboard.py", rows)
    assert not named_in_table("app/pages.py", rows)
