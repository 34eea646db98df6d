"""A project-local Airflow 3 home: settings, login, metadata database, pool and connections.

``setup_airflow_home(path)`` prepares everything ``airflow standalone`` (``make ui``), ``airflow dags test``
(``make demo``) and the end-to-end tests need, and returns the environment variables to run Airflow with.
Secrets (Fernet key, JWT secret, API secret key) are written to ``<home>/airflow.cfg`` (mode 0600, git-ignored),
never to the returned environment, so the environment can be printed. The login is written to the
SimpleAuthManager password file ``<home>/simple_auth_manager_passwords.json.generated``.

CLI::

    python -m diplowatch.ops.setup [--airflow-home PATH] [--port 8080]   # set up, print ``export`` lines
    python -m diplowatch.ops.setup --bootstrap-only                      # migrate + pool + connections only,
                                                                          # with the Airflow config already in
                                                                          # the environment (compose init job)
"""

from __future__ import annotations

import argparse
import base64
import configparser
import json
import logging
import os
import secrets
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from diplowatch import paths

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
ADMIN_USER = "admin"
PASSWORD_FILE = "simple_auth_manager_passwords.json.generated"

DUCKDB_POOL = "duckdb_writer"
DUCKDB_POOL_SLOTS = 1
DUCKDB_POOL_DESCRIPTION = "DuckDB has one writer: every task that writes the warehouse runs in this pool (1 slot)."


@dataclass(frozen=True)
class ConnectionPlaceholder:
    """An Airflow Connection created empty (no secret) so operators only have to paste a token."""

    conn_id: str
    conn_type: str
    host: str
    description: str


CONNECTION_PLACEHOLDERS: tuple[ConnectionPlaceholder, ...] = (
    ConnectionPlaceholder("x_api", "http", "https://api.x.com", "X API v2: put the bearer token in Password."),
    ConnectionPlaceholder(
        "facebook_graph", "http", "https://graph.facebook.com", "Facebook Graph API: put the page token in Password."
    ),
    ConnectionPlaceholder("vk_api", "http", "https://api.vk.com", "VK API: put the service token in Password."),
)


@dataclass(frozen=True)
class Login:
    """The local UI login (SimpleAuthManager)."""

    username: str
    password: str
    password_file: Path


def venv_bin() -> Path:
    """The ``bin/`` of the running environment (``airflow standalone`` starts ``airflow`` by name from PATH)."""
    return Path(sys.executable).parent


def default_airflow_home() -> Path:
    """``$AIRFLOW_HOME`` if set, else ``<repo>/airflow_home`` (git-ignored)."""
    value = os.environ.get("AIRFLOW_HOME")
    return Path(value).resolve() if value else paths.REPO / "airflow_home"


def airflow_env(
    airflow_home: Path,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    worker_log_port: int | None = None,
    trigger_log_port: int | None = None,
    dags_folder: Path | None = None,
) -> dict[str, str]:
    """The environment variables (no secrets) that run Airflow in ``airflow_home`` with the project's DAGs."""
    airflow_home = Path(airflow_home).resolve()
    env = {
        "AIRFLOW_HOME": str(airflow_home),
        "AIRFLOW__CORE__DAGS_FOLDER": str((dags_folder or paths.REPO / "dags").resolve()),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__CORE__PARALLELISM": "4",
        "AIRFLOW__CORE__AUTH_MANAGER": (
            "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager"
        ),
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{ADMIN_USER}:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(airflow_home / PASSWORD_FILE),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{airflow_home / 'airflow.db'}",
        "AIRFLOW__API__HOST": host,
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__API__WORKERS": "1",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://{host}:{port}/execution/",
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "30",
        "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
        "DO_NOT_TRACK": "1",
        "SCARF_ANALYTICS": "false",
        "AIRFLOW__USAGE_DATA_COLLECTION__ENABLED": "False",
        "DIPLOWATCH_HOME": str(paths.home()),
        "PATH": os.pathsep.join([str(venv_bin()), os.environ.get("PATH", "/usr/bin:/bin")]),
    }
    if worker_log_port is not None:
        env["AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT"] = str(worker_log_port)
    if trigger_log_port is not None:
        env["AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT"] = str(trigger_log_port)
    return env


