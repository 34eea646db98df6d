"""The ``marts`` checkpoint: the warehouse tables, validated in DuckDB (SQL pushdown)."""

from __future__ import annotations

import csv
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from diplowatch import paths
from diplowatch.landing import PLATFORMS
from diplowatch.quality.common import run_checkpoint
from diplowatch.quality.outcome import CheckpointOutcome

log = logging.getLogger(__name__)

CHECKPOINT = "marts"
CLOCK_SKEW = timedelta(hours=1)
# Seeds that, when present, override the value sets stored in the suites: (file, column) per parameter.
SEED_SETS: dict[str, tuple[str, str]] = {
    "languages": ("languages.csv", "language"),
    "registers": ("themes.csv", "register"),
}
# Values the models add to a seed's set (fct_posts.register is 'none' when no theme matched).
SEED_EXTRAS: dict[str, tuple[str, ...]] = {"registers": ("none", "mixed"), "languages": ("und",)}


def seed_values(seed: str, column: str, seeds_dir: Path | None = None) -> list[str] | None:
    """Distinct non-empty values of a seed column, or None when the seed or the column is absent."""
    path = (seeds_dir or paths.DBT_PROJECT / "seeds") / seed
    if not path.exists():
        return None
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if column not in (reader.fieldnames or []):
            return None
        return sorted({row[column].strip() for row in reader if (row.get(column) or "").strip()})


def marts_params(now: datetime | None = None) -> dict[str, Any]:
    """Run-time parameters of the marts suites: time bounds, platforms, and value sets from the seeds."""
    now = now or datetime.now(UTC)
    params: dict[str, Any] = {
        "max_ts": (now + CLOCK_SKEW).isoformat(),
        "platforms": sorted(PLATFORMS),
    }
    for name, (seed, column) in SEED_SETS.items():
        values = seed_values(seed, column)
        if values:
            params[name] = sorted(set(values) | set(SEED_EXTRAS.get(name, ())))
    return params


def run_marts_checkpoint(warehouse: Path, run_id: str) -> CheckpointOutcome:
    """Validate the warehouse's marts; suites for absent tables are skipped with a warning.

    Results go to ``$DIPLOWATCH_HOME/quality/history/checkpoint=marts/<run>.parquet`` and
    Data Docs to ``$DIPLOWATCH_HOME/quality/docs/index.html``.
    """
    warehouse = Path(warehouse)
    if not warehouse.exists():
        raise FileNotFoundError(f"marts checkpoint: warehouse file {warehouse} does not exist")
    return run_checkpoint(
        checkpoint=CHECKPOINT, run_id=run_id, db_path=warehouse, home=paths.home(), params=marts_params()
    )
