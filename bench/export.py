"""Export (issue 13): the 1M-row activity_log list streamed as CSV and as JSON
lines through gunicorn (`make bench BENCH_ARGS="--only export"`).

Each export is downloaded as a user's client would, by curl when the machine
has it (else Python's http.client in 64 KB reads, whose chunked decoding
costs the download part of its speed), three times: the median's whole
time, rows (from the export's own audit entry) and rows per second, the
slowest first bytes. Memory: the gunicorn workers' resident size is
sampled every 20 ms while the export runs; the growth is the largest
(peak - before) over the workers. Targets: >= 100,000 rows/s and growth
<= 100 MB.
"""

import http.client
import re
import shutil
import subprocess
import threading
import time

from bench import db
from bench.report import Row

EXPORTS = [
    ("export: activity_log, all rows, CSV", "/admin/data_app/activitylog/export/?format=csv"),
    ("export: activity_log, all rows, JSON lines", "/admin/data_app/activitylog/export/?format=jsonl"),
    ("export: activity_log, failed only, CSV", "/admin/data_app/activitylog/export/?success__exact=0&format=csv"),
]
MIN_ROWS_PER_SECOND = 100_000
MAX_GROWTH_MB = 100
FIRST_BYTES_S = 1.0


class RssSampler(threading.Thread):
    """The peak resident size of each worker while an export runs."""

    def __init__(self, server):
        super().__init__(daemon=True)
        self.server = server
        self.before = server.worker_rss_mb()
        self.peak = dict(self.before)
        self.done = threading.Event()

    def run(self):
        while not self.done.wait(0.02):
            for pid, mb in self.server.worker_rss_mb().items():
                self.peak[pid] = max(self.peak.get(pid, 0), mb)

    def growth_mb(self):
        self.done.set()
        self.join()
        return max((self.peak[pid] - self.before.get(pid, self.peak[pid]) for pid in self.peak), default=0)


def stream(client, url):
    """(seconds to the first body bytes, total seconds, bytes, status)."""
    if shutil.which("curl"):
        return curl_stream(client, url)
    return python_stream(client, url)


def curl_stream(client, url):
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    out = subprocess.run(
        ["curl", "--silent", "--show-error", "--output", "/dev/null", "--cookie", cookie, "--write-out",
         "%{time_starttransfer} %{time_total} %{size_download} %{http_code}", f"http://127.0.0.1:{client.port}{url}"],
        capture_output=True, text=True, check=True, timeout=600,
    ).stdout.split()
    return float(out[0]), float(out[1]), int(out[2]), int(out[3])


def python_stream(client, url):
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in client.cookies.items())}
    conn = http.client.HTTPConnection("127.0.0.1", client.port, timeout=600)
    started = time.perf_counter()
    try:
        conn.request("GET", url, headers=headers)
        response = conn.getresponse()
        first = None
        size = 0
        while chunk := response.read1(65536) if hasattr(response, "read1") else response.read(65536):
            if first is None:
                first = time.perf_counter() - started
            size += len(chunk)
        return first, time.perf_counter() - started, size, response.status
    finally:
        conn.close()


def exported_rows(dbname):
    """The row count of the latest export, as its audit entry says."""
    with db.connect(dbname) as conn:
        message = conn.execute(
            "SELECT change_message FROM django_admin_log WHERE action_flag = 4 ORDER BY id DESC LIMIT 1"
        ).fetchone()
    match = re.search(r"Exported (\d+) rows", message[0] if message else "")
    return int(match[1]) if match else None


RUNS = 3  # each export is downloaded this many times; the median counts (this VM varies by +-20 %)


def measure_export(bench):
    server, dbname = bench.server, bench.server.dbname
    for label, url in EXPORTS:
        stream(bench.client, url.replace("?", "?q=no-such-text-anywhere&", 1))  # warm the worker
        runs = []
        for _ in range(RUNS):
            sampler = RssSampler(server)
            sampler.start()
            first, total, size, status = stream(bench.client, url)
            runs.append((total, first, size, status, sampler.growth_mb(), exported_rows(dbname)))
        total, first, size, status, _, rows = sorted(runs)[len(runs) // 2]
        first = max(r[1] for r in runs if r[1] is not None) if all(r[1] is not None for r in runs) else None
        growth = max(r[4] for r in runs)
        rate = rows / total if rows and total else 0
        row = Row(label, p50=total, url=url,
                  target=f">= {MIN_ROWS_PER_SECOND:,} rows/s, RSS growth <= {MAX_GROWTH_MB} MB, "
                         f"first bytes <= {FIRST_BYTES_S:.0f} s")
        rates = ", ".join(f"{r[5] / r[0]:,.0f}" for r in runs if r[5] and r[0])
        row.note = (f"{rows:,} rows, {size / 1e6:.0f} MB in {total:.1f} s = {rate:,.0f} rows/s (median of {RUNS}: "
                    f"{rates}); first bytes after {first * 1000:.0f} ms at worst; worker RSS growth {growth:.1f} MB"
                    if rows and first is not None else f"HTTP {status}: no audit entry")
        full = "success__exact" not in url
        row.passed = bool(
            status == 200 and rows and first is not None and first <= FIRST_BYTES_S and growth <= MAX_GROWTH_MB
            and (rate >= MIN_ROWS_PER_SECOND or not full)
        )
        bench.results.add(row)
