"""Optional article text: trafilatura extraction, cached by canonical URL, never fetched twice."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from diplowatch.http import HttpClient
from diplowatch.news import articles

PARAGRAPH = (
    "Russian Ambassador-at-Large Oleg Burmistrov held consultations in Moscow with Choe Son Hui, director of the "
    "North American Department of the DPRK Foreign Ministry. The sides discussed the situation on the Korean "
    "Peninsula and ways to settle it by political and diplomatic means."
)
PAGE = f"""<!DOCTYPE html><html><head><title>Consultations</title></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Russian, North Korean diplomats hold consultations in Moscow</h1>
<p>{PARAGRAPH}</p><p>{PARAGRAPH}</p></article>
<footer>© TASS 2017. Subscribe to our newsletter.</footer></body></html>""".encode()


class Handler(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        Handler.hits.append(self.path)
        status, body = (200, PAGE) if self.path.startswith("/politics/967980") else (404, b"gone")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("DIPLOWATCH_HOME", str(tmp_path))
    Handler.hits = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_article_text_is_extracted_and_cached(base: str) -> None:
    client = HttpClient(timeout=5, attempts=1)
    text = articles.article_text(client, f"{base}/politics/967980?utm_source=rss")
    assert text is not None and "Oleg Burmistrov held consultations" in text
    assert "Subscribe to our newsletter" not in text and "Home" not in text.split("\n")[0]
    again = articles.article_text(client, f"{base}/politics/967980/")  # another variant of the same URL
    assert again == text
    assert len(Handler.hits) == 1, "never fetched twice"
    assert articles.cached(f"{base}/politics/967980")["url"].endswith("/politics/967980")


def test_failures_are_cached_too_and_offline_reads_only_the_cache(base: str) -> None:
    client = HttpClient(timeout=5, attempts=1)
    assert articles.article_text(client, f"{base}/missing") is None
    assert articles.article_text(client, f"{base}/missing") is None
    assert len(Handler.hits) == 1
    assert "404" in articles.cached(f"{base}/missing")["error"]
    assert articles.article_text(None, f"{base}/never-seen") is None
    assert len(Handler.hits) == 1
