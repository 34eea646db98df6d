"""One benchmark step per process, so that each step's peak resident memory is its own.

``python -m bench.steps <step> --data DIR --work DIR [...]`` prints one JSON line with the step's
figures plus ``seconds`` and ``peak_rss_mb`` (max of this process and its children, e.g. dbt).

Steps: ``land`` (our code), ``floor`` (pyarrow, no logic), ``dlt`` (the peer), ``warehouse``
(``dbt build`` full, then incremental after landing ``--incr-data``), ``enrich``, ``validation``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.json as pajson
import pyarrow.parquet as pq

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
FETCHED_AT = datetime(2026, 1, 1, tzinfo=UTC)
DT = date(2026, 1, 1)


def peak_rss_mb() -> float:
    """Peak resident memory of this process and of its (waited-for) children, in MiB (Linux: ru_maxrss in KiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, kids) / 1024, 1)


def telegram_files(data: Path) -> list[Path]:
    return sorted((data / "telegram").glob("*/result.json"))


def x_files(data: Path) -> list[Path]:
    return sorted((data / "x").glob("*/tweet*.js"))


def jsonl_files(data: Path, kind: str) -> list[Path]:
    return sorted((data / kind).glob("*.jsonl"))


def _count_lines(path: Path) -> int:
    with path.open("rb") as fh:
        return sum(1 for _ in fh)


# --- ours -------------------------------------------------------------------------------------------


def land_ours(data: Path, root: Path, *, run_id: str = "bench", fetched_at: datetime = FETCHED_AT) -> dict[str, Any]:
    """Raw files -> our parsers -> Batch -> land() (vectorised contract checks, rejects, dedupe): one batch per file."""
    from diplowatch import landing
    from diplowatch.sources import generic_import, telegram, x

    landing.ensure_schema_files(root)
    rows: dict[str, int] = {}
    raw_records = 0

    def finish(batch: landing.Batch, part: str) -> None:
        for entity, n in batch.counts().items():
            rows[entity] = rows.get(entity, 0) + n
        landing.land(batch, dt=fetched_at.date(), root=root, part=part)

    for path in telegram_files(data):
        channel = path.parent.name
        parsed = telegram.parse_export(path.read_bytes(), channel, str(path), fetched_at=fetched_at)
        raw_records += len(parsed.message_ids)
        batch = landing.Batch(run_id=run_id, source="telegram", fetched_at=fetched_at)
        if parsed.account:
            batch.add("accounts", parsed.account)
        for post in parsed.posts:
            batch.add("posts", post)
        for row in parsed.post_metrics:
            batch.add("post_metrics", row)
        for r in parsed.rejects:
            batch.reject(r["entity"], r["reason"], raw_ref=r["raw_ref"], excerpt=r["excerpt"])
        finish(batch, f"telegram-{channel}")
    for path in x_files(data):
        handle = path.parent.name
        body = path.read_bytes()
        parsed = x.parse_archive(body, handle, fetched_at, raw_ref=str(path))
        raw_records += len(parsed.of("posts")) + len(parsed.rejects)
        batch = parsed.into(landing.Batch(run_id=run_id, source="x", fetched_at=fetched_at), str(path))
        del parsed  # the batch holds copies of the parsed records: free the originals before landing
        finish(batch, f"x-{handle}-{path.stem}")
    for kind in ("metrics", "news"):
        for path in jsonl_files(data, kind):
            parsed = generic_import.parse_import(path.read_bytes(), path.name, observed_at=fetched_at)
            raw_records += _count_lines(path)
            batch = parsed.into(landing.Batch(run_id=run_id, source="import", fetched_at=fetched_at), str(path))
            del parsed
            finish(batch, f"{kind}-{path.stem}")
    return {"raw_records": raw_records, "landed_rows": rows}


# --- floor: pyarrow, no logic ---------------------------------------------------------------------

