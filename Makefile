# Two commands for a fresh Debian/Ubuntu machine with Python 3.11+:
#   make run   -- create .venv, install, serve on http://127.0.0.1:8000
#   make test  -- install test dependencies and browsers, run the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# The QA matrix (matrix/qa/targets.yaml) in Chromium, Firefox and WebKit; MATRIX=no skips it.
MATRIX ?= yes
MATRIX_ARGS ?= --require chromium,firefox,webkit --output matrix-results

.PHONY: run test matrix lint browsers install install-test clean test-deps bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

run: $(VENV)/.installed
	$(BIN)/browsercheck serve --host $(HOST) --port $(PORT)

browsers: $(VENV)/.installed-test
	bash scripts/install-browsers.sh $(BIN)/python

# Node tools, never served: browserslist (`browsercheck matrix browserslist`) and acorn (the ES5
# check of the served scripts, tests/test_es5.py).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

test-deps:
	bash scripts/install-test-deps.sh

# The matrix targets run once, through `browsercheck matrix run` (JUnit, JSON, HTML, screenshots
# in matrix-results/); their pytest twin (tests/browser/test_matrix_targets.py) is deselected here.
test: $(VENV)/.installed-test browsers test-deps node_modules/.installed
	$(BIN)/pytest $(PYTEST_ARGS) --deselect tests/browser/test_matrix_targets.py
	@if [ "$(MATRIX)" != no ]; then $(BIN)/browsercheck matrix run $(MATRIX_ARGS); fi

matrix: $(VENV)/.installed-test browsers
	$(BIN)/browsercheck matrix run $(MATRIX_ARGS)

# Every figure we promise (benchmarks/README.md); each script prints ours beside its baseline.
bench: $(VENV)/.installed-test browsers test-deps node_modules/.installed
	$(BIN)/python benchmarks/ua_accuracy.py --summary
	$(BIN)/python benchmarks/ua_speed.py
	$(BIN)/python benchmarks/probe_budget.py
	$(BIN)/python benchmarks/embed_budget.py
	$(BIN)/python benchmarks/matrix_policy.py
	$(BIN)/python benchmarks/matrix_remote.py
	$(BIN)/python benchmarks/hostile_overhead.py
	$(BIN)/python benchmarks/lookup_timing.py
	$(BIN)/python benchmarks/aggregates.py
	$(BIN)/python benchmarks/ingest.py

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache matrix-results

