"""docker-compose.yaml: checked by its content and by `docker-compose config` (no Docker engine here)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from diplowatch import paths
from diplowatch.ops import compose_env

REPO = paths.REPO
COMPOSE = REPO / "docker-compose.yaml"
ENV_EXAMPLE = REPO / ".env.example"
DOCKERFILE = REPO / "docker" / "Dockerfile"

CORE_SERVICES = {
    "postgres",
    "airflow-init",
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
}
AIRFLOW_SERVICES = {
    "airflow-init",
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
}
SCALE_OUT_SERVICES = {"redis", "airflow-worker", "airflow-warehouse-worker", "minio", "minio-init"}
ONE_SHOT = {"airflow-init", "minio-init"}
SECRET_NAME = re.compile(r"PASSWORD|SECRET|FERNET|_AUTH$|ACCESS_KEY|ROOT_USER")


def _compose_text() -> str:
    """The compose file without comment lines (the header shows the ${VAR:?...} syntax as an example)."""
    return "\n".join(ln for ln in COMPOSE.read_text().splitlines() if not ln.lstrip().startswith("#"))


VAR_REF = re.compile(r"\$\{(?P<name>[A-Z0-9_]+)(?P<op>:?[-?])?(?P<arg>[^}]*)\}")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def services(compose: dict) -> dict:
    return compose["services"]


def _profiles(service: dict) -> set[str]:
    return set(service.get("profiles") or [])


def test_core_services_run_in_the_default_profile(services: dict) -> None:
    assert set(services) >= CORE_SERVICES
    for name in CORE_SERVICES:
        assert not _profiles(services[name]), f"{name} must run without a profile"


def test_scale_out_services_only_in_scale_out_profile(services: dict) -> None:
    for name in SCALE_OUT_SERVICES:
        assert name in services, f"scale-out profile misses {name}"
        assert _profiles(services[name]) == {"scale-out"}, f"{name}: profiles {_profiles(services[name])}"
    assert _profiles(services["flower"]) == {"flower"}


def test_every_long_running_service_has_a_healthcheck(services: dict) -> None:
    for name, service in services.items():
        if name in ONE_SHOT:
            assert service.get("restart") == "no", f"{name} is a one-shot job"
            continue
        check = service.get("healthcheck") or {}
        assert check.get("test"), f"{name} has no healthcheck"


def test_airflow_services_share_secrets_and_execution_api(services: dict) -> None:
    airflow = [n for n, s in services.items() if "diplowatch-airflow" in str(s.get("image", ""))]
    assert AIRFLOW_SERVICES | {"airflow-worker", "flower"} <= set(airflow)
    shared = {}
    for name in airflow:
        env = services[name]["environment"]
        for key in ("AIRFLOW__API_AUTH__JWT_SECRET", "AIRFLOW__API__SECRET_KEY", "AIRFLOW__CORE__FERNET_KEY"):
            assert key in env, f"{name} lacks {key}"
            shared.setdefault(key, set()).add(env[key])
        assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://airflow-apiserver:8080/execution/"
        assert env["AIRFLOW__COSMOS__ENABLE_TELEMETRY"] == "False" and env["DO_NOT_TRACK"] == "1"
    for key, values in shared.items():
        assert len(values) == 1, f"{key} differs between services: {values}"
        assert ":?" in next(iter(values)), f"{key} must be a required variable from .env"


def test_executor_local_by_default_celery_for_workers(services: dict) -> None:
    env = services["airflow-scheduler"]["environment"]
    assert env["AIRFLOW__CORE__EXECUTOR"] == "${AIRFLOW_EXECUTOR:-LocalExecutor}"
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql+psycopg2://")
    assert "@postgres:5432/" in env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    assert env["AIRFLOW__CELERY__BROKER_URL"].endswith("@redis:6379/0")
    worker = services["airflow-worker"]
    assert worker["command"] == "celery worker"
    assert worker["deploy"]["replicas"] == "${AIRFLOW_WORKER_REPLICAS:-2}"
    assert worker["depends_on"]["redis"]["condition"] == "service_healthy"
    init_script = "\n".join(services["airflow-init"]["command"])
    assert "CeleryExecutor" in init_script and "scale-out" in init_script
    assert "python -m diplowatch.ops.setup --bootstrap-only" in init_script


def test_no_default_for_any_secret() -> None:
    refs = list(VAR_REF.finditer(_compose_text()))
    secret_refs = [m for m in refs if SECRET_NAME.search(m["name"])]
    assert {m["name"] for m in secret_refs} >= {
        "POSTGRES_PASSWORD",
        "AIRFLOW_ADMIN_PASSWORD",
        "AIRFLOW_FERNET_KEY",
        "AIRFLOW_JWT_SECRET",
        "AIRFLOW_API_SECRET_KEY",
        "REDIS_PASSWORD",
        "MINIO_ROOT_USER",
        "MINIO_ROOT_PASSWORD",
        "DIPLOWATCH_S3_ACCESS_KEY",
        "DIPLOWATCH_S3_SECRET_KEY",
        "FLOWER_BASIC_AUTH",
    }
    for ref in secret_refs:
        assert ref["op"] in (None, ":?"), f"{ref.group(0)}: a secret must not have a default"
    required = {m["name"] for m in secret_refs if m["op"] == ":?"}
    assert {m["name"] for m in secret_refs} == required, "every secret needs a ${VAR:?message} reference"


def test_env_example_lists_every_required_variable_empty() -> None:
    example = compose_env.parse_env(ENV_EXAMPLE.read_text())
    required = {m["name"] for m in VAR_REF.finditer(_compose_text()) if m["op"] == ":?"}
    assert required <= set(example), f"missing in .env.example: {sorted(required - set(example))}"
    for name in required:
        assert example[name] == "", f".env.example must not ship a value for {name}"
    assert ".env" in (REPO / ".gitignore").read_text().split()


def test_project_mounted_and_data_on_named_volume(compose: dict, services: dict) -> None:
    volumes = services["airflow-scheduler"]["volumes"]
    binds = {v.split(":")[0]: v.split(":")[1] for v in volumes if v.startswith("./")}
    for src in ("./dags", "./include", "./dbt_project", "./expectations", "./watchlist.yaml"):
        assert src in binds, f"{src} not mounted"
        assert (REPO / src).exists(), f"{src} is mounted but not in the repository"
    home = services["airflow-scheduler"]["environment"]["DIPLOWATCH_HOME"]
    assert f"diplowatch-data:{home}" in volumes
    assert {"diplowatch-data", "postgres-data", "airflow-logs", "minio-data"} <= set(compose["volumes"])
    assert services["airflow-scheduler"]["environment"]["AIRFLOW__CORE__DAGS_FOLDER"] == binds["./dags"]


def test_ports_bind_to_loopback_by_default(services: dict) -> None:
    for name, service in services.items():
        for port in service.get("ports", []):
            assert port.startswith(("127.0.0.1:", "${AIRFLOW_API_BIND:-127.0.0.1}:")), f"{name}: {port}"


def test_dockerfile_builds_on_airflow_3_3_2_with_the_lock() -> None:
    text = DOCKERFILE.read_text()
    assert "apache/airflow:3.3.2-python3.11" in text
    assert "-r /opt/diplowatch/requirements.lock" in text
    assert "pip install --no-cache-dir --no-deps -e /opt/diplowatch" in text


# ---- docker-compose config (Debian's docker-compose package; no engine needed) ----


def _compose_bin() -> str:
    found = shutil.which("docker-compose")
    if found:
        return found
    if os.environ.get("DIPLOWATCH_REQUIRE_COMPOSE") == "1":
        pytest.fail(
            "DIPLOWATCH_REQUIRE_COMPOSE=1 but docker-compose is not installed: apt-get install -y docker-compose"
        )
    pytest.skip("docker-compose not installed (apt-get install -y docker-compose); content tests above still ran")


def _config(env_file: Path, tmp_path: Path, **extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMPOSE_", "AIRFLOW_", "DIPLOWATCH_"))}
    env |= {"COMPOSE_PROJECT_NAME": "diplowatch", **extra}
    cmd = [_compose_bin(), "--project-directory", str(REPO), "--env-file", str(env_file), "-f", str(COMPOSE), "config"]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=tmp_path, timeout=120, check=False)


@pytest.fixture
def generated_env(tmp_path: Path) -> Path:
    return compose_env.write_env(ENV_EXAMPLE, tmp_path / "test.env")


def test_compose_config_default_profile(generated_env: Path, tmp_path: Path) -> None:
    proc = _config(generated_env, tmp_path)
    assert proc.returncode == 0, proc.stderr
    resolved = yaml.safe_load(proc.stdout)["services"]
    env = resolved["airflow-scheduler"]["environment"]
    assert env["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor"
    secrets = compose_env.parse_env(generated_env.read_text())
    assert env["AIRFLOW__API_AUTH__JWT_SECRET"] == secrets["AIRFLOW_JWT_SECRET"]
    assert (
        resolved["airflow-apiserver"]["environment"]["AIRFLOW__API_AUTH__JWT_SECRET"] == secrets["AIRFLOW_JWT_SECRET"]
    )


def test_compose_config_scale_out_profile(generated_env: Path, tmp_path: Path) -> None:
    proc = _config(
        generated_env,
        tmp_path,
        COMPOSE_PROFILES="scale-out",
        AIRFLOW_EXECUTOR="CeleryExecutor",
        AIRFLOW_WORKER_REPLICAS="3",
    )
    assert proc.returncode == 0, proc.stderr
    resolved = yaml.safe_load(proc.stdout)["services"]
    assert resolved["airflow-worker"]["environment"]["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert resolved["airflow-worker"]["deploy"]["replicas"] == 3
    assert resolved["airflow-init"]["environment"]["DIPLOWATCH_COMPOSE_PROFILES"] == "scale-out"


@pytest.mark.parametrize(
    "missing", ["POSTGRES_PASSWORD", "AIRFLOW_JWT_SECRET", "REDIS_PASSWORD", "MINIO_ROOT_PASSWORD"]
)
def test_compose_config_refuses_a_missing_secret(generated_env: Path, tmp_path: Path, missing: str) -> None:
    lines = [ln for ln in generated_env.read_text().splitlines() if not ln.startswith(f"{missing}=")]
    generated_env.write_text("\n".join(lines) + "\n")
    proc = _config(generated_env, tmp_path)
    assert proc.returncode != 0
    assert f"set {missing}" in proc.stderr


def test_compose_config_refuses_the_unfilled_example(tmp_path: Path) -> None:
    proc = _config(ENV_EXAMPLE, tmp_path)
    assert proc.returncode != 0
    assert "python -m diplowatch.ops.compose_env" in proc.stderr


# ---- the lake on the object store (scale-out): workers get the URI, minio-init creates its bucket ----


def _run_service_script(service: dict, tmp_path: Path, env: dict[str, str], fakes: dict[str, str]):
    """Run a one-shot service's shell script here (``$$`` as compose passes it), with fake commands on PATH."""
    bindir = tmp_path / "bin"
    bindir.mkdir(exist_ok=True)
    for name, body in fakes.items():
        fake = bindir / name
        fake.write_text(f"#!/bin/sh\n{body}\n")
        fake.chmod(0o755)
    shell = Path(service["entrypoint"]).name
    args = [a.replace("$$", "$") for a in service["command"]]
    full_env = {"PATH": f"{bindir}:/usr/bin:/bin", **env}
    return subprocess.run([shell, *args], env=full_env, capture_output=True, text=True, timeout=60, check=False)


