# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test fast lint bench demo-editions

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

## run: the dashboard with the bundled demo event, no credentials needed (http://localhost:8501)
run: $(STAMP)
	$(BIN)/summitpulse up

## test: the whole suite (formatter and linter, storage tests on SQLite and PostgreSQL, collectors, dashboard, browser)
test: lint
	@scripts/ensure-browser
	$(BIN)/python -m pytest

## fast: the inner loop — everything but the slow and browser tests
fast: lint
	$(BIN)/python -m pytest -m "not slow and not browser"

## lint: `ruff format --check` and `ruff check` over the whole tree
lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

## bench: every benchmark under bench/, printing its figures
bench: $(STAMP)
	for b in bench/[a-z]*.py; do $(BIN)/python -m bench.$$(basename $$b .py) || exit 1; done

## demo-editions: write again the demo's second edition (ICRE 2015) report data files that `report --compare` reads
demo-editions: $(STAMP)
	rm -f demo/icre2015/data/icre2015.db
	$(BIN)/summitpulse --config demo/icre2015/config.yaml demo --speed max
	$(BIN)/summitpulse --config demo/icre2015/config.yaml report --out demo/icre2015/report.html
	rm -f demo/icre2015/report.html demo/icre2015/report_data/*.csv
