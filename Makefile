# Khuyến công: every day-to-day command. Needs Python 3.11, Node.js (npm) and make; the rest is
# installed on demand (uv from PyPI, Python packages with uv, front-end assets with npm, Debian's
# chromium/postgresql/gettext/pango with apt-get when a target needs them).
#
#   make run       set up (deps, database, Lạng Sơn geography, demo data) and serve on 127.0.0.1:$(PORT)
#   make setup     the set-up half of `make run`
#   make check     fast loop: ruff, mypy, pytest on SQLite without the browser tests
#   make test      everything CI runs: lint, SQLite, PostgreSQL (throwaway cluster), browser tests
#   make bench     every benchmark (scripts/bench.sh: dataset, search, summary, portal, plan, paperwork, import,
#                  queries, soak) on SQLite and a throwaway PostgreSQL, reports and the table bench-<date>.md
#                  in bench/results/; BENCH="portal plan" for some
#   make messages  refresh and compile the vi/en translation catalogues

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PORT ?= 8000
export PORT

# uv from PATH, or else the copy `pip install uv` puts in Python's site-packages.
UV := $(shell command -v uv 2>/dev/null || echo python3 -m uv)
export UV
RUN := $(UV) run --frozen --no-sync
PYTHON ?= python3
BENCH ?=

.PHONY: help run setup deps venv uv check test test-lint test-sqlite test-postgres test-browser \
        bench messages clean

help:
	@sed -n 's/^#   //p' $(MAKEFILE_LIST)

# ---------------------------------------------------------------------------------------------------
# Dependencies

uv:
	@if ! $(UV) --version >/dev/null 2>&1; then \
	    echo "Installing uv with pip..."; \
	    $(PYTHON) -m pip install --quiet uv \
	      || $(PYTHON) -m pip install --quiet --user --break-system-packages uv; \
	fi

venv: uv
	$(UV) sync --frozen

deps: venv
	npm ci --no-audit --no-fund

# ---------------------------------------------------------------------------------------------------
# Running the site

setup: deps
	scripts/system-packages.sh pango
	$(RUN) khuyencong setup --demo
	$(RUN) khuyencong collectstatic --noinput --verbosity 0

run: setup
	scripts/serve.sh

# ---------------------------------------------------------------------------------------------------
# Checks and tests

# deps, not just venv: the document tests need the serif font npm brings.
check: deps
	scripts/system-packages.sh pango
	scripts/test.sh lint sqlite

# The install step is the script's first stage ("deps"), so its time shows in the summary too.
test: export HYPOTHESIS_PROFILE = ci
test: uv
	scripts/test.sh deps lint sqlite postgres browser

test-lint: venv
	scripts/test.sh lint

test-sqlite: deps
	scripts/system-packages.sh pango
	scripts/test.sh sqlite

test-postgres: deps
	scripts/system-packages.sh postgresql pango
	scripts/test.sh postgres

test-browser: deps
	scripts/system-packages.sh chromium
	scripts/test.sh browser

# ---------------------------------------------------------------------------------------------------
# Benchmarks and translations

bench: deps
	scripts/system-packages.sh postgresql wrk pango
	$(RUN) khuyencong collectstatic --noinput --verbosity 0
	PGCLUSTER_DB=khuyencong_bench scripts/with-pgcluster.sh BENCH_POSTGRES_URL scripts/bench.sh $(BENCH)

messages: venv
	scripts/system-packages.sh gettext
	$(RUN) khuyencong makemessages -l vi -l en --ignore=node_modules --ignore=.venv --ignore=var
	$(RUN) khuyencong compilemessages --ignore=node_modules --ignore=.venv --ignore=var

clean:
	rm -rf node_modules .mypy_cache .ruff_cache .pytest_cache .hypothesis
