"""The warehouse DAG: dbt builds the marts from landing, GX validates them, the build is published.

Scheduled on the Assets the ingest DAGs publish (any of them). Asset-triggered
runs have no dates in Airflow 3, so everything here keys on ``run_id`` and the
triggering asset events, never on ``ds``. Every task that writes the DuckDB
warehouse runs in the one-slot pool ``duckdb_writer``.

Steps: prepare → dbt (one task per seed/model, grouped by layer, tests run with
each model) → GX checkpoint ``marts`` → publish the validated build as a
read-only snapshot plus Parquet exports → dbt docs and the run report → summary.
A failed check stops the run before publishing: the previous marts stay in place.

With ``DIPLOWATCH_DBT_RENDER=build`` the dbt step is one ``dbt build`` task instead
of one task per model: the same models and tests, a faster run, less detail in the UI.

The tasks hand the DuckDB build file to each other on the worker's disk, so with several Celery
workers they must all run on one: ``DIPLOWATCH_WAREHOUSE_QUEUE`` names the Celery queue every
warehouse task (dbt tasks included) goes to, consumed by one dedicated worker (docker-compose's
``airflow-warehouse-worker``). Unset, the tasks keep Airflow's default queue (LocalExecutor, the demo).
"""

from __future__ import annotations

import logging
import os
from datetime import timedelta

import pendulum
from airflow.sdk import DAG, AssetAny, task
from diplowatch import paths, warehouse
from diplowatch.assets import landing_asset
from diplowatch.config import load_watchlist
from diplowatch.ops.callbacks import on_failure

log = logging.getLogger(__name__)
WATCHLIST = load_watchlist()
POOL = "duckdb_writer"
POST_SOURCES = sorted({a.platform for _, a in WATCHLIST.accounts()} & {"telegram", "x", "facebook", "vk"})
SOURCES = [*POST_SOURCES, "news", "imports"]
QUEUE_ENV = "DIPLOWATCH_WAREHOUSE_QUEUE"


def queue_args() -> dict[str, str]:
    """``{"queue": <name>}`` from ``$DIPLOWATCH_WAREHOUSE_QUEUE``, or nothing (Airflow's default queue) when unset."""
    name = (os.environ.get(QUEUE_ENV) or "").strip()
    return {"queue": name} if name else {}


DEFAULT_ARGS = {
    "owner": "diplowatch",
    "retries": 1,
    "retry_delay": timedelta(minutes=1),
    "retry_exponential_backoff": True,
    "on_failure_callback": on_failure,
    **queue_args(),
}


def dbt_task_group(dag: DAG):
    """dbt models as Airflow tasks (astronomer-cosmos), rendered from the pre-built manifest."""
    from cosmos import DbtTaskGroup, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
    from cosmos.constants import ExecutionMode, InvocationMode, LoadMode, TestBehavior

    return DbtTaskGroup(
        group_id="dbt",
        dag=dag,
        project_config=ProjectConfig(
            dbt_project_path=paths.DBT_PROJECT,
            manifest_path=warehouse.MANIFEST,
            env_vars={"DIPLOWATCH_HOME": str(paths.home())},
            partial_parse=True,
            install_dbt_deps=False,
        ),
        profile_config=ProfileConfig(
            profile_name="diplowatch", target_name="dev", profiles_yml_filepath=paths.DBT_PROJECT / "profiles.yml"
        ),
        execution_config=ExecutionConfig(
            execution_mode=ExecutionMode.LOCAL,
            invocation_mode=InvocationMode.DBT_RUNNER,
            dbt_executable_path=warehouse.dbt_executable(),
        ),
        render_config=RenderConfig(
            load_method=LoadMode.DBT_MANIFEST,
            test_behavior=TestBehavior.BUILD,
            emit_datasets=False,
            group_nodes_by_folder=True,
        ),
        operator_args={"pool": POOL, **queue_args()},
        default_args={"retries": 0, **queue_args()},
    )