def test_workers_get_the_lake_uri_and_wait_for_its_bucket(services: dict) -> None:
    worker = services["airflow-worker"]
    env = {**services["airflow-scheduler"]["environment"], **worker["environment"]}
    assert env["DIPLOWATCH_LAKE_URI"] == "${DIPLOWATCH_LAKE_URI:-}"
    assert env["AWS_ENDPOINT_URL"] == "http://minio:9000"
    assert env["AWS_ACCESS_KEY_ID"].startswith("${DIPLOWATCH_S3_ACCESS_KEY:?")
    assert env["AWS_SECRET_ACCESS_KEY"].startswith("${DIPLOWATCH_S3_SECRET_KEY:?")
    assert worker["depends_on"]["minio-init"]["condition"] == "service_completed_successfully"
    assert services["minio-init"]["environment"]["LAKE_URI"] == "${DIPLOWATCH_LAKE_URI:-}"


def test_minio_init_creates_the_bucket_named_in_the_lake_uri(services: dict, tmp_path: Path) -> None:
    log = tmp_path / "mc.log"
    env = {
        "MINIO_ROOT_USER": "root",
        "MINIO_ROOT_PASSWORD": "rootpw",
        "LAKE_ACCESS_KEY": "lakekey",
        "LAKE_SECRET_KEY": "lakesecret",
        "LAKE_URI": "s3://team-lake/diplowatch",
    }
    fakes = {"mc": f'echo "$*" >> {log}'}
    proc = _run_service_script(services["minio-init"], tmp_path, env, fakes)
    assert proc.returncode == 0, proc.stderr
    calls = log.read_text().splitlines()
    assert "mb --ignore-existing lake/team-lake" in calls
    assert "admin user add lake lakekey lakesecret" in calls

    proc = _run_service_script(services["minio-init"], tmp_path, {**env, "LAKE_URI": ""}, fakes)
    assert proc.returncode == 1
    assert "DIPLOWATCH_LAKE_URI" in proc.stderr


