"""``make ui`` / ``make stop``: the Airflow UI on localhost, without Docker, in a project-local home.

Starts ``airflow standalone`` (api-server, scheduler, dag-processor, triggerer; LocalExecutor, SQLite) in its own
process group, records the group in ``<home>/airflow-ui.pid``, waits until ``/api/v2/monitor/health`` reports
every component healthy, prints the URL and the login, and stops the whole group on Ctrl-C or ``stop``.

CLI::

    python -m diplowatch.ops.ui [start] [--port 8080] [--airflow-home ./airflow_home]   # foreground, Ctrl-C stops
    python -m diplowatch.ops.ui stop                                                    # from another terminal
    python -m diplowatch.ops.ui status
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import requests

from diplowatch.ops import setup

log = logging.getLogger(__name__)

PID_FILE = "airflow-ui.pid"
LOG_FILE = "standalone.log"
HEALTH_PATH = "/api/v2/monitor/health"
COMPONENTS = ("metadatabase", "scheduler", "dag_processor", "triggerer")


class AirflowStartError(RuntimeError):
    """Airflow did not come up; the message carries the tail of its log."""


@dataclass
class AirflowServer:
    """A running ``airflow standalone`` process group."""

    proc: subprocess.Popen
    url: str
    login: setup.Login
    env: dict[str, str]
    airflow_home: Path
    log_file: Path
    pid_file: Path
    _stopped: bool = field(default=False, repr=False)

    def stop(self, timeout: float = 30.0) -> None:
        if not self._stopped:
            stop_airflow(self.airflow_home, timeout=timeout)
            self._stopped = True


def free_port(host: str = setup.DEFAULT_HOST) -> int:
    """A TCP port free on ``host`` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def port_in_use(port: int, host: str = setup.DEFAULT_HOST) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_pid_file(airflow_home: Path) -> dict | None:
    path = Path(airflow_home) / PID_FILE
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError:
        return None


def log_tail(log_file: Path, lines: int = 40) -> str:
    if not log_file.exists():
        return f"(no log at {log_file})"
    return "\n".join(log_file.read_text(errors="replace").splitlines()[-lines:])


def start_airflow(
    airflow_home: Path,
    *,
    port: int = setup.DEFAULT_PORT,
    dags_folder: Path | None = None,
    extra_env: Mapping[str, str] | None = None,
    isolated_ports: bool = False,
) -> AirflowServer:
    """Set up ``airflow_home`` and start ``airflow standalone`` in a new process group (returns at once).

    ``isolated_ports`` picks free ports for the log servers too (tests, or several homes side by side).
    """
    airflow_home = Path(airflow_home).resolve()
    running = read_pid_file(airflow_home)
    if running and _group_alive(int(running["pgid"])):
        raise AirflowStartError(
            f"Airflow already runs for {airflow_home} (process group {running['pgid']}, {running.get('url')}); "
            "stop it with `make stop`"
        )
    if port_in_use(port):
        raise AirflowStartError(f"port {port} on {setup.DEFAULT_HOST} is busy: set DIPLOWATCH_UI_PORT to another port")
    ports = {"worker_log_port": free_port(), "trigger_log_port": free_port()} if isolated_ports else {}
    env = setup.setup_airflow_home(airflow_home, port=port, dags_folder=dags_folder, **ports)
    if extra_env:
        env.update(extra_env)
    login = setup.ensure_login(airflow_home)
    log_file = airflow_home / "logs" / LOG_FILE
    log_file.parent.mkdir(parents=True, exist_ok=True)
    airflow_bin = setup.venv_bin() / "airflow"
    with log_file.open("ab") as out:
        proc = subprocess.Popen(
            [str(airflow_bin), "standalone"],
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            cwd=airflow_home,
        )
    url = f"http://{setup.DEFAULT_HOST}:{port}"
    pid_file = airflow_home / PID_FILE
    pid_file.write_text(json.dumps({"pid": proc.pid, "pgid": proc.pid, "url": url, "log": str(log_file)}) + "\n")
    return AirflowServer(proc, url, login, env, airflow_home, log_file, pid_file)


def health(url: str) -> dict[str, str]:
    """Status per component from ``/api/v2/monitor/health`` (empty when the API server does not answer)."""
    try:
        resp = requests.get(url + HEALTH_PATH, timeout=5)
        resp.raise_for_status()
        body = resp.json()
    except (requests.RequestException, ValueError):
        return {}
    return {name: (body.get(name) or {}).get("status", "unknown") for name in COMPONENTS}


