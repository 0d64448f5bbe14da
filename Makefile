# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

## run: the dashboard with the bundled demo event, no credentials needed (http://localhost:8501)
run: $(STAMP)
	$(BIN)/python -m summitpulse up

## test: the whole suite (storage tests on SQLite and PostgreSQL, collectors, dashboard, browser)
test: $(STAMP)
	@scripts/ensure-browser
	$(BIN)/python -m pytest

## bench: every benchmark under bench/, printing its figures
bench: $(STAMP)
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done
