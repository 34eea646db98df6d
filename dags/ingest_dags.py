"""Ingest DAGs, one per source, generated from the watch-list (``watchlist.yaml``).

Each DAG: list the accounts → extract and land each account (mapped task) →
validate this run's landing files (GX checkpoint ``landing``) → publish the
source's Asset, which schedules the ``warehouse`` DAG. Wiring only: the logic
lives in ``diplowatch.ingest`` and ``diplowatch.quality``.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pendulum
from airflow.sdk import DAG, Param, task
from diplowatch.assets import landing_asset
from diplowatch.config import load_watchlist
from diplowatch.ops.callbacks import on_failure

WATCHLIST = load_watchlist()  # a small YAML read; no network, no file scans
POOL = "duckdb_writer"

DEFAULT_ARGS = {
    "owner": "diplowatch",
    "retries": 2,
    "retry_delay": timedelta(minutes=2),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=30),
    "on_failure_callback": on_failure,
}


def _partition_date(context: dict):
    """The run's partition date: its interval start, or today for runs without dates."""
    start = context.get("data_interval_start") or context.get("logical_date")
    return (start or pendulum.now("UTC")).date()


def _file_key(context: dict) -> str:
    """Landing files are named for the data interval, so re-running an interval replaces its files."""
    start = context.get("data_interval_start") or context.get("logical_date")
    return f"interval__{start.isoformat()}" if start else context["run_id"]


def _validate(summaries: list[dict], source: str, run_id: str, context: dict | None = None) -> dict:
    """Run the landing checkpoint on this run's files; on a critical failure quarantine them and fail.

    With ``context``, the rows landed/rejected and the verdict also become the DAG run's note in the UI.
    """
    from diplowatch import ingest
    from diplowatch.ops.notes import landing_note, set_run_note
    from diplowatch.quality import run_landing_checkpoint

    summaries = ingest.localize(summaries)  # scale-out: files landed on other workers come from the object store
    files: dict[str, list[str]] = {}
    for s in summaries:
        for entity, names in s["files"].items():
            files.setdefault(entity, []).extend(names)
    totals: dict[str, int] = {}
    for s in summaries:
        for entity, n in s["counts"].items():
            totals[entity] = totals.get(entity, 0) + n
    errors = [f"{s.get('part')}: {s['error']}" for s in summaries if s.get("error")]
    outcome = run_landing_checkpoint(run_id=run_id, files={k: [Path(n) for n in v] for k, v in files.items()})
    print(outcome.summary())
    verdict = "passed" if outcome.success else "FAILED"
    if context is not None:
        note = landing_note(source, totals, verdict, len(outcome.warnings), str(outcome.docs_path), errors)
        set_run_note(context, note)
    if not outcome.success:
        moved = ingest.quarantine([n for names in files.values() for n in names], run_id)
        print(f"landing checkpoint failed: moved {len(moved)} file(s) to quarantine")
        outcome.raise_for_critical()
    return {
        "source": source,
        "counts": totals,
        "warnings": len(outcome.warnings),
        "docs": str(outcome.docs_path),
        "verdict": verdict,
    }


def validate_landing(source: str):
    """The last task of an ingest DAG: GX checkpoint `landing` on this run's files, then the source's Asset."""
    asset = landing_asset(source)

    @task(task_id="validate_landing", outlets=[asset], retries=0)
    def validate(summaries: list[dict], **context) -> dict:
        """GX checkpoint `landing` on this run's files; publishes the Asset only if it passes."""
        result = _validate(list(summaries), source, context["run_id"], context)
        context["outlet_events"][asset].extra = {"run_id": context["run_id"], "counts": result["counts"]}
        return result

    return validate


