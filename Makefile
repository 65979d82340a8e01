# The two commands: `make run` (install, migrate, import, index, serve) and `make test`
# (installs the system packages the tests use, then lint, migration check, suite).
# `make serve` is the production stack (gunicorn, whitenoise, DEBUG off) on loopback.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := DEBUG=1 $(PY) manage.py

# Production settings over plain HTTP on 127.0.0.1: a secret generated once into var/, and no
# redirect to HTTPS. Either can be set in the environment instead (docs/operations.md, "Deploy").
SECRET_KEY_FILE := $(or $(ARCHIVE_VAR_DIR),var)/secret_key
SERVE_ENV = DEBUG=0 SECRET_KEY="$${SECRET_KEY:-$$(cat $(SECRET_KEY_FILE))}" \
	SECURE_SSL_REDIRECT="$${SECURE_SSL_REDIRECT:-0}"

.PHONY: run port-free serve test test-fast lint format install system-packages migrate import index datasets \
	collectstatic bench bench-readers bench-corpus bench-profile real-texts screenshots

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

migrate: install
	$(MANAGE) migrate --noinput

# Every import rewrites the bulk downloads at /data/ as it ends (archive/research/datasets.py)
# and brings the search index up to date, when there is one.
import: migrate
	$(MANAGE) import_documents

# The whole index, built again from the archive.
index: migrate
	$(MANAGE) build_search_index

# The downloads again, after a change made outside an import (the admin): /data/ says when.
datasets: migrate
	$(MANAGE) export_datasets

# The port is tried first, so a taken one stops the run before any set-up. The index is
# built before the import, which then adds what it changes (no import warns of a missing
# index that the next step builds). Without the autoreloader, and run by exec, the server is
# make's own child: stopping make (Ctrl-C, or a kill that make passes on) stops it too.
PORT ?= 8000
run: port-free index import
	DEBUG=1 exec $(PY) manage.py runserver --noreload 127.0.0.1:$(PORT)

PORT_PROBE = import socket; s = socket.socket(); \
	s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", $(PORT)))
port-free:
	@$(PYTHON) -c '$(PORT_PROBE)' 2>/dev/null || { echo "Port $(PORT) on 127.0.0.1 is in use." \
	"Stop what uses it, or choose another port: make run PORT=8001" >&2; exit 1; }

$(SECRET_KEY_FILE):
	mkdir -p $(@D)
	umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@.tmp
	mv $@.tmp $@

# Hashed, gzipped copies of static/ in STATIC_ROOT (default var/static), served by whitenoise.
collectstatic: install $(SECRET_KEY_FILE)
	$(SERVE_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0

serve: index import collectstatic
	$(SERVE_ENV) $(VENV)/bin/gunicorn -c config/gunicorn.conf.py config.wsgi

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) .ci/check_templates.py

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Chromium, Japanese fonts, PostgreSQL: installed as root; otherwise the script prints the one
# apt-get line and stops before anything else runs.
system-packages:
	bash .ci/install-system-packages

# Exit code 5 ("no tests ran") fails like any other failure.
test: system-packages lint
	$(MANAGE) makemigrations --check --dry-run
	DEBUG=1 $(PY) -m pytest

# The inner loop: everything but the browser, server, fault and slow tests (markers in
# pyproject.toml), on two processes, on whatever database DATABASE_URL names. `make test`
# still runs them all, in one process.
test-fast: install
	DEBUG=1 $(PY) -m pytest -q -n 2 -m "not browser and not nodes and not faults and not slow"

# Home, search, a document, side by side, a clause, recurring language, a comparison and
# term history, at 1280 and 390 px, into test-artifacts/screens/ (Chromium, like the tests).
screenshots: install
	DEBUG=1 $(PY) -m pytest -q -p no:cacheprovider tests/test_browser.py -k screenshots
	@echo "Screenshots in test-artifacts/screens/"

bench: install
	$(PY) bench/run.py

N ?= 100000
# The reader log alone, on the archive `make bench` left for N clauses (bench/readers.py).
bench-readers: install
	$(PY) bench/run.py --readers $(N)

bench-corpus: install
	$(PY) bench/corpus.py $(N) bench/out/corpus-$(N)

# Profile of index building on the 100k bench run (make bench first).
bench-profile: install
	DATABASE_URL=sqlite:///$(CURDIR)/bench/out/run-100000/archive.sqlite3 \
	SEARCH_INDEX_PATH=$(CURDIR)/bench/out/run-100000/index DEBUG=1 $(PY) bench/profile_index.py

# The importer scored on real texts kept out of the repository (tests/real_sources.toml says
# what an archivist reads in each; docs/adding-texts.md, "Real texts", says how to gather them).
DIR ?= real-texts
real-texts: migrate
	$(MANAGE) score_real_texts $(DIR) $(if $(HELD_OUT),--held-out)
