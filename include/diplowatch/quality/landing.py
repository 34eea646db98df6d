"""The ``landing`` checkpoint: this run's landing files, validated in DuckDB.

This run's Parquet files are registered as views (one per entity) in a small work
DuckDB file, ``$DIPLOWATCH_HOME/quality/work/landing.duckdb``; GX's SQL data source
then pushes every check down to DuckDB, which reads the Parquet files directly.
Next to the entity views, a ``landing_sources`` table holds one row per
(entity, source) of this run (``source`` is the ``platform=`` partition: a platform,
or for news items the way they were found), with the rows landed, the band of the
previous runs' row counts, and the age of the newest record; the
``landing_sources`` suite checks both (warnings).
"""

from __future__ import annotations

import logging
import math
import statistics
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq

from diplowatch import paths
from diplowatch.landing import KEYS, PLATFORMS, SOURCE_FORMATS, run_key
from diplowatch.quality.common import run_checkpoint
from diplowatch.quality.gxrun import context_lock, quality_home
from diplowatch.quality.outcome import CheckpointOutcome
from diplowatch.quality.suites import load_suites

log = logging.getLogger(__name__)

CHECKPOINT = "landing"
ENTITIES = tuple(KEYS)  # posts, post_metrics, accounts, account_metrics, news_items
CLOCK_SKEW = timedelta(hours=1)
OBSERVED_WINDOW = timedelta(hours=24)
NEWEST_COLUMN = {
    "posts": "published_at",
    "news_items": "published_at",
    "post_metrics": "observed_at",
    "account_metrics": "observed_at",
    "accounts": "fetched_at",
}
SCHEMA_FILE = "_schema.parquet"


def _source_of(path: Path) -> str:
    """The ``platform=<value>`` partition of a landing file (a platform, or how news items were found)."""
    part = path.parent.parent.name
    return part.split("=", 1)[1] if part.startswith("platform=") else "unknown"


def _run_of(path: Path) -> str:
    """The run key of a landing file: its name up to ``--<part>``."""
    return path.stem.split("--", 1)[0]


def discover_run_files(run_id: str, landing_root: Path) -> dict[str, list[Path]]:
    """This run's landing files per entity (``<run_key>.parquet`` and ``<run_key>--<part>.parquet``)."""
    key = run_key(run_id)
    found: dict[str, list[Path]] = {}
    for entity in ENTITIES:
        files = [
            f
            for pattern in (f"{key}.parquet", f"{key}--*.parquet")
            for f in (landing_root / entity).glob(f"platform=*/dt=*/{pattern}")
        ]
        if files:
            found[entity] = sorted(set(files))
    return found


def _sql_list(files: list[Path]) -> str:
    return "[" + ", ".join("'" + f.as_posix().replace("'", "''") + "'" for f in files) + "]"


def _previous_runs(entity: str, source: str, landing_root: Path, exclude: set[Path], keep: int) -> list[int]:
    """Row counts of the last ``keep`` previous runs of one entity and source (Parquet metadata only)."""
    per_run: dict[str, list[Any]] = defaultdict(lambda: [0, 0.0])
    for f in (landing_root / entity / f"platform={source}").glob("dt=*/*.parquet"):
        if f.name == SCHEMA_FILE or f.name.startswith(".") or f.resolve() in exclude:
            continue
        acc = per_run[_run_of(f)]
        acc[0] += pq.read_metadata(f).num_rows
        acc[1] = max(acc[1], f.stat().st_mtime)
    ordered = sorted(per_run.values(), key=lambda v: v[1])
    return [int(v[0]) for v in ordered[-keep:]]


def _band(previous: list[int], cfg: dict[str, Any]) -> tuple[int, int | None, float | None]:
    if not previous:
        return 0, None, None
    median = statistics.median(previous)
    lower = math.floor(median * cfg["lower_ratio"])
    if median >= 1:
        lower = max(lower, 1)
    upper = math.ceil(median * cfg["upper_ratio"]) + int(cfg["upper_slack"])
    return lower, upper, float(median)


