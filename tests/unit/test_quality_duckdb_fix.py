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


@pytest.fixture
def no_shortcut():
    """Start from GX's own column-metadata function; leave the shortcut applied afterwards."""
    duckdb_fix.remove_reflection_shortcut()
    yield
    duckdb_fix.remove_reflection_shortcut()
    duckdb_fix.ensure_reflection_shortcut()


def _column_metadata(engine, table):
    import sqlalchemy as sa
    from great_expectations.expectations.metrics.table_metrics import table_column_types

    return table_column_types.get_sqlalchemy_column_metadata(engine, sa.quoted_name(table, quote=None), None)


def test_duckdb_reflection_shortcut_returns_what_gx_returns_without_failing_queries(no_shortcut, tmp_path):
    import duckdb
    import sqlalchemy as sa

    # SQLAlchemy 2.1 + duckdb-engine 0.17: both inspector calls fail, GX falls back on every table.
    errors = duckdb_fix.probe_duckdb_reflection()
    assert errors["get_pk_constraint"] and errors["get_columns"]
    db = tmp_path / "w.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create table t (a integer, b varchar)")
    duckdb_fix.ensure_duckdb_fix()
    engine = duckdb_fix._engine_class()(connection_string=f"duckdb:///{db}", connect_args={"read_only": True})
    statements: list[str] = []
    sa.event.listen(engine.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    try:
        before = _column_metadata(engine, "t")
        assert any("pg_catalog" in s for s in statements)
        status = duckdb_fix.ensure_reflection_shortcut(force_check=True)
        assert status.needed and status.applied and duckdb_fix.is_reflection_shortcut_applied()
        statements.clear()
        after = _column_metadata(engine, "t")
    finally:
        engine.engine.dispose()
    assert after == before
    assert [c["name"] for c in after] == ["a", "b"]
    assert statements and not any("pg_catalog" in s for s in statements)
    # idempotent: one layer of wrapping
    duckdb_fix.ensure_reflection_shortcut(force_check=True)
    from great_expectations.expectations.metrics import util

    assert not getattr(util.get_sqlalchemy_column_metadata.__wrapped__, duckdb_fix._REFLECTION_MARKER, False)


def test_reflection_shortcut_is_not_applied_when_reflection_works(no_shortcut, monkeypatch):
    monkeypatch.setattr(duckdb_fix, "probe_duckdb_reflection", lambda: {"get_pk_constraint": None, "get_columns": None})
    status = duckdb_fix.ensure_reflection_shortcut(force_check=True)
    assert not status.needed and not status.applied
    assert not duckdb_fix.is_reflection_shortcut_applied()


def test_reflection_shortcut_only_touches_duckdb(no_shortcut, tmp_path):
    """Other dialects keep GX's reflection (sqlite reflects fine, with types and primary keys)."""
    import sqlalchemy as sa

    duckdb_fix.ensure_reflection_shortcut(force_check=True)
    engine = duckdb_fix._engine_class()(connection_string=f"sqlite:///{tmp_path / 'w.sqlite'}")
    try:
        with engine.engine.begin() as connection:
            connection.execute(sa.text("create table t (a integer primary key, b varchar)"))
        columns = _column_metadata(engine, "t")
    finally:
        engine.engine.dispose()
    assert [c["name"] for c in columns] == ["a", "b"]
    assert columns[0]["primary_key"] is True and "type" in columns[0]
