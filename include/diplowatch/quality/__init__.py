"""Data quality with Great Expectations (GX Core 1.x): the ``landing`` and ``marts`` checkpoints.

Public API (what the DAGs call)::

    run_landing_checkpoint(run_id, files=None, home=None) -> CheckpointOutcome
    run_marts_checkpoint(warehouse, run_id) -> CheckpointOutcome
    outcome.raise_for_critical()  # DataQualityError listing the critical failures

Suites are versioned JSON in ``expectations/<checkpoint>/<table>.json``. GX keeps its
project in ``$DIPLOWATCH_HOME/quality/gx`` and Data Docs in ``$DIPLOWATCH_HOME/quality/docs``;
every expectation result is appended to ``$DIPLOWATCH_HOME/quality/history``.
"""

from diplowatch.quality.duckdb_fix import DuckDBFixError, ensure_duckdb_fix
from diplowatch.quality.landing import run_landing_checkpoint
from diplowatch.quality.marts import run_marts_checkpoint
from diplowatch.quality.outcome import CheckpointOutcome, DataQualityError, ExpectationOutcome

__all__ = [
    "CheckpointOutcome",
    "DataQualityError",
    "DuckDBFixError",
    "ExpectationOutcome",
    "ensure_duckdb_fix",
    "run_landing_checkpoint",
    "run_marts_checkpoint",
]
