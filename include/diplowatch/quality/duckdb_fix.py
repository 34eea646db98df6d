"""Workaround for an upstream GX bug: its SQL data source returns no rows on DuckDB.

Upstream: great-expectations issue #11579 (seen with great-expectations 1.24.1,
duckdb-engine 0.17, SQLAlchemy 2.0/2.1, duckdb 1.x/2.0).

``SqlAlchemyExecutionEngine.execute_query`` runs a query inside
``with self.get_connection() as connection:`` and returns the live
``CursorResult``; callers fetch rows *after* the ``with`` block closed the
connection. duckdb-engine drops the cursor with the connection, so every fetch
returns nothing (``[]``, ``None``): metrics come back empty and every expectation
fails with "list index out of range".

The fix buffers the rows while the connection is still open, with SQLAlchemy's
``CursorResult.freeze()``; calling the frozen result gives a fresh in-memory
``Result`` with the same ``fetchall``/``fetchone``/``fetchmany``/``scalar`` API.
It is applied in one place, ``SqlAlchemyExecutionEngine._execute_query_with_recovery``
(the single point where both ``execute_query`` and ``execute_query_in_transaction``
run SQL inside the connection), and only for the ``duckdb`` dialect.

``ensure_duckdb_fix()`` first probes unpatched GX on a tiny in-memory DuckDB. If
the probe returns the rows, upstream has fixed the bug: the patch is not applied
and a message says it can be removed. Otherwise the patch is applied and the
probe repeated; if it still fails, ``DuckDBFixError`` is raised rather than
letting every expectation fail with a misleading message.

A second, independent workaround (``ensure_reflection_shortcut``): on SQLAlchemy 2.1 with
duckdb-engine 0.17, the PostgreSQL reflection queries the DuckDB dialect inherits reference
``pg_catalog`` objects DuckDB lacks (``pg_collation``, the ``regclass`` type), so ``Inspector.get_pk_constraint`` and
``Inspector.get_columns`` always fail. GX's ``get_sqlalchemy_column_metadata`` (the
``table.column_types`` metric every column expectation depends on) tries both, catches the
errors and falls back to its own ``column_reflection_fallback`` (column names and types
from the cursor of a one-row query), for every table on every run. When a probe shows
both inspector calls fail, the shortcut goes to that fallback directly, for DuckDB only:
the metric's value is the one GX computes today, without two failing catalog queries.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

UPSTREAM_ISSUE = "https://github.com/great-expectations/great_expectations/issues/11579"
_PROBE_SQL = "select 41 + n as answer from range(2) as t(n) order by n"
_PROBE_EXPECTED = [(41,), (42,)]
_MARKER = "_diplowatch_duckdb_freeze_fix"
_lock = threading.Lock()


class DuckDBFixError(RuntimeError):
    """GX cannot read query results from DuckDB, even with the freeze() fix applied."""


@dataclass(frozen=True)
class FixStatus:
    """What ``ensure_duckdb_fix`` found: whether upstream needs the patch and whether it is active."""

    needed: bool
    applied: bool
    detail: str


_status: FixStatus | None = None
_reflection_status: FixStatus | None = None
_REFLECTION_MARKER = "_diplowatch_duckdb_reflection_shortcut"
# Modules that hold GX's get_sqlalchemy_column_metadata under that name (the metric imports it).
_REFLECTION_MODULES = (
    "great_expectations.expectations.metrics.util",
    "great_expectations.expectations.metrics.table_metrics.table_column_types",
)


def _engine_class() -> Any:
    from great_expectations.execution_engine.sqlalchemy_execution_engine import SqlAlchemyExecutionEngine

    return SqlAlchemyExecutionEngine


def probe_gx_duckdb() -> list[tuple[Any, ...]]:
    """Run a two-row query through GX's own ``execute_query`` on an in-memory DuckDB; return the rows fetched."""
    import sqlalchemy as sa

    engine = _engine_class()(connection_string="duckdb:///:memory:")
    try:
        return [tuple(row) for row in engine.execute_query(sa.text(_PROBE_SQL)).fetchall()]
    finally:
        engine.engine.dispose()


def is_patched() -> bool:
    return bool(getattr(_engine_class()._execute_query_with_recovery, _MARKER, False))


def _apply_patch() -> None:
    """Wrap ``_execute_query_with_recovery`` so DuckDB results are buffered before the connection closes."""
    cls = _engine_class()
    original = cls._execute_query_with_recovery  # a staticmethod: plain function on attribute access

    def _execute_query_with_recovery(connection: Any, query: Any) -> Any:
        result = original(connection, query)
        if connection.dialect.name == "duckdb" and getattr(result, "returns_rows", False):
            # freeze() reads every row now, while the connection is open; the call builds a new Result.
            return result.freeze()()
        return result

    setattr(_execute_query_with_recovery, _MARKER, True)
    _execute_query_with_recovery.__wrapped__ = original  # type: ignore[attr-defined]
    cls._execute_query_with_recovery = staticmethod(_execute_query_with_recovery)


def remove_patch() -> None:
    """Restore GX's original method (used by tests and by the self-check)."""
    global _status
    with _lock:
        cls = _engine_class()
        current = cls._execute_query_with_recovery
        if getattr(current, _MARKER, False):
            cls._execute_query_with_recovery = staticmethod(current.__wrapped__)
        _status = None


