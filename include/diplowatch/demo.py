"""``make demo``: the whole pipeline, offline, on the bundled sample data, through Airflow.

Runs every ingest DAG of the watch-list and then the warehouse DAG with
``airflow dags test`` in the project-local Airflow home, replaying the sample
data under ``sample_data/`` through the same parsing code as a live run.
Prints the run summary; exits non-zero if any DAG run failed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from diplowatch import paths
from diplowatch.config import load_watchlist

DEMO_DATE = "2018-05-01"


def airflow_env() -> dict[str, str]:
    from diplowatch.ops.setup import setup_airflow_home

    env = dict(os.environ)
    env.update(setup_airflow_home(Path(os.environ.get("AIRFLOW_HOME") or paths.REPO / "airflow_home")))
    env["DIPLOWATCH_HOME"] = str(paths.home())
    env["DIPLOWATCH_SAMPLE_DIR"] = str(paths.SAMPLE_DATA)
    # One `dbt build` task (same models and tests); `make ui` shows one task per model instead.
    env.setdefault("DIPLOWATCH_DBT_RENDER", "build")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def ingest_dag_ids() -> list[str]:
    wl = load_watchlist()
    platforms = sorted({a.platform for _, a in wl.accounts()} & {"telegram", "x", "facebook", "vk"})
    return [f"{p}_ingest" for p in platforms] + ["news_ingest", "imports_ingest"]


def dags_test(dag_id: str, env: dict[str, str], log_dir: Path, logical_date: str | None = None) -> bool:
    """``airflow dags test``; its full log goes to a file, a failure prints the tail."""
    cmd = [str(Path(sys.executable).with_name("airflow")), "dags", "test", dag_id]
    if logical_date:
        cmd.append(logical_date)
    cmd += ["-c", json.dumps({"offline_sample": True})] if dag_id.endswith("_ingest") else []
    log_file = log_dir / f"{dag_id}.log"
    started = time.monotonic()
    print(f"-> {dag_id} ...", end=" ", flush=True)
    with log_file.open("w") as fh:
        code = subprocess.run(cmd, env=env, stdout=fh, stderr=subprocess.STDOUT, check=False).returncode
    print(f"{'ok' if code == 0 else 'FAILED'} ({time.monotonic() - started:.0f}s, log: {log_file})")
    if code != 0:
        print("".join(log_file.read_text(errors="replace").splitlines(keepends=True)[-40:]))
    return code == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--date", default=DEMO_DATE, help="logical date of the ingest runs")
    args = parser.parse_args(argv)
    env = airflow_env()
    log_dir = paths.home() / "logs" / "demo"
    log_dir.mkdir(parents=True, exist_ok=True)
    print(f"diplowatch demo: data home {paths.home()}, Airflow home {env['AIRFLOW_HOME']}")
    ok = all([dags_test(dag_id, env, log_dir, args.date) for dag_id in ingest_dag_ids()])
    ok = ok and dags_test("warehouse", env, log_dir)
    summary_file = paths.home() / "last_run.json"
    if summary_file.exists():
        print(json.loads(summary_file.read_text())["text"])
    if not ok:
        print("demo FAILED: see the logs above", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
