"""Benchmark: the GX marts checkpoint against one hand-written DuckDB query computing the same checks.

Builds a warehouse with an N-row ``fct_posts``-like table (plus small ``dim_accounts`` and
``dim_missions`` for the foreign keys) in a temporary DuckDB file, then times

- ``run_marts_checkpoint`` end to end: the whole call, including GX set-up, validation (SQL
  pushdown on DuckDB), the Data Docs build and the history Parquet. Warm: the first call
  (imports, the DuckDB fix self-check, GX project creation, building the suites, validation
  definitions and checkpoint) is not timed and reported as ``checkpoint_cold_s``; later calls
  reuse the process's GX context and, while the suites and tables are unchanged, the GX objects
  (as an Airflow worker re-running the checkpoint on an existing GX project does, minus the imports).
  ``phases_s`` splits the median run into GX set-up, ``Checkpoint.run``, Data Docs and the rest
  (reading the catalog, messages, history); ``gx_validation_s`` is ``Checkpoint.run`` alone;
- one DuckDB query computing the same checks as the suites of the three tables (same data).

Prints one JSON line: {"rows", "checkpoint_s", "query_s", "ratio", ...}. Target: ratio <= 5.
The medians decide; ``ratio_of_minimums`` (fastest run of each side) is printed next to them
to tell a slow machine from a slow checkpoint when other work shares the cores.

    .venv/bin/python bench/bench_validation.py --rows 1000000
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

HAND_WRITTEN = """
with posts as (
    select
        count(*) - count(post_uid) as post_uid_null,
        count(post_uid) - count(distinct post_uid) as post_uid_duplicate,
        count(*) - count(account_uid) as account_uid_null,
        count_if(platform not in ({platforms})) as platform_unknown,
        count(*) - count(published_at) as published_at_null,
        count_if(published_at < timestamptz '2006-01-01 00:00:00+00' or published_at > now() + interval 1 hour)
            as published_at_out_of_range,
        count_if(likes < 0) as likes_negative,
        count_if(shares < 0) as shares_negative,
        count_if(comments < 0) as comments_negative,
        count_if(views < 0) as views_negative,
        count_if(primary_language not in ({languages})) as language_unknown,
        count_if(register not in ({registers})) as register_unknown,
    from fct_posts
),

accounts_missing as (
    select count(*) as account_uid_unresolved
    from fct_posts as p
    anti join dim_accounts as a on p.account_uid = a.account_uid
),

dims as (
    select
        (select count(*) - count(account_uid) + count(account_uid) - count(distinct account_uid) from dim_accounts)
            as dim_accounts_key_failures,
        (select count(*) - count(mission_id) + count(mission_id) - count(distinct mission_id) from dim_missions)
            as dim_missions_key_failures,
        (
            select count(*) from dim_accounts as a anti join dim_missions as m on a.mission_id = m.mission_id
            where a.mission_id is not null
        ) as dim_accounts_mission_unresolved,
        (select count_if(platform not in ({platforms})) from dim_accounts) as dim_accounts_platform_unknown,
),

missions_missing as (
    select count(*) as mission_id_unresolved
    from fct_posts as p
    anti join dim_missions as m on p.mission_id = m.mission_id
    where p.mission_id is not null
)

