"""Run notes: the few lines an operator reads on a DAG run in the Airflow UI (rows landed/rejected, verdict).

Airflow 3.3's task SDK can read a DAG run's note and set one when it *triggers* a run, but the execution API has
no call to change the note of the running DAG run (checked in ``airflow/api_fastapi/execution_api/routes/
dag_runs.py`` and ``airflow/sdk/api/client.py``), and tasks have no metadata-database access. The supported way
is the public REST API, ``PATCH /api/v2/dags/{dag_id}/dagRuns/{run_id}?update_mask=note``, with a JWT from
``POST /auth/token``. Where to call it comes from the Airflow Connection ``diplowatch_airflow_api`` (type
``http``; host = the API server URL, login/password = an Airflow user allowed to edit DAG runs).
``python -m diplowatch.ops.setup`` (``make ui``, the compose init job when ``DIPLOWATCH_ADMIN_PASSWORD`` is set)
creates it from the local login.

Without that connection, or when the API refuses, the note is still in the task: printed inside a log group
(``::group::Run note``) and returned by the task (XCom ``return_value``). Setting a note never raises: a summary
must not fail the run it summarises.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import requests

log = logging.getLogger(__name__)

API_CONN_ID = "diplowatch_airflow_api"
MAX_NOTE = 1000  # DAGRunPatchBody.note max_length
TIMEOUT = 15.0


def _connection(conn_id: str) -> Any | None:
    try:
        from airflow.sdk import Connection

        return Connection.get(conn_id)
    except Exception as exc:  # not configured, or no Airflow around (unit tests, scripts)
        log.debug("connection %s unavailable: %s", conn_id, type(exc).__name__)
        return None


def api_base_url(conn: Any) -> str:
    """The API server root URL from an http Connection (``host`` may be a full URL or a bare host name)."""
    host = (conn.host or "").rstrip("/")
    if "://" not in host:
        host = f"{conn.conn_type if conn.conn_type in ('http', 'https') else 'http'}://{host}"
        if conn.port:
            host = f"{host}:{conn.port}"
    return host


def truncate(text: str, limit: int = MAX_NOTE) -> str:
    """``text`` cut to ``limit`` characters (the API rejects longer notes), marked with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def patch_note(base_url: str, username: str, password: str, dag_id: str, run_id: str, text: str) -> None:
    """Set a DAG run's note through the public REST API (raises ``requests.HTTPError`` on refusal)."""
    token = requests.post(f"{base_url}/auth/token", json={"username": username, "password": password}, timeout=TIMEOUT)
    token.raise_for_status()
    resp = requests.patch(
        f"{base_url}/api/v2/dags/{quote(dag_id, safe='')}/dagRuns/{quote(run_id, safe='')}",
        params={"update_mask": "note"},
        json={"note": truncate(text)},
        headers={"Authorization": f"Bearer {token.json()['access_token']}"},
        timeout=TIMEOUT,
    )
    resp.raise_for_status()


def set_run_note(context: Mapping[str, Any], text: str) -> bool:
    """Show ``text`` as the note of this task's DAG run in the UI; True if the note was set.

    Always prints the text in a log group first, so it is in the task log whatever happens.
    """
    print(f"::group::Run note\n{text}\n::endgroup::", flush=True)
    dag_run = context.get("dag_run")
    dag_id = getattr(dag_run, "dag_id", None) or getattr(context.get("dag"), "dag_id", None)
    run_id = context.get("run_id") or getattr(dag_run, "run_id", None)
    if not dag_id or not run_id:
        log.warning("run note not set: no dag_id/run_id in the task context")
        return False
    conn = _connection(API_CONN_ID)
    if conn is None or not conn.host or not conn.login:
        log.info("run note kept in the task log: connection %s is not configured", API_CONN_ID)
        return False
    try:
        patch_note(api_base_url(conn), conn.login, conn.password or "", dag_id, run_id, text)
    except (requests.RequestException, KeyError, ValueError) as exc:
        status = getattr(getattr(exc, "response", None), "status_code", None)
        log.warning("run note not set on %s/%s: %s %s", dag_id, run_id, type(exc).__name__, status or exc)
        return False
    log.info("run note set on %s/%s", dag_id, run_id)
    return True


def _fmt_counts(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(counts.items())) or "nothing"


def landing_note(
    source: str,
    counts: Mapping[str, int],
    verdict: str,
    warnings: int = 0,
    docs: str | None = None,
    errors: list[str] | None = None,
) -> str:
    """The note of an ingest run: rows landed and rejected for ``source``, the landing checkpoint's verdict.

    ``errors`` are the one-line reasons of accounts/feeds whose fetch failed (landed as rejects).
    """
    landed = {k: v for k, v in counts.items() if k != "rejects"}
    lines = [  # the UI shows the first line in the run header: the figures and the verdict go there
        f"**{source}**: landed {sum(landed.values())} rows, rejected {counts.get('rejects', 0)}; "
        f"data quality (landing) **{verdict}**, {warnings} warning(s).",
        f"Landed per entity: {_fmt_counts(landed)}.",
    ]
    if errors:
        lines.append(f"{len(errors)} fetch error(s): " + "; ".join(errors))
    if docs:
        lines.append(f"Data Docs: `{docs}`")
    return truncate("\n\n".join(lines))


def warehouse_note(summary: Mapping[str, Any]) -> str:
    """The note of a warehouse run from ``diplowatch.summary.run_summary``: marts rows, verdict, report path."""
    marts = summary.get("marts") or {}
    landed = summary.get("landed") or {}
    rejected = (landed.get("rejects") or {}) if isinstance(landed, Mapping) else {}
    lines = [  # the UI shows the first line in the run header: the verdict and the totals go there
        f"Data quality (marts) **{summary.get('verdict', 'unknown')}**: "
        f"{len(marts)} marts, {sum(marts.values())} rows.",
        f"Rows per mart: {_fmt_counts(marts)}.",
    ]
    if rejected:
        lines.append(f"Rejected rows in landing: {_fmt_counts(rejected)}.")
    if summary.get("report"):
        lines.append(f"Report: `{summary['report']}`")
    return truncate("\n\n".join(lines))
