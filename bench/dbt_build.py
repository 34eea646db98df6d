"""One ``dbt build`` through dbt's programmatic entry point, timed from the call, in a fresh process.

The warehouse DAG runs dbt the same way (cosmos ``InvocationMode.DBT_RUNNER``: in the worker's
process, dbt already imported). So the warehouse benchmark times the build itself; the interpreter
start and dbt's import (4-8 s here; BENCHMARKS.md shows both figures) are what the caller adds on top.
Each build runs in its own process, as each Airflow task does: nothing is warm from an earlier build.

Prints one JSON line: {"ok", "seconds", "error"}.

    DIPLOWATCH_HOME=... python -m bench.dbt_build build
"""

from __future__ import annotations

import json
import os
import sys
import time

from dbt.cli.main import dbtRunner
from diplowatch import paths
from diplowatch.warehouse import build_file, dbt_env


def main(argv: list[str]) -> int:
    os.environ.update(dbt_env())
    build_file().parent.mkdir(parents=True, exist_ok=True)
    args = [*argv, "--project-dir", str(paths.DBT_PROJECT), "--profiles-dir", str(paths.DBT_PROJECT)]
    start = time.perf_counter()
    result = dbtRunner().invoke(args)
    seconds = time.perf_counter() - start
    error = "" if result.success else str(result.exception or "dbt reported failures (see dbt_project/logs)")
    print(json.dumps({"ok": bool(result.success), "seconds": round(seconds, 3), "error": error}))
    return 0 if result.success else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
