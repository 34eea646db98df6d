"""The Airflow UI in a real browser: start Airflow locally, run the pipeline on the sample data, look at it.

Starts ``airflow standalone`` (diplowatch.ops.ui) in a temporary AIRFLOW_HOME and DIPLOWATCH_HOME with
``DIPLOWATCH_SAMPLE_DIR`` set (every ingest run replays the bundled sample data: no network), triggers the
ingest DAG(s) in ``TRIGGER_DAG_IDS``, waits for the asset-triggered ``warehouse`` run, and checks in headless
Chromium (Debian's chromium + chromium-driver, driven by Selenium) that login works, every DAG is listed, and
the runs show success. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from diplowatch import paths
from diplowatch.ops import ui

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.slow]

# The DAGs the UI must list (dags/), the ingest DAGs the test triggers, and the DAG the Assets schedule.
EXPECTED_DAG_IDS = ("telegram_ingest", "x_ingest", "facebook_ingest", "vk_ingest", "news_ingest", "warehouse")
TRIGGER_DAG_IDS = ("telegram_ingest",)
WAREHOUSE_DAG_ID = "warehouse"

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = paths.REPO / "test-artifacts"
TERMINAL = {"success", "failed"}


@pytest.fixture(scope="module")
def pipeline_runs(api, warehouse_unpaused: None) -> dict[str, str]:
    """Trigger the ingest DAG(s) on the sample data; wait for them and the asset-triggered warehouse run."""
    api.wait_for("the DAG processor to list every DAG", lambda: set(EXPECTED_DAG_IDS) <= api.dag_ids(), 300)
    before = {r["dag_run_id"] for r in api.runs(WAREHOUSE_DAG_ID)}
    runs: dict[str, str] = {}
    for dag_id in TRIGGER_DAG_IDS:
        # Trigger at the DAG's next scheduled date, so unpausing does not add a second (scheduled) run; now if
        # that date is still to come (its tasks would wait for it) or another test already ran it.
        now = datetime.now(UTC)
        next_date = api.get(f"/dags/{dag_id}").get("next_dagrun_logical_date")
        if next_date and (
            datetime.fromisoformat(next_date) > now
            or api.runs(dag_id, logical_date_gte=next_date, logical_date_lte=next_date)
        ):
            next_date = None
        logical_date = next_date or now.isoformat()
        body = {"logical_date": logical_date, "conf": {"offline_sample": True}}
        runs[dag_id] = api.send("POST", f"/dags/{dag_id}/dagRuns", body)["dag_run_id"]
        api.send("PATCH", f"/dags/{dag_id}", {"is_paused": False})
    for dag_id, run_id in runs.items():
        run = api.wait_for(
            f"{dag_id} run {run_id}", lambda d=dag_id, r=run_id: (run := api.run(d, r))["state"] in TERMINAL and run
        )
        api.assert_success(dag_id, run)
    newest = api.wait_warehouse_settled(before)[0]
    assert newest["run_type"] == "asset_triggered", newest
    api.assert_success(WAREHOUSE_DAG_ID, newest)
    runs[WAREHOUSE_DAG_ID] = newest["dag_run_id"]
    return runs


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    for binary in (CHROMIUM, CHROMEDRIVER):
        assert binary.exists(), f"{binary} missing: apt-get install -y chromium chromium-driver"
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
        "--window-size=1440,1000",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def _screenshot(driver, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"airflow_ui_{name}.png"
    assert driver.save_screenshot(str(path)), f"screenshot {path} not written"
    return path


def _wait_text(driver, texts: tuple[str, ...], timeout: float = 60.0) -> str:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def seen(d) -> str | bool:
        body = d.find_element(By.TAG_NAME, "body").text
        return body if all(t.lower() in body.lower() for t in texts) else False

    return WebDriverWait(driver, timeout, poll_frequency=1).until(seen, f"page never showed {texts}")


@pytest.fixture(scope="module")
def logged_in(browser, airflow: ui.AirflowServer):
    """Log in through the real login form."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(airflow.url + "/")
    wait = WebDriverWait(browser, 60)
    password = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "input[type=password]")))
    username = browser.find_element(By.XPATH, "(//form//input[not(@type='password')])[1]")
    username.send_keys(airflow.login.username)
    password.send_keys(airflow.login.password)
    _screenshot(browser, "login")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait.until(lambda d: "/auth/login" not in d.current_url and d.get_cookie("_token"))
    return browser


def test_login_and_dag_list_shows_every_dag(logged_in, airflow: ui.AirflowServer, api) -> None:
    api.wait_for("the DAG processor to list every DAG", lambda: set(EXPECTED_DAG_IDS) <= api.dag_ids(), 300)
    logged_in.get(airflow.url + "/dags")
    _wait_text(logged_in, tuple(sorted(api.dag_ids() | set(EXPECTED_DAG_IDS))))
    _screenshot(logged_in, "dag_list")


