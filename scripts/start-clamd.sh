#!/usr/bin/env bash
# Starts a private ClamAV daemon (clamd) for the scanning tests and prints its address on stdout
# (tcp://127.0.0.1:PORT; everything else goes to stderr). Idempotent: when it is already running it only prints it.
#
#   export PORTICO_TEST_CLAMAV="$(scripts/start-clamd.sh)"   # start (installs clamav-daemon as root if missing)
#   scripts/start-clamd.sh --stop                           # stop it
#
# The daemon lives in ${PORTICO_CLAMD_DIR:-/tmp/portico-clamd}, listens on 127.0.0.1 only, on a free port, and also
# on a unix socket (clamd.sock there). Its signature database is written here, not downloaded: one body signature
# for the EICAR anti-virus test file (a standard test string, built below from its parts), so the tests need no
# network and start in a second.
set -euo pipefail

base="${PORTICO_CLAMD_DIR:-/tmp/portico-clamd}"
say() { echo "start-clamd: $*" >&2; }

if [ "${1:-}" = "--stop" ]; then
  [ -f "$base/clamd.pid" ] && kill "$(cat "$base/clamd.pid")" 2>/dev/null || true
  exit 0
fi

if [ -f "$base/address" ] && [ -f "$base/clamd.pid" ] && kill -0 "$(cat "$base/clamd.pid")" 2>/dev/null; then
  cat "$base/address"
  exit 0
fi

if ! [ -x /usr/sbin/clamd ]; then
  if [ "$(id -u)" != 0 ]; then
    say "clamd is not installed; run as root so that it can be installed (apt-get install clamav-daemon)"
    exit 1
  fi
  say "installing clamav-daemon"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends clamav-daemon >/dev/null
fi

mkdir -p "$base/db"
rm -f "$base/clamd.sock"
# EICAR's 68 characters, as the hex body of an .ndb signature (target 0 = any file, offset * = anywhere).
eicar='X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'
printf 'Portico.Test.EICAR:0:*:%s\n' "$(printf '%s' "$eicar" | od -An -tx1 | tr -d ' \n')" > "$base/db/portico-test.ndb"

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
user_line=""
if [ "$(id -u)" = 0 ]; then
  chown -R clamav:clamav "$base" 2>/dev/null || true
  user_line="User clamav"
fi
cat > "$base/clamd.conf" <<CONF
Foreground no
TCPSocket $port
TCPAddr 127.0.0.1
LocalSocket $base/clamd.sock
LocalSocketMode 666
DatabaseDirectory $base/db
PidFile $base/clamd.pid
LogFile $base/clamd.log
StreamMaxLength 64M
MaxScanSize 256M
MaxFileSize 64M
ScanArchive yes
$user_line
CONF
[ "$(id -u)" = 0 ] && chown clamav:clamav "$base/clamd.conf"

/usr/sbin/clamd --config-file="$base/clamd.conf" >&2
for _ in $(seq 1 100); do
  if [ "$(printf 'zPING\0' | timeout 2 python3 -c '
import socket,sys
s=socket.create_connection(("127.0.0.1",int(sys.argv[1])),timeout=2)
s.sendall(sys.stdin.buffer.read()); print(s.recv(16).rstrip(b"\0").decode())' "$port" 2>/dev/null)" = PONG ]; then
    echo "tcp://127.0.0.1:$port" | tee "$base/address"
    exit 0
  fi
  sleep 0.2
done
say "clamd did not answer on 127.0.0.1:$port; its log:"
cat "$base/clamd.log" >&2 || true
exit 1
