"""The benchmark at a tiny size, end to end: it works and writes its report (no timing asserts)."""

from __future__ import annotations

import hashlib
import json
import statistics
import sys
from pathlib import Path

import pyarrow.dataset as ds
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # bench/ lives at the repo root, not installed

from bench import run, steps
from bench.generate import Plan, generate


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for f in sorted(folder.rglob("*")):
        if f.is_file():
            h.update(f.relative_to(folder).as_posix().encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def test_generator_is_deterministic_and_in_source_formats(tmp_path):
    plan = Plan.of("tiny", 0.5)
    counts = generate(tmp_path / "a", plan)
    generate(tmp_path / "b", plan)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert counts == {"telegram_messages": 180, "x_tweets": 120, "metric_snapshots": 2880, "news_items": 300}
    doc = json.loads((tmp_path / "a" / "telegram" / "rusemb0000" / "result.json").read_text())
    assert doc["type"] == "public_channel" and len(doc["messages"]) == 180
    assert all(isinstance(m["date_unixtime"], str) for m in doc["messages"])
    tweets = (tmp_path / "a" / "x" / "rusembassy0000" / "tweets.js").read_text()
    assert tweets.startswith("window.YTD.tweets.part0 = [")
    news = [json.loads(line) for line in (tmp_path / "a" / "news" / "news-0000.jsonl").open()]
    assert any("utm_source" in n["url"] for n in news)  # duplicates under tracking URLs
    assert {n["language"] for n in news} == {"ru", "en", "ko"}


def test_landing_steps_land_the_same_records(tmp_path):
    data = tmp_path / "data"
    generate(data, Plan.of("tiny", 0.5))
    ours = steps.land_ours(data, tmp_path / "landing")
    floor = steps.land_floor(data, tmp_path / "floor")
    assert ours["raw_records"] == floor["raw_records"] == 180 + 120 + 2880 + 300
    posts = ds.dataset(tmp_path / "landing" / "posts", format="parquet", partitioning="hive").to_table()
    # every telegram message but service messages, every tweet, plus the telegram posts the metrics import names
    assert posts.num_rows >= 120 + 170
    news = ds.dataset(tmp_path / "landing" / "news_items", format="parquet", partitioning="hive").to_table()
    assert 0 < news.num_rows < 300  # duplicates folded by canonical URL


@pytest.mark.timeout(600)
def test_bench_run_writes_report(tmp_path):
    out = tmp_path / "BENCHMARKS.md"
    code = run.main(
        [
            "--size",
            "tiny",
            "--scale",
            "0.3",
            "--repeat",
            "1",
            "--out",
            str(out),
            "--skip",
            "warehouse",
            "--skip",
            "validation",
            "--enrich-limit",
            "30",
        ]
    )
    assert code == 0
    text = out.read_text()
    assert "## Landing" in text and "peer: dlt" in text and "floor: pyarrow" in text
    assert "failed" not in text.split("## Enrichment")[0]
    assert "landing vs dlt" in text and "landing peak RSS" in text
    assert "| themes (`tag_themes`) | 30 |" in text


@pytest.mark.timeout(900)
def test_warehouse_step_builds_full_then_incremental(tmp_path):
    data, incr = tmp_path / "data", tmp_path / "data_incr"
    plan = Plan.of("tiny", 0.3)
    generate(data, plan)
    generate(incr, plan.after(20))
    out = steps.warehouse(data, incr, tmp_path / "work", incr_repeat=3, full_repeat=2)
    assert out["full_ok"] and out["incremental_ok"], out
    # each build ran several times from the same state: its figure is their median
    assert len(out["full_runs_s"]) == 2
    assert len(out["incremental_runs_s"]) == 3
    for name in ("full", "incremental"):
        assert out[f"{name}_s"] == round(statistics.median(out[f"{name}_runs_s"]), 3)
    for name in ("full", "incremental"):
        # the build is timed inside its process: start-up comes on top of it
        assert 0 < out[f"{name}_s"] < out[f"{name}_with_startup_s"]
    assert out["ratio"] == round(out["incremental_s"] / out["full_s"], 3)
