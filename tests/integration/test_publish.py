"""Publishing: atomic snapshot swap under an open reader, exports, schema, refusal to copy a locked build."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from diplowatch.publish import PublishError, build_path, publish

MARTS_SQL = Path(__file__).parents[1] / "fixtures" / "analysts" / "marts.sql"
MARTS = {
    "agg_monthly_engagement",
    "bridge_event_items",
    "dim_accounts",
    "dim_entities",
    "dim_missions",
    "dim_themes",
    "fct_events",
    "fct_news_items",
    "fct_post_metrics_daily",
    "fct_posts",
}

# A separate process, like an analyst's notebook: holds one read-only connection open and
# answers "count" with the number of posts it sees through that same connection.
READER = textwrap.dedent(
    """
    import sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    print("ready", flush=True)
    for line in sys.stdin:
        if line.strip() == "count":
            print(con.execute("select count(*) from fct_posts").fetchall()[0][0], flush=True)
    con.close()
    """
)

WRITER = textwrap.dedent(
    """
    import sys, duckdb
    con = duckdb.connect(sys.argv[1])
    con.execute("create table if not exists main.lock_probe (i int)")
    print("ready", flush=True)
    sys.stdin.read()
    con.close()
    """
)


def build_warehouse(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        con.execute(MARTS_SQL.read_text(encoding="utf-8"))
    finally:
        con.close()
    return path


def add_posts(build: Path, n: int) -> None:
    con = duckdb.connect(str(build))
    try:
        con.execute(
            "insert into main.fct_posts select * replace (post_uid || ':copy' as post_uid) from main.fct_posts limit ?",
            [n],
        )
    finally:
        con.close()


def count_posts(path: Path) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("select count(*) from fct_posts").fetchall()[0][0]
    finally:
        con.close()


@pytest.fixture
def built(diplowatch_home: Path) -> Path:
    return build_warehouse(build_path(diplowatch_home))


def _start(script: str, path: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = proc.stdout.readline().strip()
    if line != "ready":
        proc.kill()
        raise AssertionError(f"helper process did not start: {line!r} {proc.stderr.read()}")
    return proc


def test_publish_writes_snapshot_exports_and_schema(built: Path, diplowatch_home: Path) -> None:
    result = publish()

    assert result.warehouse == diplowatch_home / "warehouse.duckdb"
    assert set(result.tables) == MARTS
    assert result.tables["fct_posts"] == 240
    assert count_posts(result.warehouse) == 240
    # staging tables and views are published too, but only marts are exported
    con = duckdb.connect(str(result.warehouse), read_only=True)
    try:
        assert con.execute("select count(*) from int_posts_themes").fetchall()[0][0] == 240
    finally:
        con.close()
    exported = {p.stem for p in result.marts_dir.glob("*.parquet")}
    assert exported == MARTS
    assert pq.read_table(result.marts_dir / "fct_posts.parquet").num_rows == 240
    assert not list(result.marts_dir.glob("*.csv"))
    assert not list(diplowatch_home.glob(".*.tmp*")), "temporary files left behind"

    schema = json.loads(result.schema_file.read_text())
    posts = schema["tables"]["fct_posts"]
    assert posts["rows"] == 240
    types = {c["name"]: c["type"] for c in posts["columns"]}
    assert types["themes"] == "VARCHAR[]"
    assert types["published_at"] == "TIMESTAMP WITH TIME ZONE"
    assert posts["files"] == ["fct_posts.parquet"]


def test_publish_under_an_open_reader_swaps_atomically(built: Path, diplowatch_home: Path) -> None:
    first = publish()
    reader = _start(READER, first.warehouse)
    try:
        add_posts(built, 10)
        second = publish()  # must not block on, nor fail because of, the open reader

        reader.stdin.write("count\n")
        reader.stdin.flush()
        assert int(reader.stdout.readline()) == 240, "the open connection must keep its consistent old snapshot"
        assert count_posts(second.warehouse) == 250, "a new connection must see the new warehouse"
        assert second.tables["fct_posts"] == 250
        assert pq.read_table(second.marts_dir / "fct_posts.parquet").num_rows == 250
    finally:
        reader.stdin.close()
        assert reader.wait(timeout=60) == 0, reader.stderr.read()


def test_publish_refuses_a_build_that_a_writer_holds(built: Path, diplowatch_home: Path) -> None:
    first = publish()
    writer = _start(WRITER, built)
    try:
        with pytest.raises(PublishError, match="dbt still writing"):
            publish()
    finally:
        writer.stdin.close()
        writer.wait(timeout=60)
    assert count_posts(first.warehouse) == 240, "the previous snapshot must stay in place"
    assert not list(diplowatch_home.glob(".*.tmp*"))


def test_publish_csv_and_stale_exports(built: Path, diplowatch_home: Path) -> None:
    marts = diplowatch_home / "marts"
    marts.mkdir(parents=True)
    (marts / "fct_gone.parquet").write_bytes(b"old")
    (marts / "notes.csv").write_text("kept: not a mart export\n")

    result = publish(formats=("parquet", "csv"))

    assert not (marts / "fct_gone.parquet").exists()
    assert (marts / "notes.csv").exists()
    header = (marts / "fct_events.csv").read_text().splitlines()[0].split(",")
    assert header[:3] == ["event_id", "event_type", "title"]
    csv_rows = duckdb.connect().execute(f"select count(*) from read_csv('{marts / 'fct_posts.csv'}')").fetchall()
    assert csv_rows[0][0] == 240
    assert len(result.exports) == 2 * len(MARTS)


def test_publish_without_build_or_marts_fails_clearly(diplowatch_home: Path) -> None:
    with pytest.raises(PublishError, match="no build file"):
        publish()
    build = build_path(diplowatch_home)
    build.parent.mkdir(parents=True)
    duckdb.connect(str(build)).execute("create table stg_x as select 1 as a").close()
    with pytest.raises(PublishError, match="no mart tables"):
        publish()
    assert not (diplowatch_home / "warehouse.duckdb").exists()
    assert publish(require_marts=False).tables == {}
