# Two commands set everything up on a fresh machine:
#   make portraits   virtual environment, install, raw data, processed data, every portrait
#   make test        virtual environment (if needed), system tools for the tests, the tests
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# Where the raw public files are mirrored; library code never assumes this path.
PORTRAITS_DATA_MIRROR ?= ../shared/data
export PORTRAITS_DATA_MIRROR
# Quarto's own source files (quarto-cli 1.11.0), run by the conformance tests in tests/quarto.
PORTRAITS_QUARTO_SOURCE ?= ../shared/quarto-cli
export PORTRAITS_QUARTO_SOURCE
JOBS ?=
BUILD_ARGS ?=
BENCH_ARGS ?=

.PHONY: venv data portraits test test-fast test-quarto bench system-deps node-deps clean help

help:
	@echo "make portraits  - set up, prepare data, build all 183 portraits and the catalogue"
	@echo "make test       - set up and run the test suite"
	@echo "make test-quarto - Quarto's own code on the template (tests/quarto)"
	@echo "make data       - set up and prepare data/raw and data/processed"
	@echo "make bench      - run the benchmarks in benchmarks/, then write docs/PERFORMANCE.md"

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-test.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -r requirements-test.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (portraits)" >/dev/null
	touch $@

data: venv
	$(BIN)/portraits data

portraits: data
	$(BIN)/portraits build --all $(if $(JOBS),--jobs $(JOBS)) $(BUILD_ARGS)

# Debian packages the tests drive: pdftotext/pdftoppm (poppler-utils), headless Chromium, and npm
# (axe-core for the accessibility checks comes from the npm registry, pinned in tests/browser;
# esbuild for the Quarto conformance tests, pinned in tests/quarto).
system-deps:
	@missing=""; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	command -v chromium  >/dev/null || missing="$$missing chromium"; \
	command -v npm       >/dev/null || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

# npm packages of the tests, from their lock files (never committed: node_modules is ignored)
NODE_DEPS := tests/quarto/node_modules/.package-lock.json tests/browser/node_modules/.package-lock.json
node-deps: system-deps $(NODE_DEPS)

tests/%/node_modules/.package-lock.json: tests/%/package-lock.json
	cd tests/$* && npm ci --no-audit --no-fund --loglevel=error

test: data system-deps node-deps
	$(BIN)/python -m pytest

# Quarto's own code on the template (tests/quarto, docs/RENDERING.md "Conformance with Quarto")
test-quarto: data system-deps node-deps
	$(BIN)/python -m pytest -m quarto tests/quarto

test-fast: venv
	$(BIN)/python -m pytest -m "not e2e and not browser"

# Each benchmark writes its figures to $(BENCH_RESULTS) (JSON), from which docs/PERFORMANCE.md
# and the README's line of figures are generated. BENCH_ARGS go to bench_build.py, e.g.
# BENCH_ARGS="--limit 10" for a quick run, BENCH_ARGS="--baseline REV" to compare with REV.
BENCH_RESULTS ?= benchmarks/results
bench: data
	mkdir -p $(BENCH_RESULTS)
	$(BIN)/python benchmarks/bench_data.py --json $(BENCH_RESULTS)/bench_data.json
	$(BIN)/python benchmarks/bench_build.py $(BENCH_ARGS) --json $(BENCH_RESULTS)/bench_build.json
	$(BIN)/python benchmarks/bench_preview.py --json $(BENCH_RESULTS)/bench_preview.json
	$(BIN)/python benchmarks/profile_territory.py --cprofile 15 --json $(BENCH_RESULTS)/profile_territory.json
	$(BIN)/python benchmarks/make_performance_doc.py $(BENCH_RESULTS)

clean:
	rm -rf output data/processed
