# PlexRT -- two commands do everything: `make run` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DB     ?= $(or $(PLEXRT_DB),data/plexrt.duckdb)
PORT   ?= 8501

.PHONY: run test setup db chromium lint bench clean

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

chromium:
	@bash scripts/ensure-chromium.sh

test: setup chromium
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest

bench: db
	$(PY) bench/run.py

lint: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) $(DB) test-artifacts .pytest_cache
