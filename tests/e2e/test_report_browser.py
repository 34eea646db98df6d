"""Open the run report in headless Chromium (file://, no server, no network) and check every chart rendered."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from conftest import CHART_STATE, wait_rendered
from diplowatch.report import write_report

pytestmark = pytest.mark.browser

MARTS_SQL = Path(__file__).parents[1] / "fixtures" / "analysts" / "marts.sql"


def test_every_chart_of_the_report_renders(tmp_path: Path, browser) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(warehouse))
    con.execute(MARTS_SQL.read_text(encoding="utf-8"))
    con.close()
    report = write_report(
        warehouse, tmp_path / "report.html", {"landing": {"success": True}, "marts": {"success": True}}
    )

    browser.get(report.resolve().as_uri())
    assert wait_rendered(browser) == "done", "vega-embed did not finish rendering"

    expected = int(browser.execute_script("return document.body.dataset.charts"))
    charts = browser.execute_script(CHART_STATE)
    assert expected == len(charts) == 9
    for chart in charts:
        assert chart["status"] == "ok", chart
        assert chart["svg"] == 1 and not chart["error"], chart
        assert chart["marks"] > 0, f"{chart['id']} drew no marks"
    assert "Verdict: PASSED" in browser.find_element("css selector", ".verdict").text
    severe = [e for e in browser.get_log("browser") if e.get("level") == "SEVERE"]
    assert not severe, severe


def test_report_without_data_renders_messages_not_errors(tmp_path: Path, browser) -> None:
    report = write_report(tmp_path / "none.duckdb", tmp_path / "report.html")
    browser.get(report.resolve().as_uri())
    assert wait_rendered(browser) == "done"
    assert browser.execute_script(CHART_STATE) == []
    messages = [e.text for e in browser.find_elements("css selector", ".no-data")]
    assert len(messages) >= 6 and all("no data yet" in m for m in messages), messages
