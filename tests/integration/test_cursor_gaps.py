"""Cursor gaps: a run whose page budget runs out before the cursor records a gap; the next run fills it.

A local server on 127.0.0.1 plays a growing account on each platform, in the platform's real
format and paging (Telegram ``?before=``, X ``since_id``/``until_id``/``pagination_token``, Graph
``since``/``until`` and ``paging.next``, VK ``offset``), five posts a page. The real client code runs
against it, and the runs land through ``landing.land`` then ``state.save_gaps``, as ``diplowatch.ingest`` does.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import duckdb
import pytest
from diplowatch import ingest, landing, paths, state
from diplowatch.config import Account, Mission
from diplowatch.raw import RawWriter
from diplowatch.sources import facebook, telegram, vk, x
from diplowatch.sources.base import RunContext

PAGE = 5
TOKEN = "tok-SECRET-123"
T0 = datetime(2018, 1, 1, 9, tzinfo=UTC)
MISSION = Mission(id="ru_emb_dprk", name="E", country="RU", host_country="KP")
X_USER = "906507389620375553"
FB_PAGE = "1547783992216376"
ACCOUNTS = {
    "telegram": Account(platform="telegram", handle="rusembdprk"),
    "x": Account(platform="x", handle="rusembdprk", conn_id="x_api"),
    "facebook": Account(platform="facebook", handle="RusEmbDPRK", conn_id="facebook_graph"),
    "vk": Account(platform="vk", handle="rusembdprk", conn_id="vk_api"),
}
MODULES = {"telegram": telegram, "x": x, "facebook": facebook, "vk": vk}


class Platform:
    """One account's posts (``id`` ascending = time ascending), served newest first in each API's format."""

    def __init__(self) -> None:
        self.posts: list[tuple[int, datetime]] = []
        self.requests: list[str] = []
        self.fail: set[str] = set()
        self.base = ""

    def publish(self, n: int) -> None:
        for _ in range(n):
            i = len(self.posts) + 1
            self.posts.append((i, T0 + timedelta(hours=6 * i)))

    def newest_first(self) -> list[tuple[int, datetime]]:
        return sorted(self.posts, reverse=True)

    # --- formats -------------------------------------------------------------------------------

    def telegram(self, q: dict[str, str]) -> bytes:
        before = int(q["before"]) if "before" in q else None
        rows = [p for p in self.newest_first() if before is None or p[0] < before][:PAGE]
        more = rows and rows[-1][0] > 1
        msgs = "".join(
            f'<div class="tgme_widget_message" data-post="rusembdprk/{i}">'
            f'<div class="tgme_widget_message_text">Пост {i}<br>Post {i}</div>'
            f'<span class="tgme_widget_message_views">{10 * i}</span>'
            f'<a class="tgme_widget_message_date" href="https://t.me/rusembdprk/{i}">'
            f'<time datetime="{at.isoformat()}"></time></a></div>'
            for i, at in reversed(rows)
        )
        link = f'<a class="tme_messages_more" data-before="{rows[-1][0]}"></a>' if more else ""
        html = f'<html><body><section class="tgme_channel_history">{link}{msgs}</section></body></html>'
        return html.encode()

    def x_timeline(self, q: dict[str, str]) -> bytes:
        since, until = int(q.get("since_id", 0)), int(q.get("until_id", 10**9))
        rows = [p for p in self.newest_first() if since < p[0] < until]
        start = int(q.get("pagination_token", "0"))
        chunk = rows[start : start + PAGE]
        data = [
            {"id": str(i), "text": f"Post {i}", "created_at": at.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
             "public_metrics": {"like_count": i, "retweet_count": 0, "reply_count": 0, "quote_count": 0}}
            for i, at in chunk
        ]  # fmt: skip
        meta: dict = {"result_count": len(data)}
        if start + PAGE < len(rows):
            meta["next_token"] = str(start + PAGE)
        return json.dumps({"data": data, "meta": meta} if data else {"meta": meta}).encode()

    def fb_posts(self, q: dict[str, str]) -> bytes:
        since, until = int(q.get("since", 0)), int(q.get("until", 2**40))
        rows = [p for p in self.newest_first() if since <= p[1].timestamp() <= until]
        start = int(q.get("after", "0"))
        chunk = rows[start : start + PAGE]
        data = [
            {"id": f"{FB_PAGE}_{i}", "message": f"Post {i}", "created_time": at.strftime("%Y-%m-%dT%H:%M:%S+0000"),
             "reactions": {"data": [], "summary": {"total_count": i}}}
            for i, at in chunk
        ]  # fmt: skip
        doc: dict = {"data": data, "paging": {}}
        if start + PAGE < len(rows):
            nxt = {k: v for k, v in q.items() if k != "after"} | {"after": str(start + PAGE)}
            doc["paging"]["next"] = f"{self.base}/{FB_PAGE}/posts?{urlencode(nxt)}"
        return json.dumps(doc).encode()

    def vk_wall(self, q: dict[str, str]) -> bytes:
        rows = self.newest_first()
        start = int(q.get("offset", "0"))
        items = [
            {"id": i, "owner_id": -153455183, "date": int(at.timestamp()), "text": f"Пост {i}",
             "likes": {"count": i}, "reposts": {"count": 0}}
            for i, at in rows[start : start + PAGE]
        ]  # fmt: skip
        return json.dumps({"response": {"count": len(rows), "items": items}}).encode()

    def answer(self, path: str, q: dict[str, str]) -> tuple[int, bytes]:
        self.requests.append(path + ("?" + urlencode(q) if q else ""))
        if any(f in self.requests[-1] for f in self.fail):
            return 404, b'{"error": "gone"}'
        if path == "/s/rusembdprk":
            return 200, self.telegram(q)
        if path == "/2/users/by/username/rusembdprk":
            return 200, json.dumps({"data": {"id": X_USER, "username": "rusembdprk", "name": "E"}}).encode()
        if path == f"/2/users/{X_USER}/tweets":
            return 200, self.x_timeline(q)
        if path == "/RusEmbDPRK":
            return 200, json.dumps({"id": FB_PAGE, "name": "E", "username": "RusEmbDPRK"}).encode()
        if path == "/RusEmbDPRK/posts" or path == f"/{FB_PAGE}/posts":
            return 200, self.fb_posts(q)
        if path == "/groups.getById":
            return 200, json.dumps({"response": {"groups": [{"id": 153455183, "screen_name": "rusembdprk"}]}}).encode()
        if path == "/wall.get":
            return 200, self.vk_wall(q)
        return 404, b"no route"


@pytest.fixture
def site():
    platform = Platform()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            status, body = platform.answer(parts.path, {k: v[-1] for k, v in parse_qs(parts.query).items()})
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    platform.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield platform
    finally:
        httpd.shutdown()
        httpd.server_close()


def run(site: Platform, platform: str, n: int, max_pages: int) -> landing.Batch:
    """One live run, landed like ``diplowatch.ingest``: the batch first, then its gap list."""
    fetched_at = T0 + timedelta(days=60 + n)  # refresh window (30 days) is past every post: no re-fetch
    raw = RawWriter(platform, f"r{n}", fetched_at.date())
    ctx = RunContext(
        run_id=f"r{n}", source=platform, dt=fetched_at.date(), raw=raw, fetched_at=fetched_at, max_pages=max_pages,
        secrets={ACCOUNTS[platform].conn_id: TOKEN} if ACCOUNTS[platform].conn_id else {},
        base_urls={platform: site.base},
    )  # fmt: skip
    module = MODULES[platform]
    kwargs = {} if platform == "telegram" else {"client": module.make_client(ctx, ACCOUNTS[platform], backoff=0.01)}
    try:
        batch = module.extract(ctx, MISSION, ACCOUNTS[platform], **kwargs)
    finally:
        raw.close()
    landing.land(batch, dt=fetched_at.date(), part=f"r{n}")
    update = state.pending_gaps(batch)
    assert update is not None, "a live run hands its gap list to ingest"
    state.save_gaps(update)
    return batch


def landed(platform: str) -> Counter:
    folder = paths.landing() / "posts" / f"platform={platform}"
    with duckdb.connect() as con:
        rows = con.execute(f"select native_id from read_parquet('{folder.as_posix()}/*/*.parquet')").fetchall()
    return Counter(int(r[0].rsplit("_", 1)[-1]) for r in rows)


def uid(platform: str) -> str:
    return f"{platform}:{ACCOUNTS[platform].handle.lower()}"


@pytest.mark.parametrize("platform", ["telegram", "x", "facebook", "vk"])
def test_gap_recorded_then_filled(site, platform):
    site.publish(4)
    run(site, platform, 0, max_pages=5)
    assert set(landed(platform)) == {1, 2, 3, 4} and state.open_gaps(uid(platform)) == []

    site.publish(3 * PAGE)  # posts 5..19: three pages of new posts
    first = run(site, platform, 1, max_pages=1)
    assert {int(p["native_id"].rsplit("_", 1)[-1]) for p in first.records["posts"]} == set(range(15, 20))
    (gap,) = state.open_gaps(uid(platform))
    assert gap.newer_than.id.endswith("4") and gap.older_than.id.endswith("15") and gap.opened_by == "r1"
    assert gap.resume  # where paging continues
    assert state.last_landed(platform, uid(platform))[0].endswith("19")  # last_landed keeps its meaning

    second = run(site, platform, 2, max_pages=5)
    filled = {int(p["native_id"].rsplit("_", 1)[-1]) for p in second.records["posts"]}
    assert set(range(5, 15)) <= filled
    assert state.open_gaps(uid(platform)) == [] and not state.gaps_file(uid(platform)).exists()
    counts = landed(platform)
    assert set(counts) == set(range(1, 20))  # nothing missing
    if platform in ("telegram", "x"):  # id-bounded paging: every post landed exactly once
        assert set(counts.values()) == {1}
    else:  # time/offset paging re-delivers the cursor's boundary page (staging dedupes); the gap lands once
        assert all(counts[i] == 1 for i in range(5, 15))


@pytest.mark.parametrize("platform", ["telegram", "x", "facebook", "vk"])
def test_gap_filled_over_several_runs_while_new_posts_arrive(site, platform):
    site.publish(4)
    run(site, platform, 0, max_pages=5)
    site.publish(4 * PAGE)  # posts 5..24
    run(site, platform, 1, max_pages=1)  # lands 20..24, gap (4, 20)
    site.publish(2)  # 25, 26 arrive meanwhile
    run(site, platform, 2, max_pages=1)  # the gap goes first: one page of it
    (gap,) = state.open_gaps(uid(platform))
    # narrowed by one page (Graph's "until" is inclusive; VK's offsets moved by the two new posts)
    assert 15 <= int(gap.older_than.id.rsplit("_", 1)[-1]) < 20
    assert gap.opened_by == "r1" and gap.updated_by == "r2"
    for n in range(3, 8):
        run(site, platform, n, max_pages=1)
    assert state.open_gaps(uid(platform)) == []
    assert set(landed(platform)) == set(range(1, 27))


def test_failing_run_records_nothing_and_lands_no_posts(site, monkeypatch, tmp_path):
    """Through ``ingest.ingest_account``: a FetchError mid-walk lands a reject only, and no gap."""
    watchlist = tmp_path / "watchlist.yaml"
    watchlist.write_text(
        "version: 1\nmissions:\n  - id: ru_emb_dprk\n    name: E\n    country: RU\n    host_country: KP\n"
        "    accounts:\n      - platform: telegram\n        handle: rusembdprk\nsettings:\n  max_pages_per_run: 2\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(telegram, "DEFAULT_BASE_URL", site.base)
    site.publish(4)
    ingest.ingest_account("telegram", "ru_emb_dprk", "rusembdprk", "r0", date(2018, 3, 1), watchlist)
    site.publish(3 * PAGE)
    site.fail = {"before=15"}  # the second page is gone
    summary = ingest.ingest_account("telegram", "ru_emb_dprk", "rusembdprk", "r1", date(2018, 3, 2), watchlist)
    assert summary.error and "page 2 failed" in summary.error
    assert not state.gaps_file(uid("telegram")).exists() and set(landed("telegram")) == {1, 2, 3, 4}

    site.fail = set()  # max_pages=2 of 3 pages: ingest saves the gap after landing, the next run fills it
    ingest.ingest_account("telegram", "ru_emb_dprk", "rusembdprk", "r2", date(2018, 3, 3), watchlist)
    (gap,) = state.open_gaps(uid("telegram"))
    assert (gap.newer_than.id, gap.older_than.id, gap.resume) == ("4", "10", {"before": 10})
    ingest.ingest_account("telegram", "ru_emb_dprk", "rusembdprk", "r3", date(2018, 3, 4), watchlist)
    assert state.open_gaps(uid("telegram")) == []
    assert set(landed("telegram").values()) == {1} and set(landed("telegram")) == set(range(1, 20))
