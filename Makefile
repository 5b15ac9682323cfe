# Jumelage: `make run` starts the platform with demo data; `make test` runs the tests.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
JUMELAGE := $(BIN)/jumelage
PORT ?= 8000
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install install-dev run serve messages lint test test-browser test-shared-data check-deploy bench clean lock

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Jumelage needs Python 3.11 or newer; set PYTHON=/path/to/python3.11" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-base: requirements/base.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/base.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-dev: requirements/dev.txt $(VENV)/.installed-base
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev.txt
	touch $@

install: $(VENV)/.installed-base messages  ## create .venv and install the locked dependencies

install-dev: $(VENV)/.installed-dev messages

messages: $(VENV)/.installed-base  ## compile the translation catalogues (.po -> .mo)
	$(BIN)/pybabel -q compile -D django -d src/jumelage/locale

run: install  ## migrate, load the demo partnership, start the web server and a task worker
	DEBUG=true $(JUMELAGE) migrate --noinput -v 0
	DEBUG=true $(JUMELAGE) seed_demo
	DEBUG=true $(JUMELAGE) db_worker --interval 2 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  echo "Jumelage: http://127.0.0.1:$(PORT)/"; \
	  DEBUG=true $(JUMELAGE) runserver 127.0.0.1:$(PORT)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests $(wildcard bench)

test: install-dev lint  ## ruff and the test suite (SQLite, or PostgreSQL when DATABASE_URL is set)
	$(BIN)/pytest -m "not browser" $(PYTEST_ARGS)

test-browser: install-dev  ## the real-browser tests (Chromium at /usr/bin/chromium)
	$(BIN)/pytest -m browser $(PYTEST_ARGS)

check-deploy: install  ## the production settings pass Django's deployment checks
	DEBUG=false SECRET_KEY=$$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n') \
	  ALLOWED_HOSTS=jumelage.example.org $(JUMELAGE) check --deploy --fail-level WARNING

UV ?= $(shell command -v uv || echo $(BIN)/uv)
lock:  ## recompile the hashed requirements from pyproject.toml (needs uv: pip install uv)
	$(UV) pip compile pyproject.toml --generate-hashes --python-version 3.11 -o requirements/base.txt
	$(UV) pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements/dev.txt

clean:
	rm -rf $(VENV) var .pytest_cache
