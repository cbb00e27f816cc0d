# The two commands of the README: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3.12
VENV := .venv
BIN := $(VENV)/bin
# Development by default; production sets DEBUG=0 with SECRET_KEY and ALLOWED_HOSTS.
export DEBUG ?= 1
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run stop-db worker test lint format bench system-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet '.[dev]'
	touch $@

# axe-core for the accessibility tests; skipped where npm is absent (those tests then skip too).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --silent --no-audit --no-fund && touch $@; \
	else echo "npm not found: accessibility tests will be skipped"; fi

install: $(VENV)/.installed node_modules/.installed

# The app with the WSIS+20 demo on the embedded defaults (or DATABASE_URL / REDIS_URL when set):
# migrates, loads the demo, then runs the web server and a Celery worker until Ctrl-C.
# Ctrl-C reaches the server and the worker from the terminal; the trap then only waits for the
# worker's shutdown (signalling it again, or the whole group, would begin another). When the
# server stops by itself (or on TERM), the worker is stopped here.
run: install
	mkdir -p var
	$(BIN)/python manage.py migrate --no-input
	SITE_URL="$${SITE_URL:-http://$(HOST):$(PORT)}" $(BIN)/python manage.py load_demo
	@echo
	@echo "  Open http://$(HOST):$(PORT)/  (Ctrl-C stops the web server and the worker)"
	@echo
	@$(BIN)/celery -A wsis worker --beat --schedule var/celerybeat-schedule --loglevel=INFO \
		--concurrency=2 & worker=$$!; \
	finish() { wait $$worker 2>/dev/null; $(BIN)/python -m wsis.embedded; }; \
	trap 'trap - INT TERM EXIT; finish' INT; \
	trap 'trap - INT TERM EXIT; kill -TERM $$worker 2>/dev/null; finish' TERM EXIT; \
	$(BIN)/uvicorn wsis.asgi:application --host $(HOST) --port $(PORT) --reload || true

# Stops the embedded PostgreSQL that `make run` and `make test` leave running (data stays).
stop-db: install
	$(BIN)/python -m wsis.embedded --stop

worker: install
	$(BIN)/celery -A wsis worker --loglevel=INFO

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	$(BIN)/python -m bench

# Browsers, fonts for the six UN languages and PDF tools, from Debian's packages (needs root).
system-deps:
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		chromium fonts-noto-core fonts-noto-cjk poppler-utils \
		libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0

clean:
	rm -rf $(VENV) var
