# What the benchmark scripts share; sourced by them (`. bench/lib.sh`) from the repository's root, never run.
# Servers are started on 127.0.0.1 only and stopped by the EXIT trap set by bench_workdir.

# bench_install WHAT...: installs (apt-get, as root) what is missing of orthanc, dcmtk, pydicom and gcc (with libc6-dev,
# to build scripts/loopback-bind.c).
bench_install() {
  local missing=() what
  for what in "$@"; do
    case $what in
      orthanc) command -v Orthanc >/dev/null || missing+=(orthanc) ;;
      dcmtk) { command -v storescu && command -v dcmcjpeg; } >/dev/null || missing+=(dcmtk) ;;
      pydicom) [ -d /usr/lib/python3/dist-packages/pydicom ] || missing+=(python3-pydicom) ;;
      gcc) { [ -x /usr/bin/gcc ] && [ -f /usr/include/dlfcn.h ]; } || missing+=(gcc libc6-dev) ;;
      *) echo "bench_install: unknown '$what'" >&2; return 2 ;;
    esac
  done
  if [ ${#missing[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# bench_corpora DIR: the three corpora of bench/make-corpus.py in DIR, and a second set with other UIDs in DIR-second
# (small and CT only: the ultrasound loops are one pass), made once. Sets $second.
bench_corpora() {
  [ -d "$1/us" ] || /usr/bin/python3 bench/make-corpus.py "$1"
  second="$1-second"
  if [ ! -d "$second/small" ]; then
    /usr/bin/python3 bench/make-corpus.py "$second"
    rm -rf "$second/us"
  fi
}

# bench_workdir: a temp directory ($work) removed at exit, with every process in $bench_pids stopped; and
# $loopback, a preload library that keeps peers without a listen-address option (storescp, Orthanc 1.10's DICOM
# port) on 127.0.0.1.
bench_workdir() {
  work=$(mktemp -d)
  bench_pids=()
  trap 'for p in "${bench_pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
  gcc -shared -fPIC -O2 -o "$work/libportico-loopback.so" scripts/loopback-bind.c -ldl
  loopback="$work/libportico-loopback.so"
}

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# peak PID: the process's peak resident memory in MiB.
peak() { awk '/VmHWM/ {print int($2/1024)}' "/proc/$1/status"; }

# bench_disk: the disk's sequential write speed with fdatasync, as dd prints it (the ultrasound targets are shares of it).
bench_disk() {
  echo "==> disk: sequential write with fdatasync"
  dd if=/dev/zero of="$work/dd.bin" bs=1M count=1024 conv=fdatasync 2>&1 | tail -n 1
  rm -f "$work/dd.bin"
}

# bench_publish: Portico.Web built for Release into $work/portico.
bench_publish() {
  dotnet publish src/Portico.Web -c Release -o "$work/portico" --artifacts-path "$work/artifacts" -nologo -v quiet >/dev/null
}

bench_key=bench-key-0123456789abcdef

# start_portico NAME HTTP_PORT [OPTION...]: a fresh Portico with its data in $work/p-NAME, an administrator API key
# $bench_key, and the given options (the DICOM ports are off unless an option sets them). Waits until it is ready.
# Sets $portico_pid.
start_portico() {
  local name=$1 port=$2
  shift 2
  mkdir -p "$work/p-$name"
  (cd "$work/p-$name" && exec dotnet "$work/portico/Portico.Web.dll" --urls "http://127.0.0.1:$port" \
      --Portico:Bootstrap:ApiKey=$bench_key --Portico:Dicom:ListenAddress=127.0.0.1 --Portico:Dicom:Port=0 \
      --Portico:Dicom:TlsPort=0 --Logging:LogLevel:Default=Warning "$@" >"$work/p-$name.log" 2>&1) &
  portico_pid=$!
  bench_pids+=("$portico_pid")
  bench_wait "http://127.0.0.1:$port/health/ready"
}

# start_orthanc NAME HTTP_PORT DICOM_PORT: a fresh Orthanc (Debian package, default settings: SQLite index, every
# instance flushed; any calling AE accepted as ORTHANC) with its data in $work/o-NAME. Waits until it is ready. Sets
# $orthanc_pid.
start_orthanc() {
  local name=$1 port=$2 dicom=$3
  mkdir -p "$work/o-$name"
  cat >"$work/o-$name/orthanc.json" <<JSON
{ "Name": "bench", "StorageDirectory": "$work/o-$name/db", "IndexDirectory": "$work/o-$name/db",
  "HttpPort": $port, "DicomPort": $dicom, "DicomAet": "ORTHANC", "HttpBindAddress": "127.0.0.1",
  "RemoteAccessAllowed": false, "AuthenticationEnabled": false, "Plugins": [] }
JSON
  LD_PRELOAD="$loopback" Orthanc "$work/o-$name/orthanc.json" >"$work/o-$name.log" 2>&1 &
  orthanc_pid=$!
  bench_pids+=("$orthanc_pid")
  bench_wait "http://127.0.0.1:$port/system"
}

# bench_wait URL: polls URL for up to 30 s.
bench_wait() {
  for _ in $(seq 1 100); do curl -sf "$1" >/dev/null && return 0; sleep 0.3; done
  echo "bench: $1 did not answer in 30 s" >&2
  return 1
}

# stop PID...: stops servers this script started and waits for them.
stop() {
  kill "$@" 2>/dev/null || true
  wait "$@" 2>/dev/null || true
}
