#!/usr/bin/env bash
# The Study List's first page with 100,000 studies in the SQLite index: target under 1 s, both for the API and for the
# page in Chromium.
#   1. builds Portico.Web, the seeder (bench/Portico.Benchmarks seed-index) and the page timer (bench/Portico.PageTiming);
#   2. seeds a data directory: 100,000 studies, 60,000 patients, ~300,000 series, 1,000,000 instances, no blobs, through
#      direct SQL inserts into the real schema (or copies a seeded one with --index DIR);
#   3. starts Portico on 127.0.0.1 (free port, bootstrap admin and API key), waits for /health/ready and for the SQLite
#      planner statistics the server gathers at start;
#   4. times GET /api/studies?page=1 with curl (first request, then the median of 20), and the page / in Chromium from
#      the navigation's start until the first row is visible and until the list is interactive (median of 10 runs).
# Exits 1 when a median misses 1 s.
# Usage: bench/study-list-100k.sh [--studies N] [--index DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
studies=100000
index=
while [ $# -gt 0 ]; do
  case "$1" in
    --studies) studies=$2; shift 2 ;;
    --index) index=$2; shift 2 ;;
    *) echo "usage: $0 [--studies N] [--index DIR]" >&2; exit 2 ;;
  esac
done

work=$(mktemp -d)
cleanup() { [ -n "${portico_pid:-}" ] && kill "$portico_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
key=bench-key-0123456789abcdef
email=bench@portico.local
password='bench password 0123456789'

echo "==> building Portico.Web, the seeder and the page timer (Release)"
dotnet build src/Portico.Web -c Release -nologo -v quiet >/dev/null
dotnet build bench/Portico.Benchmarks -c Release -nologo -v quiet >/dev/null
dotnet build bench/Portico.PageTiming -c Release -nologo -v quiet >/dev/null
seed() { dotnet artifacts/bin/Portico.Benchmarks/release/Portico.Benchmarks.dll seed-index "$1" --studies "$studies"; }

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
dotnet run --no-build -c Release --project src/Portico.Web -- --urls "http://127.0.0.1:$port" --Portico:DataDirectory="$data" \
  --Portico:Bootstrap:ApiKey=$key --Portico:Bootstrap:AdminEmail=$email --Portico:Bootstrap:AdminPassword="$password" \
  --Portico:Dicom:ListenAddress=127.0.0.1 --Portico:Dicom:Port=0 --Portico:Dicom:TlsPort=0 --Logging:LogLevel:Default=Warning >"$work/portico.log" 2>&1 &
portico_pid=$!
for _ in $(seq 1 1200); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.05; done
curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null || { cat "$work/portico.log"; exit 1; }
echo "==> ready after $(echo "$(date +%s.%N) - $started" | bc | xargs printf '%.1f') s (start-up includes index recovery)"
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

status=0
echo "==> GET /api/studies?page=1"
url="http://127.0.0.1:$port/api/studies?page=1"
times=()
for i in $(seq 0 20); do
  t=$(curl -s -o "$work/page.json" -w '%{time_total}' -H "Authorization: Bearer $key" "$url")
  times+=("$t")
done
total=$(/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["total"], len(d["items"]))' "$work/page.json")
median=$(printf '%s\n' "${times[@]:1}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
printf '    first request %.0f ms; median of 20 %.0f ms (total, rows: %s)\n' \
  "$(echo "${times[0]} * 1000" | bc)" "$(echo "$median * 1000" | bc)" "$total"
[ "$(echo "$median < 1" | bc)" = 1 ] || status=1

echo "==> the Study List page / in Chromium"
dotnet artifacts/bin/Portico.PageTiming/release/Portico.PageTiming.dll "http://127.0.0.1:$port" "$email" "$password" / 10 || status=1
echo "==> the page sorted by patient name, /?sort=patientName"
dotnet artifacts/bin/Portico.PageTiming/release/Portico.PageTiming.dll "http://127.0.0.1:$port" "$email" "$password" "/?sort=patientName" 5 || status=1
kill "$portico_pid"; wait "$portico_pid" 2>/dev/null || true
portico_pid=
exit $status
