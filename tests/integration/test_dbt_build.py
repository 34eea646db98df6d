"""dbt build of the warehouse on small landing data: marts, idempotence, incremental runs, analyses.

One module-scoped home (tmp DIPLOWATCH_HOME) is built once and taken through the steps in order:
first build, re-run, a second ingest run, full-refresh comparison, analyses.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import duckdb
import pytest
from diplowatch import landing, paths

DBT_PROJECT = paths.DBT_PROJECT
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "dbt"
ANALYSES = sorted(p.stem for p in (DBT_PROJECT / "analyses").glob("*.sql"))
BUT_BUILD_TIMES = "columns(lambda c: c not in ('built_at', 'enriched_at', 'texts_built_at', 'tagged_built_at'))"
INCREMENTAL = (
    "stg_posts",
    "stg_post_metrics",
    "stg_news__items",
    "fct_post_metrics",
    "fct_post_metrics_daily",
    "fct_posts",
)


def _builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dbt_landing_builder", FIXTURES / "landing_builder.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


lb = _builder()


class Warehouse:
    """A tmp DIPLOWATCH_HOME with its dbt target folder, and helpers to run dbt and query the result."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.target = home / "dbt_target"
        self.db = home / "build" / "warehouse.duckdb"
        self.landing = home / "lake" / "landing"

    def dbt(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run dbt on the project into this home; fail the test with dbt's output if it fails (``check``)."""
        self.db.parent.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "DIPLOWATCH_HOME": str(self.home),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
            "DO_NOT_TRACK": "1",
        }
        cmd = [
            str(Path(sys.executable).with_name("dbt")),
            *args,
            "--project-dir",
            str(DBT_PROJECT),
            "--profiles-dir",
            str(DBT_PROJECT),
            "--target-path",
            str(self.target),
            "--log-path",
            str(self.home / "dbt_logs"),
        ]
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        if check:
            assert proc.returncode == 0, f"dbt {' '.join(args)} failed:\n{proc.stdout[-6000:]}\n{proc.stderr[-2000:]}"
        return proc

    def rows(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.db), read_only=True) as con:
            return con.sql(sql).fetchall()

    def table(self, name: str, order_by: str) -> list[tuple]:
        """A mart's rows but their build times (built_at, enriched_at: when a build computed them)."""
        return self.rows(f"select {BUT_BUILD_TIMES} from main.{name} order by {order_by}")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    # Paths are explicit: the autouse fixture of tests/conftest.py resets DIPLOWATCH_HOME per test.
    wh = Warehouse(tmp_path_factory.mktemp("dbt_home"))
    landing.ensure_schema_files(wh.landing)
    lb.land_first_run(wh.landing)
    wh.dbt("build")
    return wh


def test_fct_posts_has_one_row_per_post_with_latest_metrics(warehouse: Warehouse) -> None:
    n_posts = len(lb.TELEGRAM_POSTS) + len(lb.X_POSTS)
    assert warehouse.rows("select count(*), count(distinct post_uid) from main.fct_posts") == [(n_posts, n_posts)]
    by_uid = {
        r[0]: r[1:]
        for r in warehouse.rows(
            "select post_uid, n_metric_snapshots, engagement, engagement_24h, engagement_7d,"
            " followers_at_posting, engagement_per_1k_followers, platform from main.fct_posts"
        )
    }
    # Telegram: snapshots at +1 h, +23 h, +7 d; latest = base 60; 24 h = the +23 h snapshot (base 40).
    tg = by_uid["telegram:rusembdprk:101"]
    assert tg[:4] == (3, lb.expected_engagement(60), lb.expected_engagement(40), lb.expected_engagement(60))
    # Followers at posting: the snapshot at or before published_at (1000), not the later one (1200).
    assert tg[4] == 1000
    assert tg[5] == pytest.approx(1000 * lb.expected_engagement(60) / 1000)
    # X: latest snapshot (+20 h, base 30) also serves the 24 h age; no snapshot near 7 days.
    x = by_uid["x:rusembdprk:9001"]
    assert x[:4] == (2, lb.expected_engagement(30), lb.expected_engagement(30), None)
    # Followers at posting: no snapshot before, so the first one after.
    assert x[4] == 500
    assert {r[6] for r in by_uid.values()} == {"telegram", "x"}


