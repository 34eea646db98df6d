"""RSS against a local HTTP server: conditional GET, 304, broken feeds beside good ones, raw zone."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from diplowatch.config import Feed, News
from diplowatch.http import HttpClient
from diplowatch.landing import land
from diplowatch.raw import RawWriter, read_raw
from diplowatch.sources import rss
from diplowatch.sources.base import RunContext

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "news"
ETAG = '"v1-tass"'
LAST_MODIFIED = "Sat, 30 Sep 2017 21:00:00 GMT"


class Handler(BaseHTTPRequestHandler):
    seen: ClassVar[list[dict[str, str]]] = []

    def do_GET(self) -> None:
        Handler.seen.append({"path": self.path, **{k.lower(): v for k, v in self.headers.items()}})
        if self.path == "/tass.xml":
            if self.headers.get("If-None-Match") == ETAG or self.headers.get("If-Modified-Since") == LAST_MODIFIED:
                self.send_response(304)
                self.send_header("ETag", ETAG)
                self.end_headers()
                return
            self._send(
                200,
                (FIX / "rss_basic.xml").read_bytes(),
                "application/rss+xml; charset=utf-8",
                {"ETag": ETAG, "Last-Modified": LAST_MODIFIED},
            )
        elif self.path == "/atom.xml":
            self._send(200, (FIX / "atom_basic.xml").read_bytes(), "application/atom+xml", {})
        elif self.path == "/html.xml":
            self._send(200, (FIX / "html_page.html").read_bytes(), "text/html; charset=utf-8", {})
        elif self.path == "/laughs.xml":
            self._send(200, (FIX / "billion_laughs.xml").read_bytes(), "application/xml", {})
        elif self.path == "/empty.xml":
            self._send(200, b"", "application/rss+xml", {})
        else:
            self._send(404, b"not found", "text/plain", {})

    def _send(self, status: int, body: bytes, ctype: str, headers: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    Handler.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _ctx(run_id: str) -> RunContext:
    d = date(2017, 10, 1)
    return RunContext(run_id=run_id, source="news_rss", dt=d, raw=RawWriter("news_rss", run_id, d))


def _client() -> HttpClient:
    return HttpClient(timeout=5, attempts=2, sleep=lambda s: None)


def test_conditional_get_second_run_is_304_and_lands_nothing(
    server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DIPLOWATCH_HOME", str(tmp_path))
    news = News(feeds=[Feed(name="TASS", url=f"{server}/tass.xml", language="en")])
    ctx = _ctx("run1")
    first = rss.extract(ctx, news, client=_client())
    raw_file = ctx.raw.close()
    assert len(first.records["news_items"]) == 2
    assert [r["reason"] for r in first.rejects if "entry" in r["reason"]]  # the two bad entries
    assert rss.load_validators()[f"{server}/tass.xml"] == {"etag": ETAG, "last_modified": LAST_MODIFIED}
    pages = list(read_raw(raw_file))
    assert len(pages) == 1 and pages[0].body == (FIX / "rss_basic.xml").read_bytes()
    assert first.records["news_items"][0]["raw_ref"] == pages[0].raw_ref
    land(first, dt=ctx.dt)

    ctx2 = _ctx("run2")
    second = rss.extract(ctx2, news, client=_client())
    raw2 = ctx2.raw.close()
    assert Handler.seen[-1]["if-none-match"] == ETAG
    assert Handler.seen[-1]["if-modified-since"] == LAST_MODIFIED
    assert second.records == {} and second.rejects == []
    assert not raw2.exists(), "a 304 keeps nothing in the raw zone"
    written = land(second, dt=ctx2.dt)
    assert written == {}


def test_broken_feeds_are_rejected_and_the_run_goes_on(
    server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DIPLOWATCH_HOME", str(tmp_path))
    news = News(
        feeds=[
            Feed(name="HTML", url=f"{server}/html.xml"),
            Feed(name="Laughs", url=f"{server}/laughs.xml"),
            Feed(name="Empty", url=f"{server}/empty.xml"),
            Feed(name="Gone", url=f"{server}/missing.xml"),
            Feed(name="NKEW", url=f"{server}/atom.xml"),
        ]
    )
    ctx = _ctx("run1")
    batch = rss.extract(ctx, news, client=_client())
    ctx.raw.close()
    reasons = sorted(r["reason"] for r in batch.rejects)
    assert any(r.startswith("feed HTML: got an HTML page") for r in reasons)
    assert any(r.startswith("feed Laughs: hostile XML refused") for r in reasons)
    assert any(r.startswith("feed Empty: empty body") for r in reasons)
    assert any(r.startswith("feed Gone: fetch failed") and "404" in r for r in reasons)
    assert all(r["raw_ref"] for r in batch.rejects if not r["reason"].startswith("feed Gone"))
    assert [r["found_via"] for r in batch.records["news_items"]] == ["atom", "atom"]
    assert set(rss.load_validators()) == set(), "refused feeds keep no validators: they are fetched again"
    written = land(batch, dt=ctx.dt)
    assert [p.parent.parent.name for p in written["news_items"]] == ["platform=atom"]
    assert written["rejects"][0].exists()