def _fernet_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def write_secrets_config(airflow_home: Path) -> Path:
    """Create or complete ``<home>/airflow.cfg`` with the Fernet key, JWT secret and API secret key (mode 0600).

    Every Airflow process of this home reads the same file, so tokens issued by the API server are accepted
    by the scheduler's task runners ("Invalid auth token" otherwise). Existing values are kept.
    """
    cfg_path = Path(airflow_home) / "airflow.cfg"
    parser = configparser.RawConfigParser()
    if cfg_path.exists():
        parser.read(cfg_path)
    wanted = {
        ("core", "fernet_key"): _fernet_key,
        ("api_auth", "jwt_secret"): lambda: secrets.token_urlsafe(64),  # >= 64 bytes for HS512
        ("api", "secret_key"): lambda: secrets.token_urlsafe(32),
    }
    changed = not cfg_path.exists()
    for (section, key), make in wanted.items():
        if not parser.has_section(section):
            parser.add_section(section)
        if not parser.get(section, key, fallback="").strip():
            parser.set(section, key, make())
            changed = True
    if changed:
        cfg_path.touch(mode=0o600, exist_ok=True)
        with cfg_path.open("w") as fh:
            parser.write(fh)
    cfg_path.chmod(0o600)
    return cfg_path


def ensure_login(airflow_home: Path, username: str = ADMIN_USER) -> Login:
    """The local login: kept from the password file if present, else a new random password written to it.

    ``$DIPLOWATCH_ADMIN_PASSWORD`` sets the password explicitly.
    """
    return write_login(Path(airflow_home) / PASSWORD_FILE, username)


def write_login(password_file: Path, username: str = ADMIN_USER) -> Login:
    """Keep or create ``username``'s password in a SimpleAuthManager password file (JSON, mode 0600)."""
    passwords: dict[str, str] = {}
    if password_file.exists() and password_file.read_text().strip():
        try:
            passwords = json.loads(password_file.read_text())
        except json.JSONDecodeError as exc:
            raise ValueError(f"{password_file}: expected a JSON object of user -> password ({exc})") from exc
    wanted = os.environ.get("DIPLOWATCH_ADMIN_PASSWORD") or passwords.get(username) or secrets.token_urlsafe(12)
    if passwords.get(username) != wanted:
        passwords[username] = wanted
        password_file.parent.mkdir(parents=True, exist_ok=True)
        password_file.touch(mode=0o600, exist_ok=True)
        password_file.write_text(json.dumps(passwords) + "\n")
    password_file.chmod(0o600)
    return Login(username=username, password=wanted, password_file=password_file)


def bootstrap_metadata() -> None:
    """``airflow db migrate``, the ``duckdb_writer`` pool and the connection placeholders, in this process.

    Reads the Airflow configuration from the environment: call it only in a process whose environment
    already holds it (``setup_airflow_home`` runs it in a subprocess; the compose init job runs
    ``python -m diplowatch.ops.setup --bootstrap-only``).
    """
    from airflow.models.connection import Connection
    from airflow.models.pool import Pool
    from airflow.utils import db
    from airflow.utils.session import create_session

    db.initdb()
    with create_session() as session:
        Pool.create_or_update_pool(
            name=DUCKDB_POOL,
            slots=DUCKDB_POOL_SLOTS,
            description=DUCKDB_POOL_DESCRIPTION,
            include_deferred=False,
            session=session,
        )
        existing = {c for (c,) in session.query(Connection.conn_id).all()}
        for placeholder in CONNECTION_PLACEHOLDERS:
            if placeholder.conn_id in existing:
                continue  # never overwrite a connection an operator filled in
            session.add(
                Connection(
                    conn_id=placeholder.conn_id,
                    conn_type=placeholder.conn_type,
                    host=placeholder.host,
                    description=placeholder.description,
                )
            )
        api_conn = api_connection_from_env(os.environ)
        if api_conn is not None:
            upsert_api_connection(session, api_conn)
    log.info(
        "metadata ready: pool %s (%d slot), connections %s",
        DUCKDB_POOL,
        DUCKDB_POOL_SLOTS,
        ", ".join(p.conn_id for p in CONNECTION_PLACEHOLDERS),
    )


API_CONN_ID = "diplowatch_airflow_api"
API_CONN_DESCRIPTION = (
    "Managed by diplowatch.ops.setup: the REST API and login tasks use to set run notes (diplowatch.ops.notes)."
)


@dataclass(frozen=True)
class ApiConnection:
    """What ``diplowatch.ops.notes`` needs to call the public REST API: its URL and a login."""

    url: str
    username: str
    password: str


