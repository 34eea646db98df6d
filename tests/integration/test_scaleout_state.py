"""Scale-out run state: two workers (two DIPLOWATCH_HOMEs) share gaps, RSS validators and the article cache.

The object store is moto's S3 server on 127.0.0.1; the platforms are local HTTP servers in their
real formats (Telegram's channel page, an RSS feed with ETag, an article page). Everything runs through
``diplowatch.ingest``, as the DAG tasks do.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import duckdb
import pytest
from diplowatch import ingest, lakestore, paths, state
from diplowatch.news import articles
from diplowatch.sources import rss, telegram
from pyarrow import fs as pafs

PAGE = 5
T0 = datetime(2018, 1, 1, 9, tzinfo=UTC)
UID = "telegram:rusembdprk"
ETAG = '"feed-v1"'
MISSION_YAML = (
    "version: 1\nmissions:\n  - id: ru_emb_dprk\n    name: E\n    country: RU\n    host_country: KP\n"
    "    accounts:\n      - platform: telegram\n        handle: rusembdprk\n"
)


# ---------------------------------------------------------------- the object store


@pytest.fixture
def lake_uri(make_lake) -> str:
    """A fresh bucket with a prefix, as a team would use, and the variables pointing at it."""
    return make_lake("team")


def objects(admin: pafs.S3FileSystem, uri: str, prefix: str) -> set[str]:
    """Keys under ``<uri>/<prefix>``, relative to the URI."""
    base = uri.removeprefix("s3://")
    infos = admin.get_file_info(pafs.FileSelector(f"{base}/{prefix}", recursive=True, allow_not_found=True))
    return {i.path.removeprefix(base + "/") for i in infos if i.type == pafs.FileType.File}


def worker(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    """Become another worker: its own DIPLOWATCH_HOME, so its own mirrors of the lake and the state."""
    monkeypatch.setenv("DIPLOWATCH_HOME", str(home))


# ---------------------------------------------------------------- a Telegram channel on 127.0.0.1


class Channel:
    """A growing channel served as ``t.me/s/<channel>`` pages, newest five per page, ``?before=`` paging."""

    def __init__(self) -> None:
        self.posts: list[tuple[int, datetime]] = []
        self.requests: list[str] = []

    def publish(self, n: int) -> None:
        for _ in range(n):
            i = len(self.posts) + 1
            self.posts.append((i, T0 + timedelta(hours=6 * i)))

    def page(self, q: dict[str, str]) -> bytes:
        before = int(q["before"]) if "before" in q else None
        rows = [p for p in sorted(self.posts, reverse=True) if before is None or p[0] < before][:PAGE]
        msgs = "".join(
            f'<div class="tgme_widget_message" data-post="rusembdprk/{i}">'
            f'<div class="tgme_widget_message_text">Post {i}</div>'
            f'<span class="tgme_widget_message_views">{10 * i}</span>'
            f'<a class="tgme_widget_message_date" href="https://t.me/rusembdprk/{i}">'
            f'<time datetime="{at.isoformat()}"></time></a></div>'
            for i, at in reversed(rows)
        )
        more = rows and rows[-1][0] > 1
        link = f'<a class="tme_messages_more" data-before="{rows[-1][0]}"></a>' if more else ""
        return f'<html><body><section class="tgme_channel_history">{link}{msgs}</section></body></html>'.encode()


def _serve(answer) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, body, headers = answer(self)
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


@pytest.fixture
def channel(monkeypatch: pytest.MonkeyPatch) -> Iterator[Channel]:
    ch = Channel()

    def answer(handler: BaseHTTPRequestHandler):
        parts = urlsplit(handler.path)
        ch.requests.append(handler.path)
        if parts.path != "/s/rusembdprk":
            return 404, b"no route", {}
        return 200, ch.page({k: v[-1] for k, v in parse_qs(parts.query).items()}), {"Content-Type": "text/html"}

    httpd, base = _serve(answer)
    monkeypatch.setattr(telegram, "DEFAULT_BASE_URL", base)
    try:
        yield ch
    finally:
        httpd.shutdown()
        httpd.server_close()


def landed_ids(admin: pafs.S3FileSystem, uri: str, home: Path) -> Counter:
    """Native ids of every landed Telegram post in the lake (all workers' files), counted."""
    keys = objects(admin, uri, "landing/posts/platform=telegram")
    folder = home / "lake" / "_check"
    folder.mkdir(parents=True, exist_ok=True)
    ids: Counter = Counter()
    for n, key in enumerate(sorted(keys)):
        local = folder / f"{n}.parquet"
        with admin.open_input_stream(f"{uri.removeprefix('s3://')}/{key}") as src:
            local.write_bytes(src.read())
        with duckdb.connect() as con:
            ids.update(int(r[0]) for r in con.execute(f"select native_id from '{local}'").fetchall())
    return ids


# ---------------------------------------------------------------- gaps


def test_a_gap_recorded_on_worker_a_is_filled_by_worker_b(
    lake_uri: str, admin: pafs.S3FileSystem, channel: Channel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    watchlist = tmp_path / "watchlist.yaml"
    watchlist.write_text(MISSION_YAML + "settings:\n  max_pages_per_run: 2\n", encoding="utf-8")
    gap_key = "state/gaps/telegram_rusembdprk.json"

    worker(monkeypatch, tmp_path / "a")
    channel.publish(4)
    ingest.ingest_account("telegram", "ru_emb_dprk", "rusembdprk", "r0", date(2018, 3, 1), watchlist)
    channel.publish(3 * PAGE)  # posts 5..19: three pages, and a budget of two
    ingest.ingest_account("telegram", "ru_emb_dprk", "rusembdprk", "r1", date(2018, 3, 2), watchlist)
    (gap,) = state.open_gaps(UID)
    assert (gap.newer_than.id, gap.older_than.id) == ("4", "10")
    assert objects(admin, lake_uri, "state") == {gap_key}, "the gap is in the store, outside lake/ zones"
    stale_on_a = state.gaps_file(UID).read_bytes()

    worker(monkeypatch, tmp_path / "b")  # an empty home: no gap file, no landed posts on disk
    assert not state.gaps_file(UID).exists()
    channel.requests.clear()
    ingest.ingest_account("telegram", "ru_emb_dprk", "rusembdprk", "r2", date(2018, 3, 3), watchlist)
    assert any("before=10" in r for r in channel.requests), "B resumed the gap where A's run stopped"
    assert state.open_gaps(UID) == [] and not state.gaps_file(UID).exists()
    assert objects(admin, lake_uri, "state") == set(), "the filled gap's object is gone"
    assert landed_ids(admin, lake_uri, tmp_path / "check") == Counter(range(1, 20)), "every post landed once"

    worker(monkeypatch, tmp_path / "a")  # A still has the stale file: its next run drops it, fills nothing
    assert state.gaps_file(UID).read_bytes() == stale_on_a
    channel.requests.clear()
    ingest.ingest_account("telegram", "ru_emb_dprk", "rusembdprk", "r3", date(2018, 3, 4), watchlist)
    assert not state.gaps_file(UID).exists()
    assert not any("before=10" in r for r in channel.requests), "no re-fill of a gap B already filled"
    assert landed_ids(admin, lake_uri, tmp_path / "check") == Counter(range(1, 20))


def _update(account_uid: str, newer: str, older: str, run_id: str) -> state.GapUpdate:
    gap = state.Gap(state.Mark(newer, T0), state.Mark(older, T0 + timedelta(days=1)), {"before": int(older)})
    return state.GapUpdate(account_uid.split(":")[0], account_uid, [gap], run_id)


def test_two_workers_writing_different_gap_files_keep_both(
    lake_uri: str, admin: pafs.S3FileSystem, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    worker(monkeypatch, tmp_path / "a")
    ingest._pull_state(ingest.GAPS_FOLDER)
    worker(monkeypatch, tmp_path / "b")
    ingest._pull_state(ingest.GAPS_FOLDER)  # both pulled an empty gap folder, then write their own accounts

    worker(monkeypatch, tmp_path / "a")
    ingest._save_gaps(_update("x:first", "1", "9", "ra"))
    worker(monkeypatch, tmp_path / "b")
    ingest._save_gaps(_update("vk:second", "2", "8", "rb"))
    assert objects(admin, lake_uri, "state/gaps") == {"state/gaps/x_first.json", "state/gaps/vk_second.json"}

    for home in ("a", "b", "c"):
        worker(monkeypatch, tmp_path / home)
        ingest._pull_state(ingest.GAPS_FOLDER)
        assert [g.older_than.id for g in state.open_gaps("x:first")] == ["9"], home
        assert [g.older_than.id for g in state.open_gaps("vk:second")] == ["8"], home

    # Same account on two workers: the last writer's list wins (one object per account).
    worker(monkeypatch, tmp_path / "a")
    ingest._save_gaps(_update("x:first", "1", "5", "ra2"))
    worker(monkeypatch, tmp_path / "b")
    ingest._pull_state(ingest.GAPS_FOLDER)
    assert [g.older_than.id for g in state.open_gaps("x:first")] == ["5"]


def test_without_a_store_state_stays_local(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(lakestore.ENV_URI, raising=False)
    assert lakestore.state_store() is None and lakestore.inbox_store() is None
    ingest._pull_state(ingest.GAPS_FOLDER, ingest.RSS_STATE)  # no-ops
    ingest._save_gaps(_update("x:first", "1", "9", "ra"))
    assert [g.older_than.id for g in state.open_gaps("x:first")] == ["9"]
    ingest._save_gaps(state.GapUpdate("x", "x:first", [], "rb"))
    assert not state.gaps_file("x:first").exists()


# ---------------------------------------------------------------- RSS validators and the article cache


class NewsSite:
    """Two feeds (one with an ETag, one without) and an article page, counting requests."""

    def __init__(self) -> None:
        self.base = ""
        self.hits: Counter = Counter()
        self.conditional: list[str | None] = []

    def feed(self, name: str) -> bytes:
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
            f"<link>{self.base}/</link><description>d</description>"
            f"<item><title>Embassy note {name}</title><link>{self.base}/article/{name}</link>"
            f"<guid>{self.base}/article/{name}</guid><pubDate>Mon, 02 Oct 2017 10:00:00 GMT</pubDate></item>"
            "</channel></rss>"
        ).encode()

    def answer(self, handler: BaseHTTPRequestHandler):
        path = urlsplit(handler.path).path
        self.hits[path] += 1
        if path == "/etag.xml":
            self.conditional.append(handler.headers.get("If-None-Match"))
            if handler.headers.get("If-None-Match") == ETAG:
                return 304, b"", {"ETag": ETAG}
            return 200, self.feed("one"), {"Content-Type": "application/rss+xml", "ETag": ETAG}
        if path == "/plain.xml":
            return 200, self.feed("two"), {"Content-Type": "application/rss+xml"}
        if path.startswith("/article/"):
            body = "<p>The Ambassador met the Vice Foreign Minister and discussed bilateral relations.</p>" * 8
            html = f"<html><head><title>Note</title></head><body><article><h1>Note</h1>{body}</article></body></html>"
            return 200, html.encode(), {"Content-Type": "text/html; charset=utf-8"}
        return 404, b"not found", {}


@pytest.fixture
def news_site() -> Iterator[NewsSite]:
    site = NewsSite()
    httpd, site.base = _serve(site.answer)
    try:
        yield site
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_rss_validators_and_article_cache_are_shared(
    lake_uri: str, admin: pafs.S3FileSystem, news_site: NewsSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    watchlist = tmp_path / "watchlist.yaml"
    watchlist.write_text(
        MISSION_YAML + "news:\n  fetch_article_text: true\n  feeds:\n"
        f"    - name: ETag feed\n      url: {news_site.base}/etag.xml\n"
        f"    - name: Plain feed\n      url: {news_site.base}/plain.xml\n",
        encoding="utf-8",
    )
    worker(monkeypatch, tmp_path / "a")
    first = ingest.ingest_news("rss", "n1", date(2017, 10, 2), watchlist)
    assert first.counts["news_items"] == 2
    assert news_site.conditional == [None]
    assert news_site.hits["/article/one"] == news_site.hits["/article/two"] == 1
    state_keys = objects(admin, lake_uri, "state")
    assert "state/news/feeds.json" in state_keys
    assert len([k for k in state_keys if k.startswith("state/articles/")]) == 2

    worker(monkeypatch, tmp_path / "b")
    assert not rss.state_path().exists() and not articles.cache_dir().exists()
    second = ingest.ingest_news("rss", "n2", date(2017, 10, 3), watchlist)
    assert news_site.conditional == [None, ETAG], "B sent the ETag A's run stored: a 304"
    assert second.counts["news_items"] == 1, "only the feed without validators was fetched again"
    assert news_site.hits["/article/two"] == 1, "B found the article text A fetched in the shared cache"
    assert rss.load_validators() == {f"{news_site.base}/etag.xml": {"etag": ETAG}}


def test_rss_validators_are_shared_only_once_the_run_landed(
    lake_uri: str, admin: pafs.S3FileSystem, news_site: NewsSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run whose landing fails keeps its validators to itself: the next run (anywhere) fetches again."""
    watchlist = tmp_path / "watchlist.yaml"
    watchlist.write_text(
        MISSION_YAML + f"news:\n  feeds:\n    - name: ETag feed\n      url: {news_site.base}/etag.xml\n",
        encoding="utf-8",
    )
    worker(monkeypatch, tmp_path / "a")
    blocker = paths.landing() / "news_items" / "platform=rss"  # a file where the partition folder goes
    blocker.parent.mkdir(parents=True)
    blocker.write_text("not a folder")
    with pytest.raises(OSError):
        ingest.ingest_news("rss", "n1", date(2017, 10, 2), watchlist)
    assert rss.state_path().exists(), "rss saved its validators locally"
    assert objects(admin, lake_uri, "state/news") == set(), "but they were not shared"

    blocker.unlink()
    ingest.ingest_news("rss", "n2", date(2017, 10, 2), watchlist)  # same worker: the store's (no) state wins
    assert news_site.conditional == [None, None]
    assert objects(admin, lake_uri, "state/news") == {"state/news/feeds.json"}
