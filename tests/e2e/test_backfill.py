"""Backfill two past intervals of an ingest DAG twice in a row: the marts and the landing zone come out the same.

Against the shared ``airflow standalone`` (tests/e2e/conftest.py; sample data, no network): a backfill of two
past intervals of ``telegram_ingest`` (its schedule comes from the watch-list; ``@yearly`` in the e2e copy, so no
scheduled run lands between the steps) through the REST API
``POST /api/v2/backfills``, with ``{"offline_sample": true}`` as the runs' conf. Waits for the backfill runs and
the warehouse run(s) their Assets trigger, snapshots the published marts (``$DIPLOWATCH_HOME/warehouse.duckdb``,
read-only) and the landing files, runs the same backfill again with ``reprocess_behavior=completed`` (the runs
are cleared and run again), and compares.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from diplowatch.landing import run_key

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

DAG_ID = "telegram_ingest"
MART_PREFIXES = ("dim_", "fct_", "agg_", "bridge_")


def two_past_intervals(api) -> tuple[str, str]:
    """The logical dates of the DAG's two latest past scheduled runs that have no run yet.

    Its schedule comes from the watch-list. While the DAG is paused the later one is the run the scheduler would
    create on unpausing (``catchup=False``): the backfill takes it, so unpausing adds no scheduled run of its own.
    Cron schedules are trigger timetables in Airflow 3 (no interval length to read), so the window of a backfill
    dry run doubles until it holds two free dates.
    """
    next_run = api.wait_for(
        f"{DAG_ID} to be listed with its next scheduled run",
        lambda: DAG_ID in api.dag_ids() and api.get(f"/dags/{DAG_ID}")["next_dagrun_logical_date"],
        300,
    )
    latest = min(datetime.fromisoformat(next_run), datetime.now(UTC))
    taken = {r["logical_date"][:19] for r in api.runs(DAG_ID) if r.get("logical_date")}
    window = timedelta(hours=1)
    while window < timedelta(days=8 * 366):
        body = {"dag_id": DAG_ID, "from_date": (latest - window).isoformat(), "to_date": latest.isoformat()}
        dates = sorted(r["logical_date"] for r in api.send("POST", "/backfills/dry_run", body)["backfills"])
        free = [d for d in dates if d[:19] not in taken]
        if len(free) >= 2:
            return free[-2], free[-1]
        window *= 2
    pytest.fail(f"{DAG_ID}: fewer than two free scheduled dates in the eight years before {latest}")


def run_backfill(api, dates: tuple[str, str], reprocess: str) -> list[dict]:
    """Create the backfill (DAG paused, then unpaused so its tasks run), wait for it and the warehouse runs."""
    before = {r["dag_run_id"] for r in api.runs("warehouse")}
    body = {
        "dag_id": DAG_ID,
        "from_date": dates[0],
        "to_date": dates[1],
        "dag_run_conf": {"offline_sample": True},
        "reprocess_behavior": reprocess,
        "max_active_runs": 2,
    }
    backfill = api.send("POST", "/backfills", body)
    api.send("PATCH", f"/dags/{DAG_ID}", {"is_paused": False})
    api.wait_for(
        f"backfill {backfill['id']} of {DAG_ID} ({reprocess})",
        lambda: api.get(f"/backfills/{backfill['id']}")["completed_at"],
    )
    runs = api.runs(DAG_ID, logical_date_gte=dates[0], logical_date_lte=dates[1])
    runs.sort(key=lambda r: r["logical_date"])
    assert [r["logical_date"][:19] for r in runs] == [d[:19] for d in dates], runs
    for run in runs:
        api.assert_success(DAG_ID, run)
        assert run["run_type"] == "backfill", run
    warehouse_runs = api.wait_warehouse_settled(before)
    for run in warehouse_runs:
        api.assert_success("warehouse", run)
    return runs


def marts_snapshot(db: Path) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every mart table of the published warehouse: its columns and its rows, sorted (read-only)."""
    assert db.exists(), f"no published warehouse at {db}"
    with duckdb.connect(str(db), read_only=True) as con:
        names = sorted(
            name
            for (name,) in con.execute("select table_name from information_schema.tables").fetchall()
            if name.startswith(MART_PREFIXES)
        )
        assert names, f"{db}: no dim_/fct_/agg_/bridge_ tables"
        out = {}
        for name in names:
            cur = con.execute(f'select * from "{name}"')
            rows = [tuple(_stable(v) for v in row) for row in cur.fetchall()]
            out[name] = ([d[0] for d in cur.description], sorted(rows, key=repr))
        return out


def _stable(value: object) -> object:
    """Doubles to 12 significant digits: DuckDB's parallel sums of doubles differ in the last bits between runs."""
    return float(f"{value:.12g}") if isinstance(value, float) else value


def differences(first: dict, second: dict) -> dict[str, list[str]]:
    """Per mart that changed: the columns whose values changed (or a note on rows/columns)."""
    out: dict[str, list[str]] = {}
    for name, (cols, rows) in first.items():
        cols2, rows2 = second[name]
        if (cols, rows) == (cols2, rows2):
            continue
        if cols != cols2 or len(rows) != len(rows2):
            out[name] = [f"columns {cols} -> {cols2}, rows {len(rows)} -> {len(rows2)}"]
            continue
        column = lambda rs, i: sorted((r[i] for r in rs), key=repr)  # noqa: E731
        out[name] = [c for i, c in enumerate(cols) if column(rows, i) != column(rows2, i)]
    return out


def landing_files(home: Path, dates: tuple[str, str]) -> list[str]:
    """Landing files (relative paths) whose name says they belong to one of the backfilled intervals."""
    keys = tuple(run_key(f"interval__{datetime.fromisoformat(d).isoformat()}") for d in dates)
    root = home / "lake" / "landing"
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.parquet") if p.name.startswith(keys))


@pytest.mark.timeout(1800)
def test_backfill_twice_leaves_the_same_marts(api, warehouse_unpaused: None, airflow_data_home: Path) -> None:
    dates = two_past_intervals(api)
    other_runs = {r["dag_run_id"] for r in api.runs(DAG_ID) if r["run_type"] != "backfill"}

    first_runs = run_backfill(api, dates, reprocess="none")
    marts_first = marts_snapshot(airflow_data_home / "warehouse.duckdb")
    files_first = landing_files(airflow_data_home, dates)
    assert files_first, f"no landing files named for the intervals {dates} under {airflow_data_home}"
    for d in dates:  # each interval landed under its own key
        key = run_key(f"interval__{datetime.fromisoformat(d).isoformat()}")
        assert any(Path(f).name.startswith(key) for f in files_first), (d, files_first)

    second_runs = run_backfill(api, dates, reprocess="completed")
    assert [r["dag_run_id"] for r in second_runs] == [r["dag_run_id"] for r in first_runs]
    assert all(r["end_date"] > f["end_date"] for r, f in zip(second_runs, first_runs, strict=True)), (
        "the second backfill did not re-run the completed intervals"
    )
    extra = [r["dag_run_id"] for r in api.runs(DAG_ID) if r["run_type"] != "backfill"]
    assert set(extra) <= other_runs, f"runs other than the backfill's landed data in between: {extra}"
    marts_second = marts_snapshot(airflow_data_home / "warehouse.duckdb")
    files_second = landing_files(airflow_data_home, dates)

    assert files_second == files_first, "re-running the intervals left extra (duplicate) landing files"
    assert marts_second.keys() == marts_first.keys()
    changed = differences(marts_first, marts_second)
    assert not changed, f"marts differ after the same backfill twice (table: columns): {changed}"
