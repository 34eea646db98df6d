"""The landing checkpoint on real Parquet landing files: healthy, corrupted, and warning-only runs."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
from diplowatch.landing import partition_path, to_table, write_parquet_atomic
from diplowatch.quality import DataQualityError, run_landing_checkpoint

FIXTURE = Path(__file__).parents[1] / "fixtures" / "quality" / "landing_run.json"
DT = date(2018, 3, 1)


def _records(entity: str, run_id: str, fetched_at: datetime) -> list[dict]:
    doc = json.loads(FIXTURE.read_text(encoding="utf-8"))
    rows = []
    for rec in doc[entity]:
        row = {**rec, "run_id": run_id, "fetched_at": fetched_at}
        for k in ("published_at", "observed_at"):
            if k in row:
                row[k] = datetime.fromisoformat(row[k])
        rows.append(row)
    return rows


def write_run(landing: Path, run_id: str, mutate=None) -> dict[str, list[Path]]:
    """Write one run's files straight to Parquet (bypassing land()'s contract checks, like a buggy writer)."""
    fetched_at = datetime.fromisoformat(json.loads(FIXTURE.read_text(encoding="utf-8"))["fetched_at"])
    files: dict[str, list[Path]] = {}
    for entity in ("posts", "post_metrics", "accounts", "account_metrics"):
        rows = _records(entity, run_id, fetched_at)
        if mutate:
            rows = mutate(entity, rows)
        if rows is None:
            continue
        target = partition_path(entity, "telegram", DT, run_id, landing)
        files[entity] = [write_parquet_atomic(to_table(entity, rows), target)]
    return files


def corrupt(entity: str, rows: list[dict]) -> list[dict]:
    """Duplicate key, negative count, a post published in the future."""
    if entity == "posts":
        rows.append(dict(rows[0]))  # duplicate post_uid
        rows[1]["published_at"] = datetime.fromisoformat("2030-01-01T00:00:00+00:00")
    if entity == "post_metrics":
        rows[2]["views"] = -5
    return rows


def warn_only(entity: str, rows: list[dict]) -> list[dict]:
    """Only warning-level breaches: an empty post text, a stale snapshot, no account row."""
    if entity == "posts":
        rows[0]["text"] = "  "
    if entity == "post_metrics":
        rows[0]["observed_at"] = datetime.fromisoformat("2018-02-20T00:00:00+00:00")
    return rows


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Three checkpoint runs in one home: healthy, warning-only, corrupted (GX is slow to start: share them)."""
    home = tmp_path_factory.mktemp("dwhome")
    landing = home / "lake" / "landing"
    good_files = write_run(landing, "manual__good")
    good = run_landing_checkpoint("manual__good", good_files, home=home)
    write_run(landing, "manual__warn", warn_only)
    warn = run_landing_checkpoint("manual__warn", None, home=home)  # discovers its files
    bad = run_landing_checkpoint("manual__bad", write_run(landing, "manual__bad", corrupt), home=home)
    return home, good, warn, bad


def test_healthy_run_passes(runs):
    _, good, _, _ = runs
    assert good.success, good.summary()
    assert not good.critical_failures
    assert {r.table for r in good.results} >= {"posts", "post_metrics", "accounts", "account_metrics"}
    good.raise_for_critical()  # no exception


def test_corrupted_run_fails_with_clear_messages(runs):
    _, _, _, bad = runs
    assert not bad.success
    failures = {(f.expectation, f.table, f.column): f for f in bad.critical_failures}
    dup = failures[("expect_column_values_to_be_unique", "posts", "post_uid")]
    assert dup.unexpected_count == 2  # both rows of the duplicated key
    future = failures[("expect_column_values_to_be_between", "posts", "published_at")]
    assert future.unexpected_count == 1
    negative = failures[("expect_column_values_to_be_between", "post_metrics", "views")]
    assert negative.unexpected_count == 1
    assert len(bad.critical_failures) == 3, bad.summary()
    with pytest.raises(DataQualityError) as exc:
        bad.raise_for_critical()
    message = str(exc.value)
    assert "expect_column_values_to_be_unique failed on posts.post_uid, 2 unexpected row(s)" in message
    assert "expect_column_values_to_be_between failed on post_metrics.views, 1 unexpected row(s)" in message
    assert "expect_column_values_to_be_between failed on posts.published_at, 1 unexpected row(s)" in message


def test_warning_breach_does_not_fail(runs):
    _, _, warn, _ = runs
    assert warn.success, warn.summary()
    names = {(w.expectation, w.table) for w in warn.warnings}
    assert ("text_not_empty(text)", "posts") in names
    assert ("observed_at_within_run", "post_metrics") in names
    warn.raise_for_critical()


def test_history_dataset_is_queryable_and_idempotent(runs):
    home, good, _, _ = runs
    root = home / "quality" / "history"
    assert good.history_path == root / "checkpoint=landing" / "manual__good.parquet"
    glob = (root / "*" / "*.parquet").as_posix()
    sql = f"""
        select run_id, count(*) as n, count_if(not success and severity = 'critical') as critical
        from read_parquet('{glob}', hive_partitioning = false)
        group by run_id order by run_id
    """
    rows = duckdb.sql(sql).fetchall()
    assert [r[0] for r in rows] == ["manual__bad", "manual__good", "manual__warn"]
    assert dict((r[0], r[2]) for r in rows)["manual__bad"] == 3
    columns = duckdb.sql(f"describe select * from read_parquet('{glob}')").fetchall()
    assert {c[0] for c in columns} >= {
        "run_id",
        "checkpoint",
        "suite",
        "expectation",
        "table",
        "column",
        "severity",
        "success",
        "unexpected_count",
        "observed_at",
    }


def test_data_docs_index_exists(runs):
    home, _, _, bad = runs
    assert bad.docs_path == home / "quality" / "docs" / "index.html"
    assert bad.docs_path.exists()
    assert "landing_posts" in bad.docs_path.read_text(encoding="utf-8")
    assert (home / "quality" / "gx" / "great_expectations.yml").exists()


def test_source_that_returns_nothing_is_a_warning(runs, tmp_path):
    home, *_ = runs
    landing = home / "lake" / "landing"
    # this run lands posts but no metric snapshots, where previous runs had them
    files = write_run(landing, "manual__nometrics", lambda e, rows: None if e == "post_metrics" else rows)
    outcome = run_landing_checkpoint("manual__nometrics", files, home=home)
    assert outcome.success, outcome.summary()
    band = [w for w in outcome.warnings if w.expectation == "row_count_within_band_of_previous_runs"]
    assert band and band[0].unexpected_count == 1, outcome.summary()
    # re-running the same run replaces its history file instead of adding rows
    again = run_landing_checkpoint("manual__nometrics", files, home=home)
    n = duckdb.sql(f"select count(*) from read_parquet('{again.history_path.as_posix()}')").fetchall()[0][0]
    assert n == len(again.results)
