"""One ``airflow standalone`` for every end-to-end test that needs a running Airflow (browser UI, backfill).

The server runs in a temporary AIRFLOW_HOME and DIPLOWATCH_HOME with ``DIPLOWATCH_SAMPLE_DIR`` set (every ingest
run replays the bundled sample data: no network) and ``DIPLOWATCH_DBT_RENDER=build``: the warehouse runs dbt as one
task. Per model (the default, what ``make ui`` shows) a warehouse run takes ~12 minutes on 2 shared cores, and the
backfill test needs several; ``test_browser_ui.test_warehouse_renders_one_task_per_dbt_model`` checks the per-model
rendering on its own. ``DIPLOWATCH_WATCHLIST`` points at a copy of the watch-list where ``telegram`` runs
``@yearly`` (see ``e2e_watchlist``). The server starts only when a test asks for it, once per session.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
import yaml
from diplowatch import paths
from diplowatch.ops import ui
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

WAREHOUSE_DAG_ID = "warehouse"
TERMINAL = {"success", "failed"}
RUN_TIMEOUT = 900.0
E2E_TELEGRAM_SCHEDULE = "@yearly"


class Api:
    """The Airflow REST API v2 with a JWT from ``/auth/token``."""

    def __init__(self, server: ui.AirflowServer) -> None:
        url, username, password = server.url, server.login.username, server.login.password
        self.server = server
        self.url = url
        resp = requests.post(f"{url}/auth/token", json={"username": username, "password": password}, timeout=30)
        assert resp.status_code == 201, f"/auth/token: HTTP {resp.status_code} {resp.text[:200]}"
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {resp.json()['access_token']}"
        # Airflow on SQLite answers 503 "Database is locked" while the scheduler holds the database (e.g. to
        # POST /backfills); it has written nothing then, so the request is sent again, POST included.
        retry = Retry(total=5, backoff_factor=0.5, status_forcelist=(503,), allowed_methods=None, raise_on_status=False)
        self.session.mount(url, HTTPAdapter(max_retries=retry))

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

    def runs(self, dag_id: str, **params: object) -> list[dict]:
        return self.get(f"/dags/{dag_id}/dagRuns", limit=100, order_by="-run_after", **params)["dag_runs"]

    def run(self, dag_id: str, run_id: str) -> dict:
        return self.get(f"/dags/{dag_id}/dagRuns/{run_id}")

    def run_state(self, dag_id: str, run_id: str) -> str:
        return self.run(dag_id, run_id)["state"]

    def failed_tasks(self, dag_id: str, run_id: str) -> list[str]:
        tis = self.get(f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances", limit=500)["task_instances"]
        bad = [t for t in tis if t["state"] not in ("success", "skipped")]
        bad.sort(key=lambda t: t["state"] != "failed")  # the cause first, then what it blocked
        return [f"{t['task_id']}[{t['map_index']}]={t['state']}" for t in bad]

    def queued_asset_events(self, dag_id: str) -> int:
        """Asset events waiting to trigger ``dag_id`` (the scheduler has not created its run yet)."""
        resp = self.session.get(f"{self.url}/api/v2/dags/{dag_id}/assets/queuedEvents", timeout=30)
        if resp.status_code == 404:
            return 0
        assert resp.ok, f"queuedEvents of {dag_id}: HTTP {resp.status_code} {resp.text[:300]}"
        return int(resp.json()["total_entries"])

    def wait_for(self, what: str, check: Callable[[], object], timeout: float = RUN_TIMEOUT, poll: float = 3.0):
        """Poll ``check`` until it returns something truthy; fail with the log's location on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = check()
            if result:
                return result
            tail = ui.log_tail(self.server.log_file) if self.server.proc.poll() is not None else ""
            assert not tail, f"Airflow died while waiting for {what}:\n{tail}"
            time.sleep(poll)
        pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}; log {self.server.log_file}")

    def wait_warehouse_settled(self, before: set[str], timeout: float = RUN_TIMEOUT) -> list[dict]:
        """Wait until the asset-triggered warehouse run(s) after ``before`` exist and all finished; newest first.

        Settled means: at least one new run, no asset events still queued for the warehouse, and no run of it
        queued or running (one warehouse run may serve several ingest runs' events).
        """

        def settled() -> list[dict] | None:
            runs = self.runs(WAREHOUSE_DAG_ID)
            new = [r for r in runs if r["dag_run_id"] not in before]
            if not new or any(r["state"] not in TERMINAL for r in runs):
                return None
            if self.queued_asset_events(WAREHOUSE_DAG_ID):
                return None
            return new

        return self.wait_for("the asset-triggered warehouse run(s) to finish", settled, timeout, poll=5.0)

    def assert_success(self, dag_id: str, run: dict) -> None:
        assert run["state"] == "success", (
            f"{dag_id} {run['dag_run_id']}: {run['state']}; not ok: {self.failed_tasks(dag_id, run['dag_run_id'])}"
        )


@pytest.fixture(scope="session")
def airflow_data_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("airflow_e2e") / "dwhome"


def e2e_watchlist(base: Path) -> Path:
    """The project's watch-list with ``telegram`` on ``@yearly``: no scheduled run lands between a test's steps.

    The tests unpause ``telegram_ingest``; on its real ``@hourly`` schedule the scheduler would add a run at
    every hour boundary, changing the marts a test compares. Everything else is the project's watch-list.
    """
    data = yaml.safe_load(paths.DEFAULT_WATCHLIST.read_text(encoding="utf-8"))
    data.setdefault("schedules", {})["telegram"] = E2E_TELEGRAM_SCHEDULE
    path = base / "watchlist.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def airflow(airflow_data_home: Path) -> Iterator[ui.AirflowServer]:
    base = airflow_data_home.parent
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DIPLOWATCH_HOME", str(airflow_data_home))
        from diplowatch import warehouse

        warehouse.parse()  # cosmos renders the dbt tasks from target/manifest.json (the `make setup` step)
        server = ui.start_airflow(
            base / "airflow_home",
            port=ui.free_port(),
            isolated_ports=True,
            extra_env={
                "DIPLOWATCH_HOME": str(airflow_data_home),
                "DIPLOWATCH_SAMPLE_DIR": str(paths.SAMPLE_DATA),
                "DIPLOWATCH_DBT_RENDER": "build",
                "DIPLOWATCH_WATCHLIST": str(e2e_watchlist(base)),
            },
        )
    try:
        ui.wait_healthy(server, timeout=300)
        yield server
    finally:
        server.stop()
        assert not ui._group_alive(server.proc.pid), "Airflow processes left running after stop"


@pytest.fixture(scope="session")
def api(airflow: ui.AirflowServer) -> Api:
    return Api(airflow)


@pytest.fixture(scope="session")
def warehouse_unpaused(airflow: ui.AirflowServer, api: Api) -> None:
    """Every DAG listed, the warehouse DAG unpaused (the ingest DAGs stay paused unless a test unpauses one)."""
    api.wait_for("the DAG processor to list the DAGs", lambda: WAREHOUSE_DAG_ID in api.dag_ids(), 300)
    api.send("PATCH", f"/dags/{WAREHOUSE_DAG_ID}", {"is_paused": False})


# Headless Chromium for the report tests (Debian's chromium and chromedriver; never a downloaded browser).
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


def wait_rendered(driver, timeout: float = 60.0) -> str:
    deadline = time.monotonic() + timeout
    state = None
    while time.monotonic() < deadline:
        state = driver.execute_script("return document.body.dataset.rendered")
        if state == "done":
            return state
        time.sleep(0.2)
    return str(state)
