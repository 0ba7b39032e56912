# Two commands for a fresh Debian/Ubuntu machine with Python 3.11+:
#   make run   -- create .venv, install, serve on http://127.0.0.1:8000
#   make test  -- install test dependencies and browsers, run the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

JS_DEPS := tests/js/node_modules/.package-lock.json

.PHONY: run test lint browsers install install-test js clean

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

# acorn (npm) for the ES5 syntax check of the served scripts; Node from Debian where missing.
$(JS_DEPS): tests/js/package.json tests/js/package-lock.json
	@command -v npm >/dev/null || { test "$$(id -u)" = 0 && apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null; } || \
		{ echo "js: install Node.js and npm (apt-get install nodejs npm)" >&2; exit 1; }
	cd tests/js && npm ci --no-audit --no-fund --silent
	touch $@

js: $(JS_DEPS)

test: $(VENV)/.installed-test browsers js
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
