"""X live path against a local server replaying the API v2 formats: paging, since_id, refresh, failures, secrets."""

from __future__ import annotations

import gzip
import importlib.util
import logging
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from diplowatch import landing
from diplowatch.config import Account, Mission
from diplowatch.http import FetchError
from diplowatch.raw import RawWriter
from diplowatch.sources import x
from diplowatch.sources.base import RunContext

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "x"
_spec = importlib.util.spec_from_file_location("replay_server", FIX / "replay_server.py")
replay = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(replay)

TOKEN = "AAAAAAAAAAAAAAAAAAAAAXsecretBearer123"
MISSION = Mission(id="ru_emb_dprk", name="E", country="RU", host_country="KP")
ACCOUNT = Account(platform="x", handle="RusEmbDPRK", conn_id="x_api")
USER = "/2/users/by/username/RusEmbDPRK"
TIMELINE = "/2/users/906507389620375553/tweets"
JSON = {"Content-Type": "application/json"}


def ok(name: str) -> tuple:
    return (200, JSON, (FIX / name).read_bytes())


@pytest.fixture
def server():
    with replay.ReplayServer() as s:
        yield s


def run(server, tmp_path: Path, run_id: str = "r1", **client_kw) -> tuple[x.Batch, Path, list[float]]:
    sleeps: list[float] = []
    raw = RawWriter("x", run_id, date(2018, 5, 1))
    ctx = RunContext(
        run_id=run_id, source="x", dt=date(2018, 5, 1), raw=raw, secrets={"x_api": TOKEN},
        base_urls={"x": server.base}, fetched_at=datetime(2018, 5, 1, 9, tzinfo=UTC),
    )  # fmt: skip
    client_kw.setdefault("timeout", 2.0)
    client = x.make_client(ctx, ACCOUNT, sleep=sleeps.append, backoff=0.01, **client_kw)
    try:
        batch = x.extract(ctx, MISSION, ACCOUNT, client=client)
    finally:
        path = raw.close()
    return batch, path, sleeps


def raw_text(path: Path) -> str:
    return gzip.decompress(path.read_bytes()).decode() if path.exists() else ""


def test_paging_bearer_and_no_token_anywhere(server, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    server.route(USER, ok("user.json"))
    server.route(TIMELINE, ok("timeline_1.json"), ok("timeline_2.json"))
    batch, raw_path, _ = run(server, tmp_path)
    assert len(batch.records["posts"]) == 3 and batch.records["account_metrics"][0]["followers"] == 1520
    calls = server.paths(TIMELINE)
    assert "pagination_token=7140dibdnow9c7btw4" in calls[1] and "public_metrics" in calls[0]
    assert all(h.get("Authorization") == f"Bearer {TOKEN}" for _, h in server.requests)
    assert batch.records["posts"][0]["raw_ref"].endswith("#2")
    assert TOKEN not in raw_text(raw_path) and TOKEN not in caplog.text


def test_incremental_since_id_and_metrics_refresh(server, tmp_path):
    server.route(USER, ok("user.json"))
    server.route(TIMELINE, ok("timeline_1.json"), ok("timeline_2.json"))
    first, _, _ = run(server, tmp_path)
    landing.land(first, dt=date(2018, 5, 1))
    server.requests.clear()
    server.route(TIMELINE, ok("timeline_empty.json"))
    server.route("/2/tweets", ok("tweets_lookup.json"))
    second, _, _ = run(server, tmp_path, run_id="r2")
    assert "since_id=987000000000000002" in server.paths(TIMELINE)[0]
    (lookup,) = server.paths("/2/tweets?")
    assert "ids=986000000000000000%2C987000000000000001%2C987000000000000002" in lookup
    assert second.records["post_metrics"][0]["views"] == 1200


def test_429_with_rate_limit_reset_is_waited_then_retried(server, tmp_path):
    server.route(USER, (429, {"x-rate-limit-reset": str(int(time.time()) + 2)}, b"{}"), ok("user.json"))
    server.route(TIMELINE, ok("timeline_2.json"))
    batch, _, sleeps = run(server, tmp_path)
    assert len(batch.records["posts"]) == 1 and sleeps and 0 < sleeps[0] <= 3


def test_out_of_budget_lands_what_it_got_and_says_so(server, tmp_path):
    server.route(USER, ok("user.json"))
    server.route(TIMELINE, ok("timeline_1.json"), (429, {"x-rate-limit-reset": str(int(time.time()) + 900)}, b"{}"))
    batch, _, _ = run(server, tmp_path)
    assert len(batch.records["posts"]) == 2
    (notice,) = batch.rejects
    assert "rate limited" in notice["reason"] and "asked to wait" in notice["reason"]


def test_5xx_then_success_and_timeout_then_success(server, tmp_path):
    server.route(USER, (503, {}, b"busy"), ok("user.json"))
    server.route(TIMELINE, (200, JSON, b"{}", 1.0), ok("timeline_2.json"))
    batch, _, sleeps = run(server, tmp_path, timeout=0.3)
    assert len(batch.records["posts"]) == 1 and len(sleeps) == 2


def test_malformed_json_html_and_layout_change_are_clear_errors(server, tmp_path):
    server.route(USER, ok("user.json"))
    for body, expected in (
        (b'{"data": [', "malformed JSON"),
        (b"<!DOCTYPE html><html>", "got HTML"),
        (b'{"tweets": []}', "expected 'data' or 'meta'"),
    ):
        server.route(TIMELINE, (200, JSON, body))
        with pytest.raises(FetchError, match=expected) as info:
            run(server, tmp_path)
        assert TOKEN not in str(info.value)


def test_4xx_error_message_has_no_token(server, tmp_path, caplog):
    server.route(USER, (401, JSON, b'{"title": "Unauthorized"}'))
    with pytest.raises(FetchError, match="HTTP 401") as info:
        run(server, tmp_path)
    assert TOKEN not in str(info.value) and TOKEN not in caplog.text


def test_missing_token_is_a_clear_error(tmp_path):
    ctx = RunContext(run_id="r", source="x", dt=date(2018, 5, 1), raw=RawWriter("x", "r", date(2018, 5, 1)))
    with pytest.raises(FetchError, match="no bearer token for connection 'x_api'"):
        x.extract(ctx, MISSION, ACCOUNT)