def test_staging_and_dims_cover_both_platforms(warehouse: Warehouse) -> None:
    assert warehouse.rows("select platform, count(*) from staging.stg_posts group by all order by 1") == [
        ("telegram", len(lb.TELEGRAM_POSTS)),
        ("x", len(lb.X_POSTS)),
    ]
    accounts = dict(warehouse.rows("select account_uid, followers from main.dim_accounts"))
    assert accounts["telegram:rusembdprk"] == 1200  # latest snapshot
    assert accounts["x:rusembdprk"] == 500
    assert "vk:rusembdprk" in accounts  # from the watch-list seed, nothing landed yet
    assert warehouse.rows("select mission_id from main.dim_missions") == [("ru_emb_dprk",)]
    assert warehouse.rows("select count(*) from main.fct_news_items") == [(len(lb.NEWS),)]


def test_rerun_is_idempotent(warehouse: Warehouse) -> None:
    keys = {
        "fct_posts": "post_uid",
        "fct_post_metrics": "post_uid, observed_at",
        "fct_post_metrics_daily": "post_uid, metric_date",
        "agg_monthly_engagement": "all",
    }
    before = {name: warehouse.table(name, order) for name, order in keys.items()}
    warehouse.dbt("run")
    after = {name: warehouse.table(name, order) for name, order in keys.items()}
    assert after == before
    assert warehouse.rows("select count(*) from main.fct_post_metrics") == [(3 * 4 + 2 * 3,)]


def test_incremental_run_after_new_data_matches_full_refresh(warehouse: Warehouse) -> None:
    lb.land_second_run(warehouse.landing)
    warehouse.dbt("build")
    n_posts = len(lb.TELEGRAM_POSTS) + len(lb.X_POSTS) + 1
    assert warehouse.rows("select count(*), count(distinct post_uid) from main.fct_posts") == [(n_posts, n_posts)]
    latest = dict(warehouse.rows("select post_uid, engagement from main.fct_posts"))
    assert latest["telegram:rusembdprk:101"] == lb.expected_engagement(100)
    assert latest["x:rusembdprk:9001"] == lb.expected_engagement(80)
    assert latest["telegram:rusembdprk:105"] == lb.expected_engagement(15)
    edited = warehouse.rows("select post_text from main.fct_posts where post_uid = 'x:rusembdprk:9003'")
    assert edited == [("A concert of Russian music at the embassy (edited).",)]
    assert warehouse.rows("select count(*) from main.fct_post_metrics") == [(3 * 4 + 2 * 3 + 3,)]

    orders = {
        "fct_post_metrics": "post_uid, observed_at",
        "fct_post_metrics_daily": "post_uid, metric_date",
        "fct_posts": "post_uid",
        "fct_news_items": "item_uid",
        "fct_events": "event_id",
        "bridge_event_items": "all",
    }
    staging = {"stg_posts": "post_uid", "stg_post_metrics": "post_uid, observed_at", "stg_news__items": "item_uid"}
    incremental = {name: warehouse.table(name, order) for name, order in orders.items()}
    incremental |= {name: warehouse.rows(f"select * from staging.{name} order by {o}") for name, o in staging.items()}
    warehouse.dbt("run", "--full-refresh", "--select", *(f"{name}+" for name in INCREMENTAL))
    full = {name: warehouse.table(name, order) for name, order in orders.items()}
    full |= {name: warehouse.rows(f"select * from staging.{name} order by {o}") for name, o in staging.items()}
    for name, rows in incremental.items():
        assert full[name] == rows, f"{name}: incremental run differs from a full refresh"


@pytest.mark.parametrize("analysis", ANALYSES)
def test_analysis_compiles_and_answers(warehouse: Warehouse, analysis: str) -> None:
    compiled = warehouse.target / "compiled" / "diplowatch" / "analyses" / f"{analysis}.sql"
    if not compiled.exists():
        warehouse.dbt("compile", "--select", "resource_type:analysis")
    rows = warehouse.rows(compiled.read_text(encoding="utf-8"))
    assert rows, f"analysis {analysis} returned no rows on the test data"


