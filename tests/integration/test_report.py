"""The HTML report: every chart present on full marts, "no data yet" on missing ones, no network needed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest
from diplowatch.report import NO_DATA, default_report_path, write_report

MARTS_SQL = Path(__file__).parents[1] / "fixtures" / "analysts" / "marts.sql"
QUALITY = {
    "landing": {"success": True, "evaluated": 42, "warnings": 1, "docs": "/tmp/gx/landing/index.html"},
    "marts": {"success": False, "critical_failures": ["fct_posts: post_uid unique (3 unexpected)"], "docs": None},
}


def build(path: Path, sql: str | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        con.execute(sql if sql is not None else MARTS_SQL.read_text(encoding="utf-8"))
    finally:
        con.close()
    return path


def specs(page: str) -> list[dict]:
    match = re.search(r'<script type="application/json" id="chart-specs">(.*?)</script>', page, re.S)
    assert match, "the page has no chart specs"
    return json.loads(match.group(1))


def test_full_report_has_every_chart_inline_and_no_network(tmp_path: Path) -> None:
    out = write_report(build(tmp_path / "w.duckdb"), tmp_path / "r" / "report.html", QUALITY, run_id="manual__1")
    page = out.read_text(encoding="utf-8")

    charts = specs(page)
    sections = re.findall(r"data-section='(\w+)'", page)
    assert set(sections) == {"register", "themes", "bilingual", "events", "entities"}
    assert len(charts) == len(sections) == 9
    assert NO_DATA not in page and "could not draw" not in page
    assert "window.vegaEmbed" in page, "vega-embed must be inlined"
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=", page), "no external scripts or styles"
    # the data are in the specs: the events chart knows which came first
    events = json.dumps([c for c in charts if "which_first" in json.dumps(c)])
    assert "posts first" in events and "news first" in events and "posts only" in events
    assert "Choe Son Hui" in page, "entity keys are shown with their dim_entities names"
    assert "Verdict: FAILED" in page and "post_uid unique (3 unexpected)" in page
    assert "file:///tmp/gx/landing/index.html" in page
    assert "manual__1" in page


def test_missing_tables_say_no_data_yet(tmp_path: Path) -> None:
    empty = build(tmp_path / "empty.duckdb", "create table stg_x as select 1 as a")
    page = write_report(empty, tmp_path / "empty.html").read_text(encoding="utf-8")
    assert specs(page) == []
    assert page.count(NO_DATA) >= 6, "each chart section and the quality section say no data yet"
    assert "table fct_posts is not in the warehouse" in page

    page = write_report(tmp_path / "absent.duckdb", tmp_path / "absent.html").read_text(encoding="utf-8")
    assert specs(page) == [] and "does not exist" in page


def test_partial_marts_draw_what_they_can(tmp_path: Path) -> None:
    sql = (
        MARTS_SQL.read_text(encoding="utf-8")
        + "\nalter table main.fct_posts drop column register;\ndrop table main.fct_events;"
    )
    page = write_report(build(tmp_path / "w.duckdb", sql), tmp_path / "r.html").read_text(encoding="utf-8")
    assert "fct_posts has no column(s) register" in page
    assert "table fct_events is not in the warehouse" in page
    assert set(re.findall(r"data-section='(\w+)'", page)) == {"themes", "bilingual", "entities"}


def test_empty_marts_and_default_path(diplowatch_home: Path) -> None:
    sql = MARTS_SQL.read_text(encoding="utf-8") + "\ndelete from main.fct_posts;\ndelete from main.fct_events;"
    build(diplowatch_home / "warehouse.duckdb", sql)
    out = write_report()
    assert out == default_report_path() == diplowatch_home / "reports" / "index.html"
    page = out.read_text(encoding="utf-8")
    assert specs(page) == []
    assert "fct_posts is empty" in page and "no events" in page


@pytest.mark.parametrize("title", ["</script><script>alert(1)</script>"])
def test_untrusted_text_cannot_break_out_of_the_page(tmp_path: Path, title: str) -> None:
    sql = MARTS_SQL.read_text(encoding="utf-8") + f"\nupdate main.fct_events set title = '{title}';"
    page = write_report(build(tmp_path / "w.duckdb", sql), tmp_path / "r.html").read_text(encoding="utf-8")
    assert title not in page
    assert any(title in json.dumps(c) for c in specs(page)), "the title is still in the chart data"
