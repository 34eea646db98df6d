"""``diplowatch``: what analysts and engineers do by hand, without Airflow.

    diplowatch query "select ..." [--format table|csv|json|parquet] [--out FILE] [--max-rows N]
    diplowatch import FILE [--kind posts|news] [--platform generic|crowdtangle|x|facebook]
                           [--mission ID --account HANDLE]
    diplowatch status [--runs N] [--json]
    diplowatch report [--out FILE] [--quality FILE.json]
    diplowatch publish [--csv]

``query`` reads the published warehouse (``$DIPLOWATCH_HOME/warehouse.duckdb``) read-only, so it
never blocks a pipeline run. Exit status: 0 ok, 1 the command failed (the message says why), 2 usage.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import sqlite3
import sys
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TextIO

import duckdb

from diplowatch import landing, paths

log = logging.getLogger("diplowatch.cli")

IMPORT_PLATFORMS = ("generic", "crowdtangle", "x", "facebook")
ENTITIES = ("posts", "post_metrics", "accounts", "account_metrics", "news_items", "rejects")


class CliError(RuntimeError):
    """A command could not do its work; the message is shown to the user as is."""


# --------------------------------------------------------------------------- query


def connect_published(warehouse: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published warehouse, with the session time zone set to UTC."""
    warehouse = Path(warehouse) if warehouse else paths.warehouse()
    if not warehouse.exists():
        raise CliError(f"no published warehouse at {warehouse}: run a pipeline (make demo) or `diplowatch publish`")
    con = duckdb.connect(str(warehouse), read_only=True)
    con.execute("set timezone = 'UTC'")
    return con


def _text(value: Any) -> str:
    """A value as DuckDB prints it: lists as ``[a, b]``, NULL as an empty string."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_text(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_text(v)}" for k, v in value.items()) + "}"
    return str(value)


def _cell(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    text = _text(value).replace("\n", " ")
    return text if len(text) <= 60 else text[:59] + "…"


def format_table(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Rows as an aligned plain-text table (numbers right-aligned)."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    numeric = [
        bool(rows) and all(isinstance(r[i], int | float) or r[i] is None for r in rows) for i in range(len(columns))
    ]

    def line(values: Sequence[str]) -> str:
        return " | ".join(v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=True))

    out = [line(list(columns)), "-+-".join("-" * w for w in widths)]
    out += [line(r) for r in cells]
    return "\n".join(out)


def _write_atomic_copy(con: duckdb.DuckDBPyConnection, sql: str, out: Path, fmt: str) -> int:
    """COPY the query's result to ``out`` through a temporary name; returns the row count."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{uuid.uuid4().hex}.tmp")
    options = {"csv": "format csv, header true", "parquet": "format parquet, compression zstd", "json": "format json"}
    try:
        body = sql.strip().rstrip(";")
        con.execute(f"copy ({body}) to '{str(tmp).replace(chr(39), chr(39) * 2)}' ({options[fmt]})")
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    reader = {"csv": "read_csv", "parquet": "read_parquet", "json": "read_json"}[fmt]
    path = str(out).replace("'", "''")
    return duckdb.connect().execute(f"select count(*) from {reader}('{path}')").fetchall()[0][0]


def run_query(
    sql: str,
    *,
    fmt: str = "table",
    out: Path | None = None,
    max_rows: int = 100,
    warehouse: Path | None = None,
    stdout: TextIO | None = None,
) -> int:
    """Run ``sql`` on the published warehouse; print it (table, csv, json) or write it to ``out``; return rows."""
    stdout = stdout or sys.stdout
    if fmt == "parquet" and out is None:
        raise CliError("--format parquet needs --out FILE")
    con = connect_published(warehouse)
    try:
        if out is not None:
            n = _write_atomic_copy(con, sql, Path(out), fmt if fmt != "table" else "csv")
            print(f"wrote {n} rows to {out}", file=sys.stderr)
            return n
        cur = con.execute(sql)
        if cur.description is None:
            return 0
        columns = [d[0] for d in cur.description]
        if fmt == "table":
            rows = cur.fetchmany(max_rows + 1)
            print(format_table(columns, rows[:max_rows]), file=stdout)
            if len(rows) > max_rows:
                print(f"(first {max_rows} rows shown; more with --max-rows N or --format csv)", file=stdout)
            else:
                print(f"({len(rows)} rows)", file=stdout)
            return min(len(rows), max_rows)
        return _stream(cur, columns, fmt, stdout)
    except duckdb.Error as exc:
        raise CliError(f"query failed: {exc}") from exc
    finally:
        con.close()