def ensure_duckdb_fix(*, force_check: bool = False) -> FixStatus:
    """Make GX's SQL data source work on DuckDB, applying the freeze() fix only when upstream still needs it.

    Idempotent and cheap after the first call (the result is cached per process).
    """
    global _status
    with _lock:
        if _status is not None and not force_check:
            return _status
        if is_patched():
            # Probe the original behaviour, not ours.
            cls = _engine_class()
            cls._execute_query_with_recovery = staticmethod(cls._execute_query_with_recovery.__wrapped__)
        rows = _safe_probe()
        if rows == _PROBE_EXPECTED:
            log.warning(
                "GX's SQL data source now returns DuckDB rows without the freeze() fix: "
                "the workaround in diplowatch.quality.duckdb_fix is no longer needed and can be removed (%s)",
                UPSTREAM_ISSUE,
            )
            _status = FixStatus(needed=False, applied=False, detail="upstream fixed: unpatched GX returned the rows")
            return _status
        _apply_patch()
        patched_rows = _safe_probe()
        if patched_rows != _PROBE_EXPECTED:
            raise DuckDBFixError(
                f"GX on DuckDB returned {patched_rows!r} for {_PROBE_SQL!r} even with the freeze() fix "
                f"(expected {_PROBE_EXPECTED!r}); see {UPSTREAM_ISSUE}"
            )
        log.info("applied the GX DuckDB freeze() fix (unpatched GX returned %r; %s)", rows, UPSTREAM_ISSUE)
        _status = FixStatus(needed=True, applied=True, detail=f"unpatched GX returned {rows!r}")
        return _status


def _safe_probe() -> list[tuple[Any, ...]] | str:
    try:
        return probe_gx_duckdb()
    except Exception as exc:  # the probe's job is to report, the caller decides
        return f"{type(exc).__name__}: {exc}"


def probe_duckdb_reflection() -> dict[str, str | None]:
    """Reflect a one-column table on an in-memory DuckDB; per inspector call, the error it raised (or None)."""
    import sqlalchemy as sa

    engine = sa.create_engine("duckdb:///:memory:")
    errors: dict[str, str | None] = {}
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("create table probe (n integer)")
            inspector = sa.inspect(connection)
            for call in ("get_pk_constraint", "get_columns"):
                try:
                    getattr(inspector, call)("probe")
                    errors[call] = None
                except Exception as exc:  # the probe reports, the caller decides
                    errors[call] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    finally:
        engine.dispose()
    return errors


def _reflection_shortcut(original: Any) -> Any:
    """GX's ``get_sqlalchemy_column_metadata``, going straight to its fallback on DuckDB tables."""
    import sqlalchemy as sa
    from great_expectations.expectations.metrics import util

    def get_sqlalchemy_column_metadata(
        execution_engine: Any, table_selectable: Any, schema_name: str | None = None
    ) -> Any:
        if execution_engine.dialect.name != "duckdb" or isinstance(table_selectable, sa.TextClause):
            return original(execution_engine, table_selectable, schema_name)
        try:
            engine = execution_engine.engine
            columns = util.column_reflection_fallback(
                selectable=table_selectable, dialect=engine.dialect, sqlalchemy_engine=engine, schema_name=schema_name
            )
            # No primary-key columns: GX's own call for them fails on this stack too.
            return util._build_column_metadata_result(columns, set(), execution_engine)
        except AttributeError:  # as GX's function does
            return None

    setattr(get_sqlalchemy_column_metadata, _REFLECTION_MARKER, True)
    get_sqlalchemy_column_metadata.__wrapped__ = original  # type: ignore[attr-defined]
    return get_sqlalchemy_column_metadata


def is_reflection_shortcut_applied() -> bool:
    import importlib

    return all(
        getattr(importlib.import_module(m).get_sqlalchemy_column_metadata, _REFLECTION_MARKER, False)
        for m in _REFLECTION_MODULES
    )


def remove_reflection_shortcut() -> None:
    """Restore GX's original column-metadata function (used by tests)."""
    import importlib

    global _reflection_status
    with _lock:
        for name in _REFLECTION_MODULES:
            module = importlib.import_module(name)
            current = module.get_sqlalchemy_column_metadata
            if getattr(current, _REFLECTION_MARKER, False):
                module.get_sqlalchemy_column_metadata = current.__wrapped__
        _reflection_status = None


def ensure_reflection_shortcut(*, force_check: bool = False) -> FixStatus:
    """Skip the DuckDB reflection calls GX makes per table when a probe shows they always fail.

    Applied only when both ``get_pk_constraint`` and ``get_columns`` fail on DuckDB, i.e. when GX
    always ends up in its fallback: the shortcut then returns exactly what GX returns. Cached per process.
    """
    import importlib

    global _reflection_status
    with _lock:
        if _reflection_status is not None and not force_check:
            return _reflection_status
        errors = probe_duckdb_reflection()
        broken = all(errors.values())
        for name in _REFLECTION_MODULES:
            module = importlib.import_module(name)
            current = module.get_sqlalchemy_column_metadata
            original = current.__wrapped__ if getattr(current, _REFLECTION_MARKER, False) else current
            module.get_sqlalchemy_column_metadata = _reflection_shortcut(original) if broken else original
        if broken:
            log.info("DuckDB reflection fails on this SQLAlchemy (%s); GX column metadata goes to its fallback", errors)
            _reflection_status = FixStatus(needed=True, applied=True, detail=f"inspector errors: {errors}")
        else:
            log.info("DuckDB reflection works (%s); GX column metadata is left as it is", errors)
            _reflection_status = FixStatus(needed=False, applied=False, detail=f"inspector errors: {errors}")
        return _reflection_status
