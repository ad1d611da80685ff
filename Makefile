# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
# Exact versions and hashes of every package, the dev extra's included; `make lock` writes them
# from pyproject.toml's ranges, and requirements.lock, without the dev extra, for a server.
LOCK := requirements-dev.lock
# Local development only: the real deployment sets DEBUG off and its own SECRET_KEY.
DEV_ENV := DEBUG=true
# The suite runs in one process per core, each test file whole in one of them (its browser and
# its servers started once).
PARALLEL := -n auto --dist loadfile
# `make run` listens on PORT when it is set, as `make serve` does.
RUN_PORT := $(or $(PORT),8000)

# Debian packages the test suite needs; installed by `make test` only when missing.
APT_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext chromium redis-server

.PHONY: run test lint typecheck format clean system-packages serve test-postgres test-redis benchmark mutation lock

$(INSTALLED): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(INSTALLED)

# After changing a dependency in pyproject.toml: the newest versions its ranges allow, for the
# oldest Python it supports, each with the hashes pip checks on install.
lock: $(INSTALLED)
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o $(LOCK)
	$(VENV)/bin/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes -o requirements.lock

run: $(INSTALLED)
	$(DEV_ENV) $(PY) manage.py migrate --no-input
	$(DEV_ENV) $(PY) manage.py load_report
	$(DEV_ENV) $(PY) manage.py create_local_admin
	@echo "Tracker: http://127.0.0.1:$(RUN_PORT)/   admin: http://127.0.0.1:$(RUN_PORT)/admin/"
	@# The background worker (publishing editions) runs beside the server and stops with it.
	$(DEV_ENV) $(PY) manage.py db_worker & worker=$$!; trap 'kill $$worker' EXIT INT TERM; \
		$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:$(RUN_PORT)

system-packages:
	@missing="$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done)"; \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages:" $$missing; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

test: $(INSTALLED) system-packages
	$(DEV_ENV) $(PY) manage.py check
	$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(DEV_ENV) $(VENV)/bin/pre-commit run --all-files --show-diff-on-failure
	$(VENV)/bin/lint-imports
	$(VENV)/bin/pytest $(PARALLEL)

# The PostgreSQL pass: the same suite on a throw-away PostgreSQL server (installed when missing).
# Browser tests run in the SQLite pass only: they check pages, not the database; so do the
# README's commands, which run on a copy of the project with its own SQLite file.
test-postgres: $(INSTALLED) system-packages
	bash .ci/with-postgres $(VENV)/bin/pytest $(PARALLEL) --ignore-glob='tests/*browser*.py' --ignore=tests/test_readme_commands.py

# The Redis pass: the tests marked `redis` (two gunicorn servers sharing one Redis cache), which
# `make test` deselects, against a throw-away Redis server (installed when missing).
test-redis: $(INSTALLED) system-packages
	bash .ci/with-redis $(VENV)/bin/pytest -m redis

# Production-like serving: DEBUG off, so SECRET_KEY (and ALLOWED_HOSTS beyond loopback) come
# from the environment; HOST, PORT and WEB_CONCURRENCY choose where and how gunicorn listens.
serve: $(INSTALLED) system-packages
	$(PY) manage.py collectstatic --no-input --verbosity 0
	$(PY) manage.py migrate --no-input
	$(VENV)/bin/gunicorn --config gunicorn.conf.py

# Synthetic data in a throw-away database; never touches db.sqlite3 or DATABASE_URL's data.
benchmark: $(INSTALLED) system-packages
	BENCHMARK=true DEBUG=false STATIC_MANIFEST=false SECRET_KEY=$${SECRET_KEY:-benchmark-only} \
		ALLOWED_HOSTS=$${ALLOWED_HOSTS:-localhost} $(PY) manage.py benchmark $(BENCHMARK_ARGS)

# Mutation testing, a development tool and not part of `make test`: mutmut changes the modules
# [tool.mutmut] lists one small step at a time and runs the tests that reach each change; a change
# no test notices is a survivor (docs/testing.md). One mutant at a time: it takes about an hour.
mutation: $(INSTALLED)
	$(VENV)/bin/mutmut run --max-children 1
	$(VENV)/bin/mutmut results

# ruff, django-upgrade, djhtml and mypy, as .pre-commit-config.yaml lists them (`pre-commit
# install` runs them before each commit too), then the import contracts of pyproject.toml.
lint: $(INSTALLED)
	$(DEV_ENV) $(VENV)/bin/pre-commit run --all-files --show-diff-on-failure
	$(VENV)/bin/lint-imports

# The Django plugin loads the settings: the development ones, as `make test`'s checks do.
typecheck: $(INSTALLED)
	$(DEV_ENV) $(VENV)/bin/mypy

format: $(INSTALLED)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .mypy_cache
