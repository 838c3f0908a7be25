# The two commands: `make demo` and `make test`. Both set up .venv when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_LAB := $(VENV)/.installed-lab
STAMP_DEV := $(VENV)/.installed-dev
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json
PORT ?= 8888
# Jupyter refuses to run as root without this flag (containers, CI machines).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: demo test lint unit e2e notebooks bench bundle clean

# pip prints what it fetches (no --quiet): the first install takes a minute or two, and a
# silent one looks hung.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip

# `make demo` needs every optional part (the notebooks use the model loop and the plots).
$(STAMP_LAB): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --progress-bar on -e ".[all]"
	touch $@

$(STAMP_DEV): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --progress-bar on -e ".[dev]"
	touch $@ $(STAMP_LAB)

# The front end's bundler (esbuild, pinned in package-lock.json). Only changing js/ needs it:
# the bundles in nb_label/static/ are committed. Without npm, the bundle check skips (and
# fails under CI).
NODE_STAMP := node_modules/.installed
$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund && touch $@; \
	else echo "npm not found: install Node.js 20+ to rebuild or check the front-end bundles"; fi

# Rebuilds nb_label/static/ from js/ after a change to the front end.
bundle: $(NODE_STAMP)
	node tools/bundle.mjs

# JupyterLab's news pop-up would cover the card: these settings turn it off for this venv.
$(LAB_SETTINGS): tools/jupyterlab/overrides.json | $(STAMP_LAB)
	mkdir -p $(dir $@)
	cp $< $@

# Every URL JupyterLab prints (and its jpserver-*-open.html) opens the quickstart, not the
# Launcher. Stop it with Ctrl-C (twice), or `make demo PORT=8890` beside another server.
demo: $(STAMP_LAB) $(LAB_SETTINGS)
	NB_LABEL_STORE=$${NB_LABEL_STORE:-$(CURDIR)/notebooks/labels.db} \
	$(BIN)/python -m jupyter lab --ip=127.0.0.1 --port=$(PORT) $(ROOT_FLAG) \
	  --LabApp.default_url=/lab/tree/quickstart.ipynb --LabApp.news_url=None \
	  notebooks/quickstart.ipynb

lint: $(STAMP_DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

unit: $(STAMP_DEV)
	$(BIN)/python -m pytest -q --ignore=tests/e2e

# Rewrites every notebook from its script in tools/notebooks/, then runs them all.
notebooks: $(STAMP_DEV)
	for script in tools/notebooks/make_*.py; do $(BIN)/python $$script || exit 1; done
	$(BIN)/python -m pytest -q --nbval-lax --nbval-current-env -p no:cacheprovider notebooks/

e2e: $(STAMP_DEV)
	$(BIN)/python -m pytest -q tests/e2e

test: lint $(STAMP_DEV) $(NODE_STAMP)
	$(BIN)/python -m pytest -q --nbval-lax --nbval-current-env tests notebooks

bench: $(STAMP_DEV)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache tests/e2e/artifacts
