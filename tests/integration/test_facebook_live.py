"""Facebook live path against a local server replaying Graph API formats: paging.next, error codes, secrets."""

from __future__ import annotations

import gzip
import importlib.util
import json
import logging
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from diplowatch.config import Account, Mission
from diplowatch.http import FetchError
from diplowatch.raw import RawWriter
from diplowatch.sources import facebook
from diplowatch.sources.base import RunContext

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "facebook"
_spec = importlib.util.spec_from_file_location("replay_server", FIX.parent / "x" / "replay_server.py")
replay = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(replay)

TOKEN = "EAAGm0PX4ZCpsBAsecretPageToken987"
MISSION = Mission(id="ru_emb_dprk", name="E", country="RU", host_country="KP")
ACCOUNT = Account(platform="facebook", handle="RusEmbDPRK", conn_id="facebook_graph")
JSON = {"Content-Type": "application/json"}
PAGE, POSTS = "/RusEmbDPRK", "/RusEmbDPRK/posts"


def ok(name: str) -> tuple:
    body = (FIX / name).read_bytes()
    next_url = f"{{BASE}}/RusEmbDPRK/posts?access_token={TOKEN}&limit=100&after=QVFIUa"
    return (200, JSON, body.replace(b"NEXT_URL", next_url.encode()))


def err(status: int, name: str, headers: dict | None = None) -> tuple:
    return (status, {**JSON, **(headers or {})}, (FIX / name).read_bytes())


@pytest.fixture
def server():
    with replay.ReplayServer() as s:
        yield s


def run(server, run_id: str = "r1", **client_kw):
    sleeps: list[float] = []
    raw = RawWriter("facebook", run_id, date(2018, 5, 1))
    ctx = RunContext(
        run_id=run_id, source="facebook", dt=date(2018, 5, 1), raw=raw, secrets={"facebook_graph": TOKEN},
        base_urls={"facebook": server.base}, fetched_at=datetime(2018, 5, 1, 9, tzinfo=UTC),
    )  # fmt: skip
    client = facebook.make_client(ctx, ACCOUNT, sleep=sleeps.append, backoff=0.01, timeout=2.0, **client_kw)
    try:
        batch = facebook.extract(ctx, MISSION, ACCOUNT, client=client)
    finally:
        path = raw.close()
    return batch, path, sleeps


def test_cursor_paging_via_next_and_token_redacted(server, caplog):
    caplog.set_level(logging.DEBUG)
    server.route(PAGE, ok("page.json"))
    server.route(POSTS, ok("posts_1.json"), ok("posts_2.json"))
    batch, raw_path, _ = run(server)
    assert len(batch.records["posts"]) == 3 and len(batch.rejects) == 1  # the post without created_time
    calls = server.paths(POSTS)
    assert "after=QVFIUa" in calls[1] and "reactions.summary" in calls[0]
    assert batch.records["account_metrics"][0]["followers"] == 4312
    stored = gzip.decompress(raw_path.read_bytes()).decode()
    assert "paging" not in stored or TOKEN not in stored
    assert TOKEN not in stored and TOKEN not in caplog.text
    assert "QVFIUa" in json.dumps([json.loads(line)["url"] for line in stored.splitlines()])


def test_graph_code_4_waits_then_retries(server):
    usage = json.dumps(
        {"1547783992216376": [{"type": "pages", "call_count": 100, "estimated_time_to_regain_access": 0}]}
    )
    server.route(PAGE, err(400, "error_4.json", {"X-Business-Use-Case-Usage": usage}), ok("page.json"))
    server.route(POSTS, ok("posts_2.json"))
    batch, _, sleeps = run(server)
    assert len(batch.records["posts"]) == 1 and sleeps == [0.0]


def test_graph_code_4_beyond_budget_lands_what_it_got(server):
    server.route(PAGE, ok("page.json"))
    server.route(POSTS, ok("posts_1.json"), err(403, "error_4.json"))
    batch, _, _ = run(server)
    assert len(batch.records["posts"]) == 2
    assert any("rate limited" in r["reason"] for r in batch.rejects)


def test_other_graph_error_is_clear_and_token_free(server, caplog):
    server.route(PAGE, err(400, "error_190.json"))
    with pytest.raises(FetchError, match="Graph API error 190") as info:
        run(server)
    assert TOKEN not in str(info.value) and TOKEN not in caplog.text


def test_html_malformed_and_5xx(server):
    server.route(PAGE, (502, {}, b"bad gateway"), ok("page.json"))
    server.route(POSTS, (200, {"Content-Type": "text/html"}, b"<html><body>Log in to Facebook</body></html>"))
    with pytest.raises(FetchError, match="got HTML") as info:
        run(server)
    assert TOKEN not in str(info.value)
    server.route(PAGE, ok("page.json"))
    server.route(POSTS, (200, JSON, b'{"data": [{"id": '))
    with pytest.raises(FetchError, match="malformed JSON"):
        run(server)
