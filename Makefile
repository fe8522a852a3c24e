# The course's entry points. `make start` opens the course, `make test` runs every check CI runs.
# Works on a fresh Debian machine with Python 3.11, make and apt: .venv is created on first use
# and refreshed whenever pyproject.toml changes.

SHELL := /bin/bash
.SHELLFLAGS := -e -o pipefail -c
VENV := .venv
ifndef PYTHON
PYTHON := $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
endif
STAMP := $(VENV)/.installed
# Browser tests drive this Chromium (Debian's package); set CHROMIUM=/path to use another one.
CHROMIUM ?= /usr/bin/chromium
export CHROMIUM
# The course's JupyterHub (course/jupyterhub/) and the proxy npm installs there from its lock file.
HUB_DIR := course/jupyterhub
HUB_PROXY_STAMP := $(HUB_DIR)/node_modules/.installed
# Folders and files nbgrader generates under course/ (see nbgrader_config.py).
NBGRADER_GENERATED := course/release course/submitted course/autograded course/feedback \
	course/gradebook.db course/grades.csv course/solution

.PHONY: start dashboard test test-fast test-notebooks lint bench clean chromium jupyterhub

start: $(STAMP)
	$(VENV)/bin/iso10002 start

# The self-assessment dashboard (Voilà) on http://127.0.0.1:8866/ (or the next free port).
# Every server setting is in course/dashboard/voila.py.
dashboard: $(STAMP)
	$(VENV)/bin/python -m widgets.dashboard.server

test: $(STAMP) chromium jupyterhub
	$(VENV)/bin/pytest
	$(MAKE) --no-print-directory test-notebooks

# nbval runs every notebook a learner or trainer opens: modules/, course/ and exercises/ (the
# nbgrader sources, solutions in place, which must pass), each cell within 120 s, with HOME and
# the course's progress and work folders in a scratch folder so that nothing is read from or
# written to your own. --nbval-lax fails on an error; the trainers' answer key runs strictly
# (--nbval): each output must come out exactly as committed. No notebook is left out; nbgrader's
# generated folders are (git-ignored copies; learners' versions stop at the missing solutions).
NBVAL := $(VENV)/bin/pytest --nbval-current-env --nbval-cell-timeout=120 \
	$(addprefix --ignore=,$(NBGRADER_GENERATED))
test-notebooks: $(STAMP)
	scratch=$$(mktemp -d) && trap 'rm -rf "$$scratch"' EXIT && \
	export HOME="$$scratch" ISO10002_PROGRESS_DIR="$$scratch/progress" \
		ISO10002_WORK_DIR="$$scratch/work" && \
	$(NBVAL) --nbval-lax --ignore=course/answer-key.ipynb modules course exercises && \
	$(NBVAL) --nbval course/answer-key.ipynb

test-fast: $(STAMP)
	$(VENV)/bin/pytest tests/core tests/views tests/content -m "not slow and not browser"

# Notebooks are committed without outputs or execution counts. Cell ids are kept: they are
# part of the notebook format and JupyterLab writes them. The one exception is the trainers'
# answer key, committed with its outputs for nbval to compare (see test-notebooks).
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	git ls-files --cached --others --exclude-standard -z -- '*.ipynb' ':!course/answer-key.ipynb' \
		| xargs -0 --no-run-if-empty $(VENV)/bin/nbstripout --verify --keep-id

# Timings are printed, never asserted: KPIs at scale, autograding, dashboard time-to-interactive.
bench: $(STAMP)
	$(VENV)/bin/python benchmarks/kpi_scale.py
	$(VENV)/bin/python benchmarks/autograde.py
	$(VENV)/bin/python benchmarks/grade_cohort.py
	$(VENV)/bin/python benchmarks/dashboard.py

clean:
	rm -rf $(NBGRADER_GENERATED) .pytest_cache .ruff_cache
	find . -path ./$(VENV) -prune -o \
		\( -name __pycache__ -o -name .ipynb_checkpoints \) -type d -print0 \
		| xargs -0 --no-run-if-empty rm -rf

# The virtual environment, with the package installed editable so that notebooks and the CLI
# find the repository's datasets/. A .venv without a working pip (e.g. left half-made) is made
# anew. Debian's python3.X lacks `venv` until pythonX.Y-venv is installed: as root with apt-get
# we install it, otherwise we say what to install.
$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
		echo "error: no python3.11 or python3 on PATH; install Python 3.11 first" >&2; exit 1; \
	fi
	@if ! $(VENV)/bin/python -m pip --version >/dev/null 2>&1; then \
		rm -rf $(VENV); \
		if ! $(PYTHON) -m venv $(VENV) >/dev/null 2>&1; then \
			rm -rf $(VENV); \
			venvpkg=$$($(PYTHON) -c 'import sys; print("python%d.%d-venv" % sys.version_info[:2])'); \
			if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
				echo "Installing $$venvpkg (Debian package) so that Python can create .venv"; \
				apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $$venvpkg; \
				$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); exit 1; }; \
			else \
				echo "error: $(PYTHON) cannot create a virtual environment;" \
					"install $$venvpkg (sudo apt-get install $$venvpkg) and run make again" >&2; \
				exit 1; \
			fi; \
		fi; \
	fi
	$(VENV)/bin/python -m pip install --disable-pip-version-check -e '.[test,dev]'
	touch $@

# Browser tests need a Chromium; Playwright's own browser downloads are not used (offline CI).
chromium:
	@if [ -x "$(CHROMIUM)" ]; then \
		exit 0; \
	elif [ "$(CHROMIUM)" = /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] \
			&& command -v apt-get >/dev/null; then \
		echo "Installing Chromium (Debian package) for the browser tests"; \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
	elif [ -n "$$CI" ]; then \
		echo "error: no Chromium at $(CHROMIUM) and CI is set: the browser tests will fail." \
			"Install it (apt-get install chromium) or set CHROMIUM=/path/to/chromium" >&2; \
	else \
		echo "NOTE: no Chromium at $(CHROMIUM): the browser tests will be SKIPPED." \
			"Install it (sudo apt-get install chromium) or set CHROMIUM=/path/to/chromium."; \
	fi

# What the course's JupyterHub needs (course/jupyterhub/README.md): .venv (JupyterHub comes with
# the test extra) and configurable-http-proxy, installed by `npm ci` from course/jupyterhub's
# lock file into its node_modules/ whenever the lock file is newer. Without npm: as root with
# apt-get we install Debian's nodejs and npm, otherwise we say what to install.
jupyterhub: $(STAMP)
	@if ! command -v npm >/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing Node.js and npm (Debian packages) for JupyterHub's proxy"; \
			apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y nodejs npm; \
		elif [ -n "$$CI" ]; then \
			echo "error: no npm and CI is set: the JupyterHub test will fail." \
				"Install Node.js >= 18 and npm (apt-get install nodejs npm)" >&2; \
			exit 0; \
		else \
			echo "NOTE: no npm: the JupyterHub test will be SKIPPED." \
				"Install Node.js >= 18 and npm (sudo apt-get install nodejs npm)."; \
			exit 0; \
		fi; \
	fi; \
	if [ ! -f $(HUB_PROXY_STAMP) ] || [ $(HUB_DIR)/package-lock.json -nt $(HUB_PROXY_STAMP) ]; then \
		npm ci --prefix $(HUB_DIR) --no-audit --no-fund && touch $(HUB_PROXY_STAMP); \
	fi
