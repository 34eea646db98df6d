"""The marts checkpoint on a small DuckDB warehouse built here: passes when clean, fails when broken."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from diplowatch.quality import run_marts_checkpoint

CLEAN = """
create table dim_missions as select * from (values ('ru_dprk'), ('ru_rok')) as t(mission_id);
create table dim_accounts as select * from (values
    ('telegram:rusembdprk', 'ru_dprk', 'telegram'), ('vk:rusembdprk', 'ru_dprk', 'vk')
) as t(account_uid, mission_id, platform);
create table dim_themes as select * from (values ('chuseok'), ('reception'), ('marathon')) as t(theme_id);
create table dim_entities as select * from (values ('choe_son_hui'), ('pyongyang')) as t(entity_id);
create table fct_posts as select * from (values
    ('telegram:rusembdprk:1', 'telegram:rusembdprk', 'ru_dprk', 'telegram', timestamptz '2017-10-04 09:00:00+00',
     10, 2, 1, 1000, 'ru', false, 'people_centred', 'cg_1'),
    ('telegram:rusembdprk:2', 'telegram:rusembdprk', 'ru_dprk', 'telegram', timestamptz '2017-11-07 10:00:00+00',
     30, 5, 3, 2000, 'ru', true, 'official', 'cg_2'),
    ('vk:rusembdprk:9', 'vk:rusembdprk', 'ru_dprk', 'vk', timestamptz '2018-02-20 08:00:00+00',
     4, 0, 0, null, 'en', false, 'official', 'cg_3')
) as t(post_uid, account_uid, mission_id, platform, published_at, likes, shares, comments, views,
       primary_language, is_bilingual, register, content_group);
create table fct_post_metrics_daily as select * from (values
    ('telegram:rusembdprk:1', date '2017-10-04', 5, 1, 0, 500),
    ('telegram:rusembdprk:1', date '2017-10-05', 10, 2, 1, 1000),
    ('telegram:rusembdprk:2', date '2017-11-07', 30, 5, 3, 2000)
) as t(post_uid, metric_date, likes, shares, comments, views);
create table fct_news_items as select * from (values
    ('news:1', timestamptz '2017-11-08 00:00:00+00')) as t(item_uid, published_at);
create table fct_events as select * from (values ('ev1')) as t(event_id);
create table bridge_event_items as select * from (values
    ('ev1', 'news:1'), ('ev1', 'telegram:rusembdprk:2')) as t(event_id, text_uid);
create table agg_monthly_engagement as select * from (values
    (date '2017-10-01', 'telegram', 'chuseok', 'ru', 1, 1, 13, 1.0, 1000)
) as t(month, platform, theme_id, language, n_posts, n_bilingual_posts, engagement_total, bilingual_share, views_total);
"""

BREAK = """
insert into fct_posts values
    ('telegram:rusembdprk:1', 'telegram:ghost', 'ru_dprk', 'telegram', timestamptz '2017-12-01 00:00:00+00',
     -3, 0, 0, 10, 'ru', false, 'people_centred', 'cg_1');
