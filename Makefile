# Two commands do all the set-up: `make run` starts the app, `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PACKAGE_STAMP := $(VENV)/.package-stamp

.PHONY: run test bench lint screenshots package package-test wheel-test clean

run: $(STAMP)
	$(VENV)/bin/annotator

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -n 2 -q

bench: $(STAMP)
	$(PY) bench/run_all.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy annotator

# Under Xvfb when it is installed (a real X window, desktop fonts), else on the current display.
screenshots: $(STAMP)
	@if command -v xvfb-run >/dev/null 2>&1; then \
	  xvfb-run -a -s "-screen 0 1400x900x24" $(PY) packaging/screenshots.py; \
	else $(PY) packaging/screenshots.py; fi

# The self-contained app (packaging/README.md): dist/annotator/ and dist/annotator-<version>-*.tar.gz
package: $(PACKAGE_STAMP)
	$(PY) packaging/build.py

# Runs the BUILT app (not the source) in `env -i` with a fresh HOME; not part of `make test`.
package-test: $(STAMP)
	$(PY) packaging/smoke_test.py

# The wheel in a fresh venv outside the repository, and `pipx install .` (downloads from PyPI).
wheel-test: $(STAMP)
	$(PY) packaging/wheel_test.py

$(PACKAGE_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,package]'
	@touch $(PACKAGE_STAMP)

# irrCAC, the reference of the multi-rater cross-checks, goes in with --no-deps: its metadata pins
# scipy==1.12 and pandas<3 (pyproject.toml, extra `crosscheck`); it imports only numpy/pandas/scipy.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "annotator needs Python 3.11 or newer"'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || { echo "python3 -m venv failed: on Debian/Ubuntu run 'sudo apt-get install python3-venv'"; exit 1; }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	$(PY) -m pip install --quiet --no-deps 'irrCAC>=0.4.4'
	@touch $(STAMP)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache .mypy_cache
