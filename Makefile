# The two commands: `make run` (install, migrate, import, index, serve) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := DEBUG=1 $(PY) manage.py

.PHONY: run test lint format install migrate import index bench bench-corpus bench-profile

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

migrate: install
	$(MANAGE) migrate --noinput

import: migrate
	$(MANAGE) import_documents

index: import
	$(MANAGE) build_search_index

run: index
	$(MANAGE) runserver 127.0.0.1:8000

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Exit code 5 ("no tests ran") fails like any other failure.
test: lint
	$(MANAGE) makemigrations --check --dry-run
	DEBUG=1 $(PY) -m pytest

bench: install
	$(PY) bench/run.py

N ?= 100000
bench-corpus: install
	$(PY) bench/corpus.py $(N) bench/out/corpus-$(N)

# Profile of index building on the 100k bench run (make bench first).
bench-profile: install
	DATABASE_URL=sqlite:///$(CURDIR)/bench/out/run-100000/archive.sqlite3 \
	SEARCH_INDEX_PATH=$(CURDIR)/bench/out/run-100000/index DEBUG=1 $(PY) bench/profile_index.py
