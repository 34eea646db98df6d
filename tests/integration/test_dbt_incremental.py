"""An incremental dbt build gives the same marts as a full build of the same landing.

Generated data (bench.generate, tiny) is landed in two parts, as the benchmark does: home A builds
the first part, lands the second and builds again (incremental); home B lands both parts and builds
once (full). Every mart and intermediate table must hold the same rows. The second part is fetched
later than the first (the usual case), or at the same time (rows at the incremental watermark), or
holds only texts published after the first part's (a scheduled run): then int_event_clusters must resume
its linking pass from the saved state (``int_event_clusters__sweep.mode``) and still equal a full build.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from diplowatch import landing, paths

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # bench/ lives at the repo root, not installed

from bench.generate import Plan, generate
from bench.steps import land_ours

FIRST_FETCH = datetime(2026, 1, 1, tzinfo=UTC)
SECOND_FETCH = datetime(2026, 1, 2, 6, tzinfo=UTC)


def _dbt(home: Path, *args: str) -> None:
    env = {**os.environ, "DIPLOWATCH_HOME": str(home), "DBT_SEND_ANONYMOUS_USAGE_STATS": "False", "DO_NOT_TRACK": "1"}
    (home / "build").mkdir(parents=True, exist_ok=True)
    cmd = [
        str(Path(sys.executable).with_name("dbt")),
        *args,
        "--project-dir",
        str(paths.DBT_PROJECT),
        "--profiles-dir",
        str(paths.DBT_PROJECT),
        "--target-path",
        str(home / "dbt_target"),
        "--log-path",
        str(home / "dbt_logs"),
    ]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, f"dbt {' '.join(args)} failed:\n{proc.stdout[-6000:]}\n{proc.stderr[-2000:]}"


def _land(data: Path, home: Path, run_id: str, fetched_at: datetime) -> None:
    root = home / "lake" / "landing"
    landing.ensure_schema_files(root)
    land_ours(data, root, run_id=run_id, fetched_at=fetched_at)


# when a build computed a row: differs between any two builds, whatever they computed
BUILD_TIMES = ("built_at", "enriched_at", "texts_built_at", "tagged_built_at")


def _tables(home: Path, schema: str) -> dict[str, list[tuple]]:
    """Every table of a schema but the build times, rows sorted (by all columns, as text: lists and nulls too)."""
    with duckdb.connect(str(home / "build" / "warehouse.duckdb"), read_only=True) as con:
        names = [
            r[0]
            for r in con.sql(
                f"select table_name from duckdb_tables() where schema_name = '{schema}' and not temporary"
            ).fetchall()
        ]
        cols = f"columns(lambda c: c not in {BUILD_TIMES})"
        return {name: sorted(con.sql(f'select {cols} from {schema}."{name}"').fetchall(), key=repr) for name in names}


SWEEP_STATE = "int_event_clusters__sweep"


@pytest.fixture(scope="module", params=["later_fetch", "same_fetch", "later_data"])
def homes(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    second_fetch = FIRST_FETCH if request.param == "same_fetch" else SECOND_FETCH
    base = tmp_path_factory.mktemp("dbt_incremental")
    first, second = base / "data_first", base / "data_second"
    plan = Plan.of("tiny", 0.3)
    generate(first, plan)
    later = plan.after(40) if request.param == "later_data" else Plan(posts=40, seed=plan.seed + 99, tag="n")
    generate(second, later)
    incremental, full = base / "incremental", base / "full"
    _land(first, incremental, "first", FIRST_FETCH)
    _dbt(incremental, "build")
    _land(second, incremental, "second", second_fetch)
    _dbt(incremental, "build")
    _land(first, full, "first", FIRST_FETCH)
    _land(second, full, "second", second_fetch)
    _dbt(full, "build")
    return incremental, full, request.param


def _mode(tables: dict[str, list[tuple]]) -> str:
    """How the last build made int_event_clusters ('full' or 'resumed'), from its saved sweep state."""
    (row,) = tables[SWEEP_STATE]
    return row[-1]


@pytest.mark.timeout(900)
@pytest.mark.parametrize("schema", ["main", "intermediate"])
def test_incremental_build_equals_full_build(homes: tuple[Path, Path, str], schema: str) -> None:
    incremental, full = (_tables(home, schema) for home in homes[:2])
    assert sorted(incremental) == sorted(full)
    assert incremental, f"no tables in schema {schema}"
    if schema == "intermediate":
        # the saved sweep state (threads, fingerprint) is the same too; only how it was made may differ
        assert _mode(full) == "full"
        if homes[2] == "later_data":
            assert _mode(incremental) == "resumed", "int_event_clusters did not resume its sweep"
        for tables in (incremental, full):
            tables[SWEEP_STATE] = [row[:-1] for row in tables[SWEEP_STATE]]
    differing = [name for name in full if incremental[name] != full[name]]
    assert not differing, f"incremental build differs from a full build in {schema}: {differing}"
    # the second part really landed: some posts and news items of tag 'n' are in the marts
    if schema == "main":
        assert any(":rusembn" in row[0] for row in full["fct_posts"])
