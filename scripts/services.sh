#!/usr/bin/env bash
# Find (or start) the services OMS needs and print `export` lines for them:
#   eval "$(scripts/services.sh)"
#
# PostgreSQL: $DATABASE_URL if set; else the server on 127.0.0.1:5432; else a project-local
#             cluster under .local/pg (initialised and started on port 54329).
# Redis:      $REDIS_URL if set; else the server on 127.0.0.1:6379; else a project-local
#             redis-server under .local/redis (port 63790); else none — Celery then runs
#             tasks in-process (the embedded mode), which the app announces at start.
# Messages go to stderr so that stdout stays a list of exports.
set -u
cd "$(dirname "$0")/.."
here=$(pwd)
say() { echo "[services] $*" >&2; }

# ---- PostgreSQL -----------------------------------------------------------------------
if [ -n "${DATABASE_URL:-}" ]; then
  say "PostgreSQL: using DATABASE_URL"
elif pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  DATABASE_URL="postgres://postgres@127.0.0.1:5432/oms"
  say "PostgreSQL: local server on 127.0.0.1:5432"
else
  bindir=""
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV) /usr/local/bin /usr/bin; do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then bindir=$d; break; fi
  done
  if [ -z "$bindir" ]; then
    say "error: no PostgreSQL found. Set DATABASE_URL, start a server on 127.0.0.1:5432,"
    say "       or install PostgreSQL (apt-get install postgresql) so a local cluster can be made."
    exit 1
  fi
  data="$here/.local/pg"
  runas=()
  if [ "$(id -u)" = "0" ]; then
    # initdb refuses to run as root: run the project cluster as the 'postgres' user.
    runas=(runuser -u postgres --)
    mkdir -p "$here/.local" && chmod 755 "$here/.local"
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    say "PostgreSQL: initialising a project-local cluster in .local/pg"
    mkdir -p "$data"
    [ ${#runas[@]} -gt 0 ] && chown postgres "$data"
    "${runas[@]}" "$bindir/initdb" -D "$data" -U postgres -A trust >/dev/null || exit 1
  fi
  if ! pg_isready -q -h 127.0.0.1 -p 54329 2>/dev/null; then
    say "PostgreSQL: starting the project-local cluster on 127.0.0.1:54329"
    "${runas[@]}" "$bindir/pg_ctl" -D "$data" -l "$data/server.log" -w \
      -o "-p 54329 -c listen_addresses=127.0.0.1 -k $data" start >/dev/null || exit 1
  fi
  DATABASE_URL="postgres://postgres@127.0.0.1:54329/oms"
fi
echo "export DATABASE_URL='$DATABASE_URL'"

# ---- Redis ----------------------------------------------------------------------------
if [ -n "${REDIS_URL:-}" ]; then
  say "Redis: using REDIS_URL"
elif redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  REDIS_URL="redis://127.0.0.1:6379/0"
  say "Redis: local server on 127.0.0.1:6379"
elif command -v redis-server >/dev/null 2>&1; then
  mkdir -p "$here/.local/redis"
  if ! redis-cli -h 127.0.0.1 -p 63790 ping >/dev/null 2>&1; then
    say "Redis: starting a project-local redis-server on 127.0.0.1:63790"
    redis-server --daemonize yes --bind 127.0.0.1 --port 63790 --save "" --appendonly no \
      --dir "$here/.local/redis" --logfile "$here/.local/redis/redis.log" >/dev/null
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      redis-cli -h 127.0.0.1 -p 63790 ping >/dev/null 2>&1 && break; sleep 0.3
    done
  fi
  REDIS_URL="redis://127.0.0.1:63790/0"
else
  REDIS_URL=""
  say "Redis: none found — Celery runs tasks in-process (embedded mode); no worker or beat."
fi
echo "export REDIS_URL='$REDIS_URL'"
