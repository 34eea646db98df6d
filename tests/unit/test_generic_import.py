"""Generic import: CSV/JSONL posts and news, kind detection, rejects with reasons, labels."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from diplowatch.raw import RawWriter
from diplowatch.sources import generic_import as gi
from diplowatch.sources.base import RunContext
from diplowatch.sources.ratelimits import ParseError

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "generic_import"
SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "import"
OBS = datetime(2018, 5, 10, tzinfo=UTC)


def _ctx(tmp_path: Path, sample: Path | None = None) -> RunContext:
    raw = RawWriter("import", "t", date(2018, 5, 10), root=tmp_path / "raw")
    return RunContext(run_id="t", source="import", dt=date(2018, 5, 10), raw=raw, sample_dir=sample)


def test_posts_csv_valid_rows_and_reasons(tmp_path):
    batch = gi.import_file(FIX / "posts.csv", _ctx(tmp_path), observed_at=OBS)
    posts = {p["post_uid"]: p for p in batch.records["posts"]}
    assert set(posts) == {
        "telegram:rusembdprk:101",
        "x:rusembdprk:987000000000000002",
        "facebook:rusembdprk:1547783992216376_1",
    }
    assert posts["telegram:rusembdprk:101"]["published_at"] == datetime(2017, 10, 4, 4, 30, tzinfo=UTC)
    assert posts["x:rusembdprk:987000000000000002"]["published_at"] == datetime.fromtimestamp(1524205200, UTC)
    assert all(p["source_format"] == "import" for p in posts.values())
    metrics = {m["post_uid"]: m for m in batch.records["post_metrics"]}
    tg = metrics["telegram:rusembdprk:101"]
    assert tg["views"] == 1500 and tg["observed_at"] == datetime(2017, 10, 5, tzinfo=UTC) and tg["shares"] is None
    x = metrics["x:rusembdprk:987000000000000002"]
    assert x["observed_at"] == OBS and x["reactions"] == {"love": 3}
    assert "facebook:rusembdprk:1547783992216376_1" not in metrics  # no counts -> no snapshot
    reasons = " | ".join(r["reason"] for r in batch.rejects)
    assert len(batch.rejects) == 4
    for expected in (
        "line 4: platform: 'tiktok'",
        "line 5: missing required field(s) ['native_id']",
        "line 6: published_at",
        "no time zone",
        "line 7: likes",
    ):
        assert expected in reasons


def test_news_jsonl(tmp_path):
    batch = gi.import_file(FIX / "news.jsonl", _ctx(tmp_path))
    items = batch.records["news_items"]
    assert len(items) == 2
    tass = next(i for i in items if "tass" in i["url"])
    assert tass["canonical_url"] == "https://tass.com/politics/966532" and tass["source_domain"] == "tass.com"
    assert tass["found_via"] == "import" and tass["authors"] == ["A. Ivanov", "B. Petrova"]
    assert next(i for i in items if "nknews" in i["url"])["authors"] == ["NK News", "Staff"]
    reasons = " | ".join(r["reason"] for r in batch.rejects)
    assert len(batch.rejects) == 3 and "not valid JSON" in reasons and "missing required field(s) ['url']" in reasons


def test_kind_detection_and_override():
    assert gi.detect_kind({"platform", "native_id"}) == "posts"
    assert gi.detect_kind({"url", "title"}) == "news"
    with pytest.raises(ParseError, match="pass kind"):
        gi.detect_kind({"foo"})
    parsed = gi.parse_import(
        b'{"url": "https://tass.com/a", "published_at": "2018-01-01T00:00:00Z", "native_id": "1"}\n', "f.jsonl", "news"
    )
    assert len(parsed.of("news_items")) == 1


def test_labels_for_evaluation():
    labels = gi.read_labels(FIX / "posts.csv")
    assert {"post_uid": "telegram:rusembdprk:101", "label_theme": "holiday"} in labels
    news = gi.read_labels(FIX / "news.jsonl")
    assert news[0]["label_event"] == "choe_moscow_sept" and len(news[0]["item_uid"]) == 20


def test_sample_manifest(tmp_path):
    batch = gi.import_sample(_ctx(tmp_path, SAMPLE))
    assert len(batch.records["posts"]) == 30 and len(batch.records["news_items"]) == 10 and batch.rejects == []
