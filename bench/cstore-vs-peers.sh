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
. bench/lib.sh
bench_install orthanc dcmtk pydicom gcc
bench_corpora "$corpus"
bench_workdir
# DCMTK leaves Nagle on unless told (DESIGN.md, performance notes): without this the peers' figures measure TCP.
export TCP_NODELAY=1

bench_disk
bench_publish

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
  hport=$(free_port); dport=$(free_port)
  start_portico "$name" "$hport" --Portico:Dicom:Port="$dport"
  curl -sf -H "Authorization: Bearer $bench_key" -H 'Content-Type: application/json' \
    -d '{"name":"Benchmark","aeTitle":"BENCH","allowedOperations":["C-ECHO","C-STORE"]}' \
    "http://127.0.0.1:$hport/api/dicom-identities" >/dev/null
  send Portico "$dport" PORTICO "$dir" "$portico_pid"
  [ ! -d "$second/$name" ] || send "Portico 2nd" "$dport" PORTICO "$second/$name" "$portico_pid"
  stop "$portico_pid"

  # Orthanc: Debian package, default settings (accepts any calling AE, fsyncs every instance).
  odport=$(free_port)
  start_orthanc "$name" "$(free_port)" "$odport"
  send Orthanc "$odport" ORTHANC "$dir" "$orthanc_pid"
  [ ! -d "$second/$name" ] || send "Orthanc 2nd" "$odport" ORTHANC "$second/$name" "$orthanc_pid"
  stop "$orthanc_pid"

  # storescp: files only, no index, no fsync. Default maximum PDU (16 KiB) and the largest DCMTK allows (128 KiB).
  for pdu in 16384 131072; do
    sport=$(free_port)
    mkdir -p "$work/s-$name-$pdu"
    LD_PRELOAD="$loopback" storescp --max-pdu "$pdu" -aet STORESCP -od "$work/s-$name-$pdu" -q "$sport" &
    spid=$!; bench_pids+=("$spid")
    sleep 0.5
    send "storescp/$((pdu / 1024))K" "$sport" STORESCP "$dir" "$spid"
    stop "$spid"
  done
  # Nothing is deleted until the end: on ext4 without a journal (as on the machines measured) a file created shortly
  # after many were deleted costs a scan over their inodes, so whichever receiver ran next would pay for the deletion.
done
echo "Portico announces its Portico:Dicom:MaxPduLength (see docs/dicom-conformance.md); Orthanc announces 16 KiB by default."