_ENTITY = pa.struct([("type", pa.string()), ("text", pa.string()), ("href", pa.string())])
_URL = pa.struct([("url", pa.string()), ("expanded_url", pa.string())])
FLOOR_TELEGRAM = pa.schema(
    [
        ("id", pa.int64()),
        ("type", pa.string()),
        ("date", pa.string()),
        ("date_unixtime", pa.string()),
        ("edited_unixtime", pa.string()),
        ("from", pa.string()),
        ("from_id", pa.string()),
        ("photo", pa.string()),
        ("text_entities", pa.list_(_ENTITY)),
        ("reactions", pa.list_(pa.struct([("type", pa.string()), ("count", pa.int64()), ("emoji", pa.string())]))),
    ]
)
FLOOR_X = pa.schema(
    [
        (
            "tweet",
            pa.struct(
                [
                    ("id_str", pa.string()),
                    ("created_at", pa.string()),
                    ("full_text", pa.string()),
                    ("lang", pa.string()),
                    ("favorite_count", pa.string()),
                    ("retweet_count", pa.string()),
                    ("in_reply_to_status_id_str", pa.string()),
                    (
                        "entities",
                        pa.struct(
                            [("urls", pa.list_(pa.struct([("url", pa.string()), ("expanded_url", pa.string())])))]
                        ),
                    ),
                ]
            ),
        )
    ]
)


def land_floor(data: Path, root: Path) -> dict[str, Any]:
    """The floor: parse the same raw files and write Parquet with pyarrow, no checks, no mapping.

    JSONL is read by ``pyarrow.json.read_json``; a Telegram ``result.json`` and an X ``tweets.js`` are
    single JSON documents (not line-delimited), so they are parsed by ``json.loads`` and turned into a
    table by ``pa.Table.from_pylist`` with a fixed schema (``text``, a string-or-list field, is left out:
    ``text_entities`` carries the same text).
    """
    raw_records = 0
    for path in telegram_files(data):
        messages = json.loads(path.read_bytes())["messages"]
        table = pa.Table.from_pylist(messages, schema=FLOOR_TELEGRAM)
        raw_records += table.num_rows
        _write(table, root / "telegram" / f"{path.parent.name}.parquet")
    for path in x_files(data):
        text = path.read_text(encoding="utf-8")
        table = pa.Table.from_pylist(json.loads(text[text.find("[") :]), schema=FLOOR_X)
        raw_records += table.num_rows
        _write(table, root / "x" / f"{path.parent.name}-{path.stem}.parquet")
    for kind in ("metrics", "news"):
        for path in jsonl_files(data, kind):
            table = pajson.read_json(path)
            raw_records += table.num_rows
            _write(table, root / kind / f"{path.stem}.parquet")
    return {"raw_records": raw_records}


def _write(table: pa.Table, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, target, compression="zstd")


# --- peer: dlt -------------------------------------------------------------------------------------


def _telegram_messages(data: Path) -> Iterator[list[dict]]:
    for path in telegram_files(data):
        yield json.loads(path.read_bytes())["messages"]


def _tweets(data: Path) -> Iterator[list[dict]]:
    for path in x_files(data):
        text = path.read_text(encoding="utf-8")
        yield [item["tweet"] for item in json.loads(text[text.find("[") :])]


def _jsonl(data: Path, kind: str) -> Iterator[list[dict]]:
    for path in jsonl_files(data, kind):
        with path.open(encoding="utf-8") as fh:
            yield [json.loads(line) for line in fh]


def land_dlt(data: Path, root: Path, work: Path) -> dict[str, Any]:
    """The peer: a plain dlt pipeline loading the same raw records to a filesystem destination as Parquet."""
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    os.environ.setdefault("RUNTIME__LOG_LEVEL", "WARNING")
    import dlt
    from dlt.destinations import filesystem

    pipeline = dlt.pipeline(
        pipeline_name="bench_landing",
        destination=filesystem(bucket_url=root.resolve().as_uri()),
        dataset_name="landing",
        pipelines_dir=str(work / "dlt_pipelines"),
    )
    resources = [
        dlt.resource(_telegram_messages(data), name="telegram_messages"),
        dlt.resource(_tweets(data), name="x_tweets"),
        dlt.resource(_jsonl(data, "metrics"), name="metric_snapshots"),
        dlt.resource(_jsonl(data, "news"), name="news_items"),
    ]
    info = pipeline.run(resources, loader_file_format="parquet")
    counts = pipeline.last_trace.last_normalize_info.row_counts if pipeline.last_trace else {}
    top = {k: v for k, v in counts.items() if k in {"telegram_messages", "x_tweets", "metric_snapshots", "news_items"}}
    return {"raw_records": sum(top.values()), "rows_by_table": dict(counts), "loads": len(info.loads_ids)}


