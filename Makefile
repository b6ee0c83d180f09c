# PlexRT -- two commands do everything: `make run` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DB     ?= $(or $(PLEXRT_DB),data/plexrt.duckdb)
PORT   ?= 8501

.PHONY: run test test-fast check setup db chromium postgres lint bench clean team-demo

$(STAMP): pyproject.toml constraints.txt
	@bash scripts/ensure-venv.sh $(PYTHON) $(VENV)
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

# Rebuilt when missing or built from other data files or code (fingerprint in the file).
db: $(STAMP)
	$(VENV)/bin/plexrt build-db --if-stale --db $(DB)

run: db
	$(PY) -m streamlit run app.py --server.address 127.0.0.1 --server.port $(PORT) \
		--server.headless true --browser.gatherUsageStats false

# A team on this machine: PostgreSQL, the test identity provider with two demo users (editor and
# viewer) and two app replicas sharing the user store; prints how to sign in; Ctrl-C stops all.
team-demo: db postgres
	PLEXRT_DB=$(DB) $(PY) scripts/team_demo.py

chromium:
	@bash scripts/ensure-chromium.sh

# Debian's PostgreSQL server binaries: the user-store tests run the same suite on DuckDB and on a
# throw-away PostgreSQL server they start (with CI=true a missing PostgreSQL fails, never skips).
postgres:
	@bash scripts/ensure-postgres.sh

# Static checks: lint, format, the layer contract (import-linter) and types (mypy).
check: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

# Everything: static checks, unit, app and real-browser tests (Chromium and PostgreSQL are installed
# if missing; with CI=true a skipped test fails). pytest-timeout (pyproject) fails a hung test.
test: check chromium postgres
	$(PY) -m pytest

# The edit loop: static checks, unit and app tests (no browser).
test-fast: check
	$(PY) -m pytest tests/unit tests/app

# Timings of every page and the heavy functions, as ratios to a baseline timed in the same run;
# rewrites the table in docs/benchmarks.md; then 20 browser sessions at once against one server
# (bench/load.py: errors, lost writes, page time beside one session alone), once as deployed by
# default, once with only the open tab computed ($PLEXRT_LAZY_TABS=always), once with the server on a
# CPU of its own (the browsers on the other, as on the users' own computers). Never part of `make test`.
bench: setup postgres chromium
	$(PY) bench/run.py --write docs/benchmarks.md
	$(PY) bench/userstore.py --write docs/benchmarks-userstore.md
	$(PY) bench/bundled_scale.py --write docs/benchmarks.md
	$(PY) bench/own_import_scale.py --write docs/benchmarks.md
	$(PY) bench/browser_scale.py --write docs/benchmarks.md
	$(PY) bench/server_cpu.py --write docs/benchmarks.md
	$(PY) bench/load.py --tab-p 0.5 --write docs/benchmarks.md
	$(PY) bench/load.py --tab-p 0.5 --lazy-tabs --write docs/benchmarks.md
	$(PY) bench/load.py --tab-p 0.5 --split-cpus --write docs/benchmarks.md

lint: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) $(DB) test-artifacts .pytest_cache
