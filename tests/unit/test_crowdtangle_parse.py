"""CrowdTangle CSV exports: columns, time zones, engagement, followers at posting, rejects, observed_at."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from diplowatch.raw import RawWriter
from diplowatch.sources import crowdtangle
from diplowatch.sources.base import RunContext
from diplowatch.sources.ratelimits import ParseError

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "crowdtangle"
SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "crowdtangle"
FB = FIX / "2018-05-09-10-00-00-EDT-search-csv-export.csv"


def _ctx(tmp_path: Path, sample: Path | None = None) -> RunContext:
    raw = RawWriter("crowdtangle", "t", date(2018, 5, 9), root=tmp_path / "raw")
    return RunContext(run_id="t", source="crowdtangle", dt=date(2018, 5, 9), raw=raw, sample_dir=sample)


def test_time_zones_and_file_name_time():
    assert crowdtangle.parse_ct_time("2018-04-20 02:40:00 EDT") == datetime(2018, 4, 20, 6, 40, tzinfo=UTC)
    assert crowdtangle.parse_ct_time("2018-04-08 10:30:00 KST") == datetime(2018, 4, 8, 1, 30, tzinfo=UTC)
    assert crowdtangle.parse_ct_time("2018-04-08 10:30:00 +0900") == datetime(2018, 4, 8, 1, 30, tzinfo=UTC)
    with pytest.raises(ValueError, match="unknown time zone"):
        crowdtangle.parse_ct_time("2018-04-08 10:30:00 XYZ")
    assert crowdtangle.export_time_from_name(FB.name) == datetime(2018, 5, 9, 14, tzinfo=UTC)
    assert crowdtangle.export_time_from_name("export.csv") is None


def test_facebook_export_rows(tmp_path):
    batch = crowdtangle.import_file(FB, _ctx(tmp_path), mission_id="ru_emb_dprk")
    posts = {p["native_id"]: p for p in batch.records["posts"]}
    post = posts["1547783992216376_1548000000000002"]  # same key as the Graph API's post id
    assert post["post_uid"] == "facebook:rusembdprk:1547783992216376_1548000000000002"
    assert post["text"] == 'Масленица в посольстве, "блины"\nMaslenitsa at the Embassy'
    metrics = {m["post_uid"]: m for m in batch.records["post_metrics"]}
    m = metrics[post["post_uid"]]
    assert (m["likes"], m["comments"], m["shares"], m["reactions"]["love"], m["reactions_total"]) == (
        950,
        40,
        30,
        70,
        1029,
    )
    assert m["observed_at"] == datetime(2018, 5, 9, 14, tzinfo=UTC) and m["views"] is None
    video = metrics["facebook:rusembdprk:1547783992216376_1548000000000003"]
    assert video["views"] == 2300
    followers = {a["observed_at"]: a for a in batch.records["account_metrics"]}
    at_post = followers[datetime(2018, 4, 20, 6, 40, tzinfo=UTC)]
    assert at_post["followers"] == 4312  # "4,312"
    assert followers[datetime(2017, 11, 7, 8, 0, tzinfo=UTC)]["followers"] == 4000  # falls back to Likes at Posting
    reasons = [r["reason"] for r in batch.rejects]
    assert (
        len(reasons) == 2 and any("XYZ" in r for r in reasons) and any("not a Facebook post URL" in r for r in reasons)
    )
    assert all(r["raw_ref"] for r in batch.rejects)


def test_instagram_export_and_mtime(tmp_path):
    path = tmp_path / "instagram_export.csv"
    shutil.copy(FIX / "instagram_export.csv", path)
    os.utime(path, (1525000000, 1525000000))
    batch = crowdtangle.import_file(path, _ctx(tmp_path))
    (post,) = batch.records["posts"]
    assert post["platform"] == "instagram" and post["native_id"] == "BhT3xYzAbCd"
    assert post["text"] == "Пхеньянский марафон / Pyongyang Marathon"
    (m,) = batch.records["post_metrics"]
    assert m["observed_at"] == datetime.fromtimestamp(1525000000, UTC) and m["reactions"] is None and m["likes"] == 70


def test_not_a_crowdtangle_file():
    with pytest.raises(ParseError, match="missing column"):
        crowdtangle.parse_csv(b"a,b\n1,2\n", datetime.now(UTC))


def test_sample_has_thirty_rows(tmp_path):
    batch = crowdtangle.import_sample(_ctx(tmp_path, SAMPLE), mission_id="ru_emb_dprk")
    assert len(batch.records["posts"]) == 30 and batch.rejects == []
