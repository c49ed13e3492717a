# Tỉnh Số front door. Every target installs what it needs from the lock first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export DJANGO_SETTINGS_MODULE ?= tinhso.config.base

.PHONY: install run second-node serve test lint format typecheck bench messages openapi clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e . || \
	  $(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# Install, migrate the embedded SQLite database, load the demo province, start the
# background worker and the periodic jobs (var/worker.log, var/periodic.log) and serve
# http://127.0.0.1:8000.
run: install
	@mkdir -p var
	DEBUG=$${DEBUG:-true} $(BIN)/tinhso migrate --noinput
	DEBUG=$${DEBUG:-true} $(BIN)/tinhso seed --scale small
	DEBUG=$${DEBUG:-true} $(BIN)/tinhso demo_accounts
	@DEBUG=$${DEBUG:-true} $(BIN)/tinhso db_worker --no-startup-delay >var/worker.log 2>&1 & \
	  worker=$$!; \
	  DEBUG=$${DEBUG:-true} $(BIN)/tinhso periodic >var/periodic.log 2>&1 & \
	  periodic=$$!; trap "kill $$worker $$periodic 2>/dev/null" EXIT INT TERM; \
	  DEBUG=$${DEBUG:-true} $(BIN)/tinhso runserver 127.0.0.1:8000

# A second LGSP node (another province, Hậu Giang) beside the one `make run` serves: its own
# database, media and identity under var/node2/, peers registered both ways, served on
# http://localhost:8001 with its outbox worker (README, "Two nodes"). Run `make run` first.
second-node: install
	DEBUG=$${DEBUG:-true} $(BIN)/tinhso exchange second-node

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python scripts/check_messages.py

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The whole suite; with DATABASE_URL=postgres://… it runs on PostgreSQL.
test: lint
	DJANGO_SETTINGS_MODULE=tinhso.config.test $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/run.py

# Extract and compile the Vietnamese and English catalogs under src/tinhso/locale.
messages: install
	cd src/tinhso && DEBUG=true ../../$(BIN)/django-admin makemessages -l vi -l en --no-obsolete --ignore=tests --ignore="*/tests/*"
	$(BIN)/python scripts/check_messages.py --compile

openapi: install
	DEBUG=true $(BIN)/tinhso export_openapi > docs/openapi.json

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache
