"""X: API v2 and archive parsing (pure functions of bytes) and the offline replay of the bundled sample."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from diplowatch import landing
from diplowatch.config import Account, Mission
from diplowatch.raw import RawPage, RawWriter
from diplowatch.sources import x
from diplowatch.sources.base import RunContext
from diplowatch.sources.ratelimits import ApiError, ParseError

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "x"
SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "x"
WHEN = datetime(2018, 5, 1, 9, tzinfo=UTC)


def page(name: str) -> RawPage:
    return RawPage(url=f"https://api.x.com/2/{name}", body=(FIX / name).read_bytes(), fetched_at=WHEN)


def test_user_gives_account_and_follower_snapshot():
    parsed = x.parse_user(page("user.json"), "ru_emb_dprk")
    (acc,) = parsed.of("accounts")
    (met,) = parsed.of("account_metrics")
    assert acc["account_uid"] == "x:rusembdprk" and acc["native_id"] == "906507389620375553"
    assert met["followers"] == 1520 and met["posts_count"] == 212 and met["observed_at"] == WHEN


def test_user_not_found_is_a_clear_error():
    with pytest.raises(ApiError, match="Could not find user"):
        x.parse_user(page("user_not_found.json"))


def test_timeline_page_text_metrics_retweet_and_cursor():
    parsed = x.parse_timeline_page(page("timeline_1.json"), "RusEmbDPRK", "ru_emb_dprk")
    posts = {p["native_id"]: p for p in parsed.of("posts")}
    own = posts["987000000000000002"]
    assert own["post_uid"] == "x:rusembdprk:987000000000000002"
    assert own["text"] == "Мастер-класс корейской кухни & кимчи https://t.me/rusembdprk/150"
    assert "&amp;" in own["text_raw"] and own["published_at"] == datetime(2018, 4, 20, 6, 15, tzinfo=UTC)
    rt = posts["987000000000000001"]
    assert rt["repost_of"] == "x:mid_rf:986999999999999999" and rt["lang_hint"] is None
    metrics = {m["post_uid"]: m for m in parsed.of("post_metrics")}
    m = metrics["x:rusembdprk:987000000000000002"]
    assert (m["likes"], m["shares"], m["comments"], m["views"], m["observed_at"]) == (21, 6, 1, None, WHEN)
    assert parsed.next_cursor == "7140dibdnow9c7btw4"


def test_missing_public_metrics_means_no_snapshot_not_zero():
    parsed = x.parse_timeline_page(page("timeline_2.json"), "rusembdprk")
    assert len(parsed.of("posts")) == 1 and parsed.of("post_metrics") == []
    assert parsed.of("posts")[0]["reply_to"] == "985000000000000000" and parsed.next_cursor is None


def test_empty_timeline_has_no_data_key():
    parsed = x.parse_timeline_page(page("timeline_empty.json"), "rusembdprk")
    assert parsed.records == [] and parsed.total == 0


def test_html_and_unexpected_json_are_clear_errors():
    with pytest.raises(ParseError, match="got HTML"):
        x.parse_timeline_page(RawPage(url="https://api.x.com/2/users/1/tweets", body=b"<html>login</html>"), "a")
    with pytest.raises(ParseError, match="expected 'data' or 'meta'"):
        x.parse_timeline_page(RawPage(url="https://api.x.com/2/users/1/tweets", body=b'{"tweets": []}'), "a")


def test_archive_counts_as_strings_dates_and_retweets():
    parsed = x.parse_archive((FIX / "tweets.js").read_bytes(), "RusEmbDPRK", WHEN)
    posts = {p["native_id"]: p for p in parsed.of("posts")}
    assert posts["987000000000000002"]["published_at"] == datetime(2018, 4, 20, 6, 15, tzinfo=UTC)
    assert posts["987000000000000002"]["text"].endswith("& кимчи https://t.me/rusembdprk/150")
    assert posts["987000000000000001"]["repost_of"] == "x:mid_rf"
    assert posts["987000000000000001"]["lang_hint"] is None
    likes = {m["post_uid"]: m["likes"] for m in parsed.of("post_metrics")}
    assert likes["x:rusembdprk:987000000000000002"] == 21
    assert len(parsed.rejects) == 1 and "expected shape" in parsed.rejects[0][1]


def test_old_archive_name_and_bad_prefix():
    assert len(x.parse_archive((FIX / "tweet.js").read_bytes(), "a", WHEN).of("posts")) == 1
    with pytest.raises(ParseError, match=r"window\.YTD"):
        x.parse_archive(b'[{"tweet": {}}]', "a", WHEN)


def _ctx(tmp_path: Path, sample: Path | None) -> RunContext:
    raw = RawWriter("x", "demo", date(2018, 5, 8), root=tmp_path / "raw")
    return RunContext(run_id="demo", source="x", dt=date(2018, 5, 8), raw=raw, sample_dir=sample)


def test_offline_replay_is_deterministic_with_capture_times(tmp_path):
    mission = Mission(id="ru_emb_dprk", name="E", country="RU", host_country="KP")
    account = Account(platform="x", handle="rusembdprk", conn_id="x_api")
    a = x.extract(_ctx(tmp_path / "a", SAMPLE), mission, account)
    b = x.extract(_ctx(tmp_path / "b", SAMPLE), mission, account)
    posts = landing.dedupe("posts", a.records["posts"])
    assert len(posts) >= 60 and a.rejects == []
    observed = {m["observed_at"] for m in a.records["post_metrics"]}
    captures = {datetime(2017, 12, 1, 9), datetime(2018, 5, 1, 9), datetime(2018, 5, 8, 9), datetime(2018, 5, 10, 12)}
    recorded = json.loads((SAMPLE / "manifest.json").read_text(encoding="utf-8"))["responses"]
    times = {datetime.fromisoformat(r["captured_at"].replace("Z", "+00:00")) for r in recorded}
    # recorded capture times (the three full captures, the archive, the metric-refresh runs), never "now"
    assert {c.replace(tzinfo=UTC) for c in captures} <= observed <= times
    per_post: dict[str, int] = {}
    for m in a.records["post_metrics"]:
        per_post[m["post_uid"]] = per_post.get(m["post_uid"], 0) + 1
    assert min(per_post.values()) >= 2
    strip = lambda rows: [{k: v for k, v in r.items() if k not in ("fetched_at", "raw_ref")} for r in rows]  # noqa: E731
    assert strip(a.records["post_metrics"]) == strip(b.records["post_metrics"])
