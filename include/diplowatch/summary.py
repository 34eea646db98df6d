"""The short summary a run (and ``make demo``) ends with: rows landed, rows per mart, verdict, where to query."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from diplowatch import paths

ENTITIES = ("posts", "post_metrics", "accounts", "account_metrics", "news_items", "rejects")


def landed_counts(root: Path | None = None) -> dict[str, dict[str, int]]:
    """Rows in the landing zone per entity and platform (all runs)."""
    root = root or paths.landing()
    out: dict[str, dict[str, int]] = {}
    with duckdb.connect() as con:
        for entity in ENTITIES:
            if not any((root / entity).glob("*/*/*.parquet")):
                continue
            rows = con.execute(
                f"select platform, count(*) from read_parquet('{(root / entity).as_posix()}/*/*/*.parquet',"
                " hive_partitioning = true, union_by_name = true) where platform <> '_none' group by 1 order by 1"
            ).fetchall()
            if rows:
                out[entity] = dict(rows)
    return out


def mart_counts(db: Path | None = None) -> dict[str, int]:
    """Rows per mart (dim_/fct_/agg_/bridge_ tables) of the published warehouse."""
    db = db or paths.warehouse()
    if not db.exists():
        return {}
    with duckdb.connect(str(db), read_only=True) as con:
        names = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'main' and ("
                "table_name like 'dim\\_%' escape '\\' or table_name like 'fct\\_%' escape '\\'"
                " or table_name like 'agg\\_%' escape '\\' or table_name like 'bridge\\_%' escape '\\') order by 1"
            ).fetchall()
        ]
        return {n: con.execute(f'select count(*) from "{n}"').fetchone()[0] for n in names}


def run_summary(quality: dict | None = None, report: str | None = None) -> dict:
    """Collect the figures and render them as text; also written to ``$DIPLOWATCH_HOME/last_run.json``."""
    landed = landed_counts()
    marts = mart_counts()
    lines = ["", "== diplowatch run summary ==", "Rows landed (landing zone, per entity and platform):"]
    for entity, per in landed.items():
        lines.append(f"  {entity:<16} " + ", ".join(f"{p}={n}" for p, n in per.items()))
    lines.append("Rows per mart (published warehouse):")
    lines += [f"  {name:<28} {n}" for name, n in marts.items()] or ["  (none published)"]
    verdict = "unknown"
    if quality:
        verdict = "PASSED" if all(q.get("success", False) for q in quality.values()) else "FAILED"
        for name, q in quality.items():
            lines.append(
                f"Data quality [{name}]: {'passed' if q.get('success') else 'FAILED'}"
                f", {q.get('warnings', 0)} warning(s); Data Docs: {q.get('docs')}"
            )
    lines.append(f"Data-quality verdict: {verdict}")
    lines.append(f'Query it: .venv/bin/diplowatch query "select ..."  (read-only: {paths.warehouse()})')
    lines.append(f"Marts as Parquet: {paths.marts_export()}/")
    if report:
        lines.append(f"Run report: {report}")
    text = "\n".join(lines)
    summary = {"landed": landed, "marts": marts, "verdict": verdict, "quality": quality, "report": report, "text": text}
    paths.home().mkdir(parents=True, exist_ok=True)
    (paths.home() / "last_run.json").write_text(json.dumps(summary, indent=2, default=str), encoding="utf-8")
    return summary
