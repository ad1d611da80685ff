"""The lock files pin what pyproject.toml asks for: every install (`make run`, `make test`, a
server's) takes the versions tested, and a dependency added to pyproject.toml without
`make lock` fails here rather than on the next fresh machine."""

import re
import tomllib

from django.conf import settings
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PINNED = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)", re.M)


def project() -> dict:
    return tomllib.loads((settings.BASE_DIR / "pyproject.toml").read_text(encoding="utf-8"))[
        "project"
    ]


def pins(lock: str) -> dict[str, str]:
    """Each package the lock file pins, by its normalised name, with its version."""
    text = (settings.BASE_DIR / lock).read_text(encoding="utf-8")
    return {canonicalize_name(name): version for name, version in PINNED.findall(text)}


def unpinned(requirements: list[str], pinned: dict[str, str]) -> list[str]:
    """The requirements the lock leaves out, or pins at a version outside their range."""
    missing = []
    for line in requirements:
        requirement = Requirement(line)
        version = pinned.get(canonicalize_name(requirement.name))
        if version is None or not requirement.specifier.contains(version, prereleases=True):
            missing.append(f"{line} (locked: {version or 'absent'})")
    return missing


def test_every_runtime_dependency_is_pinned_within_its_range_in_the_runtime_lock():
    assert unpinned(project()["dependencies"], pins("requirements.lock")) == []


def test_every_runtime_and_development_dependency_is_pinned_in_the_development_lock():
    wanted = [*project()["dependencies"], *project()["optional-dependencies"]["dev"]]

    assert unpinned(wanted, pins("requirements-dev.lock")) == []


def test_the_lock_files_carry_a_hash_for_every_pin():
    for lock in ("requirements.lock", "requirements-dev.lock"):
        text = (settings.BASE_DIR / lock).read_text(encoding="utf-8")
        pinned = PINNED.findall(text)
        entries = re.split(r"^(?=[A-Za-z0-9])", text, flags=re.M)
        hashed = [entry for entry in entries if PINNED.match(entry) and "--hash=sha256:" in entry]

        assert pinned and len(hashed) == len(pinned), lock
