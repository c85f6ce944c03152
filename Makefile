# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.requirements-installed
# A CPU build of torch lies in /opt/wheels on our machines; elsewhere pip takes it from the index.
# `make run` and `make test` use the development defaults (SQLite, embedded broker).
export TRACKER_ENV ?= development
FIND_LINKS := $(if $(wildcard /opt/wheels),--find-links /opt/wheels,)

.PHONY: venv run test lint format lock bench bench-search bench-meaning bench-concurrency bench-study bench-sweep

venv: $(STAMP)

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q $(FIND_LINKS) -r requirements.txt
	$(BIN)/python -m ipykernel install --prefix $(VENV) --name python3 >/dev/null
	touch $(STAMP)

run: venv
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py run_dev

test: venv
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Benchmarks: each prints its figures and a ratio against a baseline measured in the same run.
# bench-search needs PostgreSQL (it builds and drops its own 1,000,000-row database).
bench: venv
	$(BIN)/python bench/api_list.py
	$(BIN)/python bench/notebook_overhead.py
	$(BIN)/python bench/markdown_worst.py

bench-search: venv
	$(BIN)/python bench/search.py

# bench-study needs PostgreSQL (it builds and drops its own 2,000,000-card, 5,000,000-review database).
bench-study: venv
	$(BIN)/python bench/study.py

# Search by meaning (PostgreSQL, its own database): embedding throughput, the demo backfill,
# recall@10 on bench/meaning_queries.json, and p50/p95 with 200,000 embedded texts.
bench-meaning: venv
	$(BIN)/python bench/meaning.py

# A 20-run sweep on two workers against the same 20 notebooks through plain papermill.
bench-sweep: venv
	$(BIN)/python bench/sweep.py

# 20 API clients editing 5 shared documents for 30 s; fails if an acknowledged write was lost.
bench-concurrency: venv
	$(BIN)/python bench/concurrency.py

# Re-pin requirements.txt from requirements.in (keeps torch at the one allowed release).
lock:
	rm -rf /tmp/tracker-lock && $(PYTHON) -m venv /tmp/tracker-lock
	/tmp/tracker-lock/bin/pip install -q $(FIND_LINKS) -r requirements.in
	/tmp/tracker-lock/bin/pip freeze | sed 's/^torch==2.13.0+cpu$$/torch==2.13.0/' > requirements.txt