# --- warehouse ---------------------------------------------------------------------------------------


def warehouse(data: Path, incr_data: Path, work: Path, incr_repeat: int = 3, full_repeat: int = 2) -> dict[str, Any]:
    """Land ``data``, full ``dbt build``; land ``incr_data`` (1% new), ``dbt build`` again (incremental).

    Each build runs in a fresh process through dbt's programmatic entry point, as the warehouse DAG runs
    it (``bench/dbt_build.py``): ``*_s`` is the build, ``*_with_startup_s`` adds interpreter start and
    dbt's import. The full build runs ``full_repeat`` times, each on an empty warehouse, the incremental
    build ``incr_repeat`` times, each from a copy of the warehouse as the last full build left it (same
    landing, same increment): ``full_s`` and ``incremental_s`` are their medians, the single runs are in
    ``full_runs_s`` and ``incremental_runs_s``."""
    os.environ["DIPLOWATCH_HOME"] = str(work / "home")
    from diplowatch import paths
    from diplowatch.warehouse import build_file

    root = paths.landing()
    land_ours(data, root, run_id="bench-full")
    db = build_file()
    out: dict[str, Any] = {}
    fulls = _repeat(out, "full", full_repeat, lambda: _remove_warehouse(db))
    if fulls is None:
        return out
    before = work / "before_increment.duckdb"
    shutil.copyfile(db, before)
    land_ours(incr_data, root, run_id="bench-incr", fetched_at=datetime.now(UTC))
    runs = _repeat(out, "incremental", incr_repeat, lambda: (_remove_warehouse(db), shutil.copyfile(before, db)))
    if runs is None:
        return out
    before.unlink()
    out["ratio"] = round(out["incremental_s"] / out["full_s"], 3)
    out["ratio_with_startup"] = round(out["incremental_with_startup_s"] / out["full_with_startup_s"], 3)
    return out


def _repeat(out: dict[str, Any], name: str, times: int, reset: Callable[[], object]) -> list[dict[str, Any]] | None:
    """``times`` timed builds called ``name``, ``reset()`` before each but the first; their medians (and
    the single runs, ``<name>_runs_s``) go into ``out``. None, with the error in ``out``, if one fails."""
    runs: list[dict[str, Any]] = []
    for i in range(max(1, times)):
        if i:
            reset()
        run: dict[str, Any] = {}
        ok = _build(run, name)
        runs.append(run)
        if not ok:
            out.update(run)
            return None
    for key in (f"{name}_s", f"{name}_with_startup_s"):
        out[key] = round(statistics.median(r[key] for r in runs), 3)
    out[f"{name}_ok"] = True
    out[f"{name}_runs_s"] = [r[f"{name}_s"] for r in runs]
    return runs


def _remove_warehouse(db: Path) -> None:
    db.unlink(missing_ok=True)
    db.with_name(db.name + ".wal").unlink(missing_ok=True)


def _build(out: dict[str, Any], name: str) -> bool:
    """One timed ``dbt build`` (bench/dbt_build.py) into ``out[name + '_s']`` and ``_with_startup_s``."""
    from diplowatch.warehouse import dbt_env

    cmd = [sys.executable, "-m", "bench.dbt_build", "build"]
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=dbt_env(), capture_output=True, text=True, check=False, cwd=ROOT)
    out[f"{name}_with_startup_s"] = round(time.perf_counter() - start, 3)
    lines = proc.stdout.strip().splitlines()
    report = json.loads(lines[-1]) if lines and lines[-1].startswith("{") else {"ok": False, "seconds": None}
    out[f"{name}_s"] = report["seconds"]
    out[f"{name}_ok"] = bool(report["ok"]) and proc.returncode == 0
    if not out[f"{name}_ok"]:
        out[f"{name}_error"] = report.get("error") or _tail(proc)
    return out[f"{name}_ok"]


