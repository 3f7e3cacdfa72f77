# OMS — two commands: `make run` (set up and serve with demo data) and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
SERVICES := eval "$$(scripts/services.sh)"

.PHONY: help run test test-fast bench venv deps db messages check clean

help:
	@echo "make run    - set up everything and serve http://127.0.0.1:8000 with demo data"
	@echo "make test   - run the whole test suite (PostgreSQL, Celery worker on Redis, Chromium)"
	@echo "make bench  - run the benchmarks under bench/ and write bench/results/latest.json"

$(PY):
	@interp=$$(scripts/python.sh) || exit 1; \
	echo "Creating $(VENV) with $$interp"; \
	"$$interp" -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install -qq --upgrade pip
	$(PY) -m pip install -qq '.[dev]'
	touch $@

venv deps: $(VENV)/.installed

db: deps
	@$(SERVICES) && $(PY) manage.py ensure_database && $(PY) manage.py migrate --noinput

run: deps
	@set -e; mkdir -p .local; $(SERVICES); \
	$(PY) manage.py ensure_database; \
	$(PY) manage.py migrate --noinput; \
	$(PY) manage.py seed_demo; \
	if [ -n "$$REDIS_URL" ]; then \
	  exec $(VENV)/bin/honcho -f Procfile.dev start; \
	else \
	  echo "NOTICE: no Redis — Celery tasks run in-process; no worker or beat is started."; \
	  exec $(PY) manage.py runserver 127.0.0.1:8000; \
	fi

test: deps
	@set -e; $(SERVICES); \
	$(PY) manage.py ensure_database; \
	$(PY) -m pytest $(PYTEST_ARGS)

bench: deps
	@set -e; $(SERVICES); $(PY) manage.py ensure_database; $(PY) bench/run.py

messages: deps
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=.local --ignore=static
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

check: deps
	@$(SERVICES) && $(PY) manage.py check && DJANGO_DEBUG=false DJANGO_SECRET_KEY=check-only-$$RANDOM$$RANDOM$$RANDOM$$RANDOM$$RANDOM DJANGO_ALLOWED_HOSTS=oms.example.com $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
