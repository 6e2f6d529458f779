# Baton: `make run` serves the demo, `make test` runs every test. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
HOST := 127.0.0.1
PYTEST := $(BIN)/pytest -p no:cacheprovider
export FLASK_APP := wsgi

.PHONY: run install install-test test test-fast lint format translations screenshots bench bench-quick wrk guarantees clean

# pip's output (hundreds of setuptools warnings) goes to $(PIPLOG); it is shown only when pip
# fails, so `make run` shows the login banner, not an install log.
PIPLOG := $(VENV)/pip.log
PIP_QUIET = > $(PIPLOG) 2>&1 || { cat $(PIPLOG); echo "pip failed; its output is above and in $(PIPLOG)" >&2; exit 1; }

$(VENV)/.installed: setup.cfg pyproject.toml
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	@echo "Installing Baton into $(VENV) (pip's output: $(PIPLOG))"
	@$(BIN)/pip install --upgrade pip $(PIP_QUIET)
	@$(BIN)/pip install -e . $(PIP_QUIET)
	@$(BIN)/python -c "import flask, flask_smorest, psycopg"
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	@echo "Installing the test tools into $(VENV) (pip's output: $(PIPLOG))"
	@$(BIN)/pip install -e '.[dev]' $(PIP_QUIET)
	@$(BIN)/python -c "import pytest, xdist, pytest_timeout, hypothesis, schemathesis, playwright"
	@touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

run: install
	@$(BIN)/python -c "import socket,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); \
	  r=s.connect_ex(('$(HOST)', $(PORT))); sys.exit('Port $(PORT) on $(HOST) is taken: stop what uses it, or run PORT=5001 make run' if r==0 else 0)"
	$(BIN)/flask ledger init-db
	$(BIN)/flask ledger seed-demo --if-empty
	@$(BIN)/flask ledger demo-logins --url http://$(HOST):$(PORT)/
	@# honcho runs the Procfile: the web server and one delivery worker; Ctrl-C stops both.
	@# Links in mail (unsubscribe, settings) point at this server unless BATON_BASE_URL says otherwise.
	HOST=$(HOST) BATON_BASE_URL=$${BATON_BASE_URL:-http://$(HOST):$(PORT)} $(BIN)/honcho start --no-colour -f Procfile -p $(PORT)

# Lint, then the fast tests in parallel, then the heavy groups serially, then the browser;
# last, the proving tests' figures (build/guarantees/) against their floors (ops/guarantees.json).
test: install-test
	$(BIN)/ruff check .
	rm -rf build/guarantees
	$(PYTEST) -m "not heavy and not browser" -n 2 --dist loadgroup
	$(PYTEST) -m "heavy" ; status=$$?; [ $$status -eq 0 ] || [ $$status -eq 5 ]
	$(PYTEST) -m "browser" ; status=$$?; [ $$status -eq 0 ] || [ $$status -eq 5 ]
	$(BIN)/python -m ops.guarantees check

# Run only the tests that prove docs/GUARANTEES.md, rewrite it from their figures, check them.
guarantees: install-test
	rm -rf build/guarantees
	$(PYTEST) -m "not heavy and not browser" -n 2 --dist loadgroup $$($(BIN)/python -m ops.guarantees files)
	$(PYTEST) -m "heavy" $$($(BIN)/python -m ops.guarantees files)
	$(BIN)/python -m ops.guarantees write
	$(BIN)/python -m ops.guarantees check

test-fast: install-test
	$(PYTEST) -m "not heavy and not browser" -n 2 --dist loadgroup

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Translations: extract every marked string (templates' {% trans %} and _(), Python's _, _l,
# N_ and Phrase) into messages.pot, merge it into each language's messages.po, compile the
# .mo files the app reads. The .mo files are committed, so a fresh clone needs no step of
# its own; tests/web/test_catalogues.py fails when a .mo is older than its .po.
CATALOGUES := web/translations
translations: install
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -k Phrase -c Translators: \
	  --add-location=file --sort-by-file --no-wrap --project=Baton -o $(CATALOGUES)/messages.pot .
	$(BIN)/pybabel -q update -i $(CATALOGUES)/messages.pot -d $(CATALOGUES) --no-wrap --ignore-obsolete --no-fuzzy-matching
	$(BIN)/pybabel -q compile -d $(CATALOGUES) --statistics

screenshots:
	mkdir -p docs/screenshots
	cp build/screenshots/*.png docs/screenshots/

# Benchmarks (issue 11), not tests: each figure beside a baseline from the same run; the table
# is printed and written to build/bench.json. Needs wrk (installed here with apt-get when
# missing and run as root; otherwise the award scenarios are skipped, saying so) and pgbench;
# PostgreSQL from BATON_BENCH_POSTGRES_URL (default the local server). See docs/PERFORMANCE.md.
bench: install-test wrk
	$(BIN)/python -m bench.run

bench-quick: install-test wrk
	$(BIN)/python -m bench.run --quick

wrk:
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && { \
		apt-get install -y -q wrk || { apt-get update -q && apt-get install -y -q wrk; }; \
		} >/dev/null 2>&1; } \
		|| echo "wrk is missing and could not be installed (apt-get install -y wrk as root):" \
		   "the award throughput scenarios will be skipped" >&2

clean:
	rm -rf $(VENV) build .pytest_cache .ruff_cache