def api_connection_from_env(env: dict[str, str] | os._Environ) -> ApiConnection | None:
    """The API URL and login of this Airflow home, from its configuration; None if no login is known yet.

    URL: ``AIRFLOW__CORE__EXECUTION_API_SERVER_URL`` without ``/execution/``; login: the first user of
    ``AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS`` and its password in the SimpleAuthManager password file.
    """
    execution_url = env.get("AIRFLOW__CORE__EXECUTION_API_SERVER_URL", "")
    password_file = env.get("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE", "")
    users = env.get("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS", "")
    if not execution_url or not password_file or not users or not Path(password_file).exists():
        return None
    username = users.split(",")[0].split(":")[0].strip()
    try:
        password = json.loads(Path(password_file).read_text() or "{}").get(username)
    except json.JSONDecodeError:
        return None
    if not password:
        return None
    url = execution_url.rstrip("/").removesuffix("/execution")
    return ApiConnection(url=url, username=username, password=password)


def upsert_api_connection(session, api: ApiConnection) -> None:
    """Create or refresh the ``diplowatch_airflow_api`` connection (never one an operator created by hand)."""
    from airflow.models.connection import Connection

    conn = session.query(Connection).filter(Connection.conn_id == API_CONN_ID).one_or_none()
    if conn is None:
        conn = Connection(conn_id=API_CONN_ID, conn_type="http", description=API_CONN_DESCRIPTION)
        session.add(conn)
    elif conn.description != API_CONN_DESCRIPTION:
        log.info("connection %s was set by hand: left as it is", API_CONN_ID)
        return
    conn.host = api.url
    conn.login = api.username
    conn.password = api.password  # encrypted with the Fernet key by the model
    log.info("connection %s -> %s (user %s)", API_CONN_ID, api.url, api.username)


def run_bootstrap(env: dict[str, str]) -> None:
    """Run :func:`bootstrap_metadata` in a fresh Python process with ``env`` (Airflow reads config at import)."""
    full_env = {**os.environ, **env}
    proc = subprocess.run(
        [sys.executable, "-m", "diplowatch.ops.setup", "--bootstrap-only"],
        env=full_env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-30:])
        raise RuntimeError(f"Airflow metadata set-up failed in {env['AIRFLOW_HOME']} (exit {proc.returncode}):\n{tail}")


def setup_airflow_home(
    airflow_home: Path,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    worker_log_port: int | None = None,
    trigger_log_port: int | None = None,
    dags_folder: Path | None = None,
    migrate: bool = True,
) -> dict[str, str]:
    """Prepare a project-local Airflow home and return the environment variables to run Airflow with.

    Idempotent: re-running keeps the secrets, the login and the metadata (and migrates it if needed).
    """
    airflow_home = Path(airflow_home).resolve()
    airflow_home.mkdir(parents=True, exist_ok=True)
    (airflow_home / "logs").mkdir(exist_ok=True)
    write_secrets_config(airflow_home)
    ensure_login(airflow_home)
    env = airflow_env(
        airflow_home,
        host=host,
        port=port,
        worker_log_port=worker_log_port,
        trigger_log_port=trigger_log_port,
        dags_folder=dags_folder,
    )
    if migrate:
        run_bootstrap(env)
    return env


def format_exports(env: dict[str, str]) -> str:
    """``export K=V`` lines, shell-quoted, to ``eval`` or paste."""
    return "\n".join(f"export {key}={shlex.quote(value)}" for key, value in sorted(env.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m diplowatch.ops.setup", description=__doc__.splitlines()[0])
    parser.add_argument("--airflow-home", type=Path, default=None, help="default: $AIRFLOW_HOME or ./airflow_home")
    parser.add_argument("--port", type=int, default=int(os.environ.get("DIPLOWATCH_UI_PORT", DEFAULT_PORT)))
    parser.add_argument("--bootstrap-only", action="store_true", help="migrate + pool + connections, nothing else")
    parser.add_argument("--quiet", action="store_true", help="print only the Airflow home and the login")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if args.bootstrap_only:
        password_file = os.environ.get("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE")
        if password_file and os.environ.get("DIPLOWATCH_ADMIN_PASSWORD"):
            login = write_login(Path(password_file), os.environ.get("DIPLOWATCH_ADMIN_USER", ADMIN_USER))
            log.info("login for %s written to %s", login.username, login.password_file)
        bootstrap_metadata()  # after the login: the run-notes connection uses it
        return 0
    home = (args.airflow_home or default_airflow_home()).resolve()
    env = setup_airflow_home(home, port=args.port)
    login = ensure_login(home)
    if not args.quiet:
        print(format_exports(env))
    print(f"# Airflow home ready: {home}", file=sys.stderr)
    print(f"# login: {login.username} / {login.password}  (stored in {login.password_file})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