@pytest.mark.parametrize(("uri", "ok"), [("s3://diplowatch-lake", True), ("", False), ("/data/lake", False)])
def test_airflow_init_refuses_scale_out_without_a_lake_uri(services: dict, tmp_path: Path, uri: str, ok: bool) -> None:
    env = {
        "DIPLOWATCH_COMPOSE_PROFILES": "scale-out",
        "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
        "DIPLOWATCH_LAKE_URI": uri,
        "DIPLOWATCH_WAREHOUSE_QUEUE": "warehouse",
    }
    fakes = {"getent": "exit 0", "airflow": "exit 0", "python": "exit 0"}
    proc = _run_service_script(services["airflow-init"], tmp_path, env, fakes)
    assert (proc.returncode == 0) is ok, proc.stderr
    if not ok:
        assert "set DIPLOWATCH_LAKE_URI=s3://" in proc.stderr


def test_compose_config_scale_out_workers_get_the_lake(generated_env: Path, tmp_path: Path) -> None:
    proc = _config(
        generated_env,
        tmp_path,
        COMPOSE_PROFILES="scale-out",
        AIRFLOW_EXECUTOR="CeleryExecutor",
        DIPLOWATCH_LAKE_URI="s3://team-lake",
    )
    assert proc.returncode == 0, proc.stderr
    resolved = yaml.safe_load(proc.stdout)["services"]
    secrets = compose_env.parse_env(generated_env.read_text())
    worker = resolved["airflow-worker"]["environment"]
    assert worker["DIPLOWATCH_LAKE_URI"] == "s3://team-lake"
    assert worker["AWS_ACCESS_KEY_ID"] == secrets["DIPLOWATCH_S3_ACCESS_KEY"]
    assert resolved["minio-init"]["environment"]["LAKE_URI"] == "s3://team-lake"
    assert resolved["minio-init"]["environment"]["LAKE_ACCESS_KEY"] == secrets["DIPLOWATCH_S3_ACCESS_KEY"]
