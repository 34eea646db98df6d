"""Gap markers: saved atomically per account, read back, removed when empty; walks tell what they left."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from diplowatch import paths, state
from diplowatch.landing import Batch

AT = datetime(2018, 1, 1, tzinfo=UTC)


def gap(newer: str, older: str, hours: int = 1) -> state.Gap:
    return state.Gap(state.Mark(newer, AT), state.Mark(older, AT.replace(hour=hours)), {"before": int(older)}, "r1")


def test_save_open_and_close():
    update = state.GapUpdate("telegram", "telegram:chan", [gap("4", "15")], "r1")
    path = state.save_gaps(update)
    assert path == paths.state() / "gaps" / "telegram_chan.json"
    assert json.loads(path.read_text())["gaps"][0]["resume"] == {"before": 15}
    assert not list(path.parent.glob(".*tmp"))  # written through a temporary name
    assert state.open_gaps("telegram:chan") == [gap("4", "15")]
    assert state.save_gaps(state.GapUpdate("telegram", "telegram:chan", [], "r2")) is None
    assert not path.exists() and state.open_gaps("telegram:chan") == []


def test_unreadable_file_names_itself():
    path = state.gaps_file("x:a")
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    with pytest.raises(ValueError, match=r"x_a\.json"):
        state.open_gaps("x:a")


def test_walk_gap_and_fill():
    posts = [{"native_id": str(i), "published_at": AT.replace(hour=i)} for i in (9, 7, 8)]
    walk = state.Walk(boundary=state.Mark("4", AT.replace(hour=4)), key="id")
    walk.saw(posts)
    assert walk.oldest == state.Mark("7", AT.replace(hour=7))
    left = walk.gap("r1")
    assert left is not None and left.newer_than.id == "4" and left.older_than.id == "7"
    walk.reached = True
    assert walk.gap("r1") is None
    assert state.Walk(boundary=None).gap("r1") is None  # first run: no cursor, no gap
    fill = state.Walk(boundary=left.newer_than, key="id")
    assert fill.after_fill(left, "r2") is left  # fetched nothing: unchanged
    fill.saw([{"native_id": "5", "published_at": AT.replace(hour=5)}])
    narrowed = fill.after_fill(left, "r2")
    assert narrowed.older_than.id == "5" and narrowed.opened_by == "r1" and narrowed.updated_by == "r2"
    fill.reached = True
    assert fill.after_fill(left, "r2") is None


def test_ledger_keeps_untouched_gaps_and_adds_the_new_one():
    state.save_gaps(state.GapUpdate("x", "x:a", [gap("1", "3"), gap("10", "20", 5)], "r1"))
    ledger = state.GapLedger.load("x", "x:a", "r2", key="id")
    first = ledger.fill(ledger.todo[0])  # newest gap first
    first.reached = True
    main = ledger.walk(state.Mark("30", AT))
    main.saw([{"native_id": "40", "published_at": AT}])
    update = ledger.update()
    assert [(g.newer_than.id, g.older_than.id) for g in update.gaps] == [("30", "40"), ("1", "3")]
    batch = Batch(run_id="r2", source="x")
    assert state.pending_gaps(batch) is None
    state.attach_gaps(batch, update)
    assert state.pending_gaps(batch) is update
