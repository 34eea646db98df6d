"""Expectation results kept as a queryable Parquet dataset.

``$DIPLOWATCH_HOME/quality/history/checkpoint=<name>/<run_key>.parquet``, one row per
expectation per run. Writing a run again replaces its file (idempotent). Query it with
DuckDB::

    select * from read_parquet('data/quality/history/*/*.parquet', hive_partitioning = false)
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pyarrow as pa

from diplowatch.landing import run_key, write_parquet_atomic
from diplowatch.quality.outcome import ExpectationOutcome

HISTORY_SCHEMA = pa.schema(
    [
        pa.field("run_id", pa.string(), nullable=False),
        pa.field("checkpoint", pa.string(), nullable=False),
        pa.field("suite", pa.string(), nullable=False),
        pa.field("expectation", pa.string(), nullable=False),
        pa.field("table", pa.string(), nullable=False),
        pa.field("column", pa.string()),
        pa.field("severity", pa.string(), nullable=False),
        pa.field("success", pa.bool_(), nullable=False),
        pa.field("unexpected_count", pa.int64()),
        pa.field("observed_value", pa.string()),
        pa.field("message", pa.string()),
        pa.field("observed_at", pa.timestamp("us", tz="UTC"), nullable=False),
    ]
)


def history_root(home: Path) -> Path:
    return home / "quality" / "history"


def history_file(home: Path, checkpoint: str, run_id: str) -> Path:
    return history_root(home) / f"checkpoint={checkpoint}" / f"{run_key(run_id)}.parquet"


def write_history(
    home: Path, checkpoint: str, run_id: str, results: list[ExpectationOutcome], observed_at: datetime
) -> Path:
    """Write (or replace) this run's rows; returns the file."""
    rows = [
        {
            "run_id": run_id,
            "checkpoint": checkpoint,
            "suite": r.suite,
            "expectation": r.expectation,
            "table": r.table,
            "column": r.column,
            "severity": r.severity,
            "success": r.success,
            "unexpected_count": r.unexpected_count,
            "observed_value": r.observed_value,
            "message": r.message,
            "observed_at": observed_at,
        }
        for r in results
    ]
    table = pa.Table.from_pylist(rows, schema=HISTORY_SCHEMA)
    return write_parquet_atomic(table, history_file(home, checkpoint, run_id))
