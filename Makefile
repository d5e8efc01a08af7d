# Warta: `make run` sets up and starts everything; `make test` sets up and runs the suite.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha1sum | cut -c1-12)
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: run setup install messages test test-postgres lint bench demo clean

$(STAMP): requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 tidak ditemukan (Python 3.11 not found)"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@rm -f $(VENV)/.installed-*; touch $(STAMP)

install: $(STAMP)

messages: install
	@command -v msgfmt >/dev/null || { apt-get install -y -qq gettext >/dev/null 2>&1 || true; }
	@# KDE's KHolidays (Debian) carries Indonesia's commemoration days for the calendar (ADR 0026); best effort.
	@compgen -G '/usr/lib/*/libKF[56]Holidays.so.*' >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libkf5holidays5 >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libkf5holidays5 >/dev/null 2>&1; } || true; }
	cd warta && ../$(BIN)/warta compilemessages -v0

setup: messages
	$(BIN)/warta migrate --noinput -v0
	$(BIN)/warta createcachetable
	$(BIN)/warta collectstatic --noinput -v0
	$(BIN)/warta demo

run: setup
	@$(BIN)/warta demo --info
	$(BIN)/honcho --procfile Procfile --no-prefix start

test: messages
	WARTA_TESTING=1 WARTA_TASKS_EAGER=1 $(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/warta makemigrations --check --dry-run -v0
	$(BIN)/lint-imports

bench: messages
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var
