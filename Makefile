# SuccessDesk: `make run` sets up and runs with demo data; `make test` runs every check.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV    := .venv
BIN     := $(VENV)/bin
PY      := $(BIN)/python
SD      := $(BIN)/successdesk
STAMP   := $(VENV)/.installed
HOST    ?= 127.0.0.1
PORT    ?= 8000
# Links in e-mails point here: the address `make run` serves unless SITE_URL is set.
SITE_URL ?= http://$(HOST):$(PORT)
# Off by default: the demo shows the real 404/403/500 pages (make run DEBUG=1 for Django's).
DEBUG   ?=
PYTEST_ARGS ?=
# axe-core (npm) for the accessibility scan in tests/browser, in a git-ignored folder.
AXE     := tests/browser/node_modules/axe-core/axe.min.js

# The first Python >= 3.12 found: the pyenv one named in .python-version, then the usual names.
PYTHON_FOR_VENV := $(shell for c in python$$(cat .python-version 2>/dev/null) python3.13 python3.12 python3 python; do \
	if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	command -v $$c; break; fi; done)

.PHONY: help install run web worker migrate demo test fuzz lint typecheck contracts checks audit domain-coverage pytest chromium axe bench-sla clean

help:
	@echo "make run      set up (.venv, install, migrate, demo data) and serve on http://$(HOST):$(PORT) with the worker"
	@echo "             (another port: make run PORT=8010; SITE_URL follows unless you set it)"
	@echo "make test     every check: ruff, mypy, import-linter, migrations, deploy check, pytest"
	@echo "make check    the inner loop: ruff, mypy, import-linter and the fast tests (not marked slow)"
	@echo "make install  the install step alone"
	@echo "make fuzz     property and API fuzz tests with fresh seeds and more examples (FUZZ_EXAMPLES=$(FUZZ_EXAMPLES))"

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON_FOR_VENV)" ]; then echo "SuccessDesk needs Python >= 3.12 (none found)" >&2; exit 1; fi
	@test -x $(PY) || $(PYTHON_FOR_VENV) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

migrate: install
	@mkdir -p var/static
	$(SD) migrate --noinput

demo: migrate
	$(SD) demo

# The demo data once (idempotent), its sign-ins printed, then the web server, the task worker
# and the sweeps, all with the same SITE_URL (links in e-mails) and DEBUG (off by default).
run: migrate
	@$(SD) demo
	@echo "SuccessDesk: $(SITE_URL)/  (API: $(SITE_URL)/api/v1/docs)  Ctrl-C stops web and worker."
	@trap 'kill 0' INT TERM EXIT; \
	export SITE_URL='$(SITE_URL)' DEBUG='$(DEBUG)'; \
	$(SD) worker & \
	$(SD) sweep --every 30 & \
	$(SD) runserver --noreload $(HOST):$(PORT); \
	wait

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

audit: install
	$(PY) scripts/dependency_audit.py

typecheck: install
	$(BIN)/mypy src

contracts: install
	$(BIN)/lint-imports

checks: install
	@mkdir -p var
	$(SD) makemigrations --check --dry-run
	SECRET_KEY=ci-deploy-check-$$(printf 'k%.0s' {1..60}) DJANGO_SETTINGS_MODULE=successdesk.config.production \
		$(SD) check --deploy --fail-level WARNING

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
		else echo "The browser tests need Chromium: sudo apt-get install -y chromium" >&2; exit 1; fi; }

$(AXE): tests/browser/package.json tests/browser/package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; \
		else echo "The accessibility scan needs npm (for axe-core): sudo apt-get install -y npm" >&2; exit 1; fi; }
	npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
	@touch $(AXE)

axe: $(AXE)

domain-coverage: install
	$(BIN)/pytest tests/domain -q --cov=successdesk.domain --cov-branch \
		--cov-report=term-missing:skip-covered --cov-fail-under=100

pytest: install chromium axe
	@mkdir -p var
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint typecheck contracts checks audit domain-coverage pytest

# `make test` runs the property and fuzz tests with a fixed seed (tests/conftest.py: the
# "reproducible" hypothesis profile); this explores with fresh seeds and more examples.
FUZZ_EXAMPLES ?= 100
FUZZ_TESTS ?= tests/domain tests/triage/test_queue_order.py tests/security/test_forms_fuzz.py \
	tests/api/test_fuzz.py tests/api/test_fuzz_live.py
fuzz: install
	@mkdir -p var
	HYPOTHESIS_PROFILE=fuzz FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest -q $(FUZZ_TESTS) $(PYTEST_ARGS)

# The inner loop, under two minutes: no migration/deploy checks, audit, coverage, browser or
# fault harness; tests marked slow are left out and the test database is kept between runs
# (tests/conftest.py). `make test` stays the complete suite that CI runs.
.PHONY: check
check: lint typecheck contracts
	$(BIN)/pytest -q -m "not slow" --reuse-db $(PYTEST_ARGS)

bench-sla: install
	$(PY) -m pip install --quiet -e '.[bench]'
	$(PY) benchmarks/sla_clock.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
