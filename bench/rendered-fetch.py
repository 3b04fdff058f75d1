#!/usr/bin/env python3
"""Asks a server for a PNG picture of every instance it holds, with N keep-alive streams, and prints one line of JSON:
pictures per second, the median and 95th percentile of one request's time, and the bytes received.

  rendered-fetch.py portico URL API_KEY STREAMS [WINDOW]  -> GET /api/dicomweb/.../instances/{sop}/rendered
  rendered-fetch.py orthanc URL -       STREAMS [WINDOW]  -> GET /instances/{id}/rendered (Orthanc's own REST API)

WINDOW is "center,width" (Portico: window=center,width; Orthanc: window-center and window-width). Each server is asked
for PNG (Accept: image/png). Used by bench/rendered-vs-orthanc.sh so both servers are timed by the same client.
"""
import http.client
import json
import statistics
import sys
import threading
import time
import urllib.parse

kind, url, key, streams = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
window = sys.argv[5] if len(sys.argv) > 5 else ""
target = urllib.parse.urlparse(url)
headers = {"Accept": "image/png"}
if kind == "portico":
    headers["Authorization"] = "Bearer " + key


def get_json(path):
    connection = http.client.HTTPConnection(target.hostname, target.port)
    connection.request("GET", path, headers={**headers, "Accept": "application/json"})
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        sys.exit(f"{kind}: GET {path}: {response.status} {body[:200]!r}")
    return json.loads(body)


if kind == "portico":
    paths = []
    offset = 0
    while True:
        page = get_json(f"/api/dicomweb/instances?limit=1000&offset={offset}")
        for i in page:
            study, series, sop = (i[t]["Value"][0] for t in ("0020000D", "0020000E", "00080018"))
            paths.append(f"/api/dicomweb/studies/{study}/series/{series}/instances/{sop}/rendered")
        if len(page) < 1000:
            break
        offset += 1000
    suffix = f"?window={window}" if window else ""
else:
    paths = [f"/instances/{i}/rendered" for i in get_json("/instances")]
    center, width = window.split(",") if window else ("", "")
    suffix = f"?window-center={center}&window-width={width}" if window else ""

lock = threading.Lock()
state = {"next": 0, "bytes": 0, "times": [], "failed": 0}


def worker():
    connection = http.client.HTTPConnection(target.hostname, target.port)
    while True:
        with lock:
            if state["next"] >= len(paths):
                return
            path = paths[state["next"]] + suffix
            state["next"] += 1
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - started
        with lock:
            if response.status == 200 and body[:8] == b"\x89PNG\r\n\x1a\n":
                state["times"].append(elapsed)
                state["bytes"] += len(body)
            else:
                state["failed"] += 1


started = time.perf_counter()
threads = [threading.Thread(target=worker) for _ in range(streams)]
for t in threads:
    t.start()
for t in threads:
    t.join()
total = time.perf_counter() - started
times = sorted(state["times"])
print(json.dumps({
    "server": kind, "pictures": len(times), "failed": state["failed"], "streams": streams,
    "pictures_per_s": round(len(times) / total, 1),
    "p50_ms": round(1000 * statistics.median(times), 2) if times else None,
    "p95_ms": round(1000 * times[int(0.95 * (len(times) - 1))], 2) if times else None,
    "kb_per_picture": round(state["bytes"] / 1024 / max(1, len(times)), 1),
}))
