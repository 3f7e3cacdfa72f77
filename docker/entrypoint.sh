#!/bin/sh
# OMS container entrypoint: wait for PostgreSQL, optionally migrate (or wait for another
# container's migrations) and load demo data, then exec the command (gunicorn by default,
# or e.g. `celery -A oms worker`).
#
#   RUN_MIGRATIONS=1        run `manage.py migrate --noinput` before starting (the web service)
#   WAIT_FOR_MIGRATIONS=1   wait until no migrations are pending (worker, beat)
#   SEED_DEMO=1             run `manage.py seed_demo` (idempotent) after migrating
#   DB_WAIT_TIMEOUT=60      seconds to wait for the database (and for pending migrations)
#   SKIP_DB_WAIT=1          start without waiting for the database at all
set -eu

cd /app

log() { echo "[entrypoint] $*" >&2; }

timeout="${DB_WAIT_TIMEOUT:-60}"

if [ "${SKIP_DB_WAIT:-0}" != "1" ]; then
  # ensure_database connects to DATABASE_URL (creating the database if the server lacks it)
  # and fails with a clear message while the server is unreachable.
  log "waiting for the database (up to ${timeout}s)"
  start=$(date +%s)
  until python manage.py ensure_database --skip-checks >/dev/null 2>/tmp/ensure_database.err; do
    if [ $(( $(date +%s) - start )) -ge "$timeout" ]; then
      log "database still unreachable after ${timeout}s:"
      cat /tmp/ensure_database.err >&2
      exit 1
    fi
    sleep 2
  done
  log "database is up"
fi

if [ "${RUN_MIGRATIONS:-0}" = "1" ]; then
  log "applying migrations"
  python manage.py migrate --noinput
elif [ "${WAIT_FOR_MIGRATIONS:-0}" = "1" ]; then
  log "waiting for migrations to be applied (up to ${timeout}s)"
  start=$(date +%s)
  until python manage.py migrate --check --skip-checks >/dev/null 2>&1; do
    if [ $(( $(date +%s) - start )) -ge "$timeout" ]; then
      log "migrations still pending after ${timeout}s; starting anyway"
      break
    fi
    sleep 3
  done
fi

if [ "${SEED_DEMO:-0}" = "1" ]; then
  log "loading demo data"
  python manage.py seed_demo
fi

exec "$@"
