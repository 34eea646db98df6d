#!/usr/bin/env bash
# `make ui`: Airflow (standalone) on http://127.0.0.1:${DIPLOWATCH_UI_PORT:-8080} in ${AIRFLOW_HOME:-./airflow_home},
# with the project's DAGs, the duckdb_writer pool and the connection placeholders. Prints the URL and the login,
# waits until healthy, and stops the whole process group on Ctrl-C (or `make stop` from another terminal).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
export PATH="$(cd "$(dirname "$PY")" && pwd):$PATH"   # standalone starts `airflow` sub-processes by name
exec "$PY" -m diplowatch.ops.ui start "$@"
