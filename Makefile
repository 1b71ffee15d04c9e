# The two commands of the README. Each creates or updates its own virtual environment.
PYTHON ?= python3
VENV   := .venv
STAMP  := $(VENV)/.installed
STORE  ?= budgetkg-store
HOST   ?= 127.0.0.1
PORT   ?= 8000
# YASGUI (the query page's editor), vendored from the npm registry at set-up time, pinned.
YASGUI_VERSION := 4.6.2
YASGUI_DIR     := src/budgetkg/static/vendor/yasgui

.PHONY: run test lint browser yasgui

$(STAMP): pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## YASGUI's bundle (build/yasgui.min.js + .css, MIT) into $(YASGUI_DIR), once per pinned version
## (a prerequisite of run and test, so existing checkouts get it too); without npm the query
## page falls back to the built-in editor. npm checks the tarball's integrity.
yasgui: $(YASGUI_DIR)/.version-$(YASGUI_VERSION)

$(YASGUI_DIR)/.version-$(YASGUI_VERSION):
	@tmp=$$(mktemp -d); \
	if command -v npm >/dev/null 2>&1 && \
	   (cd $$tmp && npm pack --silent @zazuko/yasgui@$(YASGUI_VERSION) >/dev/null && \
	    tar xzf zazuko-yasgui-$(YASGUI_VERSION).tgz); then \
	  rm -rf $(YASGUI_DIR) && mkdir -p $(YASGUI_DIR) && \
	  cp $$tmp/package/build/yasgui.min.js $$tmp/package/build/yasgui.min.css $$tmp/package/package.json \
	     $(YASGUI_DIR)/ && touch $@; \
	else echo "YASGUI could not be fetched (npm missing or offline): /query uses the built-in editor"; fi; \
	rm -rf $$tmp

## Build the graph from the bundled sample and serve it at http://$(HOST):$(PORT)/
run: $(STAMP) yasgui
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
test: lint browser yasgui
	$(VENV)/bin/python -m pytest -q