def _stream(cur: duckdb.DuckDBPyConnection, columns: list[str], fmt: str, stdout: TextIO) -> int:
    n = 0
    writer = csv.writer(stdout, lineterminator="\n") if fmt == "csv" else None
    if writer:
        writer.writerow(columns)
    while batch := cur.fetchmany(10_000):
        for row in batch:
            if writer:
                writer.writerow([_text(v) for v in row])
            else:
                print(json.dumps(dict(zip(columns, row, strict=True)), default=str, ensure_ascii=False), file=stdout)
        n += len(batch)
    return n


# --------------------------------------------------------------------------- import


def import_path(
    path: Path,
    *,
    kind: str | None = None,
    platform: str = "generic",
    mission: str | None = None,
    account: str | None = None,
    run_id: str | None = None,
    dt: date | None = None,
) -> dict[str, Any]:
    """Read an import or export file with the parser ``platform`` names, and land it; returns counts and files."""
    from diplowatch.raw import RawWriter
    from diplowatch.sources.base import RunContext

    path = Path(path)
    if not path.exists():
        raise CliError(f"import: {path} does not exist")
    if platform not in IMPORT_PLATFORMS:
        raise CliError(f"import: --platform {platform!r} is not one of {', '.join(IMPORT_PLATFORMS)}")
    now = datetime.now(UTC)
    run_id = run_id or f"import__{now.strftime('%Y%m%dT%H%M%S')}"
    dt = dt or now.date()
    source = "import" if platform == "generic" else platform
    landing.ensure_schema_files()
    with RawWriter(source, f"{run_id}--{path.stem}", dt) as raw:
        ctx = RunContext(run_id=run_id, source=source, dt=dt, raw=raw, fetched_at=now)
        batch = _parse_import(path, ctx, kind=kind, platform=platform, mission=mission, account=account)
    written = landing.land(batch, dt=dt, part=path.stem)
    return {
        "run_id": run_id,
        "source": source,
        "counts": batch.counts(),
        "rejects": [r["reason"] for r in batch.rejects],
        "files": {entity: [p.as_posix() for p in files] for entity, files in written.items()},
    }


def _parse_import(
    path: Path, ctx: Any, *, kind: str | None, platform: str, mission: str | None, account: str | None
) -> landing.Batch:
    if platform == "generic":
        from diplowatch.sources import generic_import

        return generic_import.import_file(path, ctx, kind=kind)  # type: ignore[arg-type]
    if kind == "news":
        raise CliError(f"import: a {platform} export holds posts, not news (drop --kind news)")
    if platform == "crowdtangle":
        from diplowatch.sources import crowdtangle

        return crowdtangle.import_file(path, ctx, mission_id=mission)
    if not (mission and account):
        raise CliError(f"import: a {platform} export needs --mission ID and --account HANDLE from the watch-list")
    from diplowatch.config import load_watchlist
    from diplowatch.ingest import _find_account

    mission_obj, account_obj = _find_account(load_watchlist(), platform, mission, account)
    if platform == "x":
        from diplowatch.sources import x

        return x.import_archive(path, ctx, mission_obj, account_obj)
    from diplowatch.sources import facebook

    return facebook.import_dyi(path, ctx, mission_obj, account_obj)


# --------------------------------------------------------------------------- status


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[list[str], list[tuple]]:
    cur = con.execute(sql)
    rows = cur.fetchall()
    return [d[0] for d in cur.description], rows


def quality_runs(home: Path, runs: int = 5) -> tuple[list[str], list[tuple]]:
    """Verdict per run and checkpoint from ``quality/history``: expectations, critical failures, warnings."""
    files = list((home / "quality" / "history").glob("**/*.parquet"))
    if not files:
        return [], []
    glob = (home / "quality" / "history").as_posix() + "/**/*.parquet"
    with duckdb.connect() as con:
        return _rows(
            con,
            f"""
            with history as (
                select * from read_parquet('{glob}', union_by_name = true, hive_partitioning = false)
            ),

            runs as (
                select run_id, max(observed_at) as last_at from history group by all order by last_at desc limit {runs}
            )

            select
                strftime(max(h.observed_at), '%Y-%m-%d %H:%M') as observed_at,
                h.run_id,
                h.checkpoint,
                count(*) as expectations,
                count_if(not h.success and h.severity = 'critical') as critical_failed,
                count_if(not h.success and h.severity <> 'critical') as warnings,
                case when count_if(not h.success and h.severity = 'critical') = 0 then 'passed' else 'FAILED' end
                    as verdict,
            from history as h
            inner join runs using (run_id)
            group by all
            order by max(h.observed_at) desc, h.checkpoint
            """,
        )


