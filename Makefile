# Chœur: the whole set-up in two commands, `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# The address in emailed links (activation, reset, email change): where `make run` serves.
SITE_URL ?= http://$(HOST):$(PORT)
# `make run` is for trying Chœur on one machine: debug pages, console email, demo data.
RUN_ENV = DEBUG=true SITE_URL=$(SITE_URL) EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend \
	STATICFILES_BACKEND=django.contrib.staticfiles.storage.StaticFilesStorage
TEST_ENV := SECRET_KEY=tests-only-secret-key-not-for-production-0123456789 DEBUG=false
# Test processes in parallel (pytest-xdist); 0 runs everything in this process.
PYTEST_WORKERS ?= 2

.PHONY: help install install-dev compile run test test-fast quality format worker beat bench migrate demo clean messages

help:
	@echo "make run      - installe, prépare la base de démonstration et sert http://$(HOST):$(PORT)"
	@echo "make test     - toute la suite de tests (SQLite ; PostgreSQL si DATABASE_URL est défini)"
	@echo "make quality  - format, lint, typage, migrations manquantes"
	@echo "make worker   - un worker Celery (CELERY_BROKER_URL requis)"
	@echo "make bench    - les mesures de performance (docs/performance.md)"
	@echo "make compile  - compile le moteur EN 16931 natif (mypyc, facultatif, un quart à moitié plus rapide)"

$(VENV)/.installed: requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	@# The project itself on the venv's path, and its command line tool (pyproject's scripts).
	@$(PY) -c "import site, sys; open(site.getsitepackages()[0] + '/choeur.pth', 'w').write(sys.argv[1])" "$(CURDIR)"
	@printf '#!/bin/sh\nexec "$$(dirname "$$0")/python" -m choeur.einvoice.cli "$$@"\n' > $(VENV)/bin/choeur-invoice
	@chmod +x $(VENV)/bin/choeur-invoice
	@touch $@

$(VENV)/.installed-dev: requirements-dev.lock $(VENV)/.installed
	$(PIP) install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements-dev.lock
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

var:
	@mkdir -p var

migrate: install var
	$(RUN_ENV) $(PY) manage.py migrate --noinput

demo: migrate
	$(RUN_ENV) $(PY) manage.py load_demo

run: demo
	@echo ""
	@echo "  Chœur est servi sur http://$(HOST):$(PORT)/ (Ctrl+C pour arrêter)"
	@$(RUN_ENV) $(PY) manage.py demo_logins
	@echo ""
	$(RUN_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

# The native EN 16931 engine compiled by mypyc (1.3 to 1.5 times as fast; optional: without a C
# compiler the engine runs as plain Python, with the same findings). See tools/compile_native.py.
compile: install-dev
	$(TEST_ENV) $(PY) tools/compile_native.py

test: install-dev var compile
	$(TEST_ENV) $(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)
	@# the engine as plain Python too (where `make compile` did not run): the same findings
	@if [ -z "$$DATABASE_URL" ] && [ -z "$(PYTEST_ARGS)" ]; then \
		CHOEUR_NATIVE_COMPILED=0 $(TEST_ENV) $(PY) -m pytest -n $(PYTEST_WORKERS) -q tests/einvoice/test_native_differential.py tests/einvoice/test_native_compiled.py; fi

test-fast: install-dev var
	$(TEST_ENV) $(PY) -m pytest -m "not e2e" -x $(PYTEST_ARGS)

quality: install-dev
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(TEST_ENV) $(VENV)/bin/mypy choeur config
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

worker: install
	@test -n "$$CELERY_BROKER_URL" || (echo "CELERY_BROKER_URL n'est pas défini : sans courtier, les tâches s'exécutent dans le processus web." && exit 1)
	$(VENV)/bin/celery -A config worker --loglevel=INFO

beat: install
	@test -n "$$CELERY_BROKER_URL" || (echo "CELERY_BROKER_URL n'est pas défini." && exit 1)
	$(VENV)/bin/celery -A config beat --loglevel=INFO

bench: install-dev var compile
	$(TEST_ENV) $(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache
