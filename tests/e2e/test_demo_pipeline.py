"""The whole pipeline through Airflow on the sample data, twice: ``python -m diplowatch.demo``.

Checks what ``make demo`` promises: exit 0, every sample post in ``fct_posts``,
marts published and validated, and a second run leaves the same marts.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import CHART_STATE, wait_rendered
from diplowatch.sources import telegram

REPO = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def run_demo(home: Path, airflow_home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DIPLOWATCH_HOME=str(home), AIRFLOW_HOME=str(airflow_home))
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    return subprocess.run(
        [sys.executable, "-m", "diplowatch.demo"], cwd=REPO, env=env, capture_output=True, text=True, timeout=1800
    )


def mart_snapshot(db: Path) -> dict[str, list]:
    with duckdb.connect(str(db), read_only=True) as con:
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'main'"
                " and regexp_matches(table_name, '^(dim|fct|agg|bridge)_') order by 1"
            ).fetchall()
        ]
        return {t: sorted(map(repr, con.execute(f'select * from "{t}"').fetchall())) for t in tables}


@pytest.fixture(scope="module")
def demo_runs(tmp_path_factory):
    home = tmp_path_factory.mktemp("demo_home")
    airflow_home = tmp_path_factory.mktemp("demo_airflow")
    first = run_demo(home, airflow_home)
    assert first.returncode == 0, first.stdout[-6000:] + first.stderr[-3000:]
    snap1 = mart_snapshot(home / "warehouse.duckdb")
    # An analyst's read-only connection stays open during the whole second run.
    reader = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    before = reader.execute("select count(*) from fct_posts").fetchall()
    second = run_demo(home, airflow_home)
    assert second.returncode == 0, second.stdout[-6000:] + second.stderr[-3000:]
    assert reader.execute("select count(*) from fct_posts").fetchall() == before
    reader.close()
    return home, first, snap1, mart_snapshot(home / "warehouse.duckdb")


def sample_telegram_post_uids() -> set[str]:
    """Every post of the bundled Telegram sample, parsed independently of the pipeline."""
    uids: set[str] = set()
    export = REPO / "sample_data" / "telegram"
    for path in export.rglob("result.json"):
        parsed = telegram.parse_export(path.read_bytes(), "rusembdprk", raw_ref=None)
        uids |= {p["post_uid"] for p in parsed.posts}
    return uids


def test_demo_publishes_every_sample_post(demo_runs):
    home, _, _, _ = demo_runs
    expected = sample_telegram_post_uids()
    assert len(expected) >= 150
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        landed = {r[0] for r in con.execute("select post_uid from fct_posts where platform = 'telegram'").fetchall()}
        platforms = {r[0] for r in con.execute("select distinct platform from fct_posts").fetchall()}
    assert expected <= landed
    assert {"telegram", "x", "facebook", "vk"} <= platforms


def test_demo_prints_summary_and_verdict(demo_runs):
    home, first, _, _ = demo_runs
    out = first.stdout
    assert "Rows landed" in out and "Rows per mart" in out and "Data-quality verdict: PASSED" in out
    assert str(home / "warehouse.duckdb") in out
    summary = json.loads((home / "last_run.json").read_text())
    assert summary["marts"]["fct_posts"] > 0 and summary["landed"]["posts"]["telegram"] > 0


def test_rerunning_the_demo_gives_the_same_marts(demo_runs):
    _, _, snap1, snap2 = demo_runs
    assert snap1.keys() == snap2.keys() and "fct_posts" in snap1
    for table in snap1:
        assert snap1[table] == snap2[table], f"{table} changed between identical runs"


def test_analysts_page_queries_answer_on_the_demo_warehouse(demo_runs):
    """Every ```sql block of docs/analysts.md returns rows on the real demo marts."""
    home = demo_runs[0]
    blocks = re.findall(r"```sql\n(.*?)```", (REPO / "docs" / "analysts.md").read_text(encoding="utf-8"), re.S)
    assert len(blocks) >= 8
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        for sql in blocks:
            assert con.execute(sql).fetchall(), f"no rows from:\n{sql}"


def test_essay_analyses_answer_on_the_demo_warehouse(demo_runs):
    """The dbt analyses (the essay's questions), compiled by dbt, return rows on the demo marts."""
    home = demo_runs[0]
    env = dict(os.environ, DIPLOWATCH_HOME=str(home))
    dbt = Path(sys.executable).with_name("dbt")
    subprocess.run(
        [
            str(dbt),
            "compile",
            "--select",
            "path:analyses",
            "--project-dir",
            "dbt_project",
            "--profiles-dir",
            "dbt_project",
        ],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    compiled = sorted((REPO / "dbt_project" / "target" / "compiled" / "diplowatch" / "analyses").glob("*.sql"))
    assert len(compiled) >= 5
    build = home / "build" / "warehouse.duckdb"
    with duckdb.connect(str(build), read_only=True) as con:
        for path in compiled:
            assert con.execute(path.read_text(encoding="utf-8")).fetchall(), f"{path.name} returned no rows"


def test_report_and_exports_are_written(demo_runs):
    home = demo_runs[0]
    report = home / "reports" / "index.html"
    assert report.exists()
    assert "vega" in report.read_text(encoding="utf-8").lower()
    exported = {p.stem for p in (home / "marts").glob("*.parquet")}
    assert {"fct_posts", "fct_events", "fct_news_items", "agg_monthly_engagement"} <= exported
    assert (home / "quality" / "docs" / "index.html").exists()


@pytest.mark.browser
def test_demo_report_charts_render_in_chromium(demo_runs, browser):
    """The demo's own run report, opened from file:// in headless Chromium: every chart drew marks."""
    report = demo_runs[0] / "reports" / "index.html"
    browser.get(report.resolve().as_uri())
    assert wait_rendered(browser) == "done", "vega-embed did not finish rendering"
    charts = browser.execute_script(CHART_STATE)
    assert len(charts) == int(browser.execute_script("return document.body.dataset.charts")) >= 5
    for chart in charts:
        assert chart["status"] == "ok" and chart["svg"] == 1 and not chart["error"], chart
        assert chart["marks"] > 0, f"{chart['id']} drew no marks on the demo data"
