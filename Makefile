# grassroots — the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/grassroots
SCALE ?= medium
HOST ?= 127.0.0.1:8000
VENDOR := src/grassroots/static/vendor

.PHONY: run test install static chromium lint test-sqlite test-postgres bench bench-ingest messages clean fuzz

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the dependency list changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Front-end packages come from npm and are copied into static files: no CDN.
$(VENDOR)/.copied: node_modules/.package-lock.json
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx.min.js
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts.min.js
	touch $@

static: $(VENDOR)/.copied

# A local run is development mode, said explicitly: the default is production (https only, keys required).
run: export GRASSROOTS_ENV = development
run: install static
	$(BIN)/grassroots migrate --noinput
	$(BIN)/grassroots demo --scale $(SCALE)
	@echo "Serving on http://$(HOST)/  (admin: http://$(HOST)/admin/); periodic jobs run in 'grassroots beat' (log: var/beat.log)"
	@mkdir -p var; $(BIN)/grassroots beat > var/beat.log 2>&1 & beat=$$!; mqtt=; \
	  if [ -n "$$MQTT_URL" ] || grep -qs '^MQTT_URL=.' .env; then echo "MQTT readings are taken in by 'grassroots mqtt' (log: var/mqtt.log)"; \
	    $(BIN)/grassroots mqtt > var/mqtt.log 2>&1 & mqtt=$$!; fi; \
	  trap 'kill $$beat $$mqtt 2>/dev/null' EXIT INT TERM; $(BIN)/grassroots runserver $(HOST)

# Debian's chromium for the browser tests; never a downloaded browser.
chromium:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing Debian's chromium for the browser tests…"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) \
	    || echo "WARNING: could not install chromium; browser tests will be skipped"; \
	else echo "NOTE: chromium is not installed and this is not root: run 'sudo apt-get install chromium' to run the browser tests."; fi

# The layer contracts of docs/architecture.md ([tool.importlinter] in pyproject.toml) are part of the lint.
lint: install
	$(BIN)/ruff check src bench scripts
	PYTHONPATH=src $(BIN)/lint-imports --no-logo

test-sqlite: install static
	env -u DATABASE_URL $(BIN)/python -m pytest -q

test-postgres: install static
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_URL)'.rsplit('/',1)[0]+'/postgres', connect_timeout=3).close()" 2>/dev/null; then \
	  echo "== PostgreSQL at $(PG_URL): running the suite on PostgreSQL =="; \
	  DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest -q -m "not browser"; \
	else echo "== SKIPPED PostgreSQL tests: no PostgreSQL answers at $(PG_URL) (set PG_URL to point elsewhere) =="; fi

test: install static chromium lint
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

bench: install static
	$(BIN)/python bench/locate.py
	$(BIN)/python bench/locate.py --grids 10000
	$(BIN)/python bench/intake.py
	$(BIN)/python bench/audit.py
	@# The cockpit's goal is stated on PostgreSQL; without it the bench runs on SQLite and says so.
	@if $(BIN)/python -c "import psycopg; psycopg.connect('$(PG_URL)'.rsplit('/',1)[0]+'/postgres', connect_timeout=3).close()" 2>/dev/null; then \
	  DATABASE_URL=$(PG_URL) $(BIN)/python bench/cockpit.py; else $(BIN)/python bench/cockpit.py; fi
	$(MAKE) --no-print-directory bench-ingest

# Observations/s into PostgreSQL by COPY, the HTTP batch API (gunicorn) and MQTT (Mosquitto on 127.0.0.1:1883);
# it needs both and says so when either does not answer.
bench-ingest: install
	$(BIN)/python bench/ingest.py

# The API contract (schemathesis, every check, as staff and as a resident) with a larger budget than `make test`.
FUZZ_EXAMPLES ?= 100
fuzz: install
	GRASSROOTS_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) env -u DATABASE_URL $(BIN)/python -m pytest -q -s -p no:logging \
	  src/grassroots/site/tests/test_api_contract.py

messages: export GRASSROOTS_ENV = development
messages: install
	cd src/grassroots && ../../$(BIN)/grassroots makemessages -l en --no-obsolete && ../../$(BIN)/grassroots compilemessages -l en

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var
