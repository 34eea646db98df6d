"""The diplowatch command: query, import, status, report, publish, run through main() as a user would."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from diplowatch.cli import main

MARTS_SQL = Path(__file__).parents[1] / "fixtures" / "analysts" / "marts.sql"


@pytest.fixture
def published(diplowatch_home: Path) -> Path:
    build = diplowatch_home / "build" / "warehouse.duckdb"
    build.parent.mkdir(parents=True)
    con = duckdb.connect(str(build))
    con.execute(MARTS_SQL.read_text(encoding="utf-8"))
    con.close()
    assert main(["publish"]) == 0
    return diplowatch_home / "warehouse.duckdb"


def test_query_table_csv_json(published: Path, capsys) -> None:
    assert main(["query", "select platform, count(*) as posts from fct_posts group by 1 order by 1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split("|")[0].strip() == "platform" and out[3] == "telegram |    60" and out[-1] == "(4 rows)"

    assert main(["query", "select event_id, platforms from fct_events order by 1 limit 2", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "event_id,platforms",
        'ev_000,"[telegram, vk]"',
        "ev_001,[telegram]",
    ]

    assert main(["query", "select event_id, lag_hours from fct_events order by 1 limit 1", "-f", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"event_id": "ev_000", "lag_hours": 30.0}

    assert main(["query", "select * from fct_posts", "--max-rows", "5"]) == 0
    assert "(first 5 rows shown" in capsys.readouterr().out


def test_query_writes_files_and_reads_sql_from_a_file(published: Path, tmp_path: Path, capsys) -> None:
    target = tmp_path / "out" / "posts.parquet"
    assert main(["query", "select * from fct_posts where is_bilingual", "-f", "parquet", "-o", str(target)]) == 0
    assert pq.read_table(target).num_rows == 80
    sql_file = tmp_path / "q.sql"
    sql_file.write_text("select theme_id, register from dim_themes order by theme_id;\n")
    assert main(["query", f"@{sql_file}", "-f", "csv", "-o", str(tmp_path / "themes.csv")]) == 0
    assert (tmp_path / "themes.csv").read_text().splitlines()[:2] == ["theme_id,register", "consultations,official"]
    assert "wrote 7 rows" in capsys.readouterr().err


def test_query_errors_are_clear_and_the_warehouse_is_read_only(published: Path, capsys) -> None:
    assert main(["query", "delete from fct_posts"]) == 1
    assert "read-only" in capsys.readouterr().err
    assert main(["query", "select * from no_such_mart"]) == 1
    assert "no_such_mart" in capsys.readouterr().err
    assert main(["query", "select 1", "-f", "parquet"]) == 1
    assert "needs --out" in capsys.readouterr().err


def test_query_without_a_published_warehouse(diplowatch_home: Path, capsys) -> None:
    assert main(["query", "select 1"]) == 1
    assert "no published warehouse" in capsys.readouterr().err


def test_import_generic_posts_and_news_then_status(diplowatch_home: Path, tmp_path: Path, capsys) -> None:
    posts = tmp_path / "posts.jsonl"
    posts.write_text(
        '{"platform": "telegram", "account": "rusembdprk", "native_id": "9001", '
        '"published_at": "2024-05-01T10:00:00Z", "text": "Концерт", "likes": 12, "views": 300}\n'
        '{"platform": "telegram", "account": "rusembdprk", "native_id": "9002",'
        ' "published_at": "2024-05-02T10:00:00"}\n',
        encoding="utf-8",
    )
    assert main(["import", str(posts), "--kind", "posts", "--run-id", "import_test", "--dt", "2024-05-03"]) == 0
    out = capsys.readouterr().out
    assert "posts=1" in out and "rejects=1" in out and "no time zone" in out
    landed = diplowatch_home / "lake" / "landing" / "posts" / "platform=telegram" / "dt=2024-05-03"
    assert pq.read_table(next(landed.glob("import_test*.parquet"))).column("native_id").to_pylist() == ["9001"]

    news = tmp_path / "news.csv"
    news.write_text("url,published_at,title\nhttps://news.example.org/a,2024-05-03T08:00:00Z,Concert\n")
    assert main(["import", str(news), "--run-id", "import_news"]) == 0
    assert "news_items=1" in capsys.readouterr().out

    _write_quality_history(diplowatch_home)
    assert main(["status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    by_entity = {(r["run_id"], r["entity"]): r for r in status["landing"]}
    assert by_entity[("import_test", "posts")]["rows"] == 1
    assert by_entity[("import_test", "rejects")]["source"] == "import"
    assert by_entity[("import_news", "news_items")]["files"] == 1
    assert {(q["checkpoint"], q["verdict"], q["critical_failed"]) for q in status["quality"]} == {
        ("marts", "FAILED", 1)
    }
    assert status["published"]["exists"] is False

    assert main(["status"]) == 0
    text = capsys.readouterr().out
    assert "Published warehouse: none yet" in text and "import_news" in text and "FAILED" in text


def test_import_errors(tmp_path: Path, capsys) -> None:
    assert main(["import", str(tmp_path / "missing.csv")]) == 1
    assert "does not exist" in capsys.readouterr().err
    f = tmp_path / "tweets.js"
    f.write_text("window.YTD.tweets.part0 = []")
    assert main(["import", str(f), "--platform", "x"]) == 1
    assert "--mission ID and --account HANDLE" in capsys.readouterr().err


def test_report_and_publish_commands(published: Path, tmp_path: Path, capsys) -> None:
    assert main(["publish", "--csv"]) == 0
    assert "fct_posts=240" in capsys.readouterr().out
    assert (published.parent / "marts" / "fct_posts.csv").exists()

    quality = tmp_path / "quality.json"
    quality.write_text(json.dumps({"marts": {"success": True, "evaluated": 3}}))
    out = tmp_path / "report.html"
    assert main(["report", "--out", str(out), "--quality", str(quality)]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    assert "Verdict: PASSED" in out.read_text(encoding="utf-8")


def test_console_script_is_installed(published: Path) -> None:
    exe = Path(sys.executable).with_name("diplowatch")
    proc = subprocess.run([str(exe), "query", "select count(*) as n from dim_themes"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[2].strip() == "7"


def _write_quality_history(home: Path) -> None:
    """One run of history rows in the layout and columns of diplowatch.quality.history."""
    target = home / "quality" / "history" / "checkpoint=marts" / "run_1.parquet"
    target.parent.mkdir(parents=True)
    now = datetime(2024, 5, 3, 12, tzinfo=UTC)
    rows = [
        {"run_id": "run_1", "checkpoint": "marts", "suite": "fct_posts", "expectation": e, "table": "fct_posts",
         "column": "post_uid", "severity": sev, "success": ok, "unexpected_count": n, "observed_value": None,
         "message": None, "observed_at": now}
        for e, sev, ok, n in [
            ("unique", "critical", False, 3), ("not_null", "critical", True, 0), ("band", "warning", False, 1)
        ]
    ]  # fmt: skip
    pq.write_table(pa.Table.from_pylist(rows), target)
