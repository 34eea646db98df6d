"""GDELT against a local HTTP server: window splitting under the 250 cap, 429, HTML errors, rate limit."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest
from diplowatch.config import News, NewsQuery
from diplowatch.http import HttpClient
from diplowatch.landing import land
from diplowatch.raw import RawWriter
from diplowatch.sources import gdelt
from diplowatch.sources.base import RunContext

START = datetime(2017, 10, 1, tzinfo=UTC)
END = datetime(2017, 10, 3, 23, 59, 59, tzinfo=UTC)
# 700 articles on the 15-minute grid between START and END, 3 per slot in busy hours
ARTICLES = [
    {
        "url": f"https://news.example.org/{n}",
        "url_mobile": "",
        "title": f"Story number {n} , about Pyongyang",
        "seendate": (START + timedelta(minutes=15 * (n // 3))).strftime("%Y%m%dT%H%M%SZ"),
        "socialimage": "",
        "domain": "news.example.org",
        "language": "English",
        "sourcecountry": "United States",
    }
    for n in range(700)
]


class Handler(BaseHTTPRequestHandler):
    requests: ClassVar[list[dict[str, str]]] = []
    mode = "normal"
    throttled = 0

    def do_GET(self) -> None:
        q = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
        Handler.requests.append(q)
        if q.get("query") == "bad query":
            return self._send(200, b"<html><body>The specified phrase is too short.</body></html>", "text/html")
        if q.get("query") == "nothing":
            return self._send(200, b"{}", "application/json")
        if Handler.mode == "throttle" and Handler.throttled < 1:
            Handler.throttled += 1
            return self._send(429, b"Please limit requests to one every 5 seconds", "text/plain", {"Retry-After": "1"})
        start = datetime.strptime(q["startdatetime"], "%Y%m%d%H%M%S").replace(tzinfo=UTC)
        end = datetime.strptime(q["enddatetime"], "%Y%m%d%H%M%S").replace(tzinfo=UTC)
        hits = [a for a in ARTICLES if start <= gdelt.parse_seendate(a["seendate"]) <= end]
        assert q["maxrecords"] == "250" and q["mode"] == "ArtList" and q["format"] == "json"
        self._send(200, json.dumps({"articles": hits[:250]}).encode(), "application/json; charset=utf-8")

    def _send(self, status: int, body: bytes, ctype: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("DIPLOWATCH_HOME", str(tmp_path))
    Handler.requests, Handler.mode, Handler.throttled = [], "normal", 0
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/api/v2/doc/doc"
    httpd.shutdown()
    httpd.server_close()


def _ctx(base: str) -> RunContext:
    d = date(2017, 10, 4)
    return RunContext(
        run_id="r1", source="news_gdelt", dt=d, raw=RawWriter("news_gdelt", "r1", d), base_urls={"gdelt": base}
    )


def _client(ctx: RunContext, sleeps: list[float]) -> HttpClient:
    return HttpClient(timeout=5, attempts=3, raw=ctx.raw, sleep=sleeps.append)


def _news(*queries: str) -> News:
    return News(gdelt_queries=[NewsQuery(name=q.replace(" ", "_"), query=q) for q in queries])


def test_window_is_split_until_under_the_cap_and_nothing_is_lost(server: str) -> None:
    ctx = _ctx(server)
    batch = gdelt.extract(ctx, _news("Pyongyang"), start=START, end=END, client=_client(ctx, []), min_interval=0)
    ctx.raw.close()
    rows = batch.records["news_items"]
    assert sorted(r["url"] for r in rows) == sorted(a["url"] for a in ARTICLES), "every article once"
    assert batch.rejects == []
    answered = [r for r in Handler.requests if r.get("startdatetime")]
    fmt = "%Y%m%d%H%M%S"
    windows = [(datetime.strptime(r["startdatetime"], fmt), datetime.strptime(r["enddatetime"], fmt)) for r in answered]
    assert windows[0] == (START.replace(tzinfo=None), END.replace(tzinfo=None))
    # the leaves (slices not split further) tile the window: sorted, each starts one second after the last ends
    leaves = []
    for w in windows:
        hits = [a for a in ARTICLES if w[0] <= gdelt.parse_seendate(a["seendate"]).replace(tzinfo=None) <= w[1]]
        if len(hits) < 250:
            leaves.append(w)
    leaves.sort()
    assert leaves[0][0] == START.replace(tzinfo=None) and leaves[-1][1] == END.replace(tzinfo=None)
    for (_, end_a), (start_b, _) in itertools.pairwise(leaves):
        assert start_b - end_a == timedelta(seconds=1)
    assert len(windows) > len(leaves) >= 3
    assert all(r["title"].endswith("about Pyongyang") and " ," not in r["title"] for r in rows)
    assert land(batch, dt=ctx.dt)["news_items"][0].parent.parent.name == "platform=gdelt"


def test_cursor_from_landed_data(server: str) -> None:
    ctx = _ctx(server)
    batch = gdelt.extract(ctx, _news("Pyongyang"), start=START, end=END, client=_client(ctx, []), min_interval=0)
    ctx.raw.close()
    land(batch, dt=ctx.dt)
    assert gdelt.last_seen("Pyongyang") == max(r["seen_at"] for r in batch.records["news_items"])
    assert gdelt.last_seen("other") is None


def test_429_is_retried_and_rate_limit_is_kept(server: str) -> None:
    Handler.mode = "throttle"
    ctx = _ctx(server)
    sleeps: list[float] = []
    end = START + timedelta(hours=6)
    batch = gdelt.extract(
        ctx, _news("Pyongyang", "Pyongyang"), start=START, end=end, client=_client(ctx, sleeps), min_interval=0
    )
    ctx.raw.close()
    assert Handler.throttled == 1
    assert sleeps == [1.0], "waited what Retry-After asked"
    assert len(batch.records["news_items"]) == 2 * 75 and batch.rejects == []


def test_html_error_and_empty_object(server: str) -> None:
    ctx = _ctx(server)
    batch = gdelt.extract(
        ctx,
        _news("bad query", "nothing", "Pyongyang"),
        start=START,
        end=START + timedelta(hours=1),
        client=_client(ctx, []),
        min_interval=0,
    )
    ctx.raw.close()
    assert len(batch.rejects) == 1
    assert "bad_query" in batch.rejects[0]["reason"] and "phrase is too short" in batch.rejects[0]["reason"]
    assert {r["feed_or_query"] for r in batch.records["news_items"]} == {"Pyongyang"}


def test_min_interval_between_requests(server: str) -> None:
    ctx = _ctx(server)
    waits: list[float] = []
    pacer = gdelt.Pacer(min_interval=5.0, sleep=waits.append, clock=lambda: 0.0)
    window = gdelt.Window(START, END)
    list(
        gdelt.fetch_window(
            _client(ctx, []), NewsQuery(name="p", query="Pyongyang"), window, base_url=server, pacer=pacer
        )
    )
    ctx.raw.close()
    assert len(waits) == len(Handler.requests) - 1 and all(w == 5.0 for w in waits)
