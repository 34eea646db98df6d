"""Failure callbacks: the one-line reason, and delivery to a webhook and an SMTP server on 127.0.0.1."""

from __future__ import annotations

import json
import logging
import socketserver
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
from diplowatch.ops import callbacks

SECRET = "s3cr3t-t0ken-value-123"


class _Capture(BaseHTTPRequestHandler):
    received: list[dict] = []  # noqa: RUF012 - replaced per server
    status = 200

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length)
        type(self).received.append({"path": self.path, "headers": dict(self.headers), "body": json.loads(body)})
        self.send_response(type(self).status)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def webhook() -> Iterator[tuple[str, type[_Capture]]]:
    handler = type("Handler", (_Capture,), {"received": [], "status": 200})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", handler
    server.shutdown()
    server.server_close()


class _SmtpSink(socketserver.StreamRequestHandler):
    """The smallest SMTP server that accepts one message (RFC 5321 happy path)."""

    messages: list[dict] = []  # noqa: RUF012

    def _reply(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())

    def handle(self) -> None:
        self._reply("220 localhost test sink")
        envelope: dict = {"rcpt": []}
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            cmd = raw.decode().strip()
            upper = cmd.upper()
            if upper.startswith(("EHLO", "HELO")):
                self._reply("250 localhost")
            elif upper.startswith("MAIL FROM"):
                envelope["from"] = cmd.split(":", 1)[1].strip()
                self._reply("250 ok")
            elif upper.startswith("RCPT TO"):
                envelope["rcpt"].append(cmd.split(":", 1)[1].strip())
                self._reply("250 ok")
            elif upper == "DATA":
                self._reply("354 end with .")
                lines = []
                while (line := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(line.decode())
                envelope["data"] = "".join(lines)
                type(self).messages.append(envelope)
                self._reply("250 queued")
            elif upper == "QUIT":
                self._reply("221 bye")
                return
            else:
                self._reply("250 ok")


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, type[_SmtpSink]]]:
    handler = type("Sink", (_SmtpSink,), {"messages": []})
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], handler
    server.shutdown()
    server.server_close()


def _task_context(exc: BaseException) -> dict:
    ti = SimpleNamespace(dag_id="telegram_ingest", task_id="land", run_id="scheduled__2018-01-01", try_number=2)
    return {"ti": ti, "task_instance": ti, "exception": exc, "dag_run": SimpleNamespace(dag_id="telegram_ingest")}


@pytest.fixture(autouse=True)
def _no_configured_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIRFLOW_CONN_DIPLOWATCH_ALERTS", raising=False)
    monkeypatch.delenv("AIRFLOW_CONN_DIPLOWATCH_SMTP", raising=False)


def test_one_line_reason_names_dag_task_run_and_hides_secrets() -> None:
    exc = RuntimeError(f"GET https://api.x.com/2/users?access_token={SECRET} failed\nTraceback line 2")
    notice = callbacks.describe_failure(_task_context(exc))
    assert notice.line.startswith("diplowatch failure: dag=telegram_ingest task=land run=scheduled__2018-01-01 try=2:")
    assert "RuntimeError: GET https://api.x.com/2/users?access_token=***" in notice.line
    assert SECRET not in notice.line
    assert "\n" not in notice.line and "Traceback" not in notice.line


@pytest.mark.parametrize(
    "message",
    [
        f"Authorization: Bearer {SECRET}",
        f"connect to postgresql://airflow:{SECRET}@db/airflow refused",
        f"login failed password={SECRET}",
    ],
)
def test_scrub_removes_common_secret_shapes(message: str) -> None:
    assert SECRET not in callbacks.scrub(message)


def test_dag_level_context_uses_reason() -> None:
    dag_run = SimpleNamespace(dag_id="warehouse", run_id="asset_triggered__x")
    notice = callbacks.describe_failure({"dag_run": dag_run, "reason": "task_failure\nmore"})
    assert notice.line == "diplowatch failure: dag=warehouse run=asset_triggered__x: task_failure"


def test_long_reason_is_truncated() -> None:
    notice = callbacks.describe_failure(_task_context(ValueError("x" * 1000)))
    assert len(notice.reason) == callbacks.MAX_REASON


