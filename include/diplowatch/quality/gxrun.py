"""Running suites with GX Core 1.x on a DuckDB file: the file context, Data Docs, result parsing.

The GX project lives in ``$DIPLOWATCH_HOME/quality/gx`` (a file context GX creates
on first use; its ``uncommitted/`` folder holds validation results) and Data Docs
are built into ``$DIPLOWATCH_HOME/quality/docs``. One process at a time uses the
context (a file lock), so concurrent Airflow tasks cannot corrupt its YAML.

Validation pushes down to DuckDB through GX's SQL data source (with the freeze()
fix of ``duckdb_fix``): one table asset and one whole-table batch definition per
table, one validation definition per suite, one checkpoint per stage.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from diplowatch.quality.duckdb_fix import ensure_duckdb_fix
from diplowatch.quality.outcome import ExpectationOutcome
from diplowatch.quality.suites import ExpectationSpec, SuiteSpec

log = logging.getLogger(__name__)

SITE_NAME = "diplowatch"
# Seconds spent in the phases of the last run in this process (for the benchmark and logs).
LAST_TIMINGS: dict[str, float] = {}
RESULT_FORMAT: dict[str, Any] = {"result_format": "BASIC", "partial_unexpected_count": 0}


def quality_home(home: Path) -> Path:
    return home / "quality"


def docs_dir(home: Path) -> Path:
    return quality_home(home) / "docs"


def gx_dir(home: Path) -> Path:
    return quality_home(home) / "gx"


@contextlib.contextmanager
def context_lock(home: Path) -> Iterator[None]:
    """Serialise use of the GX file context between processes (Airflow tasks may run at once)."""
    lock_file = quality_home(home) / ".gx.lock"
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with lock_file.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def open_context(home: Path) -> Any:
    """The project's GX file context, with our Data Docs site, no analytics and no progress bars."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="file", project_root_dir=str(quality_home(home)))
    site = {
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir(home))},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    }
    sites = ctx.list_data_docs_sites()
    changed = False
    if sites.get(SITE_NAME) != site:
        ctx.variables.data_docs_sites = {SITE_NAME: site}
        changed = True
    bars = ctx.variables.progress_bars
    if (bars.get("globally") if isinstance(bars, dict) else getattr(bars, "globally", True)) is not False:
        ctx.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
        changed = True
    if ctx.config.analytics_enabled is not False:
        ctx.config.analytics_enabled = False
        changed = True
    if changed:
        ctx.variables.save()
        ctx = gx.get_context(mode="file", project_root_dir=str(quality_home(home)))
    return ctx


def ensure_docs(home: Path) -> Path:
    """The Data Docs index, built (empty) if no checkpoint has written it yet."""
    index = docs_dir(home) / "index.html"
    if not index.exists():
        open_context(home).build_data_docs(site_names=[SITE_NAME])
    return index


@dataclass(frozen=True)
class PreparedSuite:
    """A suite ready to run: its table and the expectations that apply to the tables present."""

    spec: SuiteSpec
    expectations: list[ExpectationSpec]
    schema: str = "main"


def _to_gx_suite(prepared: PreparedSuite) -> Any:
    from great_expectations.core import ExpectationSuite
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    expectations = []
    for e in prepared.expectations:
        meta = {**e.meta, "table": prepared.spec.table}
        config = ExpectationConfiguration(type=e.type, kwargs=e.kwargs, meta=meta)
        expectation = config.to_domain_obj()
        expectation.severity = e.severity
        expectations.append(expectation)
    return ExpectationSuite(
        name=prepared.spec.name,
        expectations=expectations,
        meta={"version": prepared.spec.version, "description": prepared.spec.description},
    )


