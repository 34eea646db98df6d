"""Facebook: Graph API and DYI export parsing, mojibake, +0000 offsets, rate-limit hook, offline replay."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import requests
from diplowatch import landing
from diplowatch.config import Account, Mission
from diplowatch.raw import RawPage, RawWriter
from diplowatch.sources import facebook
from diplowatch.sources.base import RunContext
from diplowatch.sources.ratelimits import GRAPH_DEFAULT_WAIT, ApiError, ParseError, graph_rate_limit_wait

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "facebook"
SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "facebook"
WHEN = datetime(2018, 5, 1, 9, tzinfo=UTC)


def page(name: str) -> RawPage:
    return RawPage(
        url="https://graph.facebook.com/v19.0/x?access_token=SECRET", body=(FIX / name).read_bytes(), fetched_at=WHEN
    )


def test_graph_time_without_colon_offset():
    assert facebook.parse_graph_time("2021-07-09T19:09:52+0000") == datetime(2021, 7, 9, 19, 9, 52, tzinfo=UTC)
    assert facebook.parse_graph_time("2018-04-10T23:30:00+0900") == datetime(2018, 4, 10, 14, 30, tzinfo=UTC)


def test_page_gives_followers():
    parsed = facebook.parse_page(page("page.json"), "ru_emb_dprk", "RusEmbDPRK")
    assert parsed.of("accounts")[0]["account_uid"] == "facebook:rusembdprk"
    assert parsed.of("account_metrics")[0]["followers"] == 4312


def test_posts_reactions_shares_comments_and_next():
    parsed = facebook.parse_posts_page(page("posts_1.json"), "RusEmbDPRK")
    m = {r["post_uid"]: r for r in parsed.of("post_metrics")}
    first = m["facebook:rusembdprk:1547783992216376_1548000000000002"]
    assert first["reactions_total"] == 92 and first["likes"] == 80 and first["reactions"]["love"] == 12
    assert first["shares"] == 7 and first["comments"] == 2 and first["views"] is None
    second = m["facebook:rusembdprk:1547783992216376_1548000000000001"]
    assert second["shares"] == 0  # "shares" absent when nobody shared
    posts = {p["native_id"]: p for p in parsed.of("posts")}
    assert posts["1547783992216376_1548000000000001"]["published_at"] == datetime(2018, 4, 10, 14, 30, tzinfo=UTC)
    assert parsed.next_cursor == "NEXT_URL"


def test_bad_post_is_rejected_not_dropped():
    parsed = facebook.parse_posts_page(page("posts_2.json"), "RusEmbDPRK")
    assert len(parsed.of("posts")) == 1 and len(parsed.rejects) == 1 and parsed.next_cursor is None


def test_unexpected_json_and_error_body():
    with pytest.raises(ParseError, match="expected key 'data'") as info:
        facebook.parse_posts_page(RawPage(url="https://g/x?access_token=SECRET", body=b'{"posts": []}'), "a")
    assert "SECRET" not in str(info.value)
    with pytest.raises(ApiError, match="190"):
        facebook.parse_posts_page(page("error_190.json"), "a")


def test_dyi_mojibake_ids_and_skipped_activity():
    parsed = facebook.parse_dyi_posts((FIX / "your_posts_1.json").read_bytes(), "RusEmbDPRK")
    posts = parsed.of("posts")
    assert posts[0]["text"] == "Масленица в посольстве — блины!"
    assert posts[0]["native_id"] == "dyi-1524205200" and posts[1]["native_id"] == "dyi-1524205200-2"
    assert posts[0]["media"] == [{"type": "photo", "url": "posts/media/a.jpg"}]
    assert posts[2]["url"] == "https://tass.com/politics/1"
    assert len(posts) == 3 and len(parsed.rejects) == 1  # cover-photo line skipped, no-timestamp rejected
    assert all(p["source_format"] == "export" for p in posts)


def test_fix_mojibake_leaves_good_text_alone():
    assert facebook.fix_mojibake("Посольство") == "Посольство"
    assert facebook.fix_mojibake("tilf\u00c3\u00b8jet") == "tilføjet"


def _response(status: int, body: dict, headers: dict | None = None) -> requests.Response:
    resp = requests.Response()
    resp.status_code = status
    resp._content = json.dumps(body).encode()
    resp.headers.update(headers or {})
    return resp


def test_graph_hook_waits_on_rate_limit_codes_and_raises_on_others():
    err4 = json.loads((FIX / "error_4.json").read_text())
    assert graph_rate_limit_wait(_response(400, err4)) == GRAPH_DEFAULT_WAIT
    usage = {"1547783992216376": [{"type": "pages", "estimated_time_to_regain_access": 2}]}
    assert graph_rate_limit_wait(_response(403, err4, {"X-Business-Use-Case-Usage": json.dumps(usage)})) == 120
    assert graph_rate_limit_wait(_response(200, {"data": []})) is None
    with pytest.raises(ApiError, match="Graph API error 190"):
        graph_rate_limit_wait(_response(400, json.loads((FIX / "error_190.json").read_text())))


def test_offline_replay(tmp_path):
    raw = RawWriter("facebook", "demo", date(2018, 5, 8), root=tmp_path / "raw")
    ctx = RunContext(run_id="demo", source="facebook", dt=date(2018, 5, 8), raw=raw, sample_dir=SAMPLE)
    mission = Mission(id="ru_emb_dprk", name="E", country="RU", host_country="KP")
    batch = facebook.extract(ctx, mission, Account(platform="facebook", handle="RusEmbDPRK", conn_id="fb"))
    posts = landing.dedupe("posts", batch.records["posts"])
    assert len(posts) >= 60 and batch.rejects == []
    assert all(p["mission_id"] == "ru_emb_dprk" for p in posts)
    assert len({m["observed_at"] for m in batch.records["account_metrics"]}) == 3
