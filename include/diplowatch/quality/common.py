"""Steps shared by the two checkpoints: prepare suites, run them, keep history, return the outcome."""

from __future__ import annotations

import contextlib
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from diplowatch.quality import gxrun
from diplowatch.quality.history import write_history
from diplowatch.quality.outcome import CheckpointOutcome
from diplowatch.quality.suites import SuiteSpec, load_suites, resolve

log = logging.getLogger(__name__)


# The catalog last read from each DuckDB file, with the file identity it was read at.
_CATALOGS: dict[str, tuple[tuple[int, ...], tuple[dict[str, set[str]], dict[str, str]]]] = {}


def _file_identity(db_path: Path) -> tuple[int, ...]:
    """Device, inode, size and modification time of the database file and of its write-ahead log."""
    identity: list[int] = []
    for path in (db_path, db_path.with_name(db_path.name + ".wal")):
        try:
            st = path.stat()
        except FileNotFoundError:
            identity += [-1]
            continue
        identity += [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns]
    return tuple(identity)


def table_columns(db_path: Path) -> tuple[dict[str, set[str]], dict[str, str]]:
    """Columns of every table and view in a DuckDB file, and each table's qualified name.

    A table in ``main`` wins over one of the same name in another schema. The catalog is read
    again only when the file (or its WAL) changed since it was last read in this process.
    """
    key = str(Path(db_path).resolve())
    identity = _file_identity(Path(key))
    cached = _CATALOGS.get(key)
    if cached is not None and cached[0] == identity:
        columns, qualified = cached[1]
        return {t: set(c) for t, c in columns.items()}, dict(qualified)
    catalog = _read_table_columns(db_path)
    if _file_identity(Path(key)) == identity:  # not rewritten while we read it
        _CATALOGS[key] = (identity, catalog)
    columns, qualified = catalog
    return {t: set(c) for t, c in columns.items()}, dict(qualified)


def _read_table_columns(db_path: Path) -> tuple[dict[str, set[str]], dict[str, str]]:
    sql = """
        select table_schema, table_name, column_name
        from information_schema.columns
        where table_catalog = current_database()
        order by table_schema = 'main' desc, table_schema, table_name
    """
    with duckdb.connect(str(db_path), read_only=True) as con:
        rows = con.execute(sql).fetchall()
    columns: dict[str, set[str]] = {}
    qualified: dict[str, str] = {}
    for schema, table, column in rows:
        if qualified.setdefault(table, f'"{schema}"."{table}"') != f'"{schema}"."{table}"':
            continue
        columns.setdefault(table, set()).add(column)
    return columns, qualified


def schema_of(qualified: str) -> str:
    return qualified.split(".")[0].strip('"')


def run_checkpoint(
    *,
    checkpoint: str,
    run_id: str,
    db_path: Path,
    home: Path,
    params: dict[str, Any],
    suites: list[SuiteSpec] | None = None,
    skipped: list[str] | None = None,
    lock: bool = True,
) -> CheckpointOutcome:
    """Validate the tables of ``db_path`` with the checkpoint's suites; record history and Data Docs."""
    suites = suites if suites is not None else load_suites(checkpoint)
    skipped = list(skipped or [])
    columns, qualified = table_columns(db_path)
    prepared: list[gxrun.PreparedSuite] = []
    parameters: dict[str, Any] = {}  # run-time values of the suites' GX parameters
    for suite in suites:
        if suite.table not in columns:
            skipped.append(f"{suite.name}: table {suite.table} not found, suite skipped")
            continue
        runnable, skipped_here = resolve(suite, columns, params, qualified, gx_parameters=parameters)
        skipped.extend(skipped_here)
        if runnable:
            prepared.append(
                gxrun.PreparedSuite(spec=suite, expectations=runnable, schema=schema_of(qualified[suite.table]))
            )
    for message in skipped:
        log.warning("%s", message)
    outcome = CheckpointOutcome(checkpoint=checkpoint, run_id=run_id, skipped=skipped)
    with gxrun.context_lock(home) if lock else contextlib.nullcontext():
        if prepared:
            outcome.results = gxrun.run_suites(home, checkpoint, db_path, prepared, run_id, parameters)
        index = gxrun.ensure_docs(home)
        outcome.docs_path = index if index.exists() else None
        outcome.history_path = write_history(home, checkpoint, run_id, outcome.results, datetime.now(UTC))
    log.info("%s", outcome.summary())
    return outcome
