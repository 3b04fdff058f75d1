#!/usr/bin/env bash
# Starts a private PostgreSQL server for the index tests and prints its connection string on stdout
# (everything else goes to stderr). Idempotent: when the server is already running it only prints the string.
#
#   export PORTICO_TEST_POSTGRES="$(scripts/start-postgres.sh)"   # start (installs postgresql as root if missing)
#   scripts/start-postgres.sh --stop                             # stop it
#
# The cluster lives in ${PORTICO_POSTGRES_DIR:-/tmp/portico-postgres} (created by initdb on first use), listens on
# 127.0.0.1 only, on a free port chosen at start, with password authentication for the superuser "portico".
# It is a throwaway test server: fsync is off. The tests create and drop their own databases in it.
set -euo pipefail

base="${PORTICO_POSTGRES_DIR:-/tmp/portico-postgres}"
data="$base/data"
user=portico

say() { echo "start-postgres: $*" >&2; }

find_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

bindir="$(find_bindir || true)"
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  if [ "$(id -u)" != 0 ]; then
    say "PostgreSQL is not installed; run as root so that it can be installed (apt-get install postgresql)"
    exit 1
  fi
  say "installing postgresql"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  bindir="$(find_bindir)"
fi

# initdb and postgres refuse to run as root: as root, run them as the package's postgres user.
if [ "$(id -u)" = 0 ]; then
  owner=postgres
  as_owner() { runuser -u postgres -- "$@"; }
else
  owner="$(id -un)"
  as_owner() { "$@"; }
fi

if [ "${1:-}" = "--stop" ]; then
  if [ -f "$data/postmaster.pid" ]; then
    as_owner "$bindir/pg_ctl" stop -D "$data" -m fast -s >&2
  fi
  exit 0
fi

mkdir -p "$base"
chmod 700 "$base"
if [ "$(id -u)" = 0 ]; then chown "$owner" "$base"; fi

if [ ! -s "$base/password" ]; then
  (umask 077 && head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$base/password")
  if [ "$(id -u)" = 0 ]; then chown "$owner" "$base/password"; fi
fi
password="$(cat "$base/password")"

if [ ! -f "$data/PG_VERSION" ]; then
  say "creating a cluster in $data"
  as_owner "$bindir/initdb" -D "$data" -U "$user" --pwfile="$base/password" -A scram-sha-256 \
    -E UTF8 --no-locale >"$base/initdb.log" 2>&1 || { cat "$base/initdb.log" >&2; exit 1; }
fi

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if ! as_owner "$bindir/pg_ctl" status -D "$data" >/dev/null 2>&1; then
  port=""
  for _ in $(seq 1 100); do
    candidate=$((20000 + RANDOM % 40000))
    if ! port_in_use "$candidate"; then port="$candidate"; break; fi
  done
  [ -n "$port" ] || { say "no free port found"; exit 1; }
  say "starting PostgreSQL on 127.0.0.1:$port"
  as_owner "$bindir/pg_ctl" start -D "$data" -l "$base/server.log" -w -s -o \
    "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$base -c fsync=off -c max_connections=200" \
    >&2 || { tail -n 20 "$base/server.log" >&2; exit 1; }
fi

# Line 4 of postmaster.pid is the port the running server listens on.
port="$(sed -n 4p "$data/postmaster.pid")"
echo "Host=127.0.0.1;Port=$port;Username=$user;Password=$password;Database=postgres"
