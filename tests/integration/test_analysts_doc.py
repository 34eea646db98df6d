"""Every query of docs/analysts.md runs, read-only, on a published warehouse and returns rows."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from diplowatch.publish import build_path, publish

REPO = Path(__file__).parents[2]
DOC = REPO / "docs" / "analysts.md"
MARTS_SQL = REPO / "tests" / "fixtures" / "analysts" / "marts.sql"


def blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


SQL_BLOCKS = blocks("sql")


@pytest.fixture
def warehouse(diplowatch_home: Path) -> Path:
    """A published warehouse with the marts' columns (to be replaced by the demo warehouse once it is built)."""
    build = build_path(diplowatch_home)
    build.parent.mkdir(parents=True)
    con = duckdb.connect(str(build))
    con.execute(MARTS_SQL.read_text(encoding="utf-8"))
    con.close()
    return publish().warehouse


def test_the_page_has_a_query_for_every_question() -> None:
    assert len(SQL_BLOCKS) >= 8
    text = DOC.read_text(encoding="utf-8")
    for n in range(1, 6):
        assert f"**{n}. " in text, f"question {n} is missing"
    for lever in ("dbt_project/seeds/themes.csv", "dbt_project/seeds/entities.csv", "read_only = TRUE", "-readonly"):
        assert lever in text


@pytest.mark.parametrize("sql", SQL_BLOCKS, ids=[f"sql{i}" for i in range(len(SQL_BLOCKS))])
def test_sql_block_runs(warehouse: Path, sql: str) -> None:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        cur = con.execute(sql)
        rows = cur.fetchall()
    finally:
        con.close()
    assert rows, f"no rows from:\n{sql}"


def test_python_block_runs(warehouse: Path, monkeypatch) -> None:
    (code,) = blocks("python")
    monkeypatch.chdir(warehouse.parent.parent)
    (warehouse.parent.parent / "data").symlink_to(warehouse.parent)
    scope: dict = {}
    exec(compile(code, str(DOC), "exec"), scope)
    assert len(scope["posts"]) == 60 and set(scope["posts"]["platform"]) == {"telegram"}
