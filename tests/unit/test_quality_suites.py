"""Suite files, parameter substitution and the outcome's messages (no GX run)."""

from __future__ import annotations

import json

import pytest
from diplowatch.quality.outcome import CheckpointOutcome, DataQualityError, ExpectationOutcome
from diplowatch.quality.suites import SuiteError, load_suite, load_suites, qualify_refs, resolve

MART_TABLES = {
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


@pytest.mark.parametrize("checkpoint", ["landing", "marts"])
def test_every_suite_loads_and_every_expectation_has_a_severity(checkpoint):
    suites = load_suites(checkpoint)
    assert suites
    for suite in suites:
        assert suite.expectations, suite.name
        assert all(e.severity in ("critical", "warning") for e in suite.expectations)


def test_suites_cover_every_landing_entity_and_mart():
    assert {s.table for s in load_suites("landing")} == {
        "posts",
        "post_metrics",
        "accounts",
        "account_metrics",
        "news_items",
        "landing_sources",
    }
    assert {s.table for s in load_suites("marts")} == MART_TABLES


def test_bad_severity_is_refused_with_file_and_type(tmp_path):
    path = tmp_path / "x.json"
    path.write_text(
        json.dumps(
            {
                "name": "s",
                "table": "t",
                "version": 1,
                "expectations": [
                    {
                        "type": "expect_column_values_to_not_be_null",
                        "kwargs": {"column": "a"},
                        "meta": {"severity": "fatal"},
                    }
                ],
            }
        )
    )
    with pytest.raises(SuiteError, match=r"x.json: expectations\[0\] \(expect_column_values_to_not_be_null\)"):
        load_suite(path)


def test_resolve_skips_missing_tables_and_columns_and_fills_parameters():
    suite = next(s for s in load_suites("marts") if s.table == "fct_posts")
    columns = {
        "fct_posts": {"post_uid", "account_uid", "platform", "published_at", "likes"},
        "dim_accounts": {"account_uid"},
    }
    runnable, skipped = resolve(
        suite, columns, {"max_ts": "2030-01-01", "platforms": ["telegram"]}, {"dim_accounts": '"main"."dim_accounts"'}
    )
    names = {(e.name, e.column) for e in runnable}
    assert ("foreign_key(account_uid -> dim_accounts.account_uid)", "account_uid") in names
    assert any("table dim_missions" in s for s in skipped)
    assert any("column fct_posts.views" in s for s in skipped)
    fk = next(e for e in runnable if e.name.startswith("foreign_key(account_uid"))
    assert '"main"."dim_accounts"' in fk.kwargs["unexpected_rows_query"]
    between = next(e for e in runnable if e.column == "published_at" and "max_value" in e.kwargs)
    assert between.kwargs["max_value"] == "2030-01-01"
    platform = next(e for e in runnable if e.column == "platform")
    assert platform.kwargs["value_set"] == ["telegram"]


def test_resolve_can_leave_parameters_to_gx_so_the_suite_stays_the_same_between_runs():
    suite = next(s for s in load_suites("marts") if s.table == "fct_posts")
    columns = {"fct_posts": {"post_uid", "platform", "published_at"}}
    kwargs_seen, values_seen = [], []
    for max_ts in ("2030-01-01", "2031-06-30"):
        values: dict = {}
        runnable, _ = resolve(suite, columns, {"max_ts": max_ts, "platforms": ["x"]}, gx_parameters=values)
        kwargs_seen.append([e.kwargs for e in runnable])
        values_seen.append(values)
    assert kwargs_seen[0] == kwargs_seen[1]
    between = next(k for k in kwargs_seen[0] if k.get("column") == "published_at" and "max_value" in k)
    assert between["max_value"] == {"$PARAMETER": "marts_fct_posts__max_ts"}
    assert between["min_value"] == {"$PARAMETER": "marts_fct_posts__min_ts"}
    assert values_seen[1]["marts_fct_posts__max_ts"] == "2031-06-30"
    assert values_seen[1]["marts_fct_posts__min_ts"] == suite.params["min_ts"]  # the suite's default
    assert values_seen[1]["marts_fct_posts__platforms"] == ["x"]


def test_uniqueness_of_marts_keys_is_checked_without_a_window_function():
    for suite in load_suites("marts"):
        types = {e.type for e in suite.expectations}
        assert "expect_column_values_to_be_unique" not in types, suite.name
        for e in suite.expectations:
            if e.type == "expect_column_proportion_of_unique_values_to_be_between":
                assert (e.kwargs["min_value"], e.kwargs["max_value"]) == (1, 1), suite.name
                assert e.name == f"unique({e.kwargs['column']})"


def test_qualify_refs():
    assert qualify_refs("select * from ref(a) join ref(b)", {"a": '"s"."a"'}) == 'select * from "s"."a" join b'


def test_outcome_messages_and_raise():
    crit = ExpectationOutcome(
        "landing_posts", "expect_column_values_to_be_unique", "posts", "post_uid", "critical", False, 2
    )
    warn = ExpectationOutcome("landing_posts", "text_not_empty(text)", "posts", "text", "warning", False, 1)
    ok = CheckpointOutcome("landing", "r1", results=[warn])
    assert ok.success and ok.warnings == [warn]
    ok.raise_for_critical()
    bad = CheckpointOutcome("landing", "r1", results=[crit, warn])
    assert not bad.success
    with pytest.raises(DataQualityError) as exc:
        bad.raise_for_critical()
    assert "expect_column_values_to_be_unique failed on posts.post_uid, 2 unexpected row(s)" in str(exc.value)
    assert "text_not_empty" not in str(exc.value)
