#!/usr/bin/env bash
# `make stop`: stop the Airflow started by `make ui` (the process group recorded in $AIRFLOW_HOME/airflow-ui.pid).
set -euo pipefail
cd "$(dirname "$0")/.."
exec "${PYTHON:-.venv/bin/python}" -m diplowatch.ops.ui stop "$@"
