#!/usr/bin/env bash
# Runs every Portico test on a fresh Debian 12 machine.
# As root it installs what the tests need and is missing (apt-get); then it builds, checks that the
# generated dictionary is up to date, runs every test project and ends with the test runner's summary.
# Exit status is non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

need_packages=()
command -v dcmdump >/dev/null 2>&1 || need_packages+=(dcmtk)
command -v opj_compress >/dev/null 2>&1 || need_packages+=(libopenjp2-tools)
command -v pngtopnm >/dev/null 2>&1 || need_packages+=(netpbm)
{ command -v Orthanc || [ -x /usr/sbin/Orthanc ]; } >/dev/null 2>&1 || need_packages+=(orthanc)
[ -e /usr/share/orthanc/plugins/libOrthancDicomWeb.so ] || need_packages+=(orthanc-dicomweb)
[ -d /usr/lib/python3/dist-packages/pydicom/data/test_files ] || need_packages+=(python3-pydicom)
command -v node >/dev/null 2>&1 || need_packages+=(nodejs)
command -v npm >/dev/null 2>&1 || need_packages+=(npm)
[ -x /usr/bin/chromium ] || need_packages+=(chromium)
[ -x /usr/sbin/clamd ] || need_packages+=(clamav-daemon)
# gcc builds scripts/loopback-bind.c, which keeps test peers without a listen-address option on 127.0.0.1.
{ [ -x /usr/bin/gcc ] && [ -f /usr/include/dlfcn.h ]; } || need_packages+=(gcc libc6-dev)
if [ ${#need_packages[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "scripts/test.sh: missing ${need_packages[*]}; run as root so they can be installed" >&2
    exit 1
  fi
  echo "==> installing ${need_packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_packages[@]}" >/dev/null
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 TCP_NODELAY=1

echo "==> npm packages of the tests (tus-js-client, the reference tus client; axe-core, the accessibility rules; dicomweb-client, OHIF's DICOMweb library)"
npm ci --prefix tests/tus-client --no-audit --no-fund --loglevel=error >/dev/null
npm ci --prefix tests/axe --no-audit --no-fund --loglevel=error >/dev/null
npm ci --prefix tests/dicomweb-client --no-audit --no-fund --loglevel=error >/dev/null

echo "==> build"
dotnet build Portico.slnx -c Release -warnaserror -nologo -v quiet

echo "==> formatting (.editorconfig)"
dotnet format Portico.slnx --verify-no-changes --no-restore

echo "==> generated dictionary is up to date"
dotnet run --no-build -c Release --project src/Portico.Dicom.Generator -- \
  --pydicom-dir /usr/lib/python3/dist-packages/pydicom --out src/Portico.Dicom --check

echo "==> EF Core migrations match the model (SQLite and PostgreSQL)"
dotnet tool restore >/dev/null
dotnet ef migrations has-pending-model-changes --project src/Portico.Index.Sqlite --configuration Release
dotnet ef migrations has-pending-model-changes --project src/Portico.Index.Postgres --configuration Release

echo "==> PostgreSQL on 127.0.0.1 for the index tests"
# The private servers are stopped when the script ends, however it ends (the exit status is kept).
trap 'scripts/start-clamd.sh --stop >/dev/null 2>&1 || true; scripts/start-postgres.sh --stop >/dev/null 2>&1 || true' EXIT
PORTICO_TEST_POSTGRES="$(scripts/start-postgres.sh)"
export PORTICO_TEST_POSTGRES

echo "==> ClamAV daemon on 127.0.0.1 for the scanning tests (test signature database, no download)"
PORTICO_TEST_CLAMAV="$(scripts/start-clamd.sh)"
export PORTICO_TEST_CLAMAV

echo "==> tests"
# The whole output is kept in artifacts/test-output.log; when something fails, the failed tests and the first lines of
# their errors are repeated at the end, after the runner's summary, so that a log's tail names them.
mkdir -p artifacts
set +e
dotnet test --solution Portico.slnx -c Release --no-build 2>&1 | tee artifacts/test-output.log
status=${PIPESTATUS[0]}
set -e
if [ "$status" != 0 ]; then
  echo "==> failed tests (the whole output is in artifacts/test-output.log)"
  grep -E -A 6 '^[[:space:]]*failed [^w]' artifacts/test-output.log | cut -c1-300 | head -n 120 || true
fi
exit "$status"
