"""VK: wall.get / groups.getById parsing, pinned post, missing views, errors in 200 bodies, offline replay."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import requests
from diplowatch import landing
from diplowatch.config import Account, Mission
from diplowatch.http import RateLimited
from diplowatch.raw import RawPage, RawWriter
from diplowatch.sources import vk
from diplowatch.sources.base import RunContext
from diplowatch.sources.ratelimits import ApiError, ParseError, VkRateLimitWait

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "vk"
SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "vk"
WHEN = datetime(2018, 5, 1, 9, tzinfo=UTC)


def page(name: str) -> RawPage:
    return RawPage(url="https://api.vk.com/method/wall.get", body=(FIX / name).read_bytes(), fetched_at=WHEN)


def test_group_new_and_old_shapes():
    for name, members in (("group.json", 812), ("group_old.json", 700)):
        parsed = vk.parse_group(page(name), "rusembdprk")
        assert parsed.of("accounts")[0]["native_id"] == "-153455183"
        assert parsed.of("account_metrics")[0]["followers"] == members


def test_wall_missing_views_stay_null_and_markup():
    parsed = vk.parse_wall_page(page("wall_1.json"), "rusembdprk")
    m = {r["post_uid"]: r for r in parsed.of("post_metrics")}
    assert m["vk:rusembdprk:40"]["views"] == 1500
    assert m["vk:rusembdprk:10"]["views"] is None  # absent, not 0
    assert m["vk:rusembdprk:40"]["likes"] == 35 and m["vk:rusembdprk:40"]["shares"] == 2
    posts = {p["native_id"]: p for p in parsed.of("posts")}
    assert posts["10"]["text"] == "Закреплённый пост о посольстве" and "[club" in posts["10"]["text_raw"]
    assert posts["39"]["repost_of"] == "vk:-33278:777" and posts["39"]["text"] is None
    assert posts["40"]["url"] == "https://vk.com/wall-153455183_40"
    assert parsed.total == 4


def test_pinned_old_post_does_not_stop_the_walk():
    first = page("wall_1.json")  # pinned post from 2017-08, then 2018-04 posts
    watermark = datetime(2018, 4, 1, tzinfo=UTC)
    assert vk.should_stop(first, watermark) is False
    assert vk.should_stop(page("wall_2.json"), watermark) is True
    assert vk.should_stop(first, None) is False


def test_broken_item_is_rejected():
    parsed = vk.parse_wall_page(page("wall_2.json"), "rusembdprk")
    assert len(parsed.of("posts")) == 1 and len(parsed.rejects) == 1


def test_error_bodies_are_clear():
    with pytest.raises(ApiError, match="VK API error 15"):
        vk.parse_wall_page(page("error_15.json"), "rusembdprk")
    with pytest.raises(ParseError, match="expected"):
        vk.parse_wall_page(RawPage(url="u", body=b'{"items": []}'), "rusembdprk")


def _resp(name: str) -> requests.Response:
    r = requests.Response()
    r.status_code = 200
    r._content = (FIX / name).read_bytes()
    return r


def test_hook_backs_off_on_error_6_and_raises_on_others():
    hook = VkRateLimitWait(base=0.5)
    assert hook(_resp("error_6.json")) == 0.5
    assert hook(_resp("error_6.json")) == 1.0
    assert hook(_resp("wall_1.json")) is None and hook.consecutive == 0
    with pytest.raises(ApiError, match="15"):
        hook(_resp("error_15.json"))
    with pytest.raises(RateLimited, match="29"):
        hook(_resp("error_29.json"))


def test_offline_replay_pinned_first_and_views(tmp_path):
    raw = RawWriter("vk", "demo", date(2018, 5, 8), root=tmp_path / "raw")
    ctx = RunContext(run_id="demo", source="vk", dt=date(2018, 5, 8), raw=raw, sample_dir=SAMPLE)
    mission = Mission(id="ru_emb_dprk", name="E", country="RU", host_country="KP")
    batch = vk.extract(ctx, mission, Account(platform="vk", handle="rusembdprk", conn_id="vk"))
    assert len(landing.dedupe("posts", batch.records["posts"])) >= 60 and batch.rejects == []
    views = [m["views"] for m in batch.records["post_metrics"]]
    assert None in views and any(v for v in views)
    first_wall = json.loads((SAMPLE / "api" / "20180508_wall_1.json").read_text())["response"]["items"]
    assert first_wall[0].get("is_pinned") == 1 and first_wall[0]["date"] < first_wall[1]["date"]