insert into fct_post_metrics_daily values ('telegram:rusembdprk:1', date '2017-10-06', 10, 2, 1, 100);
insert into bridge_event_items values ('ev_missing', 'news:1');
"""


def _warehouse(path: Path, *scripts: str) -> Path:
    with duckdb.connect(str(path)) as con:
        for script in scripts:
            con.execute(script)
    return path


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    home = tmp_path_factory.mktemp("dwhome")
    mp = pytest.MonkeyPatch()
    mp.setenv("DIPLOWATCH_HOME", str(home))
    try:
        clean = run_marts_checkpoint(_warehouse(home / "clean.duckdb", CLEAN), "run_clean")
        broken = run_marts_checkpoint(_warehouse(home / "broken.duckdb", CLEAN, BREAK), "run_broken")
        partial = run_marts_checkpoint(
            _warehouse(home / "partial.duckdb", "create table fct_posts as select 'x:y:1' as post_uid"), "run_partial"
        )
    finally:
        mp.undo()
    return home, clean, broken, partial


def test_clean_warehouse_passes(outcomes):
    _, clean, _, _ = outcomes
    assert clean.success, clean.summary()
    assert not clean.warnings, clean.summary()
    assert {r.table for r in clean.results} == {
        "dim_missions",
        "dim_accounts",
        "dim_themes",
        "dim_entities",
        "fct_posts",
        "fct_post_metrics_daily",
        "fct_news_items",
        "fct_events",
        "bridge_event_items",
        "agg_monthly_engagement",
    }
    assert not clean.skipped


def test_broken_warehouse_fails_on_keys_foreign_keys_and_counts(outcomes):
    _, _, broken, _ = outcomes
    assert not broken.success
    crit = {(f.expectation, f.table): f.unexpected_count for f in broken.critical_failures}
    # uniqueness is checked with count(distinct); the duplicate rows are counted for the message
    assert crit[("unique(post_uid)", "fct_posts")] == 2
    assert crit[("foreign_key(account_uid -> dim_accounts.account_uid)", "fct_posts")] == 1
    assert crit[("expect_column_values_to_be_between", "fct_posts")] == 1  # likes = -3
    assert crit[("foreign_key(event_id -> fct_events.event_id)", "bridge_event_items")] == 1
    warn = {(w.expectation, w.table): w.unexpected_count for w in broken.warnings}
    assert warn[("metrics_not_decreasing(views, likes; tolerance max(5, 10%))", "fct_post_metrics_daily")] == 1
    messages = "\n".join(f.message for f in broken.critical_failures)
    assert "unique(post_uid) failed on fct_posts.post_uid, 2 unexpected row(s)" in messages
    assert (
        "foreign_key(account_uid -> dim_accounts.account_uid) failed on fct_posts.account_uid, 1 unexpected row(s)"
        in messages
    )


def test_absent_tables_and_columns_are_skipped_with_a_warning(outcomes):
    home, _, _, partial = outcomes
    assert partial.success, partial.summary()
    assert any("table dim_accounts not found" in s for s in partial.skipped)
    assert any("column fct_posts.likes" in s for s in partial.skipped)
    assert {r.table for r in partial.results} == {"fct_posts"}
    assert partial.docs_path == home / "quality" / "docs" / "index.html" and partial.docs_path.exists()
    rows = duckdb.sql(
        f"select count(*) from read_parquet('{(home / 'quality' / 'history').as_posix()}/checkpoint=marts/*.parquet')"
    ).fetchall()[0][0]
    assert rows > 0


def test_missing_warehouse_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="warehouse file"):
        run_marts_checkpoint(tmp_path / "nope.duckdb", "r")


def test_gx_objects_are_reused_while_suites_and_tables_are_unchanged(tmp_path, monkeypatch):
    """A second run on the same warehouse reuses the GX checkpoint; run-time values still apply."""
    monkeypatch.setenv("DIPLOWATCH_HOME", str(tmp_path))
    warehouse = _warehouse(tmp_path / "wh.duckdb", CLEAN)
    first = run_marts_checkpoint(warehouse, "run_1")
    assert first.success, first.summary()
    gx_files = tmp_path / "quality" / "gx"
    checkpoint_file = next((gx_files / "checkpoints").glob("marts*"))
    fingerprints = (gx_files / "diplowatch_fingerprints.json").read_text()
    built_at = checkpoint_file.stat().st_mtime_ns

    # new data, same tables: a post from the future must fail against this run's max_ts parameter
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "insert into fct_posts select * replace (post_uid || ':future' as post_uid, "
            "now() + interval 3 day as published_at) from fct_posts limit 1"
        )
    second = run_marts_checkpoint(warehouse, "run_2")
    assert checkpoint_file.stat().st_mtime_ns == built_at
    assert (gx_files / "diplowatch_fingerprints.json").read_text() == fingerprints
    failed = {(f.expectation, f.column): f.unexpected_count for f in second.critical_failures}
    assert failed == {("expect_column_values_to_be_between", "published_at"): 1}, second.summary()

    # another process rebuilt the checkpoint (fingerprints on disk differ): reload and rebuild
    (gx_files / "diplowatch_fingerprints.json").write_text('{"marts": "from-another-process"}')
    third = run_marts_checkpoint(warehouse, "run_3")
    assert checkpoint_file.stat().st_mtime_ns != built_at
    assert [(r.expectation, r.success) for r in third.results] == [(r.expectation, r.success) for r in second.results]
    assert (tmp_path / "quality" / "docs" / "index.html").exists()


def test_empty_marts_pass_the_key_checks(tmp_path):
    """A warehouse built before any news landed has empty marts: no duplicates, so no failure."""
    empty = CLEAN + "delete from fct_news_items; delete from bridge_event_items; delete from fct_events;"
    outcome = run_marts_checkpoint(_warehouse(tmp_path / "empty.duckdb", empty), "run_empty")
    unique = [r for r in outcome.results if r.table == "fct_news_items" and "unique" in r.expectation]
    assert unique and all(r.success and r.unexpected_count == 0 for r in unique)
    assert outcome.success, outcome.summary()
