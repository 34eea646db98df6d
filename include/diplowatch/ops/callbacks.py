"""Failure callbacks: one line that says why, logged, and optionally sent to a webhook or by e-mail.

Wire into DAGs as ``default_args={"on_failure_callback": on_failure}`` (task failures, runs in the task
process) and ``@dag(on_failure_callback=on_failure)`` (run failures, runs in the dag-processor).

Where it is sent, if configured (nothing is configured by default; a missing connection is not an error):

* Airflow Connection ``diplowatch_alerts`` (type ``http``): ``POST`` of JSON ``{"text": <line>, "dag_id", ...}``
  to ``host`` (a full URL, or ``schema://host:port``) plus ``extra.endpoint``; ``extra.headers`` are added;
  a password alone is sent as ``Authorization: Bearer``, login and password as basic auth.
  ``{"text": ...}`` is what Slack, Mattermost and most chat webhooks accept.
* Airflow Connection ``diplowatch_smtp`` (type ``smtp`` or ``email``): host, port, login, password;
  ``extra.to`` (comma-separated, required), ``extra.from_email``, ``extra.starttls`` (default true for port
  587), ``extra.ssl`` (default true for port 465).

Both also resolve from ``AIRFLOW_CONN_DIPLOWATCH_ALERTS`` / ``AIRFLOW_CONN_DIPLOWATCH_SMTP``. Sending never
raises: a callback that fails would hide the failure it reports.
"""

from __future__ import annotations

import json
import logging
import re
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from email.message import EmailMessage
from typing import Any

import requests

from diplowatch.raw import redact

log = logging.getLogger(__name__)

WEBHOOK_CONN_ID = "diplowatch_alerts"
SMTP_CONN_ID = "diplowatch_smtp"
MAX_REASON = 300
TIMEOUT = 10.0

_SECRET_PATTERNS = (
    (re.compile(r"(?i)\b(bearer|token|basic)\s+[A-Za-z0-9._~+/=-]{8,}"), r"\1 ***"),
    (re.compile(r"(?i)\b(password|passwd|pwd|secret|api_key|apikey|access_token|token)(\s*[=:]\s*)\S+"), r"\1\2***"),
    (re.compile(r"(://[^/\s:@]+):[^/\s@]+@"), r"\1:***@"),
)


@dataclass(frozen=True)
class FailureNotice:
    """What failed and why, in one line."""

    dag_id: str
    task_id: str | None
    run_id: str | None
    try_number: int | None
    reason: str

    @property
    def line(self) -> str:
        where = f"dag={self.dag_id}"
        if self.task_id:
            where += f" task={self.task_id}"
        if self.run_id:
            where += f" run={self.run_id}"
        if self.try_number:
            where += f" try={self.try_number}"
        return f"diplowatch failure: {where}: {self.reason}"

    def payload(self) -> dict[str, Any]:
        return {"text": self.line, **asdict(self)}


def scrub(text: str) -> str:
    """Remove tokens, passwords and URL credentials from a message."""
    text = redact(text)
    for pattern, repl in _SECRET_PATTERNS:
        text = pattern.sub(repl, text)
    return text


def first_line(text: str) -> str:
    for line in str(text).splitlines():
        if line.strip():
            return line.strip()
    return ""


def _reason(context: Mapping[str, Any]) -> str:
    exc = context.get("exception")
    if exc is not None:
        message = first_line(str(exc)) if not isinstance(exc, str) else first_line(exc)
        text = f"{type(exc).__name__}: {message}" if not isinstance(exc, str) else message
    else:
        text = first_line(str(context.get("reason") or "")) or "failed (no exception in the callback context)"
    text = scrub(text)
    return text if len(text) <= MAX_REASON else text[: MAX_REASON - 1] + "…"


def describe_failure(context: Mapping[str, Any]) -> FailureNotice:
    """Build the notice from an Airflow callback context (task-level or DAG-level)."""
    ti = context.get("ti") or context.get("task_instance")
    dag_run = context.get("dag_run")
    dag = context.get("dag")
    dag_id = getattr(ti, "dag_id", None) or getattr(dag_run, "dag_id", None) or getattr(dag, "dag_id", None)
    run_id = getattr(ti, "run_id", None) or getattr(dag_run, "run_id", None) or context.get("run_id")
    try_number = getattr(ti, "try_number", None)
    return FailureNotice(
        dag_id=str(dag_id or "?"),
        task_id=getattr(ti, "task_id", None),
        run_id=str(run_id) if run_id else None,
        try_number=int(try_number) if isinstance(try_number, int) else None,
        reason=_reason(context),
    )


