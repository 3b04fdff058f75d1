#!/usr/bin/env python3
"""Times GET /api/studies and QIDO-RS queries against a running Portico and prints p50/p95/p99 per query (Markdown tables).

  study-list-query.py URL API_KEY EXPECTED_TOTAL [REQUESTS] [WARMUP]

One keep-alive connection, requests one after another (no concurrency), so each figure is one request's latency
end to end: HTTP, authentication, the count and page queries, labels and JSON. Every response is checked: status
200, a full page of rows, and for the unfiltered queries a total equal to EXPECTED_TOTAL (the seeded studies).
Exits 1 when the default first page misses its target (p95 < 50 ms) or a response is wrong.
Used by bench/study-list-query.sh.
"""
import http.client
import json
import sys
import time
import urllib.parse

url, key, expected_total = sys.argv[1], sys.argv[2], int(sys.argv[3])
requests = int(sys.argv[4]) if len(sys.argv) > 4 else 300
warmup = int(sys.argv[5]) if len(sys.argv) > 5 else 30
target = urllib.parse.urlparse(url)
headers = {"Authorization": "Bearer " + key, "Accept": "application/json"}
FIRST_PAGE_P95_MS = 50.0

# (name, query string, the total it must report or None)
CASES = [
    ("first page, newest first (default)", "", expected_total),
    ("page 100, newest first", "page=100", expected_total),
    ("patient name DOE*", "patientName=DOE*", None),
    ("modality MR", "modality=MR", None),
    ("study date 2020-01-01..2020-12-31", "studyDateFrom=2020-01-01&studyDateTo=2020-12-31", None),
    ("label Research", "label=Research", None),
    ("sort by patient name", "sort=patientName", expected_total),
]


def percentile(sorted_values, p):
    # Nearest rank: the smallest value with at least p% of the values at or below it.
    rank = max(1, -(-len(sorted_values) * p // 100))
    return sorted_values[int(rank) - 1]


connection = http.client.HTTPConnection(target.hostname, target.port)


def fetch(path, request_headers):
    connection.request("GET", path, headers=request_headers)
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise SystemExit(f"GET {path}: HTTP {response.status}: {body[:200]!r}")
    return json.loads(body)


def get(query):
    return fetch("/api/studies" + ("?" + query if query else ""), headers)


def timed(request, query):
    """Warm-up requests, then the timed ones; their latencies in ms, sorted."""
    for _ in range(warmup):
        request(query)
    timings = []
    for _ in range(requests):
        start = time.perf_counter()
        request(query)
        timings.append((time.perf_counter() - start) * 1000)
    return sorted(timings)


failures = []
print("| query | total | p50 ms | p95 ms | p99 ms | max ms |")
print("|---|---:|---:|---:|---:|---:|")
first_page_p95 = None
for name, query, total in CASES:
    page = get(query)
    if total is not None and page["total"] != total:
        failures.append(f"{name}: total {page['total']}, expected {total}")
    if len(page["items"]) != min(50, max(0, page["total"] - (page["page"] - 1) * 50)):
        failures.append(f"{name}: {len(page['items'])} rows for total {page['total']}")
    timings = timed(get, query)
    p95 = percentile(timings, 95)
    if query == "":
        first_page_p95 = p95
    print(f"| {name} | {page['total']:,} | {percentile(timings, 50):.1f} | {p95:.1f} | "
          f"{percentile(timings, 99):.1f} | {timings[-1]:.1f} |")

# QIDO-RS (DICOMweb) searches of the same index: no target of their own; each must answer a JSON array of at most
# `limit` matches. They go through C-FIND's matching and come in UID order, so that limit and offset page.
QIDO_CASES = [
    ("QIDO studies, limit 100", "/studies?limit=100"),
    ("QIDO studies, limit 100, offset 50,000", "/studies?limit=100&offset=50000"),
    ("QIDO PatientName=DOE*", "/studies?PatientName=DOE*&limit=100"),
    ("QIDO StudyDate 2020", "/studies?StudyDate=20200101-20201231&limit=100"),
    ("QIDO ModalitiesInStudy=MR", "/studies?ModalitiesInStudy=MR&limit=100"),
    ("QIDO all series, Modality=MR", "/series?Modality=MR&limit=100"),
]
qido_headers = {"Authorization": "Bearer " + key, "Accept": "application/dicom+json"}


def qido(query):
    return fetch("/api/dicomweb" + query, qido_headers)


print()
print("| QIDO-RS query | matches | p50 ms | p95 ms | p99 ms | max ms |")
print("|---|---:|---:|---:|---:|---:|")
for name, query in QIDO_CASES:
    matches = qido(query)
    if not isinstance(matches, list) or len(matches) > 100:
        failures.append(f"{name}: {type(matches).__name__} of {len(matches)}")
    timings = timed(qido, query)
    print(f"| {name} | {len(matches)} | {percentile(timings, 50):.1f} | {percentile(timings, 95):.1f} | "
          f"{percentile(timings, 99):.1f} | {timings[-1]:.1f} |")

print()
print(f"{requests} sequential requests per query after {warmup} warm-up requests, one keep-alive connection.")
print(f"default first page p95 {first_page_p95:.1f} ms (target < {FIRST_PAGE_P95_MS:.0f} ms): "
      + ("met" if first_page_p95 < FIRST_PAGE_P95_MS else "NOT MET"))
for failure in failures:
    print("WRONG: " + failure)
sys.exit(0 if first_page_p95 < FIRST_PAGE_P95_MS and not failures else 1)
