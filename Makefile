# Weft: `make run` serves it, `make test` tests it. Both set up .venv first.
# `make test-fast` runs the unit and API layers only (on SQLite); `make test-slow` the rest.

PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && echo $$p && break; done)
VENV := .venv
BIN := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.installed-runtime
DEV_STAMP := $(VENV)/.installed-dev
# The slow test layers, as pytest markers (registered in pyproject.toml).
SLOW := browser or acceptance or two_server or performance
# pytest-xdist processes for the fast layers: one per core, at most four (each holds
# up to ~15 PostgreSQL connections; the server's default limit is 100). WORKERS=0
# runs them all in pytest's own process. The slow layers always run one test at a
# time: they start servers, browsers and worker processes of their own, and some measure.
WORKERS ?= auto
XDIST := -n $(WORKERS) --maxprocesses 4
# `make test-fast` tests the database code on SQLite alone unless WEFT_TEST_BACKENDS
# says otherwise (`WEFT_TEST_BACKENDS=sqlite,postgresql make test-fast`);
# `make test` (and so CI) always runs every backend.
FAST_BACKENDS := $${WEFT_TEST_BACKENDS:-sqlite}

.PHONY: run test test-fast test-slow lint typecheck pytest bench migrate clean

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Weft needs Python 3.11 or newer (python3.11+ on PATH)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUNTIME_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@ $(RUNTIME_STAMP)

run: $(RUNTIME_STAMP)
	$(BIN)/weft migrate
	$(BIN)/weft serve --no-migrate

migrate: $(RUNTIME_STAMP)
	$(BIN)/weft migrate

lint: $(DEV_STAMP)
	$(BIN)/ruff check weft tests bench
	$(BIN)/ruff format --check weft tests bench
	$(BIN)/lint-imports

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

# Both passes run even if the first fails; either failing fails the target.
pytest: $(DEV_STAMP)
	@fast=0; $(BIN)/pytest $(XDIST) -m "not ($(SLOW))" || fast=$$?; \
	$(BIN)/pytest -m "$(SLOW)" && exit $$fast

test: lint typecheck pytest

test-fast: $(DEV_STAMP)
	WEFT_TEST_BACKENDS=$(FAST_BACKENDS) $(BIN)/pytest $(XDIST) -m "not ($(SLOW))"

test-slow: $(DEV_STAMP)
	$(BIN)/pytest -m "$(SLOW)"

bench: $(DEV_STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .import_linter_cache .grimp_cache
