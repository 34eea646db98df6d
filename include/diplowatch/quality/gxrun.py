"""Running suites with GX Core 1.x on a DuckDB file: the file context, Data Docs, result parsing.

The GX project lives in ``$DIPLOWATCH_HOME/quality/gx`` (a file context GX creates
on first use; its ``uncommitted/`` folder holds validation results) and Data Docs
are built into ``$DIPLOWATCH_HOME/quality/docs``. One process at a time uses the
context (a file lock), so concurrent Airflow tasks cannot corrupt its YAML.

Validation pushes down to DuckDB through GX's SQL data source (with the freeze()
fix of ``duckdb_fix``): one table asset and one whole-table batch definition per
table, one validation definition per suite, one checkpoint per stage.

Kept cheap next to the work it checks:

- the context is opened once per process and home and reused;
- the GX objects (data source, assets, suites, validation definitions, checkpoint) are
  rebuilt only when their fingerprint (database file, tables, suite contents) changes;
  run-time values (``max_ts``, value sets) are GX suite parameters passed to ``Checkpoint.run``,
  so they do not change the suites. Fingerprints are kept in ``quality/gx/diplowatch_fingerprints.json``;
  a process that finds them changed by another one reopens the context from disk;
- GX is told not to re-read ``config_variables.yml`` on every variable access;
- Data Docs are built once a run, for this run's results, with views that compile
  GX's templates once per process and without copying GX's static assets again when the
  site already has them (``docs_view``); the index lists the latest ``DOCS_INDEX_RESULTS``;
- the column metadata GX reflects per table skips the DuckDB catalog queries that always fail
  on this SQLAlchemy (``duckdb_fix.ensure_reflection_shortcut``);
- uniqueness is "proportion of unique values = 1" (one count(distinct)); the duplicate
  rows are counted for the message only when it fails.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import gc
import hashlib
import json
import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from diplowatch.quality.duckdb_fix import ensure_duckdb_fix, ensure_reflection_shortcut
from diplowatch.quality.outcome import ExpectationOutcome
from diplowatch.quality.suites import ExpectationSpec, SuiteSpec

log = logging.getLogger(__name__)

SITE_NAME = "diplowatch"
# Seconds spent in the phases of the last run in this process (for the benchmark and logs).
LAST_TIMINGS: dict[str, float] = {}
RESULT_FORMAT: dict[str, Any] = {"result_format": "BASIC", "partial_unexpected_count": 0}
# Uniqueness is checked as "proportion of unique values = 1" (count(distinct), no window function).
UNIQUE_TYPE = "expect_column_proportion_of_unique_values_to_be_between"
# The Data Docs index lists the latest results only: GX reads every result it lists on each build,
# so an unbounded index makes every run slower than the last. Older pages stay on disk, and the
# history Parquet keeps every result.
DOCS_INDEX_RESULTS = 200
# Fingerprints of the GX objects last built for each checkpoint, in the GX project folder.
FINGERPRINT_FILE = "diplowatch_fingerprints.json"


@dataclass
class _Built:
    """What this process knows of the GX objects on disk: their fingerprints and the checkpoints loaded."""

    fingerprints: dict[str, str]
    checkpoints: dict[str, Any] = dataclasses.field(default_factory=dict)


# One GX context per process and quality home, and the checkpoints built or loaded in it.
_CONTEXTS: dict[str, Any] = {}
_BUILT: dict[str, _Built] = {}
# Fingerprints computed in this process, by a plain rendering of the prepared suites.
_FINGERPRINTS: dict[str, str] = {}


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


def _view(class_name: str) -> dict[str, str]:
    """A Data Docs view of ``docs_view`` (GX's own, compiling its templates once per process)."""
    return {"module_name": "diplowatch.quality.docs_view", "class_name": class_name}


def _open_file_context(home: Path) -> Any:
    """Open (creating it on first use) the GX file context, and make its settings ours."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="file", project_root_dir=str(quality_home(home)))
    site = {
        "class_name": "AssetCachingSiteBuilder",
        "module_name": "diplowatch.quality.docs_view",
        "show_how_to_buttons": False,
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir(home))},
        "site_index_builder": {
            "class_name": "DefaultSiteIndexBuilder",
            "view": _view("CachedJinjaIndexPageView"),
            "validation_results_limit": DOCS_INDEX_RESULTS,
        },
        "site_section_builders": {
            section: {"view": _view("CachedJinjaPageView")} for section in ("expectations", "validations")
        },
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
    # We use no config variables; without this, GX re-reads and re-parses
    # uncommitted/config_variables.yml on every access to a context variable (hundreds a run).
    if ctx.variables.config_variables_file_path is not None:
        ctx.variables.config_variables_file_path = None
        changed = True
    if changed:
        ctx.variables.save()
        ctx = gx.get_context(mode="file", project_root_dir=str(quality_home(home)))
    return ctx


def open_context(home: Path, *, reload: bool = False) -> Any:
    """The project's GX file context, with our Data Docs site, no analytics and no progress bars.

    Opened once per process and home, then reused (and made GX's current project again);
    ``reload`` (or a missing project file) opens it afresh from disk.
    """
    key = str(quality_home(home).resolve())
    ctx = _CONTEXTS.get(key)
    if ctx is None or reload or not (gx_dir(home) / "great_expectations.yml").exists():
        ctx = _open_file_context(home)
        _CONTEXTS[key] = ctx
        _BUILT.pop(key, None)
    else:
        from great_expectations.data_context.data_context.context_factory import project_manager

        project_manager.set_project(ctx)
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


def _fingerprint(checkpoint: str, db_path: Path, suites: list[PreparedSuite], gx_suites: list[Any]) -> str:
    """What the GX objects of a checkpoint depend on: the database file, the tables and the suites."""
    doc = {
        "checkpoint": checkpoint,
        "db_path": str(db_path),
        "result_format": RESULT_FORMAT,
        "suites": [
            {"table": p.spec.table, "schema": p.schema, "suite": s.to_json_dict()}
            for p, s in zip(suites, gx_suites, strict=True)
        ],
    }
    return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()


def _cached_fingerprint(checkpoint: str, db_path: Path, suites: list[PreparedSuite]) -> tuple[str, list[Any] | None]:
    """``_fingerprint`` of the suites, and the GX suites when they had to be built for it.

    Building the GX suites costs more than the rest of the set-up; their fingerprint only depends
    on the prepared suites, so within a process it is remembered under a plain rendering of them.
    """
    doc = [
        checkpoint,
        str(db_path),
        [
            [p.spec.name, p.spec.table, p.schema, p.spec.version, p.spec.description]
            + [[e.type, e.kwargs, e.meta] for e in p.expectations]
            for p in suites
        ],
    ]
    key = json.dumps(doc, sort_keys=True, default=str)
    fingerprint = _FINGERPRINTS.get(key)
    if fingerprint is not None:
        return fingerprint, None
    gx_suites = [_to_gx_suite(p) for p in suites]
    fingerprint = _FINGERPRINTS[key] = _fingerprint(checkpoint, db_path, suites, gx_suites)
    return fingerprint, gx_suites


def _stored_fingerprints(home: Path) -> dict[str, str]:
    try:
        return json.loads((gx_dir(home) / FINGERPRINT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _store_fingerprint(home: Path, checkpoint: str, fingerprint: str | None) -> dict[str, str]:
    stored = _stored_fingerprints(home)
    if fingerprint is None:
        stored.pop(checkpoint, None)
    else:
        stored[checkpoint] = fingerprint
    path = gx_dir(home) / FINGERPRINT_FILE
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(stored, sort_keys=True), encoding="utf-8")
    tmp.replace(path)
    return stored


def _build_checkpoint(
    ctx: Any, checkpoint: str, db_path: Path, suites: list[PreparedSuite], gx_suites: list[Any]
) -> Any:
    """(Re)create the checkpoint's data source, table assets, suites and validation definitions."""
    import great_expectations as gx

    ds_name = f"{checkpoint}_duckdb"
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
    for prepared, gx_suite in zip(suites, gx_suites, strict=True):
        schema = {} if prepared.schema == "main" else {"schema_name": prepared.schema}
        asset = ds.add_table_asset(name=prepared.spec.table, table_name=prepared.spec.table, **schema)
        batch_definition = asset.add_batch_definition_whole_table(name="whole_table")
        suite = ctx.suites.add_or_update(gx_suite)
        vd = gx.ValidationDefinition(name=f"{checkpoint}.{prepared.spec.name}", data=batch_definition, suite=suite)
        validation_definitions.append(ctx.validation_definitions.add_or_update(vd))
    return ctx.checkpoints.add_or_update(
        gx.Checkpoint(name=checkpoint, validation_definitions=validation_definitions, result_format=RESULT_FORMAT)
    )


def _checkpoint(home: Path, checkpoint: str, db_path: Path, suites: list[PreparedSuite]) -> tuple[Any, Any]:
    """The context and the GX checkpoint for these suites, rebuilt only when their fingerprint changed.

    The fingerprints this process saw are compared with those on disk: if another process rebuilt
    something in between, the context is reopened from disk first.
    """
    key = str(quality_home(home).resolve())
    stored = _stored_fingerprints(home)
    built = _BUILT.get(key)
    ctx = open_context(home, reload=built is not None and built.fingerprints != stored)
    built = _BUILT.setdefault(key, _Built(fingerprints=dict(stored)))
    fingerprint, gx_suites = _cached_fingerprint(checkpoint, db_path, suites)
    if stored.get(checkpoint) == fingerprint:
        cp = built.checkpoints.get(checkpoint)
        if cp is None:
            try:
                cp = ctx.checkpoints.get(checkpoint)
            except Exception as exc:  # missing or unreadable: rebuild below
                log.info("GX checkpoint %r not reusable (%s); rebuilding it", checkpoint, exc)
        if cp is not None:
            built.checkpoints[checkpoint] = cp
            return ctx, cp
    log.info("GX checkpoint %r: suites or tables changed, rebuilding its GX objects", checkpoint)
    built.fingerprints = _store_fingerprint(home, checkpoint, None)
    cp = _build_checkpoint(ctx, checkpoint, db_path, suites, gx_suites or [_to_gx_suite(p) for p in suites])
    built.fingerprints = _store_fingerprint(home, checkpoint, fingerprint)
    built.checkpoints[checkpoint] = cp
    return ctx, cp


def run_suites(
    home: Path,
    checkpoint: str,
    db_path: Path,
    suites: list[PreparedSuite],
    run_id: str,
    parameters: dict[str, Any] | None = None,
) -> list[ExpectationOutcome]:
    """Validate each suite's table in the DuckDB file with one GX checkpoint run; Data Docs are updated.

    ``parameters`` are the values of the suites' GX parameters (``{"$PARAMETER": name}``) for this run.
    """
    from great_expectations.core.run_identifier import RunIdentifier

    ensure_duckdb_fix()
    ensure_reflection_shortcut()
    setup_started = time.perf_counter()
    ctx, cp = _checkpoint(home, checkpoint, db_path, suites)
    started = time.perf_counter()
    try:
        result = cp.run(
            run_id=RunIdentifier(run_name=run_id, run_time=datetime.now(UTC)),
            expectation_parameters=dict(parameters or {}),
        )
    except BaseException:
        _dispose_engines(ctx, collect=True)
        raise
    _dispose_engines(ctx)
    validated = time.perf_counter()
    # One Data Docs build for the whole run, of this run's results only (and the index).
    ctx.build_data_docs(site_names=[SITE_NAME], resource_identifiers=list(result.run_results))
    docs_done = time.perf_counter()
    tables = {p.spec.name: p for p in suites}
    outcomes: list[ExpectationOutcome] = []
    for suite_result in result.run_results.values():
        prepared = tables.get(suite_result.suite_name)
        for r in suite_result.results:
            outcome = _outcome(suite_result.suite_name, prepared.spec.table if prepared else "?", r)
            if prepared is not None and _is_uniqueness(r.expectation_config):
                outcome = _with_duplicate_count(outcome, db_path, prepared, r.expectation_config.kwargs)
            outcomes.append(outcome)
    LAST_TIMINGS.clear()
    LAST_TIMINGS.update(
        setup=started - setup_started,
        validation=validated - started,
        docs=docs_done - validated,
        messages=time.perf_counter() - docs_done,
    )
    log.info(
        "GX checkpoint %r: setup %.2fs, validation %.2fs, Data Docs %.2fs",
        checkpoint,
        started - setup_started,
        validated - started,
        docs_done - validated,
    )
    return outcomes


def _is_uniqueness(config: Any) -> bool:
    """A "proportion of unique values between 1 and 1" expectation: our cheap uniqueness check."""
    kwargs = config.kwargs or {}
    return config.type == UNIQUE_TYPE and kwargs.get("min_value") == 1 and kwargs.get("max_value") == 1


def _with_duplicate_count(
    outcome: ExpectationOutcome, db_path: Path, prepared: PreparedSuite, kwargs: dict[str, Any]
) -> ExpectationOutcome:
    """A failed uniqueness check with its unexpected count: the rows whose value another row shares.

    The check itself compares count(distinct) with the non-null count (no window function); the
    rows are only counted when it fails, for the message (0 when it passes). GX reports an
    empty table (no proportion to observe) as a failure; with no duplicated rows it is a pass.
    """
    column = kwargs.get("column")
    if outcome.success or not column:
        return dataclasses.replace(outcome, unexpected_count=0) if outcome.success else outcome
    table = f'"{prepared.schema}"."{prepared.spec.table}"'
    col = '"' + str(column).replace('"', '""') + '"'
    sql = f"""
        select coalesce(sum(n), 0) from (
            select count(*) as n from {table} where {col} is not null group by {col} having count(*) > 1
        )
    """
    try:
        with duckdb.connect(str(db_path), read_only=True) as con:
            count = int(con.execute(sql).fetchone()[0])
    except duckdb.Error as exc:
        log.warning("could not count the duplicate rows of %s.%s: %s", prepared.spec.table, column, exc)
        return outcome
    if count == 0:
        return dataclasses.replace(outcome, success=True, unexpected_count=0, detail=None)
    return dataclasses.replace(outcome, unexpected_count=count)


def _dispose_engines(ctx: Any, *datasources: Any, collect: bool = False) -> None:
    """Close every SQLAlchemy engine GX opened on the DuckDB file.

    DuckDB refuses a second connection to a file with a different configuration in the same
    process, so a lingering pooled connection would break the caller's next ``duckdb.connect``.
    Disposing the pools is enough when the run completed (the freeze() fix buffers every result);
    ``collect`` also runs a full garbage collection (~0.4 s with GX loaded), for a run that raised
    and may have left a connection referenced from its traceback.
    """
    candidates = list(datasources)
    with contextlib.suppress(Exception):
        candidates += list(ctx.data_sources.all().values())
    for ds in candidates:
        for engine in (getattr(ds, "_engine", None), getattr(getattr(ds, "_execution_engine", None), "engine", None)):
            if engine is not None:
                with contextlib.suppress(Exception):
                    engine.dispose()
    if collect:
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