def test_analyses_give_the_expected_answers(warehouse: Warehouse) -> None:
    compiled = warehouse.target / "compiled" / "diplowatch" / "analyses"
    if not (compiled / "q2_bilingual_share_by_platform_month.sql").exists():
        warehouse.dbt("compile", "--select", "resource_type:analysis")
    q2 = _read(compiled, "q2")
    bilingual = dict(warehouse.rows(f"select platform, sum(n_bilingual_ru_en) from ({q2}) group by 1"))
    # Three Telegram posts carry Russian + English paragraphs; no X post does.
    assert bilingual == {"telegram": 3, "x": 0}
    registers = {r[0] for r in warehouse.rows(f"select register from ({_read(compiled, 'q1')})")}
    assert {"official", "people_centred"} <= registers


def _read(folder: Path, prefix: str) -> str:
    (path,) = folder.glob(f"{prefix}_*.sql")
    return path.read_text(encoding="utf-8")


def test_every_staging_and_mart_column_is_documented(warehouse: Warehouse) -> None:
    manifest = json.loads((warehouse.target / "manifest.json").read_text(encoding="utf-8"))
    checked = 0
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model" or node["schema"] not in ("staging", "main"):
            continue
        assert node["description"].strip(), f"{node['name']}: no description in its yml"
        documented = {name for name, col in node["columns"].items() if col.get("description", "").strip()}
        # A platform's staging model is ephemeral (a CTE of its union model): it has the union's columns.
        table = f"stg_{node['name'].split('__')[1]}" if node["config"]["materialized"] == "ephemeral" else node["name"]
        actual = {
            r[0]
            for r in warehouse.rows(
                "select column_name from information_schema.columns"
                f" where table_schema = '{node['schema']}' and table_name = '{table}'"
            )
        }
        assert actual, f"{node['schema']}.{table} is not in the warehouse"
        assert actual == documented, f"{node['name']}: undocumented {actual - documented}, stale {documented - actual}"
        checked += 1
    assert checked >= 30


# Last in the module: it changes int_texts_tagged of the shared warehouse.
def test_retagged_text_without_tags_loses_its_rows(warehouse: Warehouse) -> None:
    """int_texts_themes/_entities/_register redo the texts tagged again since their last build; a text
    that now has no themes or entities loses its old rows (delete+insert alone would keep them)."""
    uid = warehouse.rows(
        "select t.text_uid from intermediate.int_texts_themes as t"
        " semi join intermediate.int_texts_entities as e using (text_uid) order by 1 limit 1"
    )[0][0]
    with duckdb.connect(str(warehouse.db)) as con:
        con.execute(
            "update intermediate.int_texts_tagged set theme_ids = [], entity_ids = [], register = 'none',"
            " built_at = now()::timestamp + interval 1 second where text_uid = ?",
            [uid],
        )
    models = ("int_texts_themes", "int_texts_entities", "int_texts_register")
    warehouse.dbt("run", "--select", *models)
    incremental = {m: warehouse.rows(f"select {BUT_BUILD_TIMES} from intermediate.{m} order by all") for m in models}
    assert not [r for r in incremental["int_texts_themes"] if r[0] == uid]
    assert not [r for r in incremental["int_texts_entities"] if r[0] == uid]
    assert (uid, "none") in incremental["int_texts_register"]
    warehouse.dbt("run", "--full-refresh", "--select", *models)
    for m in models:
        full = warehouse.rows(f"select {BUT_BUILD_TIMES} from intermediate.{m} order by all")
        assert full == incremental[m], f"{m}: incremental run differs from a full refresh"


# After the test above: it changes int_texts and int_texts_tagged of the shared warehouse.
def test_enrichment_redoes_rebuilt_texts_and_texts_of_other_seeds(warehouse: Warehouse) -> None:
    """int_texts_languages compares only the texts int_texts wrote since its own last build (and redoes
    the changed ones); int_texts_tagged redoes every text once some were tagged with other seeds."""
    rebuilt, stale = (
        r[0]
        for r in warehouse.rows("select text_uid from intermediate.int_texts where kind = 'post' order by 1 limit 2")
    )
    n_texts = warehouse.rows("select count(*) from intermediate.int_texts")[0][0]
    with duckdb.connect(str(warehouse.db)) as con:
        con.execute(
            "update intermediate.int_texts set body_text = 'Посольство России. The Embassy of Russia in Pyongyang.',"
            " text_hash = 'rebuilt', built_at = now()::timestamp + interval 1 second where text_uid = ?",
            [rebuilt],
        )
        con.execute("update intermediate.int_texts_tagged set seed_version = 'older-seeds' where text_uid = ?", [stale])
        before = con.execute("select max(built_at) from intermediate.int_texts_languages").fetchone()[0]
    warehouse.dbt("run", "--select", "int_texts_languages", "int_texts_tagged")
    redone = warehouse.rows(
        f"select text_uid, text_hash from intermediate.int_texts_languages where built_at > '{before}'"
    )
    assert redone == [(rebuilt, "rebuilt")]
    tagged = warehouse.rows(
        "select count(*), count_if(seed_version = 'older-seeds') from intermediate.int_texts_tagged"
    )
    assert tagged == [(n_texts, 0)]
    assert warehouse.rows(f"select count(*) from intermediate.int_texts_tagged where built_at > '{before}'") == [
        (n_texts,)
    ]


