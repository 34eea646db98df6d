"""GDELT DOC parsing: seendate, {}, HTML error bodies, illegal JSON characters, codes, windows, offline sample."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from diplowatch.config import Feed, News, NewsQuery
from diplowatch.raw import RawPage, RawWriter
from diplowatch.sources import gdelt, rss
from diplowatch.sources.base import RunContext

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
QUERY = NewsQuery(name="matsegora", query="Matsegora", mission="ru_emb_dprk")
ARTICLE = {
    "url": "https://tass.com/politics/986560?utm_source=twitter",
    "url_mobile": "https://m.tass.com/politics/986560",
    "title": "Russian ambassador : Pyongyang sees no sense in talks on denuclearisation",
    "seendate": "20180124T091500Z",
    "socialimage": "",
    "domain": "tass.com",
    "language": "English",
    "sourcecountry": "Russia",
}


def _page(body: bytes | str, ctype: str = "application/json; charset=utf-8") -> RawPage:
    body = body.encode("utf-8") if isinstance(body, str) else body
    return RawPage(url="https://api.gdeltproject.org/api/v2/doc/doc", body=body, headers={"Content-Type": ctype})


def test_parse_seendate() -> None:
    assert gdelt.parse_seendate("20250513T101500Z") == datetime(2025, 5, 13, 10, 15, tzinfo=UTC)
    with pytest.raises(ValueError, match="not YYYYMMDDTHHMMSSZ"):
        gdelt.parse_seendate("2025-05-13 10:15")


def test_article_to_item() -> None:
    item = gdelt.to_item(ARTICLE, QUERY, "raw#1")
    assert item["published_at"] == item["seen_at"] == datetime(2018, 1, 24, 9, 15, tzinfo=UTC)
    assert item["title"] == "Russian ambassador: Pyongyang sees no sense in talks on denuclearisation"
    assert item["language"] == "en"
    assert item["canonical_url"] == "https://tass.com/politics/986560"
    assert item["found_via"] == "gdelt" and item["source_format"] == "api" and item["feed_or_query"] == "matsegora"


def test_article_without_url_uses_mobile_and_bad_seendate_raises() -> None:
    item = gdelt.to_item({**ARTICLE, "url": ""}, QUERY, None)
    assert item["canonical_url"] == "https://tass.com/politics/986560"
    with pytest.raises(ValueError, match="seendate"):
        gdelt.to_item({**ARTICLE, "seendate": "yesterday"}, QUERY, None)


def test_codes() -> None:
    assert gdelt.language_code("Russian") == "ru"
    assert gdelt.language_code("Korean") == "ko"
    assert gdelt.language_code("Klingon") is None
    assert gdelt.country_code("North Korea") == "KP"
    assert gdelt.country_code("South Korea") == "KR"


def test_empty_object_is_zero_results() -> None:
    assert gdelt.parse_response(_page("{}")) == []
    assert gdelt.parse_response(_page('{"articles": []}')) == []


def test_html_error_body_raises_with_message() -> None:
    page = _page("<html><body>Invalid query: the specified phrase is too short.</body></html>", "text/html")
    with pytest.raises(gdelt.GdeltError, match="phrase is too short"):
        gdelt.parse_response(page)
    with pytest.raises(gdelt.GdeltError, match="error message instead of JSON"):
        gdelt.parse_response(_page("Your query was too short or too long.", "text/plain"))


def test_illegal_characters_are_removed_like_gdeltdoc() -> None:
    doc = json.dumps({"articles": [ARTICLE]})
    broken = doc.replace('"title": "Russian', '"title": "Rus\x01sian').replace("Pyongyang", "Pyong\\yang")
    articles = gdelt.parse_response(_page(broken))
    assert articles[0]["title"].startswith("Russian ambassador")
    with pytest.raises(gdelt.GdeltError):
        gdelt.parse_response(_page('{"articles": [{"url": "x"'))


def test_window_split_tiles_without_gaps_or_overlaps() -> None:
    w = gdelt.Window(datetime(2017, 10, 1, tzinfo=UTC), datetime(2017, 10, 31, 23, 59, 59, tzinfo=UTC))
    left, right = w.split()
    assert left.start == w.start and right.end == w.end
    assert right.start - left.end == timedelta(seconds=1)
    assert left.span + right.span == w.span
    assert w.params() == {"startdatetime": "20171001000000", "enddatetime": "20171031235959"}


def test_pacer_keeps_min_interval() -> None:
    waits: list[float] = []
    now = [100.0]
    pacer = gdelt.Pacer(
        min_interval=5.0, sleep=lambda s: (waits.append(s), now.__setitem__(0, now[0] + s)), clock=lambda: now[0]
    )
    pacer.wait()
    now[0] += 1.5
    pacer.wait()
    now[0] += 7
    pacer.wait()
    assert waits == [pytest.approx(3.5)]


NEWS = News(
    feeds=[
        Feed(name="TASS", url="https://tass.com/rss/v2.xml", language="en"),
        Feed(name="RIA Novosti", url="https://ria.ru/export/rss2/archive/index.xml", language="ru"),
        Feed(name="KCNA Watch", url="https://kcnawatch.org/feed/", language="en"),
    ],
    gdelt_queries=[
        NewsQuery(name="russian_embassy_pyongyang", query='"Russian Embassy" (Pyongyang OR DPRK OR "North Korea")'),
        NewsQuery(name="matsegora", query="Matsegora"),
    ],
)


def test_offline_sample_duplicates_collapse_across_feed_and_gdelt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DIPLOWATCH_HOME", str(tmp_path))
    d = date(2018, 5, 1)
    ctx = RunContext(
        run_id="demo", source="news", dt=d, raw=RawWriter("news", "demo", d, tmp_path / "raw"), sample_dir=SAMPLE
    )
    g = gdelt.extract(ctx, NEWS)
    f = rss.extract(ctx, NEWS)
    ctx.raw.close()
    assert g.rejects == [] and f.rejects == []
    g_rows = g.records["news_items"]
    assert len(g_rows) >= 30
    assert {r["language"] for r in g_rows} == {"en", "ru"}
    feed_uids = {r["item_uid"] for r in f.records["news_items"]}
    both = [r for r in g_rows if r["item_uid"] in feed_uids]
    assert len(both) >= 10, "the same articles appear in the feeds and in GDELT (utm, m., amp variants)"
    tass = next(r for r in both if r["url"].startswith("https://tass.com/politics/986560"))
    assert "utm_source" in tass["url"] and tass["canonical_url"] == "https://tass.com/politics/986560"
    assert all(r["fetched_at"] < datetime(2018, 5, 2, tzinfo=UTC) for r in g_rows)
    assert all(" ," not in (r["title"] or "") and " :" not in (r["title"] or "") for r in g_rows)
