"""Pure parts of publishing: which tables are marts, argument checks."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from diplowatch.publish import build_path, dbt_descriptions, is_mart, list_marts, publish


def test_marts_are_recognised_by_prefix() -> None:
    assert all(is_mart(n) for n in ("dim_themes", "fct_posts", "agg_monthly_engagement", "bridge_event_items"))
    assert not any(is_mart(n) for n in ("stg_telegram__posts", "int_posts_languages", "themes", "fact_x"))


def test_list_marts_skips_views_and_other_schemas() -> None:
    con = duckdb.connect()
    con.execute("create table fct_a as select 1 as x; create view fct_v as select 1 as x; create table stg_b (x int)")
    con.execute("create schema other; create table other.fct_c (x int)")
    assert list_marts(con) == ["fct_a"]


def test_unknown_format_is_refused(diplowatch_home: Path) -> None:
    with pytest.raises(ValueError, match="xlsx"):
        publish(formats=("parquet", "xlsx"))
    assert build_path() == diplowatch_home.resolve() / "build" / "warehouse.duckdb"


def test_dbt_descriptions_come_from_the_manifest(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.json"
    node = {
        "resource_type": "model",
        "name": "fct_posts",
        "description": "One row per post.",
        "columns": {"post_uid": {"description": "Post key."}},
    }
    manifest.write_text(
        json.dumps({"nodes": {"model.diplowatch.fct_posts": node, "seed.x": {"resource_type": "seed"}}})
    )
    assert dbt_descriptions(manifest) == {"fct_posts": {"post_uid": "Post key.", "": "One row per post."}}
    assert dbt_descriptions(tmp_path / "missing.json") == {}