def _get_connection(conn_id: str) -> Any | None:
    """The Airflow Connection, or None when it is not configured (or Airflow is not reachable)."""
    try:
        from airflow.sdk import Connection

        return Connection.get(conn_id)
    except Exception as exc:
        if type(exc).__name__ != "AirflowNotFoundException":
            log.debug("connection %s unavailable: %s", conn_id, type(exc).__name__)
        return None


def _extra(conn: Any) -> dict[str, Any]:
    try:
        extra = conn.extra_dejson
    except Exception:
        extra = {}
    return extra if isinstance(extra, dict) else {}


def webhook_url(conn: Any) -> str:
    """The URL to POST to, from an http Connection."""
    host = (conn.host or "").strip()
    if not host:
        raise ValueError(f"connection {conn.conn_id!r}: host is empty (expected the webhook URL or host name)")
    if "://" not in host:
        scheme = conn.schema or "https"
        host = f"{scheme}://{host}"
        if conn.port:
            host += f":{conn.port}"
    endpoint = str(_extra(conn).get("endpoint") or "")
    if endpoint:
        host = host.rstrip("/") + "/" + endpoint.lstrip("/")
    return host


def post_webhook(conn: Any, notice: FailureNotice) -> bool:
    """POST the notice as JSON; True if the server answered 2xx. Never raises."""
    try:
        url = webhook_url(conn)
        extra = _extra(conn)
        extra_headers = extra.get("headers") or {}
        headers = {"Content-Type": "application/json", **{str(k): str(v) for k, v in extra_headers.items()}}
        auth = None
        if conn.login and conn.password:
            auth = (conn.login, conn.password)
        elif conn.password:
            headers["Authorization"] = f"Bearer {conn.password}"
        resp = requests.post(url, data=json.dumps(notice.payload()), headers=headers, auth=auth, timeout=TIMEOUT)
    except Exception as exc:  # a failing alert must not hide the failure it reports
        log.warning("failure alert to connection %s not sent: %s", conn.conn_id, scrub(first_line(str(exc))))
        return False
    if not resp.ok:
        log.warning("failure alert to connection %s refused: HTTP %s", conn.conn_id, resp.status_code)
        return False
    return True


def _truthy(value: Any, default: bool) -> bool:
    if value is None:
        return default
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def send_email(conn: Any, notice: FailureNotice) -> bool:
    """Send the notice by SMTP; True if the server accepted it. Never raises."""
    try:
        extra = _extra(conn)
        to = [a.strip() for a in str(extra.get("to") or "").split(",") if a.strip()]
        if not to:
            raise ValueError(f"connection {conn.conn_id!r}: extra.to is empty (expected comma-separated addresses)")
        port = int(conn.port or 25)
        sender = str(extra.get("from_email") or conn.login or "diplowatch@localhost")
        msg = EmailMessage()
        msg["Subject"] = notice.line[:200]
        msg["From"] = sender
        msg["To"] = ", ".join(to)
        msg.set_content(notice.line + "\n\n" + json.dumps(notice.payload(), indent=2) + "\n")
        use_ssl = _truthy(extra.get("ssl"), port == 465)
        smtp_cls = smtplib.SMTP_SSL if use_ssl else smtplib.SMTP
        with smtp_cls(conn.host, port, timeout=TIMEOUT) as smtp:
            if not use_ssl and _truthy(extra.get("starttls"), port == 587):
                smtp.starttls(context=ssl.create_default_context())
            if conn.login and conn.password:
                smtp.login(conn.login, conn.password)
            smtp.send_message(msg)
    except Exception as exc:
        log.warning("failure e-mail via connection %s not sent: %s", conn.conn_id, scrub(first_line(str(exc))))
        return False
    return True


def notify_failure(context: Mapping[str, Any]) -> FailureNotice:
    """Log the one-line reason and send it where configured; returns the notice."""
    notice = describe_failure(context)
    log.error("%s", notice.line)
    webhook = _get_connection(WEBHOOK_CONN_ID)
    if webhook is not None and post_webhook(webhook, notice):
        log.info("failure alert posted to connection %s", WEBHOOK_CONN_ID)
    smtp = _get_connection(SMTP_CONN_ID)
    if smtp is not None and send_email(smtp, notice):
        log.info("failure e-mail sent via connection %s", SMTP_CONN_ID)
    return notice


def on_failure(context: Mapping[str, Any]) -> None:
    """Airflow ``on_failure_callback`` for tasks and DAG runs."""
    try:
        notify_failure(context)
    except Exception:  # never let the callback itself crash the task runner
        log.exception("diplowatch failure callback itself failed")