select * from posts, accounts_missing, missions_missing, dims
"""


def build_warehouse(path: Path, rows: int) -> None:
    """An N-row fct_posts with realistic columns, and the dimensions its keys point to."""
    with duckdb.connect(str(path)) as con:
        con.execute("create table dim_missions as select 'mission_' || range as mission_id from range(50)")
        con.execute(
            """
            create table dim_accounts as
            select
                p.platform || ':acct' || r.range as account_uid,
                'mission_' || (r.range % 50) as mission_id,
                p.platform,
            from range(200) as r
            cross join (values ('telegram'), ('x'), ('facebook'), ('vk')) as p(platform)
            """
        )
        con.execute(
            f"""
            create table fct_posts as
            with base as (
                select
                    range as n,
                    (['telegram', 'x', 'facebook', 'vk'])[1 + range % 4] as platform,
                    range % 200 as acct,
                from range({rows})
            )
            select
                platform || ':acct' || acct || ':' || n as post_uid,
                platform || ':acct' || acct as account_uid,
                'mission_' || (acct % 50) as mission_id,
                platform,
                timestamptz '2017-09-01 00:00:00+00' + to_seconds(n * 60) as published_at,
                (n * 7) % 500 as likes,
                (n * 3) % 50 as shares,
                (n * 5) % 30 as comments,
                (n * 11) % 20000 as views,
                (['ru', 'en', 'ko'])[1 + n % 3] as primary_language,
                n % 5 = 0 as is_bilingual,
                (['official', 'people_centred'])[1 + n % 2] as register,
                'cg_' || (n % 1000) as content_group,
            from base
            """
        )


def _sql_list(values: list[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def time_query(path: Path, params: dict, repeat: int) -> tuple[list[float], dict]:
    sql = HAND_WRITTEN.format(
        platforms=_sql_list(params["platforms"]),
        languages=_sql_list(params["languages"]),
        registers=_sql_list(params["registers"]),
    )
    times = []
    with duckdb.connect(str(path), read_only=True) as con:
        for _ in range(repeat):
            start = time.perf_counter()
            cur = con.execute(sql)
            row = cur.fetchone()
            times.append(time.perf_counter() - start)
            names = [d[0] for d in cur.description]
    return times, dict(zip(names, row, strict=True))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each side (median reported)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)

    with tempfile.TemporaryDirectory(prefix="bench_validation_") as tmp:
        os.environ["DIPLOWATCH_HOME"] = str(Path(tmp) / "home")
        warehouse = Path(tmp) / "warehouse.duckdb"
        start = time.perf_counter()
        build_warehouse(warehouse, args.rows)
        build_s = time.perf_counter() - start

        from diplowatch.quality.marts import marts_params, run_marts_checkpoint
        from diplowatch.quality.suites import load_suites

        params = {**next(s for s in load_suites("marts") if s.table == "fct_posts").params, **marts_params()}

        start = time.perf_counter()
        first = run_marts_checkpoint(warehouse, "bench-warmup")
        cold_s = time.perf_counter() - start

        from diplowatch.quality.gxrun import LAST_TIMINGS

        checkpoint_times, validation_times, phases = [], [], []
        for i in range(args.repeat):
            start = time.perf_counter()
            outcome = run_marts_checkpoint(warehouse, f"bench-{i}")
            elapsed = time.perf_counter() - start
            checkpoint_times.append(elapsed)
            validation_times.append(LAST_TIMINGS["validation"])
            gx_phases = {k: LAST_TIMINGS[k] for k in ("setup", "validation", "docs")}
            phases.append((elapsed, {**gx_phases, "other": elapsed - sum(gx_phases.values())}))
        checkpoint_s = statistics.median(checkpoint_times)
        validation_s = statistics.median(validation_times)
        median_phases = sorted(phases, key=lambda p: p[0])[len(phases) // 2][1]
        query_times, counts = time_query(warehouse, params, args.repeat)
        query_s = statistics.median(query_times)

    fct_results = [r for r in outcome.results if r.table == "fct_posts"]
    report = {
        "rows": args.rows,
        "checkpoint_s": round(checkpoint_s, 3),
        "query_s": round(query_s, 3),
        "ratio": round(checkpoint_s / query_s, 2) if query_s else None,
        "timed": "whole run_marts_checkpoint call: GX set-up, validation, Data Docs, history",
        "phases_s": {k: round(v, 3) for k, v in median_phases.items()},
        "gx_validation_s": round(validation_s, 3),
        "gx_validation_ratio": round(validation_s / query_s, 2) if query_s else None,
        "target_ratio": 5,
        "repeat": args.repeat,
        # Minimums of the same runs: on a shared machine, the least disturbed run of each side.
        "checkpoint_min_s": round(min(checkpoint_times), 3),
        "query_min_s": round(min(query_times), 3),
        "ratio_of_minimums": round(min(checkpoint_times) / min(query_times), 2) if min(query_times) else None,
        "checkpoint_cold_s": round(cold_s, 3),
        "build_s": round(build_s, 3),
        "expectations": len(outcome.results),
        "fct_posts_expectations": len(fct_results),
        "checkpoint_success": outcome.success and first.success,
        "query_failures": sum(1 for v in counts.values() if v),
    }
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
