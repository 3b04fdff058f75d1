#!/usr/bin/env bash
# One 2 GB DICOM file (2,000,000,000 bytes: a CT header and a 16-bit pixel data element) uploaded to Portico twice,
# once as one POST /api/instances (application/dicom) and once with tus (POST /api/uploads, one PATCH), each with curl
# streaming from disk. Prints the server's peak RSS before and after each upload: acceptance is growth < 100 MB.
# Usage: bench/large-upload-rss.sh [WORK_DIR]   (needs /usr/bin/python3 with pydicom: apt-get install python3-pydicom)
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-$(mktemp -d)}
mkdir -p "$work"
cleanup() { [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; rm -rf "$work/data" "$work/big.dcm"; }
trap cleanup EXIT
key=bench-key-0123456789abcdef
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port

echo "==> generating a 2,000,000,000-byte DICOM file"
/usr/bin/python3 - "$work/big.dcm" <<'PY'
import sys, io
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import generate_uid, ExplicitVRLittleEndian
total = 2_000_000_000
ds = Dataset()
ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
ds.SOPInstanceUID = generate_uid(); ds.StudyInstanceUID = generate_uid(); ds.SeriesInstanceUID = generate_uid()
ds.PatientName = "Big^Upload"; ds.PatientID = "BIG1"; ds.Modality = "CT"
ds.Rows = 512; ds.Columns = 512; ds.BitsAllocated = 16; ds.BitsStored = 16; ds.HighBit = 15
ds.SamplesPerPixel = 1; ds.PhotometricInterpretation = "MONOCHROME2"; ds.PixelRepresentation = 0
meta = FileMetaDataset(); meta.MediaStorageSOPClassUID = ds.SOPClassUID; meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
meta.TransferSyntaxUID = ExplicitVRLittleEndian; ds.file_meta = meta
ds.is_little_endian = True; ds.is_implicit_VR = False
buf = io.BytesIO(); ds.save_as(buf, write_like_original=False); head = buf.getvalue()
pixel_length = total - len(head) - 12
pixel_length -= pixel_length % 2
with open(sys.argv[1], "wb") as f:
    f.write(head)
    f.write(b"\xe0\x7f\x10\x00OW\x00\x00" + pixel_length.to_bytes(4, "little"))
    f.truncate(len(head) + 12 + pixel_length)  # sparse: reads as zeros
PY
size=$(stat -c %s "$work/big.dcm"); echo "    $size bytes"

dotnet publish src/Portico.Web -c Release -o "$work/portico" --artifacts-path "$work/artifacts" -nologo -v quiet >/dev/null
(cd "$work" && exec dotnet "$work/portico/Portico.Web.dll" --urls "$url" --Portico:Bootstrap:ApiKey=$key --Portico:Dicom:ListenAddress=127.0.0.1 --Portico:Dicom:Port=0 --Portico:Dicom:TlsPort=0 --Logging:LogLevel:Default=Warning >"$work/portico.log" 2>&1) &
pid=$!
for _ in $(seq 1 100); do curl -sf "$url/health/ready" >/dev/null && break; sleep 0.3; done
hwm() { awk '/VmHWM/ {print int($2/1024)}' "/proc/$pid/status"; }
# Warm up the paths so start-up allocations are not counted against the upload.
small=$(find /usr/lib/python3/dist-packages/pydicom/data/test_files -name CT_small.dcm | head -1)
curl -sf -H "Authorization: Bearer $key" -H "Content-Type: application/dicom" --data-binary @"$small" "$url/api/instances" >/dev/null

before=$(hwm)
start=$(date +%s.%N)
curl -sf -H "Authorization: Bearer $key" -H "Content-Type: application/dicom" -X POST -T "$work/big.dcm" "$url/api/instances"; echo
end=$(date +%s.%N)
after_post=$(hwm)
echo "POST /api/instances: peak RSS ${before} MiB -> ${after_post} MiB (+$((after_post - before)) MiB), $(echo "$size / ($end - $start) / 1000000" | bc -l | xargs printf '%.0f') MB/s"

/usr/bin/python3 - "$work/big.dcm" <<'PY'
import sys, pydicom
from pydicom.uid import generate_uid
# A new SOP Instance UID so the second upload is stored, not a duplicate: rewrite the header in place (same length).
ds = pydicom.dcmread(sys.argv[1], stop_before_pixels=True)
old = ds.SOPInstanceUID
new = generate_uid()[:len(old)].ljust(len(old), "1")
with open(sys.argv[1], "r+b") as f:
    head = f.read(4096).replace(old.encode(), new.encode())
    f.seek(0); f.write(head)
PY
before=$(hwm)
location=$(curl -sf -D - -o /dev/null -H "Authorization: Bearer $key" -H "Tus-Resumable: 1.0.0" -H "Upload-Length: $size" \
  -H "Upload-Metadata: filename $(printf big.dcm | base64)" -X POST "$url/api/uploads" | tr -d '\r' | awk 'tolower($1)=="location:" {print $2}')
start=$(date +%s.%N)
curl -sf -H "Authorization: Bearer $key" -H "Tus-Resumable: 1.0.0" -H "Upload-Offset: 0" \
  -H "Content-Type: application/offset+octet-stream" -X PATCH -T "$work/big.dcm" "$url$location"
curl -sf -H "Authorization: Bearer $key" "$url$location/outcome?waitSeconds=60"; echo
end=$(date +%s.%N)
after_tus=$(hwm)
echo "tus PATCH: peak RSS ${before} MiB -> ${after_tus} MiB (+$((after_tus - before)) MiB), $(echo "$size / ($end - $start) / 1000000" | bc -l | xargs printf '%.0f') MB/s"
