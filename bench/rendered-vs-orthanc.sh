#!/usr/bin/env bash
# Rendered pictures: Portico (DICOMweb .../instances/{sop}/rendered) against Orthanc (its REST API's
# /instances/{id}/rendered; Debian package, default settings), same instances, same client (bench/rendered-fetch.py),
# in one run. Two corpora, each on fresh servers: the first 100 CT-like 512x512 16-bit images of bench/make-corpus.py,
# native, and the same images compressed with DCMTK's dcmcjpeg as JPEG Lossless (SV1), which both servers decode.
# Each corpus is fetched once untimed (warm-up), then three times: with each image's default window on 1 stream, then
# with a window (40,400) on 1 stream and on 4 streams. Prints pictures/s, the median and 95th percentile of one request, and each server's peak RSS.
# Usage: bench/rendered-vs-orthanc.sh [CORPUS_DIR]   (installs orthanc, dcmtk and python3-pydicom as root)
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-bench/corpus}
. bench/lib.sh
bench_install orthanc dcmtk pydicom gcc
[ -d "$corpus/ct" ] || /usr/bin/python3 bench/make-corpus.py "$corpus"
bench_workdir

mkdir -p "$work/native" "$work/jpeg-lossless"
for f in $(ls "$corpus"/ct/*.dcm | sort | head -n 100); do
  cp "$f" "$work/native/"
  dcmcjpeg +e1 "$f" "$work/jpeg-lossless/$(basename "$f")"
done

bench_publish
export TCP_NODELAY=1
for corpus_name in native jpeg-lossless; do
  pport=$(free_port); oport=$(free_port)
  start_portico "$corpus_name" "$pport"
  start_orthanc "$corpus_name" "$oport" "$(free_port)"
  /usr/bin/python3 bench/http-upload.py portico "http://127.0.0.1:$pport" "$bench_key" "$work/$corpus_name/*.dcm" 4 >/dev/null
  /usr/bin/python3 bench/http-upload.py orthanc "http://127.0.0.1:$oport" - "$work/$corpus_name/*.dcm" 4 >/dev/null
  # One pass each first, not timed: a fresh server's first requests pay for starting up (Portico: the JIT compiler).
  /usr/bin/python3 bench/rendered-fetch.py portico "http://127.0.0.1:$pport" "$bench_key" 1 >/dev/null
  /usr/bin/python3 bench/rendered-fetch.py orthanc "http://127.0.0.1:$oport" - 1 >/dev/null
  for run in "1" "1 40,400" "4 40,400"; do
    read -r streams window <<<"$run"
    echo "==> $corpus_name, ${streams} stream(s), window ${window:-(default)}"
    /usr/bin/python3 bench/rendered-fetch.py portico "http://127.0.0.1:$pport" "$bench_key" "$streams" ${window:+"$window"}
    /usr/bin/python3 bench/rendered-fetch.py orthanc "http://127.0.0.1:$oport" - "$streams" ${window:+"$window"}
  done
  echo "    peak RSS: Portico $(peak "$portico_pid") MiB, Orthanc $(peak "$orthanc_pid") MiB"
  stop "$portico_pid" "$orthanc_pid"
done