def landing_runs(root: Path, runs: int = 5) -> tuple[list[str], list[tuple]]:
    """Files and rows landed per run, entity and source (platform) for the latest runs."""
    if not any(root.glob("*/platform=*/dt=*/*.parquet")):
        return [], []
    glob = root.as_posix() + "/*/*/*/*.parquet"
    with duckdb.connect() as con:
        return _rows(
            con,
            f"""
            with files as (
                select
                    regexp_extract(filename, '/([^/]+)/platform=[^/]+/dt=[^/]+/[^/]+$', 1) as entity,
                    platform,
                    run_id,
                    fetched_at,
                    filename,
                from read_parquet('{glob}', filename = true, hive_partitioning = true, union_by_name = true)
                where platform <> '_none'
            ),

            runs as (
                select run_id, max(fetched_at) as last_at from files group by all order by last_at desc limit {runs}
            )

            select
                strftime(max(files.fetched_at), '%Y-%m-%d %H:%M') as fetched_at,
                files.run_id,
                files.entity,
                files.platform as source,
                count(distinct files.filename) as files,
                count(*) as rows,
            from files
            inner join runs using (run_id)
            group by all
            order by max(files.fetched_at) desc, files.run_id, files.entity, source
            """,
        )


def airflow_runs(runs: int = 10) -> tuple[list[str], list[tuple]]:
    """Latest DAG runs from Airflow's SQLite metadata DB under ``$AIRFLOW_HOME`` (if any), read-only."""
    home = os.environ.get("AIRFLOW_HOME")
    db = Path(home) / "airflow.db" if home else None
    if db is None or not db.exists():
        return [], []
    try:
        con = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
        try:
            cur = con.execute(
                "select dag_id, run_id, state, start_date, end_date from dag_run order by start_date desc limit ?",
                (runs,),
            )
            return [d[0] for d in cur.description], cur.fetchall()
        finally:
            con.close()
    except sqlite3.Error as exc:
        log.warning("could not read Airflow's metadata DB %s: %s", db, exc)
        return [], []


def published_status(home: Path) -> dict[str, Any]:
    """The published warehouse and its exports: when, and rows per mart (from ``marts/_schema.json``)."""
    warehouse = home / "warehouse.duckdb"
    schema_file = home / "marts" / "_schema.json"
    info: dict[str, Any] = {"warehouse": str(warehouse), "exists": warehouse.exists()}
    if warehouse.exists():
        info["modified"] = datetime.fromtimestamp(warehouse.stat().st_mtime, UTC).strftime("%Y-%m-%d %H:%M UTC")
    if schema_file.exists():
        schema = json.loads(schema_file.read_text(encoding="utf-8"))
        info["published_at"] = schema.get("published_at")
        info["marts"] = {name: t.get("rows") for name, t in schema.get("tables", {}).items()}
    return info


def status(runs: int = 5, as_json: bool = False, stdout: TextIO | None = None) -> dict[str, Any]:
    """Print the published warehouse, data-quality verdicts, landed files and Airflow runs of the latest runs."""
    stdout = stdout or sys.stdout
    home = paths.home()
    blocks = {
        "published": published_status(home),
        "quality": quality_runs(home, runs),
        "landing": landing_runs(paths.landing(), runs),
        "airflow": airflow_runs(runs * 2),
    }
    if as_json:
        out = {"home": str(home), "published": blocks["published"]}
        for key in ("quality", "landing", "airflow"):
            cols, rows = blocks[key]
            out[key] = [dict(zip(cols, r, strict=True)) for r in rows]
        print(json.dumps(out, indent=2, default=str, ensure_ascii=False), file=stdout)
        return out
    pub = blocks["published"]
    print(f"DIPLOWATCH_HOME: {home}", file=stdout)
    if pub["exists"]:
        marts = ", ".join(f"{k}={v}" for k, v in (pub.get("marts") or {}).items())
        print(
            f"Published warehouse: {pub['warehouse']} (modified {pub['modified']}){': ' + marts if marts else ''}",
            file=stdout,
        )
    else:
        print(f"Published warehouse: none yet at {pub['warehouse']}", file=stdout)
    titles = {
        "quality": "Data quality (quality/history)",
        "landing": "Landed (lake/landing)",
        "airflow": "Airflow DAG runs",
    }
    for key, title in titles.items():
        cols, rows = blocks[key]
        print(f"\n{title}:", file=stdout)
        print(format_table(cols, rows) if rows else "  (nothing yet)", file=stdout)
    return blocks


