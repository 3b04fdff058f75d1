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
missing=()
command -v Orthanc >/dev/null || missing+=(orthanc)
command -v dcmcjpeg >/dev/null || missing+=(dcmtk)
{ [ -x /usr/bin/gcc ] && [ -f /usr/include/dlfcn.h ]; } || missing+=(gcc libc6-dev)
[ -d /usr/lib/python3/dist-packages/pydicom ] || missing+=(python3-pydicom)
if [ ${#missing[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
[ -d "$corpus/ct" ] || /usr/bin/python3 bench/make-corpus.py "$corpus"

work=$(mktemp -d)
gcc -shared -fPIC -O2 -o "$work/libportico-loopback.so" scripts/loopback-bind.c -ldl
loopback="$work/libportico-loopback.so"
cleanup() { [ -n "${portico_pid:-}" ] && kill "$portico_pid" 2>/dev/null; [ -n "${orthanc_pid:-}" ] && kill "$orthanc_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
peak() { awk '/VmHWM/ {print int($2/1024) " MiB"}' "/proc/$1/status"; }

mkdir -p "$work/native" "$work/jpeg-lossless"
for f in $(ls "$corpus"/ct/*.dcm | sort | head -n 100); do
  cp "$f" "$work/native/"
  dcmcjpeg +e1 "$f" "$work/jpeg-lossless/$(basename "$f")"
done

dotnet publish src/Portico.Web -c Release -o "$work/portico" --artifacts-path "$work/artifacts" -nologo -v quiet >/dev/null
export TCP_NODELAY=1
for corpus_name in native jpeg-lossless; do
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
  /usr/bin/python3 bench/http-upload.py portico "http://127.0.0.1:$pport" bench-key-0123456789abcdef "$work/$corpus_name/*.dcm" 4 >/dev/null
  /usr/bin/python3 bench/http-upload.py orthanc "http://127.0.0.1:$oport" - "$work/$corpus_name/*.dcm" 4 >/dev/null
  # One pass each first, not timed: a fresh server's first requests pay for starting up (Portico: the JIT compiler).
  /usr/bin/python3 bench/rendered-fetch.py portico "http://127.0.0.1:$pport" bench-key-0123456789abcdef 1 >/dev/null
  /usr/bin/python3 bench/rendered-fetch.py orthanc "http://127.0.0.1:$oport" - 1 >/dev/null
  for run in "1" "1 40,400" "4 40,400"; do
    read -r streams window <<<"$run"
    echo "==> $corpus_name, ${streams} stream(s), window ${window:-(default)}"
    /usr/bin/python3 bench/rendered-fetch.py portico "http://127.0.0.1:$pport" bench-key-0123456789abcdef "$streams" ${window:+"$window"}
    /usr/bin/python3 bench/rendered-fetch.py orthanc "http://127.0.0.1:$oport" - "$streams" ${window:+"$window"}
  done
  echo "    peak RSS: Portico $(peak $portico_pid), Orthanc $(peak $orthanc_pid)"
  kill "$portico_pid" "$orthanc_pid"; wait "$portico_pid" "$orthanc_pid" 2>/dev/null || true
  portico_pid=; orthanc_pid=
done
