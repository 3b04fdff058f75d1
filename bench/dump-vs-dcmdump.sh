#!/usr/bin/env bash
# Times `portico dump -r DIR` against DCMTK's `dcmdump +sd +r DIR` on the same generated corpus, in one run.
#   corpus: 5,000 small files across 50 studies and 300 CT-like 512x512 16-bit images (bench/make-corpus.py,
#           written by pydicom so neither tool reads its own output).
#   portico is published ReadyToRun (as a release build ships); both write to /dev/null.
# Usage: bench/dump-vs-dcmdump.sh [CORPUS_DIR]   (installs dcmtk, python3-pydicom and hyperfine when run as root)
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-bench/corpus}

missing=()
command -v dcmdump >/dev/null || missing+=(dcmtk)
command -v hyperfine >/dev/null || missing+=(hyperfine)
[ -d /usr/lib/python3/dist-packages/pydicom ] || missing+=(python3-pydicom)
if [ ${#missing[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -d "$corpus/ct" ]; then
  echo "==> generating corpus in $corpus"
  /usr/bin/python3 bench/make-corpus.py "$corpus"
fi

echo "==> publishing portico (Release, ReadyToRun)"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
dotnet publish src/Portico.Cli -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
  -o "$out/bin" --artifacts-path "$out/artifacts" -nologo -v quiet >/dev/null

files=$(find "$corpus" -type f | wc -l)
size=$(du -sh "$corpus" | cut -f1)
echo "==> corpus: $files files, $size; $(nproc) cores"
export TCP_NODELAY=1
hyperfine --warmup 1 --runs 10 -N --output=null \
  --export-markdown "$out/result.md" \
  -n "portico dump -r" "$out/bin/portico dump -r $corpus" \
  -n "dcmdump +sd +r" "dcmdump +sd +r $corpus"
cat "$out/result.md"
