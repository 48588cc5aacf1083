# Two commands: `make run` and `make test`. Both start with `make setup`, which installs everything a
# fresh Debian machine lacks and is cheap to repeat.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := .make
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: setup run test test-sqlite test-postgres test-browser lint fixtures clean backup restore loadtest bench

setup: $(STAMP)/venv $(STAMP)/npm $(STAMP)/system static/build/app.css

$(STAMP)/venv: requirements.txt
	@mkdir -p $(STAMP)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(STAMP)/npm: package.json package-lock.json
	@mkdir -p $(STAMP)
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian packages the tests need: PostgreSQL 15 server binaries and Chromium for the browser tests.
$(STAMP)/system: scripts/install-system-packages
	@mkdir -p $(STAMP)
	bash scripts/install-system-packages
	touch $@

static/build/app.css: $(STAMP)/npm frontend/app.scss frontend/build.mjs
	npm run --silent build

run: setup
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py loaddata fixtures/*.json
	DJANGO_DEBUG=1 $(PY) manage.py seed_demo
	@echo "Serving on http://127.0.0.1:8000 (Ctrl+C to stop)"
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

lint: setup
	$(VENV)/bin/ruff check .

test-sqlite: setup
	DJANGO_DEBUG=1 DATABASE_URL=sqlite:///$(CURDIR)/.make/test.sqlite3 $(VENV)/bin/pytest -q -m "not browser"

test-postgres: setup
	DJANGO_DEBUG=1 bash scripts/with-postgres $(VENV)/bin/pytest -q -m "not browser"

test: setup lint
	bash scripts/run-suites

test-browser: setup
	DJANGO_DEBUG=1 DJANGO_ALLOW_ASYNC_UNSAFE=true $(VENV)/bin/pytest -q -m browser

# A timestamped backup under backups/ of the database DATABASE_URL names (SQLite by default); prints its path.
backup: setup
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py backup

# Restore a backup without prompting: make restore FILE=backups/bradford_cs-....sqlite3
restore: setup
	@test -n "$(FILE)" || { echo "Say which backup: make restore FILE=backups/..." >&2; exit 2; }
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py restore "$(FILE)"

# 50 board members and 10 officers for 60 s against gunicorn on 127.0.0.1 with a throwaway PostgreSQL and
# production settings (scripts/loadtest); ends with the `loadtest: users=60 ...` line.
loadtest: setup
	bash scripts/loadtest

# The benchmark (issue 15): builds the synthetic data set in a throwaway PostgreSQL and times the key pages with
# production settings (debug off, a throwaway secret key); ends with the `bench: pages=...` line.
# make bench BENCH_ARGS="--scale 0.2 --runs 5" for a quicker run.
BENCH_ARGS ?=
bench: setup
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=bench-only-not-a-secret-$$RANDOM$$RANDOM DJANGO_ALLOWED_HOSTS=testserver \
	  $(PY) manage.py collectstatic --noinput -v0
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=bench-only-not-a-secret-$$RANDOM$$RANDOM DJANGO_ALLOWED_HOSTS=testserver \
	  bash scripts/with-postgres bash -c '$(PY) manage.py migrate --noinput -v0 && $(PY) manage.py bench $(BENCH_ARGS)'

# Rebuild fixtures/ from ../shared/seeds; `git diff fixtures` then shows any change (none, today).
fixtures: $(STAMP)/venv
	for script in tools/seed_fixtures/*.py; do $(PY) $$script; done

clean:
	rm -rf $(VENV) node_modules static/build staticfiles $(STAMP)
