# Two commands for a fresh clone: `make run` serves the site, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_SETTINGS := DJANGO_SETTINGS_MODULE=site_config.settings.test

.PHONY: run test check lint format browser-deps bench bench-scale soak lighthouse clean

run: $(VENV)/.runtime .env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_site
	@echo "Serving Citewell at http://$(HOST):$(PORT)/ (admin at http://$(HOST):$(PORT)/admin/). Ctrl-C stops it."
	RUN_HOST=$(HOST) $(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.dev check browser-deps
	$(TEST_SETTINGS) $(PY) -m pytest $(PYTEST_ARGS)

check: $(VENV)/.dev
	$(TEST_SETTINGS) $(PY) manage.py check --fail-level WARNING
	$(TEST_SETTINGS) $(PY) manage.py makemigrations --check --dry-run

# Lint: ruff (rules and formatting, pyproject.toml), the apps' import directions
# (import-linter, ARCHITECTURE.md) and the size of functions and classes.
lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) scripts/code_shape.py

# Apply ruff's formatting and safe fixes.
format: $(VENV)/.dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Benchmark: first the Markdown renderer on hostile text against prose of the same size
# (bench/markdown_render.py, a few seconds), then the site under gunicorn with wrk.
# Growth on PostgreSQL:
# make bench ARTICLES="100 10000" DATABASE_URL='postgres://u:p@127.0.0.1/citewell_bench_{count}'
# BENCH_ARGS="--profile --duration 20" passes options.
ARTICLES ?= 1
bench: $(VENV)/.dev
	$(PY) bench/markdown_render.py
	$(PY) bench/run.py --articles $(ARTICLES) $(BENCH_ARGS)

# The figures at scale, in one run of about 20 minutes: SQLite and PostgreSQL + Redis
# (both started by the benchmark, side by side, each against its own static ceiling) at
# 100 and 10,000 articles, the article page through Varnish (deploy/varnish/citewell.vcl),
# and the page cache's hit ratio while an editor saves every 2.5 s during reads of 1,000
# articles. Installs wrk, PostgreSQL, Redis and Varnish with apt-get where missing.
bench-scale: $(VENV)/.dev
	$(PY) bench/run.py --postgres --varnish --edit-while-reading --articles 100 10000 $(BENCH_ARGS)

# A minute of mixed traffic (readers, search, feeds, failed sign-ins, an editor
# saving, the largest preview) against the production setup on 127.0.0.1; fails on
# any error. SOAK_ARGS="--duration 300" passes options.
soak: $(VENV)/.dev
	$(PY) bench/soak.py $(SOAK_ARGS)

browser-deps:
	@sh scripts/ensure-chromium.sh

# Lighthouse (mobile) on the home and article pages under the production setup;
# prints the four scores and fails below 95 for performance or 100 for the rest.
lighthouse: $(VENV)/.dev browser-deps bench/lighthouse/node_modules/.installed
	$(PY) bench/lighthouse.py

bench/lighthouse/node_modules/.installed: bench/lighthouse/package.json bench/lighthouse/package-lock.json
	@sh scripts/ensure-node.sh
	cd bench/lighthouse && npm install --no-audit --no-fund --loglevel=error
	touch $@

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' || \
		{ echo "Citewell needs Python 3.10 or newer as $(PYTHON) (Django 5.2)."; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@ $(VENV)/.runtime

.env:
	@$(PYTHON) -c 'import secrets; print("SECRET_KEY=" + secrets.token_urlsafe(50))' > $@
	@echo "Wrote .env with a new SECRET_KEY for local use."

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .test-media screenshots bench/lighthouse/node_modules
