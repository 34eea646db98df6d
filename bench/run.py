"""``make bench``: generate data, run every benchmark step (each in its own process), rewrite BENCHMARKS.md.

    .venv/bin/python -m bench.run --size large --scale 0.01 --repeat 2 [--out BENCHMARKS.md]

Each step runs ``--repeat`` times in a fresh child process (``bench.steps``); the median time is
reported, and the peak resident memory is the largest seen over the runs of that step.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from bench.generate import Plan, generate

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[1]
NOTES = [
    "- **Landing** runs our real parsers (`telegram.parse_export`, `x.parse_archive`, "
    "`generic_import.parse_import`, which maps a clean JSONL file column-wise with pyarrow and any doubtful "
    "file row by row) into `landing.Batch` (vectorised contract checks) and `landing.land` "
    "(dedupe, partitioned atomic zstd Parquet), one batch per source file, so memory is bounded by the "
    "largest file (20k messages / 200k JSONL rows). The raw zone (gzip copies) is not written in this step. "
    "Throughput is counted in raw input records (messages, tweets, JSONL lines) for all three sides.",
    "- **Floor**: JSONL via `pyarrow.json.read_json`; `result.json` and `tweets.js` are single JSON documents, "
    "so they are parsed by `json.loads` and converted by `pa.Table.from_pylist` with a fixed schema, then "
    "`pq.write_table` (zstd). No checks, no mapping, no partitioning.",
    "- **Peer**: a plain `dlt.pipeline(...).run(...)` script (no Airflow helper) with four resources yielding "
    "the same parsed raw records, to the `filesystem` destination with `loader_file_format='parquet'`; dlt "
    "unnests nested lists into child tables, as it does by default.",
    "- **Warehouse**: `dbt build` (`bench/dbt_build.py`: `dbtRunner` in a fresh process, as the warehouse DAG "
    "invokes dbt) on a fresh DIPLOWATCH_HOME holding the landed data (seeds, all models, all tests), then "
    "1% new posts/snapshots/news landed with a later `fetched_at` and `dbt build` again. The new 1% is dated "
    "in the days after the existing data (`Plan.after`: new channels, their snapshots and news items), as a "
    "scheduled run brings recent posts; 1% spread over all eight years (a backfill) makes the event "
    "clustering sweep everything again. dbt builds two nodes at once (`threads: 2`, "
    "`DIPLOWATCH_DBT_THREADS`). dbt's fixed overhead (parse; 27 models built, 17 of them incremental, and "
    "20 ephemeral; 49 data tests, one `row_checks` per model and the relationships; 4 seeds; each node "
    "~0.02-0.1 s) is paid by an incremental run too; the tests of an incremental model read only the rows "
    "the run wrote, those of the 7 tables rebuilt whole read everything. The full build runs "
    "`--full-repeat` times, each on an empty warehouse, the incremental build `--incr-repeat` times, each "
    "from a copy of the warehouse as the last full build left it; the medians count (this machine's speed "
    "drifts by a third over minutes).",
    "- **Enrichment** times the public functions `detect_languages`, `tag_themes`, `tag_entities` on the "
    "first N landed post texts (`--enrich-limit`). The generator's texts are built from a limited set of "
    "templates, so caches keyed on text (if any) flatter the language figure.",
    "- **Validation** is `bench/bench_validation.py` (synthetic `fct_posts` of the given rows); the GX "
    "checkpoint has a fixed cost (context, suites, Data Docs, history) that dominates at small row counts.",
]
FLOORS = {"landing_vs_dlt": 3.0, "floor_vs_landing": 3.0, "incremental": 0.10, "validation": 5.0, "landing_mb": 2048}


@dataclass
class StepResult:
    name: str
    runs: list[dict[str, Any]]

    @property
    def ok(self) -> bool:
        return bool(self.runs) and all("error" not in r for r in self.runs)

    @property
    def seconds(self) -> float:
        return statistics.median(r["seconds"] for r in self.runs)

    @property
    def peak_mb(self) -> float:
        return max(r["peak_rss_mb"] for r in self.runs)

    @property
    def last(self) -> dict[str, Any]:
        return self.runs[-1]


def run_step(step: str, repeat: int, *args: str, clean: Path | None = None) -> StepResult:
    """Run ``bench.steps <step>`` ``repeat`` times, each in a new process; a failure is recorded, not raised."""
    runs = []
    for i in range(repeat):
        if clean is not None:
            shutil.rmtree(clean, ignore_errors=True)
        cmd = [sys.executable, "-m", "bench.steps", step, *args]
        log.info("%s run %d/%d", step, i + 1, repeat)
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=REPO)
        if proc.returncode != 0:
            tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-12:])
            runs.append({"error": tail, "seconds": float("nan"), "peak_rss_mb": float("nan")})
            log.error("%s failed:\n%s", step, tail)
            break
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        log.info("%s: %s", step, runs[-1])
    return StepResult(step, runs)


def _version(pkg: str) -> str:
    try:
        return metadata.version(pkg)
    except metadata.PackageNotFoundError:
        return "absent"


def machine() -> dict[str, str]:
    cpu = "unknown"
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    mem = "unknown"
    try:
        kb = int(next(x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal")).split()[1])
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return {
        "os": platform.platform(),
        "cpu": f"{cpu}, {os.cpu_count()} cores",
        "memory": mem,
        "load_at_start": f"{load:.2f} (1-minute load average; the machine is shared)",
        "python": platform.python_version(),
    }


def _rate(records: int, seconds: float) -> float:
    return records / seconds if seconds and seconds == seconds else float("nan")


def _verdict(ok: bool) -> str:
    return "**met**" if ok else "**NOT met**"


def render(ctx: dict[str, Any], steps: dict[str, StepResult]) -> str:
    """BENCHMARKS.md from the step results."""
    plan: Plan = ctx["plan"]
    lines = [
        "# Benchmarks",
        "",
        f"Rewritten by `make bench` (`{ctx['command']}`) on {ctx['when']}. Do not edit by hand.",
        "",
        "## Machine and versions",
        "",
        *(f"- {k}: {v}" for k, v in ctx["machine"].items()),
        "- packages: "
        + ", ".join(
            f"{p} {_version(p)}" for p in ("pyarrow", "duckdb", "dbt-core", "dbt-duckdb", "dlt", "great-expectations")
        ),
        "",
        "## Data",
        "",
        f"Generated by `bench.generate` (seed {plan.seed}), size `{ctx['size']}` × scale {ctx['scale']}:",
        f"{plan.posts:,} posts ({plan.telegram_posts:,} in Telegram Desktop `result.json` exports, "
        f"{plan.x_posts:,} in X archive `tweets.js` parts, each with its counts), {plan.metric_snapshots:,} metric "
        f"snapshots of the Telegram posts and "
        f"{plan.news_items:,} news items (~10% duplicates) in generic-import JSONL. Russian, English and Korean "
        "texts across themes. The benchmark spec is size `large` = 1,000,000 posts, 10,000,000 snapshots and "
        "1,000,000 news items; see the note at the end for the size actually measured.",
        "",
        "Each run of a step is a fresh process (ours and the floor alternate); times are medians, peak RSS is "
        "the largest seen (the process and its children, e.g. dbt). Runs per step: "
        + ", ".join(f"{name} {len(step.runs)}" for name, step in steps.items())
        + ".",
        "",
    ]
    lines += _landing_section(steps)
    lines += _warehouse_section(steps.get("warehouse"))
    lines += _enrich_section(steps.get("enrich"))
    lines += _validation_section(steps.get("validation"))
    lines += ["## Memory (peak resident set per step)", "", "| step | peak RSS (MiB) |", "| --- | ---: |"]
    lines += [f"| {name} | {s.peak_mb:,.0f} |" for name, s in steps.items() if s.runs]
    lines += ["", "## Notes", "", *ctx.get("notes", []), ""]
    return "\n".join(lines)


def _landing_section(steps: dict[str, StepResult]) -> list[str]:
    out = ["## Landing: raw records to validated, partitioned Parquet", ""]
    out += [
        "| implementation | raw records | median s | records/s | peak RSS MiB |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    rates: dict[str, float] = {}
    labels = {
        "land": "diplowatch (parsers + Batch contract checks + land())",
        "floor": "floor: pyarrow, no logic",
        "dlt": "peer: dlt → filesystem Parquet",
    }
    for key, label in labels.items():
        s = steps.get(key)
        if s is None or not s.ok:
            out.append(f"| {label} | failed: {s.last.get('error', '')[:200] if s and s.runs else 'not run'} | | | |")
            continue
        n = s.last["raw_records"]
        rates[key] = _rate(n, s.seconds)
        out.append(f"| {label} | {n:,} | {s.seconds:.2f} | {rates[key]:,.0f} | {s.peak_mb:,.0f} |")
    out.append("")
    if {"land", "dlt"} <= rates.keys():
        r = rates["land"] / rates["dlt"]
        out.append(
            f"- landing vs dlt: **{r:.2f}×** dlt's throughput (floor ≥ 3×): {_verdict(r >= FLOORS['landing_vs_dlt'])}"
        )
    if {"land", "floor"} <= rates.keys():
        r = rates["floor"] / rates["land"]
        out.append(
            f"- pyarrow floor vs landing: landing is **{r:.2f}×** slower than the floor (floor ≤ 3×): "
            f"{_verdict(r <= FLOORS['floor_vs_landing'])}"
        )
    if "land" in steps and steps["land"].runs:
        mb = steps["land"].peak_mb
        out.append(f"- landing peak RSS **{mb:,.0f} MiB** (floor < 2 GiB): {_verdict(mb < FLOORS['landing_mb'])}")
    out.append("")
    return out


def _warehouse_section(s: StepResult | None) -> list[str]:
    out = ["## Warehouse: `dbt build` full, then incremental after 1% new data", ""]
    if s is None or not s.runs:
        return [*out, "Not run.", ""]
    last = s.last
    if "error" in last or not last.get("full_ok"):
        err = last.get("error") or last.get("full_error", "")
        return [*out, "The full `dbt build` **failed**, so there is no figure:", "", "```", err, "```", ""]
    if not last.get("incremental_ok", True):
        err = last.get("incremental_error", "")
        return [*out, "The incremental `dbt build` **failed**:", "", "```", err, "```", ""]
    full, incr, full_cli, incr_cli = (
        statistics.median(r[key] for r in s.runs)
        for key in ("full_s", "incremental_s", "full_with_startup_s", "incremental_with_startup_s")
    )
    ratio = incr / full
    out += [
        "Each build runs in a fresh process through dbt's programmatic entry point (`dbtRunner`), as the "
        "warehouse DAG runs dbt (cosmos `InvocationMode.DBT_RUNNER`); *build* is timed from the call, "
        "*with start-up* adds the interpreter start and dbt's import (`bench/dbt_build.py`).",
        "",
        "| run | build, median s | with start-up, median s |",
        "| --- | ---: | ---: |",
        f"| full build (landing → marts, tests) | {full:.1f} | {full_cli:.1f} |",
        f"| incremental build after +1% | {incr:.1f} | {incr_cli:.1f} |",
        "",
        f"- full builds: {', '.join(f'{x:.1f}' for x in s.last.get('full_runs_s', [full]))} s "
        "(each on an empty warehouse; the median counts)",
        f"- incremental builds: {', '.join(f'{x:.1f}' for x in s.last.get('incremental_runs_s', [incr]))} s "
        "(each from a copy of the warehouse as the last full build left it; the median counts)",
        f"- incremental / full = **{ratio:.1%}** (floor ≤ 10%): {_verdict(ratio <= FLOORS['incremental'])}; "
        f"with start-up: {incr_cli / full_cli:.1%}",
    ]
    return [*out, ""]


def _enrich_section(s: StepResult | None) -> list[str]:
    out = ["## Enrichment (`diplowatch.enrich`), records per second", ""]
    if s is None or not s.ok:
        return [*out, f"Failed: {s.last.get('error', '') if s and s.runs else 'not run'}", ""]
    out += ["| function | texts | median s | texts/s |", "| --- | ---: | ---: | ---: |"]
    for name, fn in (("languages", "detect_languages"), ("themes", "tag_themes"), ("entities", "tag_entities")):
        secs = statistics.median(r[f"{name}_s"] for r in s.runs)
        out.append(f"| {name} (`{fn}`) | {s.last['texts']:,} | {secs:.2f} | {_rate(s.last['texts'], secs):,.0f} |")
    return [*out, ""]


def _validation_section(s: StepResult | None) -> list[str]:
    out = ["## Validation: GX marts checkpoint vs one hand-written DuckDB query", ""]
    if s is None or not s.ok or not s.last.get("ok"):
        return [*out, f"Failed: {s.last.get('error', '') if s and s.runs else 'not run'}", ""]
    v = s.last
    out += [
        f"`bench/bench_validation.py --rows {v['rows']:,}` (its own medians of {v.get('repeat', 'several')} runs):",
        "",
        "| side | s |",
        "| --- | ---: |",
        f"| GX checkpoint, end to end (warm) | {v['checkpoint_s']:.2f} |",
        f"| GX `Checkpoint.run` alone | {v['gx_validation_s']:.2f} |",
        f"| one DuckDB query, same checks | {v['query_s']:.3f} |",
        "",
        f"- checkpoint / query = **{v['ratio']}×** (floor ≤ 5×): {_verdict(v['ratio'] <= FLOORS['validation'])}; "
        f"GX validation alone: {v['gx_validation_ratio']}×",
        "",
    ]
    return out


def _size_note(size: str, scale: float) -> list[str]:
    if size == "large" and scale == 1:
        return ["- **Size measured.** The spec size: 1M posts, 10M metric snapshots, 1M news items."]
    return [
        f"- **Size measured.** Size `{size}` × scale {scale:g}, not the spec size `large` × 1 (1M posts, 10M "
        "snapshots, 1M news items) that `make bench` runs by default; see the Data section for the counts."
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="large", choices=["tiny", "small", "medium", "large"])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the size's counts (document it!)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--peer-repeat", type=int, default=0, help="runs of the dlt peer (default: --repeat)")
    parser.add_argument("--out", type=Path, default=REPO / "BENCHMARKS.md")
    parser.add_argument("--work", type=Path, help="work folder (default: a temporary one, removed afterwards)")
    parser.add_argument("--skip", action="append", default=[], help="skip a step (warehouse, enrich, validation)")
    parser.add_argument(
        "--incr-repeat", type=int, default=3, help="incremental builds (median), each from the same state"
    )
    parser.add_argument("--full-repeat", type=int, default=2, help="full builds (median), each on an empty warehouse")
    parser.add_argument("--enrich-limit", type=int, default=2_000, help="texts for the enrichment step")
    parser.add_argument("--validation-rows", type=int, default=0, help="rows for validation (default: posts)")
    parser.add_argument("--note", action="append", default=[], help="a line for the Notes section")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")

    tmp = None if args.work else tempfile.TemporaryDirectory(prefix="diplowatch_bench_")
    work = args.work or Path(tmp.name)  # type: ignore[union-attr]
    try:
        plan = Plan.of(args.size, args.scale)
        data, incr = work / "data", work / "data_incr"
        generate(data, plan)
        generate(incr, plan.after(max(20, plan.posts // 100)))
        home = work / "home"
        common = ["--data", str(data), "--work", str(work)]
        env_home = {"DIPLOWATCH_HOME": str(home)}
        os.environ.update(env_home)
        steps: dict[str, StepResult] = {}
        # Ours and the floor alternate, so that a busy spell of the shared machine hits both alike.
        steps["floor"], steps["land"] = StepResult("floor", []), StepResult("land", [])
        for _ in range(args.repeat):
            for name, folder in (("floor", "floor"), ("land", "landing")):
                steps[name].runs.extend(run_step(name, 1, *common, clean=work / folder).runs)
        steps["dlt"] = run_step("dlt", args.peer_repeat or args.repeat, *common, clean=work / "dlt")
        shutil.rmtree(work / "dlt_pipelines", ignore_errors=True)
        if "enrich" not in args.skip:
            steps["enrich"] = run_step("enrich", 1, *common, "--limit", str(args.enrich_limit))
        if "warehouse" not in args.skip:
            steps["warehouse"] = run_step(
                "warehouse",
                1,
                *common,
                "--incr-data",
                str(incr),
                "--work",
                str(work / "wh"),
                "--repeat",
                str(args.incr_repeat),
                "--full-repeat",
                str(args.full_repeat),
                clean=work / "wh",
            )
        if "validation" not in args.skip:
            rows = args.validation_rows or plan.posts
            # cheap (about a second a run) and noisy: more runs for a steadier median
            steps["validation"] = run_step("validation", 1, "--rows", str(rows), "--repeat", str(max(args.repeat, 7)))
        ctx = {
            "plan": plan,
            "size": args.size,
            "scale": args.scale,
            "repeat": args.repeat,
            "machine": machine(),
            "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "command": "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:]),
            "notes": [*_size_note(args.size, args.scale), *NOTES, *(f"- {n}" for n in args.note)],
        }
        args.out.write_text(render(ctx, steps), encoding="utf-8")
        log.info("wrote %s", args.out)
    finally:
        if tmp is not None:
            tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
