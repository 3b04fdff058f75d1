#!/usr/bin/env bash
# HTTP ingest: Portico (POST /api/instances) against Orthanc (POST /instances, Debian package, SQLite index,
# default durability), same corpus, same client (bench/http-upload.py, 4 keep-alive streams), in one run.
# Prints instances/s, MB/s and each server's peak RSS, plus the disk's sequential write speed with fdatasync.
# Corpora: bench/make-corpus.py (300 CT-like 512x512 16-bit; 40 multi-frame ultrasound loops of about 18 MB;
# 5,000 small files across 50 studies). The study-list query benchmark is bench/study-list-query.sh.
# Each server is started fresh per corpus. For the small and CT corpora it then gets a second corpus of the same kind
# (other UIDs, CORPUS_DIR-second): that second pass is the steady state of a server that has been running, the first
# includes a fresh process's warm-up (for Portico, the JIT compiler). Orthanc gets the same two passes.
# Usage: bench/ingest-vs-orthanc.sh [CORPUS_DIR]   (installs orthanc, dcmtk and python3-pydicom as root)
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-bench/corpus}
. bench/lib.sh
bench_install orthanc pydicom gcc
bench_corpora "$corpus"
bench_workdir
bench_disk
bench_publish
export TCP_NODELAY=1
# upload SERVER URL KEY GLOB: the benchmark's client, 4 streams, reading the files from the page cache for every server
# alike (otherwise the first server of a corpus, Portico, waits for the client's reads from disk and the next does not).
upload() {
  /usr/bin/python3 - "$4" <<'PY'
import glob, sys
for name in glob.glob(sys.argv[1], recursive=True):
    with open(name, "rb") as f:
        while f.read(1 << 20):
            pass
PY
  /usr/bin/python3 bench/http-upload.py "$1" "$2" "$3" "$4" 4
}
for corpus_name in ct us small; do
  glob="$corpus/$corpus_name/**/*.dcm"
  pport=$(free_port); oport=$(free_port)
  start_portico "$corpus_name" "$pport"
  start_orthanc "$corpus_name" "$oport" "$(free_port)"
  echo "==> $corpus_name: Portico"
  upload portico "http://127.0.0.1:$pport" "$bench_key" "$glob"
  if [ -d "$second/$corpus_name" ]; then
    echo "    second pass:"
    upload portico "http://127.0.0.1:$pport" "$bench_key" "$second/$corpus_name/**/*.dcm"
  fi
  echo "    peak RSS $(peak "$portico_pid") MiB"
  echo "==> $corpus_name: Orthanc"
  upload orthanc "http://127.0.0.1:$oport" - "$glob"
  if [ -d "$second/$corpus_name" ]; then
    echo "    second pass:"
    upload orthanc "http://127.0.0.1:$oport" - "$second/$corpus_name/**/*.dcm"
  fi
  echo "    peak RSS $(peak "$orthanc_pid") MiB"
  stop "$portico_pid" "$orthanc_pid"
done