def build_posts_dag(platform: str) -> DAG:
    accounts = [(m.id, a.handle) for m, a in WATCHLIST.accounts(platform)]
    schedule = getattr(WATCHLIST.schedules, platform)
    with DAG(
        dag_id=f"{platform}_ingest",
        description=f"Extract {platform} posts, engagement and followers of the watch-list; land them as Parquet.",
        doc_md=__doc__ + f"\n\nAccounts: {', '.join(h for _, h in accounts)}. Schedule: `{schedule}`.",
        schedule=schedule,
        start_date=pendulum.parse(WATCHLIST.settings.start_date),
        catchup=False,
        max_active_runs=1,
        default_args=DEFAULT_ARGS,
        tags=["diplowatch", "ingest", platform],
        params={"offline_sample": Param(False, type="boolean", description="replay bundled sample data")},
    ) as dag:

        @task
        def list_accounts() -> list[dict]:
            return [{"mission_id": m, "handle": h} for m, h in accounts]

        @task(map_index_template="{{ task.op_kwargs['account']['handle'] }}")
        def extract_and_land(account: dict, **context) -> dict:
            """Fetch one account (or replay the sample offline), keep raw bytes, land Parquet."""
            from diplowatch import ingest

            offline = ingest.offline_dir(platform, bool(context["params"].get("offline_sample")))
            summary = ingest.ingest_account(
                platform,
                account["mission_id"],
                account["handle"],
                context["run_id"],
                _partition_date(context),
                offline=offline,
                key=_file_key(context),
            )
            print(
                f"landed {summary.counts} from {platform}/{account['handle']}"
                + (f"; error: {summary.error}" if summary.error else "")
            )
            return summary.to_dict()

        validate_landing(platform)(extract_and_land.expand(account=list_accounts()))
    return dag


def build_news_dag() -> DAG:
    with DAG(
        dag_id="news_ingest",
        description="Fetch news items from the watch-list's RSS/Atom feeds and GDELT queries; land them.",
        doc_md=__doc__ + "\n\nSources: RSS/Atom feeds (conditional GET) and the GDELT DOC 2.0 API.",
        schedule=WATCHLIST.schedules.news,
        start_date=pendulum.parse(WATCHLIST.settings.start_date),
        catchup=False,
        max_active_runs=1,
        default_args=DEFAULT_ARGS,
        tags=["diplowatch", "ingest", "news"],
        params={"offline_sample": Param(False, type="boolean", description="replay bundled sample data")},
    ) as dag:

        @task
        def extract_and_land_news(source: str, **context) -> dict:
            from diplowatch import ingest

            offline = ingest.offline_dir("news", bool(context["params"].get("offline_sample")))
            summary = ingest.ingest_news(
                source, context["run_id"], _partition_date(context), offline=offline, key=_file_key(context)
            )
            print(f"landed {summary.counts} from {source}" + (f"; error: {summary.error}" if summary.error else ""))
            return summary.to_dict()

        validate_landing("news")(extract_and_land_news.expand(source=["rss", "gdelt"]))
    return dag


def build_imports_dag() -> DAG:
    with DAG(
        dag_id="imports_ingest",
        description="Import export files dropped in the inbox (CrowdTangle CSVs, generic JSONL/CSV); land them.",
        doc_md=__doc__ + "\n\nDrop files in `$DIPLOWATCH_HOME/inbox/crowdtangle/` or `inbox/generic_import/` "
        "(columns: docs/import_format.md); each imported file moves to `done/` once landed. "
        "Scale-out (`DIPLOWATCH_LAKE_URI`): drop them in `<uri>/inbox/<importer>/` instead; whichever worker "
        "runs the import fetches them, and their objects move to `<uri>/inbox/<importer>/done/`.",
        schedule="@daily",
        start_date=pendulum.parse(WATCHLIST.settings.start_date),
        catchup=False,
        max_active_runs=1,
        default_args=DEFAULT_ARGS,
        tags=["diplowatch", "ingest", "imports"],
        params={"offline_sample": Param(False, type="boolean", description="import the bundled sample files")},
    ) as dag:

        @task
        def import_files(importer: str, **context) -> dict:
            from diplowatch import ingest

            offline = ingest.offline_dir(
                ingest._SAMPLE_FOLDERS[importer], bool(context["params"].get("offline_sample"))
            )
            summary = ingest.ingest_imports(
                importer, context["run_id"], _partition_date(context), offline=offline, key=_file_key(context)
            )
            print(f"landed {summary.counts} from {importer}")
            return summary.to_dict()

        validate_landing("imports")(import_files.expand(importer=["crowdtangle", "generic_import"]))
    return dag


for _platform in sorted({a.platform for _, a in WATCHLIST.accounts()} & {"telegram", "x", "facebook", "vk"}):
    globals()[f"{_platform}_ingest"] = build_posts_dag(_platform)
news_ingest = build_news_dag()
imports_ingest = build_imports_dag()
