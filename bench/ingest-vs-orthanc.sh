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
missing=()
command -v Orthanc >/dev/null || missing+=(orthanc)
{ [ -x /usr/bin/gcc ] && [ -f /usr/include/dlfcn.h ]; } || missing+=(gcc libc6-dev)
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
# Orthanc 1.10 cannot be told which address its DICOM port listens on: scripts/loopback-bind.c keeps it on 127.0.0.1.
gcc -shared -fPIC -O2 -o "$work/libportico-loopback.so" scripts/loopback-bind.c -ldl
loopback="$work/libportico-loopback.so"
cleanup() { [ -n "${portico_pid:-}" ] && kill "$portico_pid" 2>/dev/null; [ -n "${orthanc_pid:-}" ] && kill "$orthanc_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
peak() { awk '/VmHWM/ {print int($2/1024) " MiB"}' "/proc/$1/status"; }

echo "==> disk: sequential write with fdatasync"
dd if=/dev/zero of="$work/dd.bin" bs=1M count=1024 conv=fdatasync 2>&1 | tail -n 1
rm -f "$work/dd.bin"

dotnet publish src/Portico.Web -c Release -o "$work/portico" --artifacts-path "$work/artifacts" -nologo -v quiet >/dev/null
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
  mkdir -p "$work/p-$corpus_name" "$work/o-$corpus_name"
  (cd "$work/p-$corpus_name" && exec dotnet "$work/portico/Portico.Web.dll" --urls "http://127.0.0.1:$pport" \
      --Portico:Bootstrap:ApiKey=bench-key-0123456789abcdef --Portico:Dicom:ListenAddress=127.0.0.1 --Portico:Dicom:Port=0 --Portico:Dicom:TlsPort=0 --Logging:LogLevel:Default=Warning >"$work/p-$corpus_name.log" 2>&1) &
  portico_pid=$!
  cat >"$work/o-$corpus_name/orthanc.json" <<JSON
{ "Name": "bench", "StorageDirectory": "$work/o-$corpus_name/db", "IndexDirectory": "$work/o-$corpus_name/db",
  "HttpPort": $oport, "DicomPort": $(free_port), "HttpBindAddress": "127.0.0.1", "RemoteAccessAllowed": false,
  "AuthenticationEnabled": false, "Plugins": [] }
JSON
  LD_PRELOAD="$loopback" Orthanc "$work/o-$corpus_name/orthanc.json" >"$work/o-$corpus_name.log" 2>&1 &
  orthanc_pid=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$pport/health/ready" >/dev/null && curl -sf "http://127.0.0.1:$oport/system" >/dev/null && break; sleep 0.3; done
  echo "==> $corpus_name: Portico"
  upload portico "http://127.0.0.1:$pport" bench-key-0123456789abcdef "$glob"
  if [ -d "$second/$corpus_name" ]; then
    echo "    second pass:"
    upload portico "http://127.0.0.1:$pport" bench-key-0123456789abcdef "$second/$corpus_name/**/*.dcm"
  fi
  echo "    peak RSS $(peak $portico_pid)"
  echo "==> $corpus_name: Orthanc"
  upload orthanc "http://127.0.0.1:$oport" - "$glob"
  if [ -d "$second/$corpus_name" ]; then
    echo "    second pass:"
    upload orthanc "http://127.0.0.1:$oport" - "$second/$corpus_name/**/*.dcm"
  fi
  echo "    peak RSS $(peak $orthanc_pid)"
  kill "$portico_pid" "$orthanc_pid"; wait "$portico_pid" "$orthanc_pid" 2>/dev/null || true
  portico_pid=; orthanc_pid=
done
