"""The shared HTTP client against a local server on 127.0.0.1: retries, 429, redaction, raw zone."""

from __future__ import annotations

import logging
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from diplowatch.http import FetchError, HttpClient, RateLimited, retry_after_seconds
from diplowatch.raw import RawWriter, read_raw

TOKEN = "s3cr3t-T0KEN-value"


class Script(BaseHTTPRequestHandler):
    """Answers each path with the next (status, headers, body) of its script."""

    scripts: ClassVar[dict[str, list[tuple[int, dict, bytes]]]] = {}
    seen: ClassVar[list[str]] = []

    def do_GET(self):
        path = self.path.split("?")[0]
        type(self).seen.append(self.path)
        steps = type(self).scripts[path]
        status, headers, body = steps.pop(0) if len(steps) > 1 else steps[0]
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    Script.scripts, Script.seen = {}, []
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Script)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}", Script
    srv.shutdown()


def client(**kw) -> HttpClient:
    waits: list[float] = []
    c = HttpClient(sleep=waits.append, backoff=0.01, **kw)
    c.waits = waits
    return c


def test_5xx_then_success_is_retried(server):
    base, script = server
    script.scripts["/p"] = [(503, {}, b"busy"), (200, {}, b"ok")]
    c = client()
    page = c.get(f"{base}/p")
    assert page.body == b"ok" and c.requests_made == 2 and len(c.waits) == 1


def test_429_honours_retry_after_and_gives_up_past_max_wait(server):
    base, script = server
    script.scripts["/a"] = [(429, {"Retry-After": "7"}, b""), (200, {}, b"fine")]
    c = client()
    assert c.get(f"{base}/a").body == b"fine"
    assert c.waits == [7.0]
    script.scripts["/b"] = [(429, {"Retry-After": "3600"}, b"")]
    with pytest.raises(RateLimited) as err:
        client(max_wait=60).get(f"{base}/b")
    assert err.value.wait_seconds == 3600


def test_4xx_fails_at_once_without_leaking_the_token(server, caplog):
    base, script = server
    script.scripts["/t"] = [(403, {}, b"nope")]
    c = client(secrets=[TOKEN])
    caplog.set_level(logging.DEBUG)
    with pytest.raises(FetchError) as err:
        c.get(f"{base}/t", params={"access_token": TOKEN})
    assert "HTTP 403" in str(err.value)
    assert TOKEN not in str(err.value) and TOKEN not in caplog.text
    assert c.requests_made == 1


def test_connection_errors_are_retried_then_reported():
    c = client(attempts=3, timeout=1)
    with pytest.raises(FetchError, match="gave up after 3 attempts"):
        c.get("http://127.0.0.1:9/unreachable")
    assert c.requests_made == 3


def test_responses_are_kept_in_the_raw_zone_redacted(server, diplowatch_home):
    base, script = server
    script.scripts["/r"] = [(200, {"Content-Type": "text/html"}, "привет".encode())]
    with RawWriter("telegram", "run1", date(2018, 5, 1)) as raw:
        page = client(raw=raw).get(f"{base}/r", params={"access_token": TOKEN})
    assert page.raw_ref.endswith(".jsonl.gz#1")
    (kept,) = list(read_raw(raw.path))
    assert kept.text == "привет" and TOKEN not in kept.url and kept.raw_ref == page.raw_ref
    assert TOKEN.encode() not in raw.path.read_bytes()


def test_retry_after_forms():
    assert retry_after_seconds({"Retry-After": "5"}) == 5
    assert retry_after_seconds({"x-rate-limit-reset": "1010"}, now=1000) == 10
    assert retry_after_seconds({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}, now=0) > 0
    assert retry_after_seconds({}) is None