def wait_healthy(server: AirflowServer, timeout: float = 300.0, poll: float = 2.0) -> dict[str, str]:
    """Block until every component reports healthy; raise with the log tail if Airflow dies or times out."""
    deadline = time.monotonic() + timeout
    status: dict[str, str] = {}
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise AirflowStartError(
                f"airflow standalone exited with {server.proc.returncode}; log {server.log_file}:\n"
                + log_tail(server.log_file)
            )
        status = health(server.url)
        if status and all(v == "healthy" for v in status.values()):
            return status
        time.sleep(poll)
    raise AirflowStartError(
        f"Airflow at {server.url} not healthy after {timeout:.0f}s (last status {status or 'no answer'}); "
        f"log {server.log_file}:\n" + log_tail(server.log_file)
    )


def stop_airflow(airflow_home: Path, timeout: float = 30.0) -> bool:
    """SIGTERM the recorded process group, SIGKILL what is left after ``timeout``; False if nothing ran."""
    airflow_home = Path(airflow_home).resolve()
    info = read_pid_file(airflow_home)
    pid_file = airflow_home / PID_FILE
    if not info:
        return False
    pgid = int(info["pgid"])
    was_running = _group_alive(pgid)
    if was_running:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _group_alive(pgid) and time.monotonic() < deadline:
            _reap(pgid)
            time.sleep(0.3)
        if _group_alive(pgid):
            log.warning("process group %d still alive after %.0fs: SIGKILL", pgid, timeout)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, signal.SIGKILL)
            for _ in range(50):
                _reap(pgid)
                if not _group_alive(pgid):
                    break
                time.sleep(0.1)
    pid_file.unlink(missing_ok=True)
    return was_running


def _reap(pgid: int) -> None:
    """Collect the leader if it is our child, so the group can disappear."""
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pgid, os.WNOHANG)


def _print_banner(server: AirflowServer) -> None:
    print(
        f"\nAirflow is ready: {server.url}\n"
        f"  login:    {server.login.username} / {server.login.password}   (in {server.login.password_file})\n"
        f"  home:     {server.airflow_home}\n"
        f"  log:      {server.log_file}\n"
        f"  stop:     Ctrl-C here, or `make stop`\n",
        flush=True,
    )


def run_foreground(airflow_home: Path, port: int, timeout: float) -> int:
    """Start, wait until healthy, print URL and login, then wait for Ctrl-C / SIGTERM / ``make stop``."""
    server = start_airflow(airflow_home, port=port)
    print(f"Starting Airflow in {server.airflow_home} on {server.url} (log {server.log_file}) ...", flush=True)

    def _terminate(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)
    try:
        wait_healthy(server, timeout=timeout)
        _print_banner(server)
        while server.proc.poll() is None:
            time.sleep(1)
        print(f"Airflow stopped (exit {server.proc.returncode}).", flush=True)
        return 0 if server.proc.returncode in (0, -signal.SIGTERM, -signal.SIGKILL) else 1
    except KeyboardInterrupt:
        print("\nStopping Airflow ...", flush=True)
        return 0
    except AirflowStartError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        server.stop()
        print("Airflow stopped.", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m diplowatch.ops.ui", description="Local Airflow UI for diplowatch")
    parser.add_argument("command", nargs="?", default="start", choices=["start", "stop", "status"])
    parser.add_argument("--airflow-home", type=Path, default=None, help="default: $AIRFLOW_HOME or ./airflow_home")
    parser.add_argument("--port", type=int, default=int(os.environ.get("DIPLOWATCH_UI_PORT", setup.DEFAULT_PORT)))
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for a healthy Airflow")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    home = (args.airflow_home or setup.default_airflow_home()).resolve()
    if args.command == "stop":
        stopped = stop_airflow(home)
        print("Airflow stopped." if stopped else f"No Airflow running for {home}.")
        return 0
    if args.command == "status":
        info = read_pid_file(home)
        if not info or not _group_alive(int(info["pgid"])):
            print(f"No Airflow running for {home}.")
            return 1
        print(f"Airflow runs for {home} at {info['url']}: {health(info['url']) or 'API not answering'}")
        return 0
    try:
        return run_foreground(home, args.port, args.timeout)
    except AirflowStartError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
