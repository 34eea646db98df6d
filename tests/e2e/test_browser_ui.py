"""The Airflow UI in a real browser: start Airflow locally, run the pipeline on the sample data, look at it.

Starts ``airflow standalone`` (diplowatch.ops.ui) in a temporary AIRFLOW_HOME and DIPLOWATCH_HOME with
``DIPLOWATCH_SAMPLE_DIR`` set (every ingest run replays the bundled sample data: no network), triggers the
ingest DAG(s) in ``TRIGGER_DAG_IDS``, waits for the asset-triggered ``warehouse`` run, and checks in headless
Chromium (Debian's chromium + chromium-driver, driven by Selenium) that login works, every DAG is listed, and
the runs show success. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
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
RUN_TIMEOUT = 1500.0
TERMINAL = {"success", "failed"}


class Api:
    """The Airflow REST API v2 with a JWT from ``/auth/token``."""

    def __init__(self, url: str, username: str, password: str) -> None:
        self.url = url
        resp = requests.post(f"{url}/auth/token", json={"username": username, "password": password}, timeout=30)
        assert resp.status_code == 201, f"/auth/token: HTTP {resp.status_code} {resp.text[:200]}"
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {resp.json()['access_token']}"

    def get(self, path: str, **params: object) -> dict:
        resp = self.session.get(f"{self.url}/api/v2{path}", params=params, timeout=30)
        assert resp.ok, f"GET {path}: HTTP {resp.status_code} {resp.text[:300]}"
        return resp.json()

    def send(self, method: str, path: str, body: dict) -> dict:
        resp = self.session.request(method, f"{self.url}/api/v2{path}", json=body, timeout=30)
        assert resp.ok, f"{method} {path}: HTTP {resp.status_code} {resp.text[:300]}"
        return resp.json()

    def dag_ids(self) -> set[str]:
        return {d["dag_id"] for d in self.get("/dags", limit=100)["dags"]}

    def runs(self, dag_id: str) -> list[dict]:
        return self.get(f"/dags/{dag_id}/dagRuns", limit=100, order_by="-run_after")["dag_runs"]

    def run_state(self, dag_id: str, run_id: str) -> str:
        return self.get(f"/dags/{dag_id}/dagRuns/{run_id}")["state"]

    def failed_tasks(self, dag_id: str, run_id: str) -> list[str]:
        tis = self.get(f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances", limit=500)["task_instances"]
        bad = [t for t in tis if t["state"] not in ("success", "skipped")]
        bad.sort(key=lambda t: t["state"] != "failed")  # the cause first, then what it blocked
        return [f"{t['task_id']}[{t['map_index']}]={t['state']}" for t in bad]


def _wait(what: str, check, timeout: float, server: ui.AirflowServer, poll: float = 3.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        assert server.proc.poll() is None, f"Airflow died while waiting for {what}:\n{ui.log_tail(server.log_file)}"
        time.sleep(poll)
    pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}; log {server.log_file}")


@pytest.fixture(scope="module")
def airflow(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ui.AirflowServer]:
    base = tmp_path_factory.mktemp("airflow_ui")
    data_home = base / "dwhome"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DIPLOWATCH_HOME", str(data_home))
        from diplowatch import warehouse

        warehouse.parse()  # cosmos renders the dbt tasks from target/manifest.json (the `make setup` step)
        server = ui.start_airflow(
            base / "airflow_home",
            port=ui.free_port(),
            isolated_ports=True,
            extra_env={
                "DIPLOWATCH_HOME": str(data_home),
                "DIPLOWATCH_SAMPLE_DIR": str(paths.SAMPLE_DATA),
            },
        )
    try:
        ui.wait_healthy(server, timeout=300)
        yield server
    finally:
        server.stop()
        assert not ui._group_alive(server.proc.pid), "Airflow processes left running after stop"


@pytest.fixture(scope="module")
def api(airflow: ui.AirflowServer) -> Api:
    return Api(airflow.url, airflow.login.username, airflow.login.password)


@pytest.fixture(scope="module")
def pipeline_runs(airflow: ui.AirflowServer, api: Api) -> dict[str, str]:
    """Trigger the ingest DAG(s) on the sample data; wait for them and the asset-triggered warehouse run."""
    _wait("the DAG processor to list every DAG", lambda: set(EXPECTED_DAG_IDS) <= api.dag_ids(), 300, airflow)
    api.send("PATCH", f"/dags/{WAREHOUSE_DAG_ID}", {"is_paused": False})
    runs: dict[str, str] = {}
    for dag_id in TRIGGER_DAG_IDS:
        # Trigger at the DAG's next scheduled date, so unpausing does not add a second (scheduled) run.
        next_date = api.get(f"/dags/{dag_id}").get("next_dagrun_logical_date")
        logical_date = next_date or datetime.now(UTC).isoformat()
        body = {"logical_date": logical_date, "conf": {"offline_sample": True}, "note": "browser e2e test"}
        runs[dag_id] = api.send("POST", f"/dags/{dag_id}/dagRuns", body)["dag_run_id"]
        api.send("PATCH", f"/dags/{dag_id}", {"is_paused": False})
    for dag_id, run_id in runs.items():
        state = _wait(
            f"{dag_id} run {run_id}",
            lambda d=dag_id, r=run_id: (s := api.run_state(d, r)) in TERMINAL and s,
            RUN_TIMEOUT,
            airflow,
        )
        assert state == "success", f"{dag_id} {run_id}: {state}; not ok: {api.failed_tasks(dag_id, run_id)}"

    def warehouse_done() -> dict | None:
        done = [r for r in api.runs(WAREHOUSE_DAG_ID) if r["state"] in TERMINAL]
        return done[0] if done else None

    run = _wait("the asset-triggered warehouse run", warehouse_done, RUN_TIMEOUT, airflow)
    assert run["run_type"] == "asset_triggered", run
    assert run["state"] == "success", (
        f"warehouse {run['dag_run_id']}: {api.failed_tasks(WAREHOUSE_DAG_ID, run['dag_run_id'])}"
    )
    runs[WAREHOUSE_DAG_ID] = run["dag_run_id"]
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


def test_login_and_dag_list_shows_every_dag(logged_in, airflow: ui.AirflowServer, api: Api) -> None:
    _wait("the DAG processor to list every DAG", lambda: set(EXPECTED_DAG_IDS) <= api.dag_ids(), 300, airflow)
    logged_in.get(airflow.url + "/dags")
    _wait_text(logged_in, tuple(sorted(api.dag_ids() | set(EXPECTED_DAG_IDS))))
    _screenshot(logged_in, "dag_list")


def test_no_import_errors(api: Api) -> None:
    errors = api.get("/importErrors")
    assert errors["total_entries"] == 0, [(e["filename"], e["stack_trace"][-500:]) for e in errors["import_errors"]]


def test_pool_for_duckdb_writers_exists(api: Api) -> None:
    pool = api.get("/pools/duckdb_writer")
    assert pool["slots"] == 1


@pytest.mark.timeout(2400)  # the warehouse runs every dbt model as a task in a one-slot pool
def test_triggered_runs_show_success(logged_in, airflow: ui.AirflowServer, pipeline_runs: dict[str, str]) -> None:
    for dag_id, run_id in pipeline_runs.items():
        logged_in.get(f"{airflow.url}/dags/{dag_id}/runs/{run_id}")
        _wait_text(logged_in, (run_id, "success"), timeout=90)
        _screenshot(logged_in, f"run_{dag_id}")
    logged_in.get(f"{airflow.url}/dags/{WAREHOUSE_DAG_ID}")
    _wait_text(logged_in, (WAREHOUSE_DAG_ID, "success"))
    _screenshot(logged_in, "warehouse")


def test_browser_binaries_are_the_system_ones() -> None:
    """No browser download: Selenium drives Debian's chromium through Debian's chromedriver."""
    assert os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)
