"""RSS/Atom parsing: dates, CDATA, HTML, broken and hostile feeds, offline replay of the sample."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from diplowatch.config import Feed, News
from diplowatch.raw import RawPage, RawWriter
from diplowatch.sources import rss
from diplowatch.sources.base import RunContext

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "news"
SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "news"
FEED = Feed(name="TASS", url="https://tass.com/rss/v2.xml", language="en")
SEEN = datetime(2017, 9, 30, 21, 0, tzinfo=UTC)


def _page(name: str, content_type: str = "application/rss+xml") -> RawPage:
    return RawPage(
        url=f"https://feeds.test/{name}",
        body=(FIX / name).read_bytes(),
        headers={"Content-Type": content_type},
        fetched_at=SEEN,
        raw_ref=f"raw/news/x.jsonl.gz#{name}",
    )


def test_rss_items_dates_cdata_html() -> None:
    parsed = rss.parse_feed(_page("rss_basic.xml"), FEED)
    assert parsed.kind == "rss"
    first, second = parsed.items
    assert first["title"] == "Russian, North Korean diplomats hold consultations in Moscow"
    assert first["published_at"] == datetime(2017, 9, 29, 8, 40, tzinfo=UTC)  # +0300 → UTC
    assert first["summary"] == "Oleg Burmistrov held talks with Choe Son-hui."
    assert "track()" not in first["summary"] and "<" not in first["summary"]
    assert first["url"].startswith("https://tass.com/politics/967980?utm_source")
    assert first["canonical_url"] == "https://tass.com/politics/967980"
    assert first["source_domain"] == "tass.com"
    assert first["found_via"] == "rss" and first["source_format"] == "feed" and first["feed_or_query"] == "TASS"
    assert first["authors"] == ["Staff writer"]
    assert first["language"] == "en"
    assert first["seen_at"] == SEEN and first["raw_ref"].endswith("#rss_basic.xml")
    assert second["title"] == "Kremlin condemns North Korean missile launch & calls for calm"
    assert second["published_at"] == datetime(2017, 11, 29, 12, 40, tzinfo=UTC)  # GMT
    assert second["summary"] == 'Peskov said the launch "escalates tensions".'
    assert second["body"] == "Full text: Dmitry Peskov said the launch was a provocation."


def test_rss_entries_without_date_or_link_are_rejected_with_reason() -> None:
    parsed = rss.parse_feed(_page("rss_basic.xml"), FEED)
    reasons = [r for r, _ in parsed.rejects]
    assert len(reasons) == 2
    assert any("no readable date" in r for r in reasons)
    assert any("no link" in r for r in reasons)


def test_atom_entries_rfc3339() -> None:
    feed = Feed(name="NK Economy Watch", url="https://www.nkeconwatch.com/feed/atom/")
    parsed = rss.parse_feed(_page("atom_basic.xml", "application/atom+xml"), feed)
    assert parsed.kind == "atom"
    a, b = parsed.items
    assert a["published_at"] == datetime(2017, 9, 27, 13, 15, 40, tzinfo=UTC)
    assert a["title"] == "Pyongyang Autumn International Trade Fair 2017"
    assert a["summary"] == "The 13th autumn fair opened on 25 September."
    assert a["authors"] == ["Curtis Melvin"]
    assert a["canonical_url"] == "https://nkeconwatch.com/2017/09/27/pyongyang-autumn-trade-fair-2017"
    assert a["language"] == "en"  # from xml:lang, the config says nothing
    assert b["published_at"] == datetime(2017, 9, 28, 14, 30, tzinfo=UTC)  # only <updated>, +09:00
    assert a["found_via"] == "atom"


@pytest.mark.parametrize(
    ("name", "content_type", "reason"),
    [
        ("invalid.xml", "application/rss+xml", "invalid XML"),
        ("wrong_encoding.xml", "application/rss+xml", "wrong encoding: bytes are not valid UTF-8"),
        ("empty.xml", "application/rss+xml", "empty body"),
        ("html_page.html", "text/html; charset=utf-8", "got an HTML page, not a feed"),
        ("billion_laughs.xml", "application/xml", "hostile XML refused: EntitiesForbidden"),
        ("external_entity.xml", "application/xml", "hostile XML refused: EntitiesForbidden"),
    ],
)
def test_broken_and_hostile_feeds_are_refused(name: str, content_type: str, reason: str) -> None:
    with pytest.raises(rss.FeedRejected) as err:
        rss.parse_feed(_page(name, content_type), FEED)
    assert reason.lower() in str(err.value).lower()


def test_billion_laughs_is_refused_without_expansion() -> None:
    """Expanded, lol9 is 10^9 'lol's; refusing it must not build that string (no timing assert: size of work)."""
    body = (FIX / "billion_laughs.xml").read_bytes()
    start = time.process_time()
    with pytest.raises(rss.FeedRejected):
        rss.check_feed_bytes(body)
    assert time.process_time() - start < 5  # an expansion would take minutes and gigabytes


def test_oversized_feed_is_refused_before_parsing() -> None:
    with pytest.raises(rss.FeedRejected, match="over the 1000-byte cap"):
        rss.check_feed_bytes(b"<rss>" + b" " * 2000 + b"</rss>", max_bytes=1000)


def test_other_root_element_is_refused() -> None:
    with pytest.raises(rss.FeedRejected, match="root element is <sitemap>"):
        rss.check_feed_bytes(b'<?xml version="1.0"?><sitemap><url/></sitemap>')


def test_undeclared_encoding_given_by_http_header_is_read() -> None:
    page = RawPage(
        url="https://ria.ru/rss",
        body=(FIX / "undeclared_cp1251.xml").read_bytes(),
        headers={"Content-Type": "application/rss+xml; charset=windows-1251"},
        fetched_at=SEEN,
    )
    parsed = rss.parse_feed(page, Feed(name="RIA", url="https://ria.ru/rss"))
    assert parsed.items[0]["title"] == "Посол России в КНДР"
    assert parsed.items[0]["language"] is None


def test_undeclared_non_utf8_without_header_is_refused() -> None:
    page = RawPage(url="https://ria.ru/rss", body=(FIX / "undeclared_cp1251.xml").read_bytes(), fetched_at=SEEN)
    with pytest.raises(rss.FeedRejected, match="nothing \\(UTF-8 assumed\\)"):
        rss.parse_feed(page, Feed(name="RIA", url="https://ria.ru/rss"))


SAMPLE_FEEDS = News(
    feeds=[
        Feed(name="TASS", url="https://tass.com/rss/v2.xml", language="en"),
        Feed(name="KCNA Watch", url="https://kcnawatch.org/feed/", language="en"),
        Feed(name="Russian MFA", url="https://mid.ru/en/rss.xml", language="en"),
        Feed(name="RIA Novosti", url="https://ria.ru/export/rss2/archive/index.xml", language="ru"),
        Feed(name="North Korean Economy Watch", url="https://www.nkeconwatch.com/feed/atom/", language="en"),
        Feed(name="Disabled", url="https://example.org/feed", enabled=False),
    ]
)


def _ctx(tmp_path: Path, run_id: str) -> RunContext:
    d = date(2018, 5, 1)
    return RunContext(
        run_id=run_id,
        source="news_rss",
        dt=d,
        raw=RawWriter("news_rss", run_id, d, tmp_path / "raw"),
        sample_dir=SAMPLE.parent,
    )


def test_offline_replay_of_sample_is_deterministic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIPLOWATCH_HOME", str(tmp_path))
    ctx1, ctx2 = _ctx(tmp_path, "demo1"), _ctx(tmp_path, "demo2")
    one, two = rss.extract(ctx1, SAMPLE_FEEDS), rss.extract(ctx2, SAMPLE_FEEDS)
    ctx1.raw.close()
    ctx2.raw.close()
    rows1, rows2 = one.records["news_items"], two.records["news_items"]
    assert one.rejects == []
    strip = lambda rows: [{k: v for k, v in r.items() if k not in ("run_id", "raw_ref")} for r in rows]  # noqa: E731
    assert strip(rows1) == strip(rows2)
    assert all(r["fetched_at"] < datetime(2018, 5, 1, tzinfo=UTC) for r in rows1), "recorded times, not now()"
    distinct = {r["item_uid"] for r in rows1}
    assert len(distinct) >= 120
    assert {r["found_via"] for r in rows1} == {"rss", "atom"}
    assert {r["language"] for r in rows1} == {"en", "ru"}
    assert len({r["source_domain"] for r in rows1}) >= 5
    published = [r["published_at"] for r in rows1]
    assert min(published) >= datetime(2017, 9, 1, tzinfo=UTC) and max(published) < datetime(2018, 5, 1, tzinfo=UTC)
    assert (tmp_path / "raw" / "news_rss" / "dt=2018-05-01" / "demo1.jsonl.gz").exists()