def build_landing_db(
    db_path: Path, files: dict[str, list[Path]], landing_root: Path, source_cfg: dict[str, Any]
) -> datetime:
    """Create the work DuckDB file: one view per entity over this run's files, and ``landing_sources``.

    Returns the run's reference time (its latest ``fetched_at``, or now when nothing landed).
    """
    db_path.parent.mkdir(parents=True, exist_ok=True)
    for stale in (db_path, db_path.with_name(db_path.name + ".wal")):
        stale.unlink(missing_ok=True)
    this_run = {f.resolve() for fs in files.values() for f in fs}
    with duckdb.connect(str(db_path)) as con:
        con.execute("set timezone = 'UTC'")
        stats: dict[tuple[str, str], dict[str, Any]] = {}
        fetched: list[datetime] = []
        for entity, entity_files in sorted(files.items()):
            if entity not in ENTITIES or not entity_files:
                continue
            con.execute(
                f"create view {entity} as select * from read_parquet({_sql_list(entity_files)}, "
                "union_by_name = true, hive_partitioning = false)"
            )
            newest = NEWEST_COLUMN[entity]
            for source in sorted({_source_of(f) for f in entity_files}):
                src_files = [f for f in entity_files if _source_of(f) == source]
                rows, newest_at, fetched_at = con.execute(
                    f"select count(*), max({newest}), max(fetched_at) "
                    f"from read_parquet({_sql_list(src_files)}, union_by_name = true, hive_partitioning = false)"
                ).fetchone()
                stats[(entity, source)] = {"rows": rows, "newest": newest_at}
                if fetched_at is not None:
                    fetched.append(fetched_at)
        run_time = max(fetched) if fetched else datetime.now(UTC)
        sources = {s for _, s in stats}
        for entity in ENTITIES:
            for source in sources:
                if (entity, source) not in stats and (landing_root / entity / f"platform={source}").is_dir():
                    stats[(entity, source)] = {"rows": 0, "newest": None}
        rows_out = []
        for (entity, source), s in sorted(stats.items()):
            previous = _previous_runs(entity, source, landing_root, this_run, int(source_cfg["history_runs"]))
            if s["rows"] == 0 and not previous:
                continue  # never seen: nothing to compare
            lower, upper, median = _band(previous, source_cfg)
            age = (run_time - s["newest"]).total_seconds() / 3600 if s["newest"] is not None else None
            max_age = source_cfg["max_age_hours"].get(entity)
            rows_out.append((entity, source, s["rows"], len(previous), median, lower, upper, s["newest"], age, max_age))
        if not stats:
            # nothing landed at all in this run: report it as one source with zero rows
            rows_out.append(("any", "any", 0, 0, None, 1, None, None, None, None))
        con.execute(
            """
            create table landing_sources (
                entity varchar, source varchar, rows_this_run bigint, previous_runs integer,
                previous_median double, band_min bigint, band_max bigint,
                newest_at timestamptz, age_hours double, max_age_hours double
            )
            """
        )
        if rows_out:
            con.executemany("insert into landing_sources values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows_out)
    return run_time


def run_landing_checkpoint(
    run_id: str, files: dict[str, list[Path]] | None = None, home: Path | None = None
) -> CheckpointOutcome:
    """Validate this run's landing files (all of them when ``files`` is None) with the ``landing`` suites.

    ``files`` is what ``diplowatch.landing.land()`` returned (entity -> files); other keys
    (``rejects``) are ignored. Results go to
    ``$DIPLOWATCH_HOME/quality/history/checkpoint=landing/<run>.parquet`` and Data Docs to
    ``$DIPLOWATCH_HOME/quality/docs/index.html``.
    """
    home = Path(home) if home is not None else paths.home()
    landing_root = home / "lake" / "landing"
    if files is None:
        files = discover_run_files(run_id, landing_root)
    files = {e: [Path(f) for f in fs] for e, fs in files.items() if e in ENTITIES and fs}
    suites = load_suites(CHECKPOINT)
    source_cfg = next(s.params for s in suites if s.table == "landing_sources")
    db_path = quality_home(home) / "work" / "landing.duckdb"
    with context_lock(home):  # one landing work file per home
        run_time = build_landing_db(db_path, files, landing_root, source_cfg)
        params = {
            "max_ts": (run_time + CLOCK_SKEW).isoformat(),
            "observed_min": (run_time - OBSERVED_WINDOW).isoformat(),
            "platforms": sorted(PLATFORMS),
            "source_formats": sorted(SOURCE_FORMATS),
        }
        log.info("landing checkpoint for run %r: %s", run_id, {e: len(fs) for e, fs in files.items()})
        return run_checkpoint(
            checkpoint=CHECKPOINT, run_id=run_id, db_path=db_path, home=home, params=params, suites=suites, lock=False
        )
