"""The catalog of a DuckDB file as the checkpoints see it, read again whenever the file changes."""

from __future__ import annotations

import duckdb
from diplowatch.quality.common import table_columns


def test_table_columns_follow_changes_to_the_file(tmp_path):
    db = tmp_path / "w.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create table a (x integer)")
        con.execute("create schema s")
        con.execute("create table s.a (z integer)")
        con.execute("create table s.b (y integer)")
    columns, qualified = table_columns(db)
    assert columns == {"a": {"x"}, "b": {"y"}}
    assert qualified == {"a": '"main"."a"', "b": '"s"."b"'}
    columns["a"].add("not_a_column")  # the caller's copy, not the cached one
    assert table_columns(db) == ({"a": {"x"}, "b": {"y"}}, qualified)
    with duckdb.connect(str(db)) as con:
        con.execute("alter table a add column w varchar")
        con.execute("drop table s.b")
    assert table_columns(db) == ({"a": {"x", "w"}}, {"a": '"main"."a"'})


def test_a_replaced_file_is_read_again(tmp_path):
    db = tmp_path / "w.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create table a (x integer)")
    assert table_columns(db)[0] == {"a": {"x"}}
    replacement = tmp_path / "new.duckdb"
    with duckdb.connect(str(replacement)) as con:
        con.execute("create table c (v integer)")
    replacement.replace(db)
    assert table_columns(db)[0] == {"c": {"v"}}