with DAG(
    dag_id="warehouse",
    description="dbt build of the marts from landing, GX checkpoint, publish, docs and report.",
    doc_md=__doc__,
    schedule=AssetAny(*(landing_asset(s) for s in SOURCES)),
    start_date=pendulum.parse(WATCHLIST.settings.start_date),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["diplowatch", "warehouse", "dbt", "gx"],
) as dag:

    @task(pool=POOL)
    def prepare(**context) -> dict:
        """Mirror landing from the lake's object store (scale-out), make every landing glob match, note the trigger."""
        from diplowatch import lakestore, landing

        lake = lakestore.store()
        if lake is not None:
            print(f"pulled {lake.pull('landing')} new or changed landing file(s) from {lake.uri}")
        landing.ensure_schema_files()
        warehouse.build_file().parent.mkdir(parents=True, exist_ok=True)
        events = context.get("triggering_asset_events") or {}
        triggered = {str(k): [dict(e.extra or {}) for e in v] for k, v in events.items()}
        print(f"run {context['run_id']} triggered by: {triggered or 'hand'}")
        return {"run_id": context["run_id"], "triggered_by": triggered}

    @task(pool=POOL, retries=0)
    def validate_marts(**context) -> dict:
        """GX checkpoint `marts` on the freshly built tables; critical failures stop publishing."""
        from diplowatch.quality import run_marts_checkpoint

        outcome = run_marts_checkpoint(warehouse.build_file(), run_id=context["run_id"])
        print(outcome.summary())
        outcome.raise_for_critical()
        return {"success": outcome.success, "warnings": len(outcome.warnings), "docs": str(outcome.docs_path)}

    @task(pool=POOL)
    def publish(**context) -> dict:
        """Swap the validated build in as the read-only published warehouse; export marts to Parquet.

        Scale-out: the exports also go to the lake's object store, under ``<uri>/marts/``.
        """
        from diplowatch import lakestore
        from diplowatch.publish import publish as do_publish

        result = do_publish(formats=("parquet", "csv"))
        print(result.summary())
        lake = lakestore.store()
        if lake is not None:
            pushed = lake.push_marts([*result.exports, result.schema_file])
            print(f"pushed {len(pushed)} marts export(s) to {lake.uri}/{lakestore.MARTS_PREFIX}/")
        return {"published": str(result.warehouse), "tables": dict(result.tables)}

    @task
    def docs_and_report(quality: dict, **context) -> dict:
        """dbt docs site and the run report (static HTML with charts)."""
        from diplowatch.report import write_report

        warehouse.run_dbt("docs", "generate", "--static", check=False)
        out = write_report(quality={"marts": quality}, run_id=context["run_id"])
        print(f"report: {out}\ndbt docs: {paths.DBT_PROJECT / 'target' / 'static_index.html'}")
        return {"report": str(out)}

    @task
    def summarize(quality: dict, report: dict, **context) -> dict:
        """Rows landed and per mart, the data-quality verdict, the report; also the DAG run's note in the UI."""
        from diplowatch.ops.notes import set_run_note, warehouse_note
        from diplowatch.summary import run_summary

        summary = run_summary(quality={"marts": quality}, report=report.get("report"))
        print(summary["text"])
        set_run_note(context, warehouse_note(summary))
        return summary

    start = prepare()
    quality = validate_marts()
    if warehouse.MANIFEST.exists() and os.environ.get("DIPLOWATCH_DBT_RENDER", "models") == "models":
        dbt = dbt_task_group(dag)
        start >> dbt >> quality
    else:  # DIPLOWATCH_DBT_RENDER=build, or no manifest yet (fresh checkout): one `dbt build` task

        @task(pool=POOL)
        def dbt_build() -> None:
            """dbt build of every model (the per-model view needs dbt_project/target/manifest.json)."""
            warehouse.run_dbt("build")

        start >> dbt_build() >> quality
    published = publish()
    quality >> published
    rep = docs_and_report(quality)
    published >> rep
    summarize(quality, rep)
