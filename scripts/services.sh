#!/usr/bin/env bash
# Starts what the test suite needs beyond Python, on loopback only, installing Debian's
# packages when they are missing: PostgreSQL (127.0.0.1:5432, user/password postgres,
# database knowledgehub), Redis (127.0.0.1:6379) and Chromium for the browser tests.
# Safe to run twice. `scripts/services.sh stop` stops what it started.
#
# Without root (or apt-get), it cannot install: it then says what to install or set instead.
set -euo pipefail

PGDATABASE=${PGDATABASE:-knowledgehub}
REDIS_PORT=${REDIS_PORT:-6379}
STATE=${SERVICES_STATE:-/tmp/knowledgehub-services}
mkdir -p "$STATE"

explain() {
  cat >&2 <<MSG
services: $1
The tests need PostgreSQL and Redis on this machine and Debian's Chromium at /usr/bin/chromium.
Either run 'make test' as root on Debian/Ubuntu (it installs postgresql, redis-server,
chromium and chromium-driver with apt-get), or install them yourself and start them, then
point the tests at them, e.g.:
  make test TEST_DATABASE_URL=postgres://user:pass@127.0.0.1:5432/knowledgehub TEST_REDIS_URL=redis://127.0.0.1:6379/15
MSG
  exit 1
}

if [ "${1:-}" = stop ]; then
  [ -f "$STATE/redis.pid" ] && kill "$(cat "$STATE/redis.pid")" 2>/dev/null || true
  if command -v pg_lsclusters >/dev/null 2>&1; then
    v=$(pg_lsclusters -h | awk 'NR==1{print $1}')
    [ -n "$v" ] && pg_ctlcluster "$v" main stop 2>/dev/null || true
  fi
  exit 0
fi

need=()
command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/chromedriver ] || need+=(chromium-driver)

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    explain "missing ${need[*]} and cannot install them (needs root and apt-get)."
  fi
  echo "services: installing ${need[*]} (Debian packages)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi

# PostgreSQL: a cluster of the installed version, started without systemd.
v=$(pg_lsclusters -h | awk 'NR==1{print $1}')
if [ -z "$v" ]; then
  v=$(ls /usr/lib/postgresql | sort -n | tail -1)
  pg_createcluster "$v" main >/dev/null
fi
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  [ "$(id -u)" = 0 ] || explain "PostgreSQL is installed but not running, and starting it needs root."
  pg_ctlcluster "$v" main start 2>/dev/null || true
  for _ in $(seq 1 60); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
fi
pg_isready -q -h 127.0.0.1 -p 5432 || explain "PostgreSQL did not start on 127.0.0.1:5432."
if [ "$(id -u)" = 0 ]; then
  runuser -u postgres -- psql -qc "ALTER USER postgres PASSWORD 'postgres';" >/dev/null
  runuser -u postgres -- psql -tAc "SELECT 1 FROM pg_database WHERE datname='$PGDATABASE'" | grep -q 1 \
    || runuser -u postgres -- createdb "$PGDATABASE"
fi

# Redis: a throwaway instance with persistence off.
if ! redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; then
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --save '' --appendonly no \
    --pidfile "$STATE/redis.pid" --logfile "$STATE/redis.log"
  for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && break; sleep 0.2; done
fi
redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG || explain "Redis did not start on 127.0.0.1:$REDIS_PORT."

echo "services: PostgreSQL $v on 127.0.0.1:5432 (database $PGDATABASE), Redis on 127.0.0.1:$REDIS_PORT, Chromium at /usr/bin/chromium"
