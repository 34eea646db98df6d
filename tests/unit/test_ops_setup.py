"""The project-local Airflow home: settings, secrets, login, metadata (pool + connections), idempotence."""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path

import pytest
from diplowatch import paths
from diplowatch.ops import setup


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    airflow_home = tmp_path_factory.mktemp("ops_setup") / "airflow_home"
    env = setup.setup_airflow_home(airflow_home, port=18080)
    return airflow_home, env


def test_env_points_airflow_at_the_project(home) -> None:
    airflow_home, env = home
    assert env["AIRFLOW_HOME"] == str(airflow_home.resolve())
    assert env["AIRFLOW__CORE__DAGS_FOLDER"] == str(paths.REPO / "dags")
    assert env["AIRFLOW__CORE__LOAD_EXAMPLES"] == "False"
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] == f"sqlite:///{airflow_home.resolve() / 'airflow.db'}"
    assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://127.0.0.1:18080/execution/"
    assert env["AIRFLOW__API__HOST"] == "127.0.0.1" and env["AIRFLOW__API__PORT"] == "18080"
    assert env["AIRFLOW__COSMOS__ENABLE_TELEMETRY"] == "False" and env["DO_NOT_TRACK"] == "1"
    assert env["PATH"].split(":")[0] == str(setup.venv_bin())
    assert (setup.venv_bin() / "airflow").exists()


def test_secrets_live_in_a_private_cfg_not_in_the_env(home) -> None:
    airflow_home, env = home
    cfg = airflow_home / "airflow.cfg"
    assert stat.S_IMODE(cfg.stat().st_mode) == 0o600
    text = cfg.read_text()
    for key in ("fernet_key", "jwt_secret", "secret_key"):
        assert f"{key} = " in text
    values = [line.split(" = ", 1)[1] for line in text.splitlines() if " = " in line]
    printed = setup.format_exports(env)
    assert all(v not in printed for v in values), "a secret leaked into the printed environment"


def test_login_file_is_simple_auth_manager_format(home) -> None:
    airflow_home, env = home
    password_file = Path(env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"])
    assert password_file == airflow_home.resolve() / setup.PASSWORD_FILE
    passwords = json.loads(password_file.read_text())
    assert set(passwords) == {"admin"} and len(passwords["admin"]) >= 12
    assert env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS"] == "admin:admin"
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600


def test_metadata_has_pool_and_placeholder_connections(home) -> None:
    airflow_home, _ = home
    db = sqlite3.connect(airflow_home / "airflow.db")
    pools = dict(db.execute("select pool, slots from slot_pool").fetchall())
    assert pools[setup.DUCKDB_POOL] == 1
    conns = {row[0]: row[1:] for row in db.execute("select conn_id, conn_type, host, password from connection")}
    assert set(conns) >= {"x_api", "facebook_graph", "vk_api"}
    assert all(conns[c][2] is None for c in ("x_api", "facebook_graph", "vk_api")), "placeholders carry no secret"


def test_setup_is_idempotent_and_keeps_operator_changes(home) -> None:
    airflow_home, _ = home
    before_cfg = (airflow_home / "airflow.cfg").read_text()
    before_login = setup.ensure_login(airflow_home)
    db = sqlite3.connect(airflow_home / "airflow.db")
    db.execute("update connection set host = 'https://api.x.com/custom' where conn_id = 'x_api'")
    db.commit()
    db.close()
    setup.setup_airflow_home(airflow_home, port=18080)
    assert (airflow_home / "airflow.cfg").read_text() == before_cfg
    assert setup.ensure_login(airflow_home).password == before_login.password
    db = sqlite3.connect(airflow_home / "airflow.db")
    assert db.execute("select count(*) from slot_pool where pool = 'duckdb_writer'").fetchone() == (1,)
    assert db.execute("select host from connection where conn_id = 'x_api'").fetchone() == ("https://api.x.com/custom",)


def test_admin_password_from_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIPLOWATCH_ADMIN_PASSWORD", "chosen-by-operator")
    login = setup.write_login(tmp_path / "auth" / "passwords.json", "ops")
    assert login.password == "chosen-by-operator"
    assert json.loads(login.password_file.read_text()) == {"ops": "chosen-by-operator"}


def test_broken_password_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / setup.PASSWORD_FILE).write_text("admin:oops")
    with pytest.raises(ValueError, match="expected a JSON object"):
        setup.ensure_login(tmp_path)


def test_cli_prints_exports_and_login(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert setup.main(["--airflow-home", str(tmp_path / "h"), "--port", "18081"]) == 0
    out, err = capsys.readouterr()
    assert f"export AIRFLOW_HOME={tmp_path / 'h'}" in out
    assert "export AIRFLOW__API__PORT=18081" in out
    assert "login: admin / " in err
