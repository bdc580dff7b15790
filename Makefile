# The two commands a newcomer needs: `make up` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SAMPLE_DIRECTORY := $(firstword $(wildcard ../shared/data/directory.csv) directory/data/sample_directory.csv)
DEBIAN_PACKAGES := redis-server postgresql espeak-ng sox chromium fonts-noto-cjk poppler-utils
export HOTLINE_DATA_DIR ?= var

.PHONY: up test test-serial test-stress screenshots lint bench fuzz-api venv system-packages clean

$(BIN)/hotline: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,speech,uvloop]'
	touch $@

venv: $(BIN)/hotline

## Run the hotline on the embedded default (simulator + controller + HTTP, SQLite).
up: venv
	$(BIN)/hotline db upgrade
	$(BIN)/hotline users ensure-admin
	$(BIN)/hotline directory import --if-empty $(SAMPLE_DIRECTORY)
	$(BIN)/hotline up

## Install what the tests need (Debian packages too), then lint and run the suite on two
## pytest-xdist workers per core (an idle worker takes tests from another's queue). One per
## core left a third of the machine idle: several tests mostly wait in real time (a
## database down for a minute, controllers in child processes). Measured on 2 cores:
## 2 workers 11 min 31 s, 3 workers 9 min 2 s, 4 workers 8 min 13 s.
TEST_WORKERS ?= $(shell echo $$(( 2 * $$(nproc) )))
test: system-packages venv lint
	$(BIN)/pytest -q -n $(TEST_WORKERS) --dist worksteal

## The same suite in one process (about twice as long; no xdist in the way of a debugger).
test-serial: system-packages venv lint
	$(BIN)/pytest -q

## The simulator's tests 20 times in a row while a spinner keeps every core busy.
test-stress: system-packages venv
	$(BIN)/python -m tests.stress --rounds 20

## The desk's browser tests, keeping their screenshots in docs/screenshots/.
screenshots: system-packages venv
	HOTLINE_SCREENSHOTS=1 $(BIN)/pytest -q -m browser tests/agent_desk/test_browser_day.py tests/agent_desk/test_browser.py tests/agent_desk/test_browser_intake.py
	HOTLINE_SCREENSHOTS=1 $(BIN)/pytest -q tests/agent_desk/stats/test_report_pdf.py

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: venv
	$(BIN)/python bench/run_all.py

# Schemathesis with a random seed and more examples (CI runs a fixed seed in `make test`).
fuzz-api: venv
	HOTLINE_FUZZ_SEED=$${HOTLINE_FUZZ_SEED:-$$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')} \
	HOTLINE_FUZZ_EXAMPLES=$${HOTLINE_FUZZ_EXAMPLES:-200} \
	$(BIN)/pytest -q -s tests/agent_desk/test_openapi.py -k sqlite

system-packages:
	@missing=""; \
	for pkg in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$pkg 2>/dev/null | grep -q "ok installed" || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