def test_no_import_errors(api) -> None:
    errors = api.get("/importErrors")
    assert errors["total_entries"] == 0, [(e["filename"], e["stack_trace"][-500:]) for e in errors["import_errors"]]


def test_pool_for_duckdb_writers_exists(api) -> None:
    pool = api.get("/pools/duckdb_writer")
    assert pool["slots"] == 1


@pytest.mark.timeout(2400)  # the warehouse runs every dbt model as a task in a one-slot pool
def test_triggered_runs_show_success(logged_in, airflow: ui.AirflowServer, pipeline_runs: dict[str, str]) -> None:
    for dag_id, run_id in pipeline_runs.items():
        logged_in.get(f"{airflow.url}/dags/{dag_id}/runs/{run_id}")
        _wait_text(logged_in, (run_id, "success"), timeout=90)
        _screenshot(logged_in, f"run_{dag_id}")
    logged_in.get(f"{airflow.url}/dags/{WAREHOUSE_DAG_ID}")  # the DAG page shows run states as icons
    _wait_text(logged_in, (WAREHOUSE_DAG_ID, "prepare", "summarize"))
    _screenshot(logged_in, "warehouse")


def test_run_notes_tell_rows_and_verdict(logged_in, airflow: ui.AirflowServer, api, pipeline_runs) -> None:
    """validate_landing / summarize set the run's note (diplowatch.ops.notes); the run page shows it."""
    ingest_note = api.run("telegram_ingest", pipeline_runs["telegram_ingest"])["note"] or ""
    assert "**telegram**: landed" in ingest_note and "rejected" in ingest_note, ingest_note
    assert "data quality (landing) **passed**" in ingest_note, ingest_note
    warehouse_note = api.run(WAREHOUSE_DAG_ID, pipeline_runs[WAREHOUSE_DAG_ID])["note"] or ""
    assert "Data quality (marts) **PASSED**" in warehouse_note, warehouse_note
    assert "Rows per mart:" in warehouse_note and "Report:" in warehouse_note, warehouse_note
    # The run header shows the note's first line.
    header = {"telegram_ingest": ("landed", "rejected", "passed"), WAREHOUSE_DAG_ID: ("marts", "PASSED")}
    for dag_id, texts in header.items():
        logged_in.get(f"{airflow.url}/dags/{dag_id}/runs/{pipeline_runs[dag_id]}")
        _wait_text(logged_in, texts, timeout=90)
        _screenshot(logged_in, f"note_{dag_id}")


_LIST_WAREHOUSE_TASKS = """
import json, sys
from airflow.dag_processing.dagbag import DagBag
bag = DagBag(dag_folder=sys.argv[1])
assert not bag.import_errors, bag.import_errors
print(json.dumps(sorted(bag.dags["warehouse"].task_ids)))
"""


def test_warehouse_renders_one_task_per_dbt_model(tmp_path: Path) -> None:
    """Without DIPLOWATCH_DBT_RENDER (what `make ui` shows), every dbt model is its own task, grouped by layer.

    The shared e2e server runs with DIPLOWATCH_DBT_RENDER=build to keep the suite short; this parses the DAG
    file as Airflow does, in a clean process, and checks the per-model rendering.
    """
    from diplowatch import warehouse

    warehouse.parse()
    manifest = json.loads(warehouse.MANIFEST.read_text())
    models = {n["name"] for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    env = {k: v for k, v in os.environ.items() if k != "DIPLOWATCH_DBT_RENDER"}
    env.update(AIRFLOW_HOME=str(tmp_path / "airflow_home"), AIRFLOW__CORE__LOAD_EXAMPLES="False")
    proc = subprocess.run(
        [sys.executable, "-c", _LIST_WAREHOUSE_TASKS, str(paths.REPO / "dags" / "warehouse_dag.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    task_ids = json.loads(proc.stdout.strip().splitlines()[-1])
    dbt_tasks = [t for t in task_ids if t.startswith("dbt.")]
    assert "dbt_build" not in task_ids, task_ids
    missing = sorted(m for m in models if not any(f".{m}" in t for t in dbt_tasks))
    assert not missing, f"dbt models without a task: {missing}; tasks: {dbt_tasks[:20]}"
    groups = {g for t in dbt_tasks for g in t.split(".")[1:-1]}
    layers = {p.name for p in (paths.DBT_PROJECT / "models").iterdir() if p.is_dir()}
    assert layers <= groups, f"expected a task group per dbt layer {sorted(layers)}, got {sorted(groups)}"


def test_browser_binaries_are_the_system_ones() -> None:
    """No browser download: Selenium drives Debian's chromium through Debian's chromedriver."""
    assert os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)
