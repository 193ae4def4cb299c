# Knowledge Hub. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PEOPLE ?= 300
# Local services for the PostgreSQL + Redis leg of the tests (scripts/services.sh starts them).
TEST_DATABASE_URL ?= postgres://postgres:postgres@127.0.0.1:5432/knowledgehub
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
# Where a leg's tests (and the servers they start) keep uploaded files.
test_files = MEDIA_ROOT=$(CURDIR)/var/test-$(1)/media COMMUNITIES_PRIVATE_ROOT=$(CURDIR)/var/test-$(1)/community-library
PYTEST_ARGS ?= --durations=15

.DEFAULT_GOAL := help
.PHONY: help install run serve test test-sqlite test-postgres test-robustness services lint format check bench frontend clean

help: ## Show this help
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-15s\033[0m %s\n", $$1, $$2}'

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(BIN)/pip install --quiet ".[dev]"
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(VENV)/.installed node_modules/.installed ## Create .venv and install Python and front-end dependencies

frontend: node_modules/.installed ## Rebuild the vendored GOV.UK Frontend CSS and JS in static/vendor/
	bash scripts/build-frontend.sh

run: install ## Install, migrate, seed demo data and serve on http://127.0.0.1:8000
	$(MANAGE) migrate --no-input
	$(MANAGE) seed_demo --people $(PEOPLE)
	@$(MAKE) --no-print-directory serve

# granian, as in production (README, Production layout) but one worker: without REDIS_URL the
# channel layer is in memory and does not cross worker processes.
serve: ## Serve without reinstalling or seeding
	@echo "Serving the Knowledge Hub at http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	DJANGO_SETTINGS_MODULE=config.settings.dev $(BIN)/granian --interface asginl --loop uvloop \
		--http1-buffer-size 65536 --host $(HOST) --port $(PORT) config.asgi:application

services: ## Start local PostgreSQL and Redis for tests (installs the Debian packages if missing)
	bash scripts/services.sh

# The two legs run side by side (most of a test's time is spent waiting on a browser, a server
# or a database, so two cores serve both); each leg's output is printed whole when it finishes,
# and each keeps its uploaded files apart under var/.
test: install services ## Run the whole suite on SQLite and on PostgreSQL + Redis, side by side
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

test-sqlite: ## The suite on the embedded defaults (SQLite, in-memory channel layer)
	@echo "==> Test suite on SQLite with the in-memory channel layer"
	env -u DATABASE_URL -u REDIS_URL -u ELASTICSEARCH_URL $(call test_files,sqlite) $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: ## The suite on PostgreSQL with the Redis channel layer and cache
	@echo "==> Test suite on PostgreSQL with channels-redis"
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(call test_files,postgres) $(BIN)/pytest $(PYTEST_ARGS)

test-robustness: ## Only the walk of every URL pattern and WebSocket route with bad input (part of both legs)
	env -u DATABASE_URL -u REDIS_URL -u ELASTICSEARCH_URL $(call test_files,sqlite) $(BIN)/pytest tests/security/test_robustness.py $(PYTEST_ARGS)

lint: install ## ruff check, ruff format --check, template indentation and the import contracts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djhtml --check templates
	$(BIN)/lint-imports

format: install ## Apply ruff fixes and formatting, and indent templates
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djhtml templates

check: install ## Django system checks and a check for missing migrations
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

bench: install ## Run the benchmarks in bench/ and print their figures
	$(PY) -m bench

clean: ## Remove the virtualenv, node_modules, the SQLite database and collected static files
	rm -rf $(VENV) node_modules db.sqlite3 db.sqlite3-* staticfiles