# --------------------------------------------------------------------------- argparse


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="diplowatch", description="Query, import, report and publish diplowatch data.")
    p.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    q = sub.add_parser("query", help="run SQL on the published warehouse (read-only)")
    q.add_argument("sql", help="the SQL, or - to read it from stdin, or @file.sql")
    q.add_argument("--format", "-f", choices=("table", "csv", "json", "parquet"), default="table")
    q.add_argument("--out", "-o", type=Path, help="write the result to this file (csv, json or parquet)")
    q.add_argument("--max-rows", type=int, default=100, help="rows shown by --format table (default 100)")
    q.add_argument("--warehouse", type=Path, help="another DuckDB file (default: the published warehouse)")

    i = sub.add_parser("import", help="land a file: generic JSONL/CSV of posts or news, or a platform export")
    i.add_argument("file", type=Path)
    i.add_argument("--kind", choices=("posts", "news"), help="generic import: what the rows are (default: detect)")
    i.add_argument("--platform", choices=IMPORT_PLATFORMS, default="generic", help="which parser (default generic)")
    i.add_argument("--mission", help="x/facebook exports: the mission id in the watch-list (crowdtangle: optional)")
    i.add_argument("--account", help="x/facebook exports: the account handle in the watch-list")
    i.add_argument("--run-id", help="run id to land under (default import__<UTC time>)")
    i.add_argument("--dt", type=date.fromisoformat, help="partition date YYYY-MM-DD (default today, UTC)")

    s = sub.add_parser("status", help="published warehouse, data-quality verdicts and landed files of the last runs")
    s.add_argument("--runs", type=int, default=5)
    s.add_argument("--json", action="store_true")

    r = sub.add_parser("report", help="write the HTML run report")
    r.add_argument("--out", "-o", type=Path, help="default $DIPLOWATCH_HOME/reports/index.html")
    r.add_argument("--warehouse", type=Path, help="default: the published warehouse")
    r.add_argument("--quality", type=Path, help="a JSON file: checkpoint name -> {success, ..., docs}")
    r.add_argument("--run-id")

    pub = sub.add_parser("publish", help="publish the build file as the read-only warehouse, and export the marts")
    pub.add_argument("--csv", action="store_true", help="also export CSV next to Parquet")
    pub.add_argument("--build", type=Path, help="default $DIPLOWATCH_HOME/build/warehouse.duckdb")
    return p


def _read_sql(arg: str) -> str:
    if arg == "-":
        return sys.stdin.read()
    if arg.startswith("@"):
        return Path(arg[1:]).read_text(encoding="utf-8")
    return arg


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "query":
        run_query(_read_sql(args.sql), fmt=args.format, out=args.out, max_rows=args.max_rows, warehouse=args.warehouse)
    elif args.command == "import":
        result = import_path(
            args.file,
            kind=args.kind,
            platform=args.platform,
            mission=args.mission,
            account=args.account,
            run_id=args.run_id,
            dt=args.dt,
        )
        counts = ", ".join(f"{k}={v}" for k, v in result["counts"].items())
        print(f"landed run {result['run_id']} ({result['source']}): {counts}")
        for entity, files in result["files"].items():
            for f in files:
                print(f"  {entity}: {f}")
        for reason in result["rejects"][:10]:
            print(f"  rejected: {reason}")
        print("Next: run the warehouse DAG (or make demo) to build and publish the marts.")
    elif args.command == "status":
        status(runs=args.runs, as_json=args.json)
    elif args.command == "report":
        from diplowatch.report import write_report

        quality = json.loads(args.quality.read_text(encoding="utf-8")) if args.quality else None
        print(write_report(args.warehouse, args.out, quality, run_id=args.run_id))
    elif args.command == "publish":
        from diplowatch.publish import publish

        result = publish(build=args.build, formats=("parquet", "csv") if args.csv else ("parquet",))
        print(result.summary())
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``diplowatch`` command; returns the exit status."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    from diplowatch.publish import PublishError

    try:
        return _dispatch(args)
    except (CliError, PublishError, LookupError, OSError, ValueError) as exc:
        print(f"diplowatch {args.command}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
