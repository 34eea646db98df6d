"""Scale-out warehouse: every warehouse DAG task goes to one Celery queue, consumed by one dedicated worker.

The DAG is parsed with Airflow's DagBag (with and without ``DIPLOWATCH_WAREHOUSE_QUEUE``); the compose
file is resolved with ``docker-compose config`` (no Docker engine needed).
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from diplowatch import paths
from diplowatch.ops import compose_env

REPO = paths.REPO
WAREHOUSE_DAG = REPO / "dags" / "warehouse_dag.py"
COMPOSE = REPO / "docker-compose.yaml"
QUEUE_ENV = "DIPLOWATCH_WAREHOUSE_QUEUE"
WAREHOUSE_TASKS = {"prepare", "validate_marts", "publish", "docs_and_report", "summarize"}


def _warehouse_dag(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **env: str):
    monkeypatch.setenv("AIRFLOW_HOME", os.environ.get("AIRFLOW_HOME") or str(tmp_path / "airflow"))
    monkeypatch.setenv("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(WAREHOUSE_DAG), known_pools={"duckdb_writer", "default_pool"})
    assert bag.import_errors == {}
    return bag.dags["warehouse"]


@pytest.mark.parametrize("render", ["models", "build"])
def test_every_warehouse_task_goes_to_the_configured_queue(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, render: str
) -> None:
    dag = _warehouse_dag(monkeypatch, tmp_path, DIPLOWATCH_WAREHOUSE_QUEUE="warehouse", DIPLOWATCH_DBT_RENDER=render)
    ids = {t.task_id for t in dag.tasks}
    assert ids >= WAREHOUSE_TASKS
    dbt_tasks = [t for t in dag.tasks if t.task_id.startswith("dbt")]
    assert dbt_tasks, "the dbt step is in the DAG"
    if render == "models":
        assert len(dbt_tasks) > 5, "cosmos renders one task per model: they must get the queue too"
    wrong = {t.task_id: t.queue for t in dag.tasks if t.queue != "warehouse"}
    assert wrong == {}


def test_without_the_variable_tasks_keep_the_default_queue(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from airflow.configuration import conf

    monkeypatch.delenv(QUEUE_ENV, raising=False)
    dag = _warehouse_dag(monkeypatch, tmp_path, DIPLOWATCH_DBT_RENDER="models")
    default = conf.get("operators", "default_queue")
    assert {t.queue for t in dag.tasks} == {default}


# ---- docker-compose: one worker consumes the warehouse queue; the others the default queue ----


@pytest.fixture(scope="module")
def services() -> dict:
    return yaml.safe_load(COMPOSE.read_text())["services"]


def test_the_warehouse_worker_is_an_airflow_worker_on_its_own_queue(services: dict) -> None:
    worker, wh = services["airflow-worker"], services["airflow-warehouse-worker"]
    assert wh["profiles"] == ["scale-out"]
    assert shlex.split(wh["command"]) == ["celery", "worker", "--queues", "${DIPLOWATCH_WAREHOUSE_QUEUE:-warehouse}"]
    assert worker["command"] == "celery worker", "the ordinary workers keep the default queue"
    assert wh["deploy"]["replicas"] == 1, "exactly one worker runs the warehouse tasks"
    for key in ("image", "volumes", "environment", "depends_on", "healthcheck", "user"):
        assert wh[key] == worker[key], f"the warehouse worker's {key} differs from airflow-worker's"
    assert worker["environment"][QUEUE_ENV] == "${DIPLOWATCH_WAREHOUSE_QUEUE:-warehouse}"
    assert services["airflow-dag-processor"]["environment"][QUEUE_ENV] == worker["environment"][QUEUE_ENV]


def _config(env_file: Path, tmp_path: Path, **extra: str) -> subprocess.CompletedProcess:
    binary = shutil.which("docker-compose")
    if binary is None:
        pytest.skip("docker-compose not installed (apt-get install -y docker-compose)")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMPOSE_", "AIRFLOW_", "DIPLOWATCH_"))}
    env |= {"COMPOSE_PROJECT_NAME": "diplowatch", **extra}
    cmd = [binary, "--project-directory", str(REPO), "--env-file", str(env_file), "-f", str(COMPOSE), "config"]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=tmp_path, timeout=120, check=False)


def test_compose_config_scale_out_has_one_warehouse_worker(tmp_path: Path) -> None:
    env_file = compose_env.write_env(REPO / ".env.example", tmp_path / "test.env")
    assert compose_env.parse_env(env_file.read_text())[QUEUE_ENV] == "warehouse"
    proc = _config(
        env_file,
        tmp_path,
        COMPOSE_PROFILES="scale-out",
        AIRFLOW_EXECUTOR="CeleryExecutor",
        DIPLOWATCH_LAKE_URI="s3://l",
    )
    assert proc.returncode == 0, proc.stderr
    resolved = yaml.safe_load(proc.stdout)["services"]
    wh, worker = resolved["airflow-warehouse-worker"], resolved["airflow-worker"]
    command = wh["command"] if isinstance(wh["command"], list) else shlex.split(wh["command"])
    assert command == ["celery", "worker", "--queues", "warehouse"]
    assert wh["environment"] == worker["environment"]
    assert wh["environment"][QUEUE_ENV] == "warehouse" and wh["environment"]["DIPLOWATCH_LAKE_URI"] == "s3://l"
    assert resolved["airflow-scheduler"]["environment"][QUEUE_ENV] == "warehouse"
    assert wh["volumes"] == worker["volumes"]

    env_file.write_text(env_file.read_text().replace(f"{QUEUE_ENV}=warehouse", f"{QUEUE_ENV}=wh-team-a"))
    proc = _config(env_file, tmp_path, COMPOSE_PROFILES="scale-out", AIRFLOW_EXECUTOR="CeleryExecutor")
    resolved = yaml.safe_load(proc.stdout)["services"]
    command = resolved["airflow-warehouse-worker"]["command"]
    assert (command if isinstance(command, list) else shlex.split(command))[-1] == "wh-team-a"
    assert resolved["airflow-dag-processor"]["environment"][QUEUE_ENV] == "wh-team-a"


@pytest.mark.parametrize(("queue", "ok"), [("warehouse", True), ("default", False), ("", False)])
def test_airflow_init_refuses_scale_out_on_the_default_queue(
    services: dict, tmp_path: Path, queue: str, ok: bool
) -> None:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    for name in ("getent", "airflow", "python"):
        (bindir / name).write_text("#!/bin/sh\nexit 0\n")
        (bindir / name).chmod(0o755)
    init = services["airflow-init"]
    args = [a.replace("$$", "$") for a in init["command"]]
    env = {
        "PATH": f"{bindir}:/usr/bin:/bin",
        "DIPLOWATCH_COMPOSE_PROFILES": "scale-out",
        "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
        "DIPLOWATCH_LAKE_URI": "s3://diplowatch-lake",
        QUEUE_ENV: queue,
    }
    proc = subprocess.run([Path(init["entrypoint"]).name, *args], env=env, capture_output=True, text=True, timeout=60)
    assert (proc.returncode == 0) is ok, proc.stderr
    if not ok:
        assert "set DIPLOWATCH_WAREHOUSE_QUEUE=warehouse" in proc.stderr
