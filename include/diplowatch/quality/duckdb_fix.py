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
