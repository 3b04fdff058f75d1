#!/usr/bin/env bash
# C-STORE throughput: each corpus sent in ONE association by DCMTK storescu into Portico (its DICOM port, through the
# ingest pipeline, durable), into Orthanc (Debian package, default settings, SQLite index, durable) and into DCMTK
# storescp (writes files, keeps no index and does not flush to disk: the raw reference), in one run on this machine.
# Prints instances/s, MB/s and each receiver's peak RSS side by side, the maximum PDU length each receiver announced,
# and the disk's sequential write speed with fdatasync (the ultrasound target is 80% of it).
# Corpora: bench/make-corpus.py (300 CT-like 512x512 16-bit; 40 multi-frame ultrasound loops of about 18 MB;
# 5,000 small files across 50 studies).
# Each server is started fresh per corpus. For the small and CT corpora it then gets a second corpus of the same kind
# (other UIDs, CORPUS_DIR-second): that second pass is the steady state of a server that has been running, the first
# includes a fresh process's warm-up (for Portico, the JIT compiler). Orthanc gets the same two passes.
# Usage: bench/cstore-vs-peers.sh [CORPUS_DIR] [CORPORA...]   (installs orthanc, dcmtk and python3-pydicom as root)
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-bench/corpus}
shift || true
corpora=("$@")
[ ${#corpora[@]} -gt 0 ] || corpora=(ct us small)
missing=()
command -v Orthanc >/dev/null || missing+=(orthanc)
{ [ -x /usr/bin/gcc ] && [ -f /usr/include/dlfcn.h ]; } || missing+=(gcc libc6-dev)
command -v storescu >/dev/null || missing+=(dcmtk)
[ -d /usr/lib/python3/dist-packages/pydicom ] || missing+=(python3-pydicom)
if [ ${#missing[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
[ -d "$corpus/us" ] || /usr/bin/python3 bench/make-corpus.py "$corpus"
second="$corpus-second"
if [ ! -d "$second/small" ]; then
  /usr/bin/python3 bench/make-corpus.py "$second"
  rm -rf "$second/us" # the ultrasound loops are one pass: 40 large files, throughput-bound
fi

work=$(mktemp -d)
# storescp and Orthanc 1.10 cannot be told which address to listen on: scripts/loopback-bind.c keeps them on 127.0.0.1.
gcc -shared -fPIC -O2 -o "$work/libportico-loopback.so" scripts/loopback-bind.c -ldl
loopback="$work/libportico-loopback.so"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
peak() { awk '/VmHWM/ {print int($2/1024)}' "/proc/$1/status"; }
key=bench-key-0123456789abcdef
# DCMTK leaves Nagle on unless told (DESIGN.md, performance notes): without this the peers' figures measure TCP.
export TCP_NODELAY=1

echo "==> disk: sequential write with fdatasync"
dd if=/dev/zero of="$work/dd.bin" bs=1M count=1024 conv=fdatasync 2>&1 | tail -n 1
rm -f "$work/dd.bin"

dotnet publish src/Portico.Web -c Release -o "$work/portico" --artifacts-path "$work/artifacts" -nologo -v quiet >/dev/null

# send NAME PORT AEC DIR PID: one storescu association with every file of DIR; prints a result line.
send() {
  local name=$1 port=$2 aec=$3 dir=$4 pid=$5
  local files bytes start end
  files=$(find "$dir" -name '*.dcm' | wc -l)
  bytes=$(find "$dir" -name '*.dcm' -printf '%s\n' | awk '{s+=$1} END {print s}')
  # Every receiver gets a sender that reads the files from the page cache: otherwise the first receiver of a corpus
  # (Portico) waits for storescu's reads from disk and the later ones do not (measured: 598 against 871 inst/s).
  find "$dir" -name '*.dcm' -exec cat {} + >/dev/null
  # What the previous receiver left dirty (storescp never flushes) must not be written back during this run.
  sync
  start=$(date +%s.%N)
  storescu -aet BENCH -aec "$aec" +sd +r -q 127.0.0.1 "$port" "$dir"
  end=$(date +%s.%N)
  awk -v n="$name" -v f="$files" -v b="$bytes" -v s="$start" -v e="$end" -v r="$(peak "$pid")" \
    'BEGIN { t=e-s; printf "    %-13s %6d files %8.1f inst/s %8.1f MB/s  %6.2f s  peak RSS %d MiB\n", n, f, f/t, b/t/1e6, t, r }'
}

for name in "${corpora[@]}"; do
  dir="$corpus/$name"
  echo "==> $name ($(find "$dir" -name '*.dcm' | wc -l) files, $(du -sh "$dir" | cut -f1))"

  # Portico: a DICOM Identity for the sender, then one association.
  hport=$(free_port); dport=$(free_port); tport=$(free_port)
  mkdir -p "$work/p-$name"
  (cd "$work/p-$name" && exec dotnet "$work/portico/Portico.Web.dll" --urls "http://127.0.0.1:$hport" \
      --Portico:Bootstrap:ApiKey=$key --Portico:Dicom:Port="$dport" --Portico:Dicom:TlsPort="$tport" \
      --Portico:Dicom:ListenAddress=127.0.0.1 --Logging:LogLevel:Default=Warning >"$work/p-$name.log" 2>&1) &
  ppid_=$!; pids+=("$ppid_")
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$hport/health/ready" >/dev/null && break; sleep 0.3; done
  curl -sf -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
    -d '{"name":"Benchmark","aeTitle":"BENCH","allowedOperations":["C-ECHO","C-STORE"]}' \
    "http://127.0.0.1:$hport/api/dicom-identities" >/dev/null
  send Portico "$dport" PORTICO "$dir" "$ppid_"
  [ ! -d "$second/$name" ] || send "Portico 2nd" "$dport" PORTICO "$second/$name" "$ppid_"
  kill "$ppid_"; wait "$ppid_" 2>/dev/null || true

  # Orthanc: Debian package, default settings (accepts any calling AE, fsyncs every instance).
  oport=$(free_port); odport=$(free_port)
  mkdir -p "$work/o-$name"
  cat >"$work/o-$name/orthanc.json" <<JSON
{ "Name": "bench", "StorageDirectory": "$work/o-$name/db", "IndexDirectory": "$work/o-$name/db",
  "HttpPort": $oport, "DicomPort": $odport, "DicomAet": "ORTHANC", "HttpBindAddress": "127.0.0.1",
  "RemoteAccessAllowed": false, "AuthenticationEnabled": false, "Plugins": [] }
JSON
  LD_PRELOAD="$loopback" Orthanc "$work/o-$name/orthanc.json" >"$work/o-$name.log" 2>&1 &
  opid=$!; pids+=("$opid")
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$oport/system" >/dev/null && break; sleep 0.3; done
  send Orthanc "$odport" ORTHANC "$dir" "$opid"
  [ ! -d "$second/$name" ] || send "Orthanc 2nd" "$odport" ORTHANC "$second/$name" "$opid"
  kill "$opid"; wait "$opid" 2>/dev/null || true

  # storescp: files only, no index, no fsync. Default maximum PDU (16 KiB) and the largest DCMTK allows (128 KiB).
  for pdu in 16384 131072; do
    sport=$(free_port)
    mkdir -p "$work/s-$name-$pdu"
    LD_PRELOAD="$loopback" storescp --max-pdu "$pdu" -aet STORESCP -od "$work/s-$name-$pdu" -q "$sport" &
    spid=$!; pids+=("$spid")
    sleep 0.5
    send "storescp/$((pdu / 1024))K" "$sport" STORESCP "$dir" "$spid"
    kill "$spid"; wait "$spid" 2>/dev/null || true
  done
  # Nothing is deleted until the end: on ext4 without a journal (as on the machines measured) a file created shortly
  # after many were deleted costs a scan over their inodes, so whichever receiver ran next would pay for the deletion.
done
echo "Portico announces its Portico:Dicom:MaxPduLength (see docs/dicom-conformance.md); Orthanc announces 16 KiB by default."
