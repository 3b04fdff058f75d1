#!/usr/bin/env python3
"""Uploads DICOM files over HTTP with N keep-alive streams and prints instances/s and MB/s (one line of JSON).

  http-upload.py portico URL API_KEY 'GLOB' STREAMS     -> POST URL/api/instances (Bearer API key)
  http-upload.py orthanc URL -       'GLOB' STREAMS     -> POST URL/instances

Used by bench/ingest-vs-orthanc.sh so both servers are fed by the same client.
"""
import glob
import http.client
import json
import sys
import threading
import time
import urllib.parse

kind, url, key, pattern, streams = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
target = urllib.parse.urlparse(url)
files = sorted(glob.glob(pattern, recursive=True))
path = "/api/instances" if kind == "portico" else "/instances"
headers = {"Content-Type": "application/dicom"}
if kind == "portico":
    headers["Authorization"] = "Bearer " + key
lock = threading.Lock()
state = {"next": 0, "bytes": 0, "ok": 0, "other": 0}


def worker():
    connection = http.client.HTTPConnection(target.hostname, target.port)
    while True:
        with lock:
            if state["next"] >= len(files):
                return
            name = files[state["next"]]
            state["next"] += 1
        with open(name, "rb") as f:
            body = f.read()
        connection.request("POST", path, body, headers)
        response = connection.getresponse()
        data = response.read()
        ok = response.status == 200 and (kind != "portico" or json.loads(data)[0]["status"] == "Stored")
        with lock:
            state["bytes"] += len(body)
            state["ok" if ok else "other"] += 1


start = time.time()
threads = [threading.Thread(target=worker) for _ in range(streams)]
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.time() - start
print(json.dumps({"files": len(files), "seconds": round(elapsed, 2), "instancesPerSecond": round(len(files) / elapsed, 1),
                  "megabytesPerSecond": round(state["bytes"] / 1e6 / elapsed, 1), "stored": state["ok"], "other": state["other"]}))
