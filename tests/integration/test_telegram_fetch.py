"""Telegram fetching and extract against a local HTTP server replaying recorded t.me/s pages.

The server (127.0.0.1, a thread) serves the bundled captures of sample_data/telegram with
``?before=<id>`` paging, and can inject 5xx, 429 and changed-layout responses.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from diplowatch import landing, paths, state
from diplowatch.config import Account, Mission
from diplowatch.http import HttpClient
from diplowatch.raw import RawWriter, read_raw
from diplowatch.sources import telegram as tg
from diplowatch.sources.base import RunContext

SAMPLE = paths.SAMPLE_DATA / "telegram"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "telegram"
MANIFEST = json.loads((SAMPLE / "manifest.json").read_text(encoding="utf-8"))
MISSION = Mission(id="ru_emb_dprk", name="Embassy", country="RU", host_country="KP")
ACCOUNT = Account(platform="telegram", handle="rusembdprk")


@dataclass
class Replay:
    """What the server answers: recorded bodies by path+query, and faults served first."""

    routes: dict[str, bytes] = field(default_factory=dict)
    faults: dict[str, list[tuple[int, dict[str, str]]]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)

    def load_capture(self, captured: str) -> None:
        """Serve one capture of the sample (e.g. '2017-11-15')."""
        capture = next(c for c in MANIFEST["captures"] if c["captured_at"].startswith(captured))
        self.routes = {
            p["url"].removeprefix("https://t.me"): (SAMPLE / p["file"]).read_bytes() for p in capture["pages"]
        }


@pytest.fixture
def server() -> Iterator[tuple[str, Replay]]:
    replay = Replay()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            replay.requests.append(self.path)
            pending = replay.faults.get(self.path)
            if pending:
                status, headers = pending.pop(0)
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                return
            body = replay.routes.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body or b"not found")

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", replay
    finally:
        httpd.shutdown()
        httpd.server_close()


def client(sleeps: list[float] | None = None) -> HttpClient:
    return HttpClient(timeout=5, sleep=(sleeps.append if sleeps is not None else lambda s: None))


def context(base_url: str, fetched_at: datetime, run_id: str, **kw) -> RunContext:
    raw = RawWriter("telegram", run_id, fetched_at.date())
    return RunContext(
        run_id=run_id, source="telegram", dt=fetched_at.date(), raw=raw, fetched_at=fetched_at,
        base_urls={"telegram": base_url}, **kw,
    )  # fmt: skip


def ids(batch: landing.Batch, entity: str = "posts") -> set[int]:
    return {int(r["post_uid"].rsplit(":", 1)[1]) for r in batch.records.get(entity, [])}


def test_fetch_channel_follows_before_links_to_the_oldest_page(server):
    base, replay = server
    replay.load_capture("2018-05-01")
    pages = list(tg.fetch_channel(client(), "rusembdprk", base, None, 50))
    assert len(pages) == 9
    assert replay.requests[0] == "/s/rusembdprk"
    assert replay.requests[1] == "/s/rusembdprk?before=212"
    posts = {p["post_uid"] for page in pages for p in tg.parse_channel_page(page, "rusembdprk").posts}
    assert len(posts) == MANIFEST["posts"]


def test_fetch_channel_stops_at_the_cursor_and_at_max_pages(server):
    base, replay = server
    replay.load_capture("2018-05-01")
    pages = list(tg.fetch_channel(client(), "rusembdprk", base, after_id=200, max_pages=50))
    assert len(pages) == 2  # page 2 holds ids 189..211, which reaches id 200
    replay.requests.clear()
    assert len(list(tg.fetch_channel(client(), "rusembdprk", base, max_pages=3))) == 3
    assert len(replay.requests) == 3


def test_5xx_then_success(server):
    base, replay = server
    replay.load_capture("2017-11-15")
    replay.faults["/s/rusembdprk?before=60"] = [(503, {}), (502, {})]
    sleeps: list[float] = []
    pages = list(tg.fetch_channel(client(sleeps), "rusembdprk", base))
    assert [p.status for p in pages] == [200, 200, 200, 200]
    assert replay.requests.count("/s/rusembdprk?before=60") == 3
    assert len(sleeps) == 2


def test_429_honours_retry_after(server):
    base, replay = server
    replay.load_capture("2017-11-15")
    replay.faults["/s/rusembdprk"] = [(429, {"Retry-After": "2"})]
    sleeps: list[float] = []
    pages = list(tg.fetch_channel(client(sleeps), "rusembdprk", base, max_pages=1))
    assert len(pages) == 1 and pages[0].status == 200
    assert sleeps == [2.0]


def test_extract_incremental_second_run_fetches_only_newer_posts(server):
    base, replay = server
    replay.load_capture("2017-11-15")
    first_at = datetime(2017, 11, 15, 9, 5, tzinfo=UTC)
    ctx1 = context(base, first_at, "scheduled__2017-11-15T09:00:00+00:00")
    first = tg.extract(ctx1, MISSION, ACCOUNT)
    ctx1.raw.close()
    assert len(replay.requests) == 4 and first.rejects == []
    assert len(ids(first)) == 58
    landing.land(first, dt=first_at.date())
    cursor, _ = state.last_landed("telegram", "telegram:rusembdprk")
    assert cursor == str(max(ids(first)))

    replay.load_capture("2018-02-01")
    replay.requests.clear()
    second_at = datetime(2018, 2, 1, 9, 5, tzinfo=UTC)
    ctx2 = context(base, second_at, "scheduled__2018-02-01T09:00:00+00:00", metrics_refresh_days=30)
    second = tg.extract(ctx2, MISSION, ACCOUNT)
    raw_file = ctx2.raw.close()
    assert len(replay.requests) < 6  # the capture has 6 pages; the crawl stops once it passes the cursor
    assert len(list(read_raw(raw_file))) == len(replay.requests)  # every response kept in the raw zone

    new = ids(second)
    published = {int(r["native_id"]): r["published_at"] for r in second.records["posts"]}
    assert all(i > int(cursor) or published[i] >= ctx2.refresh_since for i in new)
    capture2 = {
        p["post_uid"]
        for f in (SAMPLE / "web" / "2018-02-01").glob("*.html")
        for p in tg.parse_channel_page(tg.RawPage(url=base + "/s/rusembdprk", body=f.read_bytes(),
                                                  fetched_at=second_at), "rusembdprk").posts
    }  # fmt: skip
    expected_new = {int(u.rsplit(":", 1)[1]) for u in capture2} - ids(first)
    assert expected_new and expected_new <= new
    # metrics: one snapshot per fetched post, timestamped with its page's fetch time
    assert ids(second, "post_metrics") == new
    assert all(r["observed_at"] == r["fetched_at"] for r in second.records["post_metrics"])
    assert all(r["mission_id"] == "ru_emb_dprk" for r in second.records["posts"])
    assert len(second.records["account_metrics"]) == 1
    assert second.records["account_metrics"][0]["followers"] == 1640


def test_changed_layout_mid_crawl_is_a_reject_and_the_rest_lands(server):
    base, replay = server
    replay.load_capture("2017-11-15")
    replay.routes["/s/rusembdprk?before=60"] = (FIXTURES / "page_layout_changed.html").read_bytes()
    ctx = context(base, datetime(2017, 11, 15, 9, 5, tzinfo=UTC), "manual__layout")
    batch = tg.extract(ctx, MISSION, ACCOUNT)
    ctx.raw.close()
    assert len(replay.requests) == 2
    assert len(ids(batch)) == 19  # the first page's posts
    [reject] = batch.rejects
    assert "/s/rusembdprk?before=60: expected div.tgme_widget_message" in reject["reason"]
    written = landing.land(batch, dt=date(2017, 11, 15))
    assert pq.read_table(written["rejects"][0]).num_rows == 1


def test_offline_sample_replay(tmp_path):
    ctx = context("http://127.0.0.1:9", datetime(2024, 1, 1, tzinfo=UTC), "demo_1", sample_dir=paths.SAMPLE_DATA)
    batch = tg.extract(ctx, MISSION, ACCOUNT)
    ctx.raw.close()
    posts = batch.records["posts"]
    assert len({p["post_uid"] for p in posts}) == len(posts) >= 150
    assert min(p["published_at"] for p in posts) >= datetime(2017, 9, 1, tzinfo=UTC)
    assert max(p["published_at"] for p in posts) < datetime(2018, 5, 1, tzinfo=UTC)
    # the export's broken message is quarantined with its reason; nothing else is rejected
    assert [r["reason"].split(":")[0] for r in batch.rejects] == ["message 169"]
    assert "no date_unixtime" in batch.rejects[0]["reason"]
    # views grow between the three captures, and snapshots carry the capture time, not now()
    series: dict[str, list[tuple[datetime, int]]] = {}
    for m in batch.records["post_metrics"]:
        series.setdefault(m["post_uid"], []).append((m["observed_at"], m["views"]))
    multi = [sorted(s) for s in series.values() if len(s) == 3]
    assert len(multi) >= 50
    assert all(s[0][1] <= s[1][1] <= s[2][1] and s[0][1] < s[2][1] for s in multi)
    assert {m["observed_at"].date() for m in batch.records["post_metrics"]} == {
        date(2017, 11, 15),
        date(2018, 2, 1),
        date(2018, 5, 1),
    }
    followers = sorted((m["observed_at"], m["followers"]) for m in batch.records["account_metrics"])
    assert [f for _, f in followers] == [1180, 1640, 2310]
    bilingual = [p for p in posts if "\n\n" in p["text"] and any("a" <= c <= "z" for c in p["text"])]
    assert len(bilingual) >= 60

    # a second demo run produces the same records (but for its run id)
    ctx2 = context("http://127.0.0.1:9", datetime(2024, 1, 2, tzinfo=UTC), "demo_2", sample_dir=paths.SAMPLE_DATA)
    again = tg.extract(ctx2, MISSION, ACCOUNT)
    ctx2.raw.close()

    def strip(rows: list[dict]) -> list[dict]:
        return [{k: v for k, v in r.items() if k not in ("run_id", "raw_ref")} for r in rows]

    for entity in ("posts", "post_metrics", "accounts", "account_metrics"):
        assert strip(again.records[entity]) == strip(batch.records[entity])
    written = landing.land(batch, dt=date(2024, 1, 1))
    assert pq.read_table(written["posts"][0]).num_rows == len(posts)


def test_offline_sample_dir_may_point_at_the_telegram_folder():
    ctx = context("http://127.0.0.1:9", datetime(2024, 1, 1, tzinfo=UTC), "demo_3", sample_dir=SAMPLE)
    batch = tg.extract(ctx, MISSION, ACCOUNT)
    ctx.raw.close()
    assert len(batch.records["posts"]) >= 150
    assert timedelta(0) <= batch.records["posts"][0]["fetched_at"] - datetime(2017, 11, 15, tzinfo=UTC)


def test_offline_web_rows_keep_what_only_the_export_knows():
    ctx = context("http://127.0.0.1:9", datetime(2024, 1, 1, tzinfo=UTC), "demo_4", sample_dir=paths.SAMPLE_DATA)
    batch = tg.extract(ctx, MISSION, ACCOUNT)
    ctx.raw.close()
    posts = {int(p["native_id"]): p for p in batch.records["posts"]}
    assert all(p["source_format"] == "web" for p in posts.values())  # the preview is the newest read
    edited = [p for p in posts.values() if p.get("edited_at") is not None]
    assert edited and all(p["edited_at"] > p["published_at"] for p in edited)  # from the export only
    assert posts[169]["text"]  # quarantined in the export, landed from the web preview