def test_on_failure_logs_only_when_nothing_configured(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="diplowatch.ops.callbacks"):
        callbacks.on_failure(_task_context(KeyError("posts")))
    lines = [r.getMessage() for r in caplog.records]
    expected = "diplowatch failure: dag=telegram_ingest task=land run=scheduled__2018-01-01 try=2: KeyError: 'posts'"
    assert lines == [expected]


def test_webhook_connection_receives_json_post(monkeypatch: pytest.MonkeyPatch, webhook) -> None:
    base, handler = webhook
    conn = {"conn_type": "http", "host": base, "password": SECRET, "extra": {"endpoint": "/hooks/alerts"}}
    monkeypatch.setenv("AIRFLOW_CONN_DIPLOWATCH_ALERTS", json.dumps(conn))
    callbacks.on_failure(_task_context(RuntimeError("dbt build failed: 2 models errored")))
    assert len(handler.received) == 1
    got = handler.received[0]
    assert got["path"] == "/hooks/alerts"
    assert got["headers"]["Authorization"] == f"Bearer {SECRET}"
    assert got["body"]["text"].endswith("RuntimeError: dbt build failed: 2 models errored")
    assert got["body"]["dag_id"] == "telegram_ingest" and got["body"]["task_id"] == "land"


def test_webhook_refusal_is_logged_not_raised(monkeypatch: pytest.MonkeyPatch, webhook, caplog) -> None:
    base, handler = webhook
    handler.status = 500
    monkeypatch.setenv("AIRFLOW_CONN_DIPLOWATCH_ALERTS", json.dumps({"conn_type": "http", "host": base}))
    with caplog.at_level(logging.WARNING, logger="diplowatch.ops.callbacks"):
        callbacks.on_failure(_task_context(RuntimeError("boom")))
    assert len(handler.received) == 1
    assert any("refused: HTTP 500" in r.getMessage() for r in caplog.records)


def test_unreachable_webhook_does_not_leak_url_secret(monkeypatch: pytest.MonkeyPatch, caplog) -> None:
    with socketserver.TCPServer(("127.0.0.1", 0), socketserver.BaseRequestHandler) as probe:
        dead_port = probe.server_address[1]
    url = f"http://127.0.0.1:{dead_port}/hook?token={SECRET}"
    monkeypatch.setenv("AIRFLOW_CONN_DIPLOWATCH_ALERTS", json.dumps({"conn_type": "http", "host": url}))
    with caplog.at_level(logging.WARNING, logger="diplowatch.ops.callbacks"):
        callbacks.on_failure(_task_context(RuntimeError("boom")))
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings and "not sent" in warnings[0]
    assert all(SECRET not in w for w in warnings)


def test_smtp_connection_sends_mail(monkeypatch: pytest.MonkeyPatch, smtp_server) -> None:
    port, sink = smtp_server
    conn = {
        "conn_type": "smtp",
        "host": "127.0.0.1",
        "port": port,
        "extra": {"to": "ops@example.org, data@example.org", "from_email": "airflow@example.org"},
    }
    monkeypatch.setenv("AIRFLOW_CONN_DIPLOWATCH_SMTP", json.dumps(conn))
    callbacks.on_failure(_task_context(RuntimeError("gx landing: expect_column_values_to_not_be_null failed")))
    assert len(sink.messages) == 1
    msg = sink.messages[0]
    assert msg["rcpt"] == ["<ops@example.org>", "<data@example.org>"]
    assert "Subject: diplowatch failure: dag=telegram_ingest task=land" in msg["data"]
    assert "expect_column_values_to_not_be_null failed" in msg["data"]


def test_webhook_url_from_host_parts() -> None:
    conn = SimpleNamespace(conn_id="c", host="alerts.example.org", schema="https", port=8443, extra_dejson={})
    assert callbacks.webhook_url(conn) == "https://alerts.example.org:8443"
    with pytest.raises(ValueError, match="host is empty"):
        callbacks.webhook_url(SimpleNamespace(conn_id="c", host="", schema=None, port=None, extra_dejson={}))
