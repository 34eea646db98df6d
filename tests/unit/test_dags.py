"""Every DAG file imports cleanly, and each DAG has the tasks, schedule and retries it should."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def dagbag(tmp_path_factory):
    home = tmp_path_factory.mktemp("airflow")
    os.environ.setdefault("AIRFLOW_HOME", str(home))
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(REPO / "dags"), known_pools={"duckdb_writer", "default_pool"})


def test_no_import_errors(dagbag):
    assert dagbag.import_errors == {}


def test_one_ingest_dag_per_source_and_the_warehouse(dagbag):
    assert set(dagbag.dag_ids) == {
        "telegram_ingest",
        "x_ingest",
        "facebook_ingest",
        "vk_ingest",
        "news_ingest",
        "imports_ingest",
        "warehouse",
    }


def test_dags_are_documented_with_retries(dagbag):
    for dag in dagbag.dags.values():
        assert dag.doc_md and len(dag.doc_md) > 100, dag.dag_id
        for t in dag.tasks:
            if not t.task_id.startswith("dbt") and not t.task_id.startswith("validate_"):
                assert t.retries >= 1, f"{dag.dag_id}.{t.task_id}"


def test_ingest_dag_shape(dagbag):
    dag = dagbag.dags["telegram_ingest"]
    assert {t.task_id for t in dag.tasks} == {"list_accounts", "extract_and_land", "validate_landing"}
    assert [o.name for o in dag.get_task("validate_landing").outlets] == ["landing_telegram"]
    assert dag.catchup is False and dag.max_active_runs == 1


def test_warehouse_is_scheduled_on_every_landing_asset(dagbag):
    dag = dagbag.dags["warehouse"]
    names = {a.name for a in dag.timetable.asset_condition.objects}
    assert names == {f"landing_{s}" for s in ("telegram", "x", "facebook", "vk", "news", "imports")}
    ids = {t.task_id for t in dag.tasks}
    assert {"prepare", "validate_marts", "publish", "docs_and_report", "summarize"} <= ids
    # cosmos renders an ephemeral model (a CTE of the models that read it) as an EmptyOperator: it runs nothing
    writers = [
        t
        for t in dag.tasks
        if (t.task_id.startswith("dbt") and type(t).__name__ != "EmptyOperator") or t.task_id in {"prepare", "publish"}
    ]
    assert writers and all(t.pool == "duckdb_writer" for t in writers)
    dbt_runs = {t.task_id for t in writers if t.task_id.startswith("dbt")}
    assert any("fct_posts" in i for i in dbt_runs) and not any("stg_x__posts" in i for i in dbt_runs)
