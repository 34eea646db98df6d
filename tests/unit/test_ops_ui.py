"""``make ui`` / ``make stop`` mechanics: health parsing, process-group stop, refusing a busy port."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from diplowatch.ops import ui


def _health_server(body: dict) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            payload = json.dumps(body).encode()
            self.send_response(200 if self.path == ui.HEALTH_PATH else 404)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_health_reports_each_component() -> None:
    body = {
        "metadatabase": {"status": "healthy"},
        "scheduler": {"status": "healthy", "latest_scheduler_heartbeat": "x"},
        "dag_processor": {"status": "unhealthy"},
        "triggerer": {"status": "healthy"},
    }
    server = _health_server(body)
    try:
        status = ui.health(f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()
    assert status == {
        "metadatabase": "healthy",
        "scheduler": "healthy",
        "dag_processor": "unhealthy",
        "triggerer": "healthy",
    }


def test_health_is_empty_when_nothing_answers() -> None:
    assert ui.health(f"http://127.0.0.1:{ui.free_port()}") == {}


def _start_group(tmp_path: Path) -> subprocess.Popen:
    """A leader that starts a child in the same new session, like `airflow standalone` does."""
    code = "import subprocess, time; subprocess.Popen(['sleep', '300']); time.sleep(300)"
    proc = subprocess.Popen([sys.executable, "-c", code], start_new_session=True)
    (tmp_path / ui.PID_FILE).write_text(json.dumps({"pid": proc.pid, "pgid": proc.pid, "url": "http://x"}))
    return proc


def test_stop_kills_the_whole_process_group(tmp_path: Path) -> None:
    proc = _start_group(tmp_path)
    assert ui._group_alive(proc.pid)
    assert ui.stop_airflow(tmp_path, timeout=10) is True
    assert not ui._group_alive(proc.pid)
    assert not (tmp_path / ui.PID_FILE).exists()
    assert ui.stop_airflow(tmp_path) is False  # nothing left to stop


def test_start_refuses_a_second_instance_and_a_busy_port(tmp_path: Path) -> None:
    proc = _start_group(tmp_path)
    try:
        with pytest.raises(ui.AirflowStartError, match="already runs"):
            ui.start_airflow(tmp_path, port=ui.free_port())
    finally:
        ui.stop_airflow(tmp_path, timeout=10)
    proc.wait(timeout=10)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        with pytest.raises(ui.AirflowStartError, match="DIPLOWATCH_UI_PORT"):
            ui.start_airflow(tmp_path / "other", port=busy.getsockname()[1])


def test_cli_stop_and_status_without_airflow(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ui.main(["stop", "--airflow-home", str(tmp_path)]) == 0
    assert "No Airflow running" in capsys.readouterr().out
    assert ui.main(["status", "--airflow-home", str(tmp_path)]) == 1


def test_scripts_call_the_module() -> None:
    root = Path(__file__).resolve().parents[2] / "scripts"
    assert "-m diplowatch.ops.ui start" in (root / "airflow_ui.sh").read_text()
    assert "-m diplowatch.ops.ui stop" in (root / "airflow_stop.sh").read_text()
