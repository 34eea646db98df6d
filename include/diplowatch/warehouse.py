"""Running dbt for the warehouse, outside and inside Airflow.

dbt builds into a work file (``$DIPLOWATCH_HOME/build/warehouse.duckdb``) that
persists between runs so incremental models stay incremental; only a validated
build is published (see ``diplowatch.publish``).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

from diplowatch import paths

log = logging.getLogger(__name__)

MANIFEST = paths.DBT_PROJECT / "target" / "manifest.json"


def build_file() -> Path:
    return paths.home() / "build" / "warehouse.duckdb"


def dbt_env() -> dict[str, str]:
    """The environment every dbt process gets: the resolved home, no telemetry, no network."""
    env = dict(os.environ)
    env["DIPLOWATCH_HOME"] = str(paths.home())
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
    env.setdefault("DO_NOT_TRACK", "1")
    return env


def dbt_executable() -> str:
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def run_dbt(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run one dbt command on the project; on failure raise with the tail of dbt's output."""
    build_file().parent.mkdir(parents=True, exist_ok=True)
    cmd = [
        dbt_executable(),
        *args,
        "--project-dir",
        str(paths.DBT_PROJECT),
        "--profiles-dir",
        str(paths.DBT_PROJECT),
    ]
    log.info("running %s", " ".join(cmd))
    proc = subprocess.run(cmd, env=dbt_env(), capture_output=True, text=True, check=False)
    log.info("%s", proc.stdout[-4000:])
    if check and proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-25:])
        raise RuntimeError(f"dbt {' '.join(args)} failed (exit {proc.returncode}):\n{tail}")
    return proc


def parse() -> Path:
    """Write ``target/manifest.json`` (cosmos renders the dbt tasks from it, no dbt at DAG-parse time)."""
    run_dbt("parse")
    return MANIFEST
