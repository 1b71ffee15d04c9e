# The two commands of the README. Each creates or updates its own virtual environment.
PYTHON ?= python3
VENV   := .venv
STAMP  := $(VENV)/.installed
STORE  ?= budgetkg-store
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test lint browser

$(STAMP): pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## Build the graph from the bundled sample and serve it at http://$(HOST):$(PORT)/
run: $(STAMP)
	$(VENV)/bin/budgetkg build --store $(STORE) data/sample
	$(VENV)/bin/budgetkg serve --store $(STORE) --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench

## Debian's chromium for the browser tests (installed when missing and we are root, as in CI)
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing: the browser tests will be skipped (apt-get install chromium)"; fi; }

## Run the whole test suite (lint included)
test: lint browser
	$(VENV)/bin/python -m pytest -q