def run_suites(
    home: Path, checkpoint: str, db_path: Path, suites: list[PreparedSuite], run_id: str
) -> list[ExpectationOutcome]:
    """Validate each suite's table in the DuckDB file with one GX checkpoint run; Data Docs are updated."""
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier

    ensure_duckdb_fix()
    setup_started = time.perf_counter()
    ctx = open_context(home)
    ds_name = f"{checkpoint}_duckdb"
    # Rebuilt every run: the tables present (and so the validation definitions) change between runs.
    with contextlib.suppress(Exception):
        ctx.checkpoints.delete(checkpoint)
    with contextlib.suppress(Exception):
        ctx.data_sources.delete(ds_name)
    ds = ctx.data_sources.add_sql(
        name=ds_name,
        connection_string=f"duckdb:///{db_path}",
        kwargs={"connect_args": {"read_only": True}},
    )
    validation_definitions = []
    for prepared in suites:
        schema = {} if prepared.schema == "main" else {"schema_name": prepared.schema}
        asset = ds.add_table_asset(name=prepared.spec.table, table_name=prepared.spec.table, **schema)
        batch_definition = asset.add_batch_definition_whole_table(name="whole_table")
        suite = ctx.suites.add_or_update(_to_gx_suite(prepared))
        vd = gx.ValidationDefinition(name=f"{checkpoint}.{prepared.spec.name}", data=batch_definition, suite=suite)
        validation_definitions.append(ctx.validation_definitions.add_or_update(vd))
    cp = ctx.checkpoints.add_or_update(
        gx.Checkpoint(name=checkpoint, validation_definitions=validation_definitions, result_format=RESULT_FORMAT)
    )
    started = time.perf_counter()
    try:
        result = cp.run(run_id=RunIdentifier(run_name=run_id, run_time=datetime.now(UTC)))
    finally:
        _dispose_engines(ctx, ds)
    validated = time.perf_counter()
    # One Data Docs build for the whole run (GX's UpdateDataDocsAction rebuilds the site once per suite).
    ctx.build_data_docs(site_names=[SITE_NAME], resource_identifiers=list(result.run_results))
    LAST_TIMINGS.update(setup=started - setup_started, validation=validated - started)
    LAST_TIMINGS["docs"] = time.perf_counter() - validated
    log.info(
        "GX checkpoint %r: setup %.2fs, validation %.2fs, Data Docs %.2fs",
        checkpoint,
        started - setup_started,
        validated - started,
        time.perf_counter() - validated,
    )
    tables = {p.spec.name: p.spec.table for p in suites}
    outcomes: list[ExpectationOutcome] = []
    for suite_result in result.run_results.values():
        for r in suite_result.results:
            outcomes.append(_outcome(suite_result.suite_name, tables.get(suite_result.suite_name, "?"), r))
    return outcomes


def _dispose_engines(ctx: Any, *datasources: Any) -> None:
    """Close every SQLAlchemy engine GX opened on the DuckDB file.

    DuckDB refuses a second connection to a file with a different configuration in the same
    process, so a lingering pooled connection would break the caller's next ``duckdb.connect``.
    """
    candidates = list(datasources)
    with contextlib.suppress(Exception):
        candidates += list(ctx.data_sources.all().values())
    for ds in candidates:
        for engine in (getattr(ds, "_engine", None), getattr(getattr(ds, "_execution_engine", None), "engine", None)):
            if engine is not None:
                with contextlib.suppress(Exception):
                    engine.dispose()
    gc.collect()


def _outcome(suite: str, table: str, r: Any) -> ExpectationOutcome:
    config = r.expectation_config
    meta = config.meta or {}
    kwargs = config.kwargs or {}
    spec = ExpectationSpec(type=config.type, kwargs=dict(kwargs), meta=dict(meta))
    res = r.result or {}
    unexpected = res.get("unexpected_count")
    observed = res.get("observed_value")
    if config.type == "unexpected_rows_expectation":
        unexpected, observed = observed, None
    detail = None
    info = r.exception_info or {}
    if isinstance(info, dict) and info.get("raised_exception"):
        detail = f"error: {str(info.get('exception_message'))[:300]}"
    elif isinstance(info, dict):
        # metric-level errors come back keyed by metric id
        msgs = [v.get("exception_message") for v in info.values() if isinstance(v, dict) and v.get("raised_exception")]
        if msgs:
            detail = f"error: {str(msgs[0])[:300]}"
    return ExpectationOutcome(
        suite=suite,
        expectation=spec.name,
        table=table,
        column=spec.column,
        severity=meta.get("severity", "critical"),
        success=bool(r.success),
        unexpected_count=int(unexpected) if isinstance(unexpected, int | float) else None,
        observed_value=None if observed is None else _short(observed),
        detail=detail,
    )


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."
