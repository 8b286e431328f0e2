# Two commands on a fresh machine: `make report` and `make test`.
# Both create .venv when missing and install the package first, with only what the target needs:
# the runtime dependencies for report/validate/data (plus the pdf extra for ARGS=--pdf), the dev
# extra for test/lint/format, the lab extra for lab. Versions come from constraints.txt (the
# tested set; see docs/install.md for how to refresh it), ranges from pyproject.toml.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
# Re-install when the dependency list or the pinned versions change.
HASH   := $(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)
# One stamp per set of extras: installed-<hash>-runtime, -dev, -lab, -pdf.
stamp   = $(VENV)/.installed-$(HASH)-$(1)
# `make report ARGS=--pdf` also needs Playwright (the pdf extra).
REPORT_EXTRAS := runtime $(if $(findstring --pdf,$(ARGS)),pdf)

.PHONY: setup report test test-fast validate lint format lab data clean-venv

$(VENV)/.installed-$(HASH)-%: pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.$(if $(filter-out runtime,$*),[$*])'
	@rm -f $(VENV)/.installed-*-$*
	@touch $@

## setup: .venv with the runtime dependencies (what a server running `make report` needs)
setup: $(call stamp,runtime)

## report: build today's reports into reports/YYYY-MM-DD/
report: $(foreach extra,$(REPORT_EXTRAS),$(call stamp,$(extra)))
	$(BIN)/python -m analysis build $(ARGS)

## test: the whole test suite, then nbval on the notebooks (their checked key figures must hold)
NBVAL_ARGS := --nbval-lax --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
test: $(call stamp,dev) $(call stamp,pdf)
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	@if ls notebooks/*.ipynb >/dev/null 2>&1; then \
		echo "$(BIN)/python -m pytest $(NBVAL_ARGS) notebooks/"; \
		$(BIN)/python -m pytest $(NBVAL_ARGS) notebooks/; \
	else echo "no notebooks in notebooks/: nothing for nbval"; fi

## test-fast: the edit loop: the tests not marked slow (no build, kernel or browser; no nbval)
test-fast: $(call stamp,dev)
	$(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

## validate: check every curated table and print a summary
validate: $(call stamp,runtime)
	$(BIN)/python -m analysis validate

## lint: ruff on the package, tests and notebooks; the layer contracts (lint-imports)
lint: $(call stamp,dev)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(call stamp,dev)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## lab: JupyterLab on the notebooks; the analysis package reloads on change (autoreload)
lab: $(call stamp,lab)
	$(BIN)/python -m analysis.pipeline.lab $(ARGS)

## data: download the open datasets into data/raw/ (MIRROR=dir to copy from a local folder)
data: $(call stamp,runtime)
	$(BIN)/python -m analysis data fetch $(if $(MIRROR),--mirror $(MIRROR))

clean-venv:
	rm -rf $(VENV)
