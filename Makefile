# Ravine: two commands do all set-up on a fresh Debian machine with python3 (3.11+),
# npm and make.
#
#   make serve   set up, build the site and serve it at http://127.0.0.1:8000/ravine/
#                (http://127.0.0.1:8000/ redirects there)
#   make test    the same set-up, plus Chromium, then every test layer
#
# Each step is stamped, so a second run redoes only what changed.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
BUILD  ?= build
# Another BUILD folder (with its own SITE_URL port) lets two builds run side by side.
export RAVINE_BUILD    := $(BUILD)
export RAVINE_SITE_DIR := $(BUILD)/site

# Tools write caches under $HOME; keep them inside build/ (and out of the way of CI).
export NO_MKDOCS_2_WARNING := 1
export MPLCONFIGDIR        := $(CURDIR)/$(BUILD)/home/matplotlib
export IPYTHONDIR          := $(CURDIR)/$(BUILD)/home/ipython
export JUPYTER_CONFIG_DIR  := $(CURDIR)/$(BUILD)/home/jupyter
export XDG_CONFIG_HOME     := $(CURDIR)/$(BUILD)/home/config
export XDG_CACHE_HOME      := $(CURDIR)/$(BUILD)/home/cache
export PYTHONDONTWRITEBYTECODE := 1

LESSON_CODE := $(wildcard lesson_code/*.py)
DOCS        := $(shell find docs -type f 2>/dev/null)
# the figure scripts, and the lesson pages whose `define:` settings they read
FIGURE_SRC  := $(wildcard scripts/figures/*.py) scripts/render_figures.py \
               docs/optimizers/momentum.md docs/optimizers/ravine.md docs/optimizers/adaptive.md \
               docs/optimizers/practice.md

# Where the site will be served (GitHub Pages builds pass https://<owner>.github.io/<repo>/).
SITE_URL ?= http://127.0.0.1:8000/ravine/
export SITE_URL

.PHONY: serve test site setup prereqs chromium clean lock FORCE
.DELETE_ON_ERROR:

serve: site
	@echo "Ctrl+C stops the server."
	$(PY) scripts/serve.py --root $(BUILD)/site

# pytest-xdist runs the tests on every core (TEST_WORKERS=0: one process); its controller
# serves the built site once for all workers (tests/conftest.py); tests sharing a slow
# module fixture stay on one worker (xdist_group marks, --dist loadgroup).
TEST_WORKERS ?= auto
test: site chromium
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup

site: $(BUILD)/.site.stamp
setup: $(VENV)/.stamp node_modules/.stamp

prereqs:
	@PYTHON=$(PYTHON) sh scripts/check-prereqs.sh python npm

chromium:
	@sh scripts/check-prereqs.sh chromium

# The virtual environment: every build and test dependency, transitive ones included,
# exactly as requirements.lock pins them (with hashes), then lesson_code itself.
$(VENV)/.stamp: pyproject.toml requirements.lock | prereqs
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

# Refresh requirements.lock after changing a pin in pyproject.toml (needs PyPI).
lock:
	@test -x $(BUILD)/lock-venv/bin/pip-compile || { $(PYTHON) -m venv $(BUILD)/lock-venv && \
	  $(BUILD)/lock-venv/bin/pip install --quiet pip-tools==7.6.2; }
	CUSTOM_COMPILE_COMMAND="make lock" $(BUILD)/lock-venv/bin/pip-compile --quiet \
	  --extra site --extra test --generate-hashes --allow-unsafe --strip-extras \
	  --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml

# npm assets, exactly as package-lock.json pins them.
node_modules/.stamp: package.json package-lock.json | prereqs
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# The lesson_code wheel that the browser installs.
$(BUILD)/.wheel.stamp: $(LESSON_CODE) pyproject.toml $(VENV)/.stamp
	rm -rf $(BUILD)/dist
	$(PY) -m build --wheel --no-isolation --outdir $(BUILD)/dist . >/dev/null
	@touch $@

# Pyodide, KaTeX and CodeMirror checked against the npm lock, plus the wheel.
$(BUILD)/.vendor.stamp: $(BUILD)/.wheel.stamp node_modules/.stamp scripts/vendor.py
	$(PY) scripts/vendor.py --wheel $(wildcard $(BUILD)/dist/*.whl)
	@touch $@

# Pyodide's memory with lesson_code imported, which the page's Python starts from (it
# boots plainly without it); made again whenever the wheel or Pyodide changes.
SNAPSHOT := $(BUILD)/assets/vendor/pyodide/lesson-code.snapshot.gz
$(BUILD)/.snapshot.stamp: $(BUILD)/.vendor.stamp scripts/snapshot.mjs
	node scripts/snapshot.mjs $(BUILD)/assets/vendor/pyodide $(SNAPSHOT)
	@touch $@

# Static figures, rendered from lesson_code with matplotlib.
$(BUILD)/.figures.stamp: $(LESSON_CODE) $(FIGURE_SRC) $(VENV)/.stamp
	$(PY) scripts/render_figures.py
	@touch $@

# Rebuild when SITE_URL changes.
$(BUILD)/.site-url: FORCE
	@mkdir -p $(BUILD)
	@echo '$(SITE_URL)' | cmp -s - $@ || echo '$(SITE_URL)' > $@

$(BUILD)/.site.stamp: $(BUILD)/.site-url $(BUILD)/.snapshot.stamp $(BUILD)/.figures.stamp $(DOCS) mkdocs.yml \
		$(shell find scripts -name "*.py" -o -name "*.mjs")
	$(VENV)/bin/mkdocs build --strict
	@touch $@

clean:
	rm -rf $(BUILD)