def _tail(proc: subprocess.CompletedProcess[str], lines: int = 15) -> str:
    text = (proc.stdout + proc.stderr).strip().splitlines()
    return "\n".join(line for line in text[-lines:])


# --- enrichment ---------------------------------------------------------------------------------------


def enrich(landing_root: Path, limit: int) -> dict[str, Any]:
    """Languages, themes and entities over up to ``limit`` landed post texts, with ``diplowatch.enrich``."""
    import pyarrow.dataset as ds
    from diplowatch.enrich.entities import load_entities_csv, tag_entities
    from diplowatch.enrich.languages import detect_languages
    from diplowatch.enrich.themes import load_themes_csv, tag_themes

    posts = ds.dataset(landing_root / "posts", format="parquet", partitioning="hive")
    texts = posts.head(limit, columns=["text"]).column("text")
    out: dict[str, Any] = {"texts": len(texts)}
    themes, entities = load_themes_csv(), load_entities_csv()
    as_list = texts.to_pylist()
    for name, fn in (
        ("languages", lambda: detect_languages(as_list)),
        ("themes", lambda: tag_themes(texts, themes)),
        ("entities", lambda: tag_entities(texts, entities)),
    ):
        start = time.perf_counter()
        fn()
        seconds = time.perf_counter() - start
        out[f"{name}_s"] = round(seconds, 3)
        out[f"{name}_per_s"] = round(len(texts) / seconds) if seconds else None
    return out


# --- validation -----------------------------------------------------------------------------------------


def validation(rows: int, repeat: int) -> dict[str, Any]:
    """``bench/bench_validation.py`` (GX marts checkpoint vs one DuckDB query) in a child process."""
    script = Path(__file__).with_name("bench_validation.py")
    cmd = [sys.executable, str(script), "--rows", str(rows), "--repeat", str(repeat)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return {"ok": False, "error": _tail(proc)}
    return {"ok": True, **json.loads(proc.stdout.strip().splitlines()[-1])}


def _preload(step: str) -> None:
    if step in ("land", "floor", "dlt", "warehouse"):
        # pyarrow imports pandas lazily on its first array conversion / Parquet write (~1-2.5 s here):
        # a fixed import cost, not landing work, so every landing side pays it before the clock starts.
        import pandas  # noqa: F401
    if step in ("land", "warehouse"):
        import diplowatch.landing
        import diplowatch.sources.generic_import
        import diplowatch.sources.telegram
        import diplowatch.sources.x
    elif step == "dlt":
        os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
        import dlt  # noqa: F401
        from dlt.destinations import filesystem  # noqa: F401
    elif step == "enrich":
        import diplowatch.enrich.entities
        import diplowatch.enrich.languages
        import diplowatch.enrich.themes  # noqa: F401


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=["land", "floor", "dlt", "warehouse", "enrich", "validation"])
    parser.add_argument("--data", type=Path)
    parser.add_argument("--incr-data", type=Path)
    parser.add_argument("--work", type=Path)
    parser.add_argument("--limit", type=int, default=20_000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--full-repeat", type=int, default=2, help="full builds of the warehouse step (median)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    _preload(args.step)  # imports are not what is measured
    start = time.perf_counter()
    if args.step == "land":
        result = land_ours(args.data, args.work / "landing")
    elif args.step == "floor":
        result = land_floor(args.data, args.work / "floor")
    elif args.step == "dlt":
        result = land_dlt(args.data, args.work / "dlt", args.work)
    elif args.step == "warehouse":
        result = warehouse(args.data, args.incr_data, args.work, args.repeat, args.full_repeat)
    elif args.step == "enrich":
        result = enrich(args.work / "landing", args.limit)
    else:
        result = validation(args.rows, args.repeat)
    result["seconds"] = round(time.perf_counter() - start, 3)
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
