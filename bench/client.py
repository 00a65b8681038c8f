"""A small HTTP client for the benchmark: logs in like a browser, keeps the
session cookie, and times requests to the local server only."""

import html
import http.client
import re
import statistics
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

REQUEST_TIMEOUT = 120  # seconds; a request slower than this is an error


@dataclass
class Response:
    status: int
    headers: dict
    body: str
    seconds: float

    @property
    def queries(self):
        value = self.headers.get("x-query-count")
        return int(value) if value is not None else None

    @property
    def query_ms(self):
        value = self.headers.get("x-query-ms")
        return float(value) if value is not None else None


@dataclass
class Timing:
    """Timings of one page: warm-up excluded."""

    url: str
    seconds: list = field(default_factory=list)
    queries: list = field(default_factory=list)
    query_ms: list = field(default_factory=list)
    errors: int = 0
    statuses: set = field(default_factory=set)
    planned: int = 0  # requests asked for; fewer were timed if the budget ran out

    @property
    def p50(self):
        return statistics.median(self.seconds) * 1000 if self.seconds else None

    @property
    def p95(self):
        if not self.seconds:
            return None
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000

    @property
    def fastest(self):
        return min(self.seconds) * 1000 if self.seconds else None

    def record(self, response, expect=(200,), warm=True):
        """Count ``response`` in (a warm-up request only for its status)."""
        self.statuses.add(response.status)
        if not warm:
            return
        if response.status not in expect:
            self.errors += 1
        self.seconds.append(response.seconds)
        if response.queries is not None:
            self.queries.append(response.queries)
            self.query_ms.append(response.query_ms)

    @property
    def query_count(self):
        """The page's query count; the largest if it varied."""
        return max(self.queries) if self.queries else None

    @property
    def sql_p50(self):
        return statistics.median(self.query_ms) if self.query_ms else None


class Client:
    """HTTP/1.1 to 127.0.0.1:port with a cookie jar (one connection per request,
    as gunicorn's sync workers close the connection after each response)."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def request(self, method, url, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None and not isinstance(body, bytes):
            body = urlencode(body, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        started = time.perf_counter()
        try:
            conn.request(method, url, body=body, headers=headers)
            raw = conn.getresponse()
            content = raw.read()
            elapsed = time.perf_counter() - started
        finally:
            conn.close()
        for value in raw.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(value).items():
                self.cookies[name] = morsel.value
        return Response(
            raw.status,
            {k.lower(): v for k, v in raw.headers.items()},
            content.decode("utf-8", "replace"),
            elapsed,
        )

    def get(self, url):
        return self.request("GET", url)

    def post(self, url, data, referer=None):
        headers = {"Referer": f"http://127.0.0.1:{self.port}{referer or url}"}
        return self.request("POST", url, data, headers)

    def login(self, username, password, login_url="/admin/login/"):
        """A real login POST; afterwards the session cookie authenticates."""
        page = self.get(login_url)
        data = {
            "csrfmiddlewaretoken": csrf_token(page.body),
            "username": username,
            "password": password,
            "next": "/admin/",
        }
        response = self.post(login_url, data)
        if response.status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(
                f"login as {username!r} failed: HTTP {response.status} "
                f"(cookies: {sorted(self.cookies)})"
            )

    def time(self, url, *, requests, warmup, expect=(200,), method="GET", data=None,
             budget=None):
        """Request ``url`` warmup + requests times; time the last ``requests``.

        With ``budget`` (seconds), stop early once it is spent and at least
        3 requests are timed, so that one very slow page cannot stall the run.
        """
        timing = Timing(url, planned=requests)
        started = time.monotonic()
        for n in range(warmup + requests):
            if budget and len(timing.seconds) >= 3 and time.monotonic() - started > budget:
                break
            if method == "GET":
                response = self.get(url)
            else:
                response = self.post(url, data(n) if callable(data) else data)
            timing.record(response, expect, warm=n >= warmup)
        return timing


def time_alternately(clients, url, *, requests, warmup):
    """Request ``url`` from each client in turn, ``warmup + requests`` rounds;
    one Timing per client. Pages compared with each other (the same list on
    two databases) are timed under the same load on a shared machine."""
    timings = [Timing(url, planned=requests) for _ in clients]
    for n in range(warmup + requests):
        for client, timing in zip(clients, timings):
            timing.record(client.get(url), warm=n >= warmup)
    return timings


def time_in_turn(client, urls, *, requests, warmup):
    """Request each of ``urls`` in turn, ``warmup + requests`` rounds; one
    Timing per URL. Pages judged together (and a reference page that gauges
    the load) are timed under the same load on a shared machine."""
    timings = [Timing(url, planned=requests) for url in urls]
    for n in range(warmup + requests):
        for url, timing in zip(urls, timings):
            timing.record(client.get(url), warm=n >= warmup)
    return timings


def csrf_token(body):
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if not match:
        raise RuntimeError("no CSRF token in the page")
    return match.group(1)


def sortable_columns(body):
    """(class attribute, ?o= link) of each sortable, unsorted column header."""
    columns = []
    for th in re.findall(r'<th scope="col"([^>]*)>(.*?)</th>', body, re.S):
        attrs, inner = th
        link = re.search(r'<div class="text"><a role="button" href="([^"]+)"', inner)
        if link and "sorted" not in attrs:
            columns.append((attrs.strip(), html.unescape(link.group(1))))
    return columns


def action_names(body):
    """The values of the changelist's action <select>, bar the empty one."""
    select = re.search(r'<select name="action"[^>]*>(.*?)</select>', body, re.S)
    if not select:
        return []
    return [v for v in re.findall(r'<option value="([^"]*)"', select.group(1)) if v]
