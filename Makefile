# Two commands on a fresh machine: `make report` and `make test`.
# Both create .venv when missing and install the package with its dependencies first.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
# Re-install when the dependency list changes.
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: setup report test test-fast validate lint format lab data clean-venv

setup: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,lab,pdf]'
	@# A kernel spec inside the environment, so papermill and JupyterLab find it without set-up.
	$(BIN)/python -m ipykernel install --sys-prefix --name mali-reports --display-name "Python (mali-reports)" >/dev/null
	@rm -f $(VENV)/.installed-*
	@touch $@

## report: build today's reports into reports/YYYY-MM-DD/
report: setup
	$(BIN)/python -m analysis build $(ARGS)

## test: the whole test suite, then nbval on the notebooks (their checked key figures must hold)
NBVAL_ARGS := --nbval-lax --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	@if ls notebooks/*.ipynb >/dev/null 2>&1; then \
		echo "$(BIN)/python -m pytest $(NBVAL_ARGS) notebooks/"; \
		$(BIN)/python -m pytest $(NBVAL_ARGS) notebooks/; \
	else echo "no notebooks in notebooks/: nothing for nbval"; fi

## test-fast: the edit loop: the tests not marked slow (no build, kernel or browser; no nbval)
test-fast: setup
	$(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

## validate: check every curated table and print a summary
validate: setup
	$(BIN)/python -m analysis validate

## lint: ruff on the package, tests and notebooks; the layer contracts (lint-imports)
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## lab: JupyterLab on the notebooks; the analysis package reloads on change (autoreload)
lab: setup
	$(BIN)/python -m analysis.pipeline.lab $(ARGS)

## data: download the open datasets into data/raw/ (MIRROR=dir to copy from a local folder)
data: setup
	$(BIN)/python -m analysis data fetch $(if $(MIRROR),--mirror $(MIRROR))

clean-venv:
	rm -rf $(VENV)