def test_news_relevance_redoes_rebuilt_items_and_every_item_after_a_retag(warehouse: Warehouse) -> None:
    """int_news_relevance compares only the news items int_texts wrote since its own last build; once
    some tags were made with other seeds, it compares every item."""
    rebuilt, tampered = (
        r[0] for r in warehouse.rows("select item_uid from intermediate.int_news_relevance order by 1 limit 2")
    )
    with duckdb.connect(str(warehouse.db)) as con:
        con.execute(
            "update intermediate.int_texts set text_hash = 'rebuilt', built_at = now()::timestamp + interval 1 second"
            " where text_uid = ?",
            [rebuilt],
        )
        # a row that differs from its text: redone only if the model compares it
        con.execute("update intermediate.int_news_relevance set text_hash = 'tampered' where item_uid = ?", [tampered])
        before = con.execute("select max(built_at) from intermediate.int_news_relevance").fetchone()[0]
    warehouse.dbt("run", "--select", "int_news_relevance")
    redone = warehouse.rows(
        f"select item_uid, text_hash from intermediate.int_news_relevance where built_at > '{before}'"
    )
    assert redone == [(rebuilt, "rebuilt")]

    with duckdb.connect(str(warehouse.db)) as con:
        con.execute(
            "update intermediate.int_texts_tagged set seed_version = 'older-seeds'"
            " where text_uid = (select min(text_uid) from intermediate.int_texts where kind = 'post')"
        )
    warehouse.dbt("run", "--select", "int_news_relevance")
    expected = warehouse.rows(f"select text_hash from intermediate.int_texts where text_uid = '{tampered}'")
    assert (
        warehouse.rows(f"select text_hash from intermediate.int_news_relevance where item_uid = '{tampered}'")
        == expected
    )


def test_row_checks_name_each_failing_row_and_check(warehouse: Warehouse) -> None:
    """The row_checks test of a model (its key, not-null columns and accepted values in one query) fails on
    a duplicated key, a null and a value outside the list, and names the check each failing row breaks."""
    with duckdb.connect(str(warehouse.db)) as con:
        text_uid, register = con.execute(
            "select text_uid, register from intermediate.int_texts_register order by text_uid limit 1"
        ).fetchone()
        con.execute(
            "insert into intermediate.int_texts_register (text_uid, register)"
            " values (?, 'bogus'), ('no-register', null)",
            [text_uid],
        )
    try:
        proc = warehouse.dbt("test", "--select", "int_texts_register", "--store-failures", check=False)
        assert proc.returncode == 1
        assert "Got 4 results" in proc.stdout
        (schema, table) = warehouse.rows(
            "select schema_name, table_name from duckdb_tables() where table_name like 'row_checks_int_texts_register%'"
        )[0]
        failures = warehouse.rows(f'select failed_check, text_uid, register from {schema}."{table}"')
        assert sorted(failures, key=repr) == sorted(
            [
                ("unique: text_uid", text_uid, register),
                ("unique: text_uid", text_uid, "bogus"),
                ("not_null: register", "no-register", None),
                ("accepted_values: register", text_uid, "bogus"),
            ],
            key=repr,
        )
    finally:
        with duckdb.connect(str(warehouse.db)) as con:
            con.execute(
                "delete from intermediate.int_texts_register where register = 'bogus' or text_uid = 'no-register'"
            )
    warehouse.dbt("test", "--select", "int_texts_register")
