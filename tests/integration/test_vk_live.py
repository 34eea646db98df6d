"""VK live path against a local server replaying VK API formats: offset paging, errors in 200 bodies, secrets."""

from __future__ import annotations

import gzip
import importlib.util
import logging
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from diplowatch import landing
from diplowatch.config import Account, Mission
from diplowatch.http import FetchError
from diplowatch.raw import RawWriter
from diplowatch.sources import vk
from diplowatch.sources.base import RunContext
from diplowatch.sources.ratelimits import VkRateLimitWait

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "vk"
_spec = importlib.util.spec_from_file_location("replay_server", FIX.parent / "x" / "replay_server.py")
replay = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(replay)

TOKEN = "vk1.a.secretServiceToken555"
MISSION = Mission(id="ru_emb_dprk", name="E", country="RU", host_country="KP")
ACCOUNT = Account(platform="vk", handle="rusembdprk", conn_id="vk_api")
JSON = {"Content-Type": "application/json"}
GROUP, WALL = "/groups.getById", "/wall.get"


def ok(name: str) -> tuple:
    return (200, JSON, (FIX / name).read_bytes())


@pytest.fixture
def server():
    with replay.ReplayServer() as s:
        yield s


def run(server, run_id: str = "r1", fetched_at: datetime | None = None, **client_kw):
    sleeps: list[float] = []
    raw = RawWriter("vk", run_id, date(2018, 5, 1))
    ctx = RunContext(
        run_id=run_id, source="vk", dt=date(2018, 5, 1), raw=raw, secrets={"vk_api": TOKEN},
        base_urls={"vk": server.base}, fetched_at=fetched_at or datetime(2018, 5, 1, 9, tzinfo=UTC),
    )  # fmt: skip
    client_kw.setdefault("rate_limit_wait", VkRateLimitWait(base=0.01))
    client_kw.setdefault("timeout", 2.0)
    client = vk.make_client(ctx, ACCOUNT, sleep=sleeps.append, backoff=0.01, **client_kw)
    try:
        batch = vk.extract(ctx, MISSION, ACCOUNT, client=client)
    finally:
        path = raw.close()
    return batch, path, sleeps


def test_offset_paging_and_token_only_in_requests(server, caplog):
    caplog.set_level(logging.DEBUG)
    server.route(GROUP, ok("group.json"))
    server.route(WALL, ok("wall_1.json"), ok("wall_2.json"))
    batch, raw_path, _ = run(server)
    calls = server.paths(WALL)
    assert len(calls) == 2 and "offset=0" in calls[0] and "offset=3" in calls[1] and "domain=rusembdprk" in calls[0]
    assert "count=100" in calls[0] and f"access_token={TOKEN}" in calls[0]
    assert len(batch.records["posts"]) == 4 and len(batch.rejects) == 1
    assert batch.records["account_metrics"][0]["followers"] == 812
    assert TOKEN not in gzip.decompress(raw_path.read_bytes()).decode() and TOKEN not in caplog.text


def test_incremental_walk_passes_pinned_and_stops_at_watermark(server):
    server.route(GROUP, ok("group.json"))
    server.route(WALL, ok("wall_1.json"), ok("wall_2.json"))
    first, _, _ = run(server)
    landing.land(first, dt=date(2018, 5, 1))
    server.requests.clear()
    server.route(WALL, ok("wall_1.json"), ok("wall_2.json"))
    later = datetime(2018, 7, 1, tzinfo=UTC)  # refresh window ends before the newest landed post
    second, _, _ = run(server, run_id="r2", fetched_at=later)
    assert len(server.paths(WALL)) == 1  # stopped on page 1 at a non-pinned old post, not at the pinned one
    assert {p["native_id"] for p in second.records["posts"]} == {"10", "40", "39"}


def test_error_6_in_200_body_is_retried_with_backoff(server):
    server.route(GROUP, ok("group.json"))
    server.route(WALL, ok("error_6.json"), ok("error_6.json"), ok("wall_1.json"), ok("wall_2.json"))
    batch, _, sleeps = run(server)
    assert sleeps == [0.01, 0.02] and len(batch.records["posts"]) == 4


def test_error_6_beyond_budget_lands_what_it_got(server):
    server.route(GROUP, ok("group.json"))
    server.route(WALL, ok("error_6.json"))
    batch, _, _ = run(server, rate_limit_wait=VkRateLimitWait(base=100.0))
    assert batch.records["accounts"] and "rate limited" in batch.rejects[0]["reason"]


def test_other_vk_errors_and_bad_bodies_are_clear(server, caplog):
    server.route(GROUP, ok("group.json"))
    for spec, expected in (
        (ok("error_15.json"), "VK API error 15: Access denied"),
        ((200, JSON, b'{"response": {"count": 1, "items": ['), "malformed JSON"),
        ((200, {"Content-Type": "text/html"}, b"<html>captcha</html>"), "got HTML"),
        ((200, JSON, b'{"result": []}'), "expected {'response'"),
        ((500, {}, b"oops"), "HTTP 500"),
    ):
        server.route(WALL, spec)
        with pytest.raises(FetchError, match=expected) as info:
            run(server)
        assert TOKEN not in str(info.value)
    assert TOKEN not in caplog.text


def test_timeout_then_success(server):
    server.route(GROUP, (200, JSON, b"{}", 1.0), ok("group.json"))
    server.route(WALL, ok("wall_1.json"), ok("wall_2.json"))
    batch, _, sleeps = run(server, timeout=0.3)
    assert len(batch.records["posts"]) == 4 and len(sleeps) == 1
