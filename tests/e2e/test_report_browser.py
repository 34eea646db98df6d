"""Open the run report in headless Chromium (file://, no server, no network) and check every chart rendered."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import duckdb
import pytest
from diplowatch.report import write_report

pytestmark = pytest.mark.browser

MARTS_SQL = Path(__file__).parents[1] / "fixtures" / "analysts" / "marts.sql"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-background-networking")

CHART_STATE = """
return Array.from(document.querySelectorAll('.chart')).map(function (el) {
  return {
    id: el.id,
    status: el.dataset.status || null,
    svg: el.querySelectorAll('svg').length,
    marks: el.querySelectorAll('svg g.role-mark > *').length,
    error: el.classList.contains('chart-error') || /error/i.test(el.textContent),
  };
});
"""


@pytest.fixture
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not shutil.which(p)]
    if missing:
        pytest.fail(f"{missing} not installed: apt-get install -y chromium chromium-driver")
    options = Options()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, "--window-size=1280,2000"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _wait_rendered(driver, timeout: float = 60.0) -> str:
    deadline = time.monotonic() + timeout
    state = None
    while time.monotonic() < deadline:
        state = driver.execute_script("return document.body.dataset.rendered")
        if state == "done":
            return state
        time.sleep(0.2)
    return str(state)


def test_every_chart_of_the_report_renders(tmp_path: Path, browser) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(warehouse))
    con.execute(MARTS_SQL.read_text(encoding="utf-8"))
    con.close()
    report = write_report(
        warehouse, tmp_path / "report.html", {"landing": {"success": True}, "marts": {"success": True}}
    )

    browser.get(report.resolve().as_uri())
    assert _wait_rendered(browser) == "done", "vega-embed did not finish rendering"

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
    assert _wait_rendered(browser) == "done"
    assert browser.execute_script(CHART_STATE) == []
    messages = [e.text for e in browser.find_elements("css selector", ".no-data")]
    assert len(messages) >= 6 and all("no data yet" in m for m in messages), messages
