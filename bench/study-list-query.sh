#!/usr/bin/env bash
# Study List query latency on a large SQLite index, end to end over HTTP against the published server.
#   1. publishes Portico.Web (Release) and builds the seeder (bench/Portico.Benchmarks seed-index);
#   2. seeds a temp data directory: 100,000 studies, 60,000 patients, ~300,000 series, 1,000,000 instances (no blobs);
#   3. starts Portico on 127.0.0.1 (free port, bootstrap API key), times start-up until /health/ready (it includes
#      index recovery, which reads every instance row), waits for the SQLite planner statistics the server gathers at
#      start, then runs bench/study-list-query.py: warm-up, then 300 sequential requests per query on one keep-alive
#      connection, p50/p95/p99 per query; and prints the server's memory.
# Target: the default first page (50 newest) at p95 < 50 ms; the script exits 1 when it is missed.
# Usage: bench/study-list-query.sh [--studies N] [--requests N] [--index DIR]
#   --index DIR  seed DIR once (if it holds no portico.db yet) and copy it for each run, instead of seeding anew.
set -euo pipefail
cd "$(dirname "$0")/.."
studies=100000
requests=300
index=
while [ $# -gt 0 ]; do
  case "$1" in
    --studies) studies=$2; shift 2 ;;
    --requests) requests=$2; shift 2 ;;
    --index) index=$2; shift 2 ;;
    *) echo "usage: $0 [--studies N] [--requests N] [--index DIR]" >&2; exit 2 ;;
  esac
done

work=$(mktemp -d)
cleanup() { [ -n "${portico_pid:-}" ] && kill "$portico_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
key=bench-key-0123456789abcdef

echo "==> publishing Portico.Web and building the seeder (Release)"
dotnet publish src/Portico.Web -c Release -o "$work/portico" --artifacts-path "$work/artifacts" -nologo -v quiet >/dev/null
dotnet build bench/Portico.Benchmarks -c Release --artifacts-path "$work/artifacts" -nologo -v quiet >/dev/null
seed() { dotnet "$work/artifacts/bin/Portico.Benchmarks/release/Portico.Benchmarks.dll" seed-index "$1" --studies "$studies"; }

data="$work/data"
if [ -n "$index" ]; then
  [ -f "$index/portico.db" ] || { echo "==> seeding $index"; seed "$index"; }
  mkdir -p "$data" && cp "$index/portico.db" "$data/"
else
  echo "==> seeding $data"
  seed "$data"
fi

port=$(free_port)
started=$(date +%s.%N)
dotnet "$work/portico/Portico.Web.dll" --urls "http://127.0.0.1:$port" --Portico:DataDirectory="$data" \
  --Portico:Bootstrap:ApiKey=$key --Portico:Dicom:ListenAddress=127.0.0.1 --Portico:Dicom:Port=0 --Portico:Dicom:TlsPort=0 \
  --Logging:LogLevel:Default=Warning \
  --Logging:LogLevel:Portico.Index=Information --Logging:LogLevel:Portico.Ingest=Information >"$work/portico.log" 2>&1 &
portico_pid=$!
for _ in $(seq 1 1200); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.05; done
curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null || { cat "$work/portico.log"; exit 1; }
echo "==> ready after $(echo "$(date +%s.%N) - $started" | bc | xargs printf '%.1f') s (start-up includes index recovery)"
# The server analyzes the new index in the background at start (SqlitePlannerStatistics); measure with statistics.
/usr/bin/python3 - "$data/portico.db" <<'PY'
import sqlite3, sys, time
for _ in range(600):
    with sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True) as db:
        if db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone()[0] and \
           db.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'Studies'").fetchone()[0]:
            break
    time.sleep(0.1)
else:
    sys.exit("no planner statistics after 60 s")
PY
grep -h "planner statistics\|Index recovery" "$work/portico.log" | sed 's/^ */    /' || true

echo "==> GET /api/studies, $requests requests per query"
status=0
/usr/bin/python3 bench/study-list-query.py "http://127.0.0.1:$port" $key "$studies" "$requests" || status=$?
# RssFile counts the memory-mapped index (SQLite mmap, the OS page cache, once per connection): not private memory.
echo "    server memory: $(awk '/VmHWM|RssAnon|RssFile/ {printf "%s %d MiB  ", $1, $2/1024}' "/proc/$portico_pid/status")"
kill "$portico_pid"; wait "$portico_pid" 2>/dev/null || true
portico_pid=
exit $status
