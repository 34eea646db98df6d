"""The GX-on-DuckDB workaround: applied while upstream needs it, skipped (and reported) once it does not."""

from __future__ import annotations

import logging

import pytest
from diplowatch.quality import duckdb_fix

pytest.importorskip("great_expectations")


@pytest.fixture
def unpatched():
    """Start from GX's original code; leave the fix applied afterwards for the other tests."""
    duckdb_fix.remove_patch()
    yield
    duckdb_fix.remove_patch()
    duckdb_fix.ensure_duckdb_fix()


def test_upstream_bug_is_present_and_the_fix_repairs_it(unpatched):
    # GX 1.24.1 + duckdb-engine 0.17: rows are fetched after the connection closed, so nothing comes back.
    assert duckdb_fix.probe_gx_duckdb() != [(41,), (42,)]
    status = duckdb_fix.ensure_duckdb_fix(force_check=True)
    assert status.needed and status.applied
    assert duckdb_fix.is_patched()
    assert duckdb_fix.probe_gx_duckdb() == [(41,), (42,)]
    # idempotent: a second call keeps one layer of patching and the cached status
    assert duckdb_fix.ensure_duckdb_fix() is status
    engine_cls = duckdb_fix._engine_class()
    assert not getattr(engine_cls._execute_query_with_recovery.__wrapped__, duckdb_fix._MARKER, False)


def test_fix_is_skipped_and_reported_when_upstream_is_fixed(unpatched, monkeypatch, caplog):
    """Simulate a fixed GX release: execute_query buffers rows inside the connection itself."""
    engine_cls = duckdb_fix._engine_class()

    def fixed_execute_query(self, query):
        with self.get_connection() as connection:
            return connection.execute(query).freeze()()

    monkeypatch.setattr(engine_cls, "execute_query", fixed_execute_query)
    with caplog.at_level(logging.WARNING, logger="diplowatch.quality.duckdb_fix"):
        status = duckdb_fix.ensure_duckdb_fix(force_check=True)
    assert not status.needed and not status.applied
    assert not duckdb_fix.is_patched()
    assert "no longer needed" in caplog.text


def test_fix_only_touches_duckdb(unpatched):
    """Other dialects keep GX's live cursor results (the wrapper checks the dialect)."""
    import sqlalchemy as sa

    duckdb_fix.ensure_duckdb_fix(force_check=True)
    engine = duckdb_fix._engine_class()(connection_string="sqlite://")
    result = engine.execute_query(sa.text("select 1"))
    assert type(result).__name__ == "CursorResult"
    assert result.fetchall() == [(1,)]
    engine.engine.dispose()
