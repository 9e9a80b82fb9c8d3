# legami — the two commands are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# The demo logs in with the password alone (LEGAMI_TWO_FACTOR=optional): production asks every role that sees
# case data for a two-factor code too.
DEMO_ENV := LEGAMI_DEBUG=1 LEGAMI_TWO_FACTOR=optional
PYTEST_ARGS ?=

.PHONY: install demo serve worker test test-sqlite test-postgres production-check lint audit bench bench-lighthouse theme messages schema clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "legami needs Python 3.11 or newer"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

# Creates the SQLite database, loads the demo network and serves it with a background worker.
demo: install
	$(DEMO_ENV) $(MANAGE) migrate --no-input
	$(DEMO_ENV) $(MANAGE) import_territory
	$(DEMO_ENV) $(MANAGE) load_demo
	$(DEMO_ENV) $(MANAGE) db_worker --interval 1 & worker=$$!; \
	trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	$(DEMO_ENV) $(MANAGE) runserver 127.0.0.1:8000

serve: install
	$(DEMO_ENV) $(MANAGE) runserver 127.0.0.1:8000

# Runs the background tasks (people imports…) queued in the database.
worker: install
	$(MANAGE) db_worker

# The whole suite on SQLite, or on PostgreSQL when DATABASE_URL points at it, browser tests included
# (they skip without /usr/bin/chromium unless LEGAMI_REQUIRE_BROWSER=1, as in CI). pytest's exit
# code 5 ("no tests collected") means a broken collection, never a pass: it fails the target.
test: install lint
	@rc=0; $(BIN)/python -m pytest -n 2 $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests (exit code 5)" >&2; exit 1; fi; \
	exit $$rc

# Deploys the production configuration in a temporary directory (migrate, collectstatic, check --deploy,
# gunicorn, worker) and fetches every role's pages from it: SQLite, then PostgreSQL on 127.0.0.1:5432
# (LEGAMI_CHECK_DATABASES=sqlite for SQLite only). See tests/production/check.py.
production-check: install
	.ci/production

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy $(wildcard legami/*/services.py legami/*/selectors.py legami/*/services legami/*/selectors) legami/aggregation/engine legami/aggregation/describing.py legami/needs/timewindows.py legami/core/charts.py legami/core/workflow.py legami/core/inputs legami/core/parsing.py legami/core/imports legami/core/navigation.py legami/core/audit.py legami/core/audit_chain.py legami/core/backup.py legami/core/keyrotation.py legami/core/personal_data.py legami/network/personal_data.py legami/needs/personal_data.py legami/participation/personal_data.py legami/exchange/personal_data.py legami/pacts/personal_data.py legami/core/storage.py legami/core/smallnumbers.py legami/core/prepared.py legami/territory/centroids.py legami/exchange/matching

# Known vulnerabilities of the pinned requirements (every one is pinned, so no resolution: --no-deps). It asks
# PyPI's vulnerability data for each release (pypi.org/pypi/<name>/<version>/json); --strict fails when a
# package could not be audited, so an unreachable service is a failure, never a pass. See docs/operations.md.
audit: install
	$(BIN)/pip-audit --strict --disable-pip --no-deps --progress-spinner off -r requirements.txt

bench: install
	$(BIN)/python -m benchmarks

# Lighthouse (mobile, performance) on the production configuration: see benchmarks/lighthouse.py.
# Needs Lighthouse (npm) and Chromium; LIGHTHOUSE=path/to/lighthouse if it is not on PATH.
bench-lighthouse: install
	$(BIN)/python -m benchmarks.lighthouse

# Rebuilds legami/static/legami/theme.min.{css,js} from Bootstrap Italia's sources (needs Node; a
# developer's step, never an install or run step): see theme/README.md. Commit the two files.
theme:
	cd theme && npm ci --no-audit --no-fund && node build.mjs

# Regenerates the Italian catalogue (then translate the new entries) and compiles it.
messages: install
	cd legami && ../$(BIN)/python ../manage.py makemessages -l it --no-location --no-obsolete
	$(BIN)/python -m legami.core.i18n_compile

# Regenerates the committed OpenAPI schema.
schema: install
	$(MANAGE) export_openapi --output docs/api/openapi.json

clean:
	rm -rf $(VENV) legami.sqlite3 staticfiles media
