"""Run one source for one account (or the news) and land what it returns.

This is what the ingest DAGs call; it works the same without Airflow (tests, CLI).
Data lands first; cursors are derived from landed files, so they never run ahead, and a gap marker
(posts a run stepped over, ``state.save_gaps``) is saved only after its batch has landed.

With ``DIPLOWATCH_LAKE_URI`` set (scale-out, ``diplowatch.lakestore``) the object store is the lake:
a run first pulls the landed files its cursors are derived from, and pushes the files it wrote
(landing, raw, the ``_schema.parquet`` files) once they have landed; quarantine moves the objects too.
The run state is shared the same way (``lakestore.state_store()``, ``<uri>/state/``): a run pulls the gap
files (and, for RSS, the feed validators) before its source reads them and pushes them once its batch has
landed; the imports inbox is ``<uri>/inbox/<importer>/`` (``lakestore.inbox_store()``).
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from diplowatch import lakestore, landing, paths, state
from diplowatch.config import Account, Mission, Watchlist, load_watchlist
from diplowatch.http import FetchError
from diplowatch.raw import RawWriter
from diplowatch.sources.base import RunContext

log = logging.getLogger(__name__)

POST_PLATFORMS = ("telegram", "x", "facebook", "vk")
NEWS_SOURCES = ("rss", "gdelt")
SAMPLE_ENV = "DIPLOWATCH_SAMPLE_DIR"


@dataclass
class LandingSummary:
    """What one ingest task landed: counts per entity, files, and the reason if it failed."""

    source: str
    part: str
    run_id: str
    counts: dict[str, int] = field(default_factory=dict)
    files: dict[str, list[str]] = field(default_factory=dict)
    raw_file: str | None = None
    error: str | None = None
    lake: str | None = None
    """Scale-out only: the local lake folder the file names are in (see ``localize``)."""

    def to_dict(self) -> dict:
        return asdict(self)


def sample_dir() -> Path | None:
    """The bundled sample data folder when running offline (``$DIPLOWATCH_SAMPLE_DIR``)."""
    value = os.environ.get(SAMPLE_ENV)
    if not value:
        return None
    path = Path(value)
    if not path.is_dir():
        raise FileNotFoundError(f"{SAMPLE_ENV}={value}: not a folder")
    return path


def resolve_secret(conn_id: str | None) -> str | None:
    """An API token from the environment (``DIPLOWATCH_TOKEN_<CONN_ID>``) or an Airflow Connection."""
    if not conn_id:
        return None
    env = os.environ.get(f"DIPLOWATCH_TOKEN_{conn_id.upper()}")
    if env:
        return env
    try:
        from airflow.sdk import Connection

        conn = Connection.get(conn_id)
    except Exception:  # no Airflow, or no such connection: the source reports the missing token
        return None
    return conn.password or (conn.extra_dejson or {}).get("token")


def _context(
    source: str, run_id: str, dt: date, raw: RawWriter, watchlist: Watchlist, offline: Path | None
) -> RunContext:
    return RunContext(
        run_id=run_id,
        source=source,
        dt=dt,
        raw=raw,
        sample_dir=offline,
        max_pages=watchlist.settings.max_pages_per_run,
        metrics_refresh_days=watchlist.settings.metrics_refresh_days,
        fetched_at=datetime.now(UTC),
    )


def _land(batch: landing.Batch, summary: LandingSummary, dt: date, key: str | None) -> LandingSummary:
    """Land the batch; with an object store, push what was written (under the mirror's shared lock)."""
    lake = lakestore.store()
    with lakestore.writing(lake):
        written = landing.land(batch, dt=dt, part=summary.part, key=key)
        summary.counts = batch.counts()
        summary.files = {entity: [p.as_posix() for p in files] for entity, files in written.items()}
        if lake is not None:
            summary.lake = paths.lake().as_posix()
            _push(lake, batch, summary, dt, key)
    return summary


def schema_files() -> list[Path]:
    """The empty typed ``_schema.parquet`` file of every landing entity (``landing.ensure_schema_files``)."""
    root = paths.landing()
    return [root / entity / "platform=_none" / "dt=1970-01-01" / "_schema.parquet" for entity in landing.SCHEMAS]


def _push(lake: lakestore.LakeStore, batch: landing.Batch, summary: LandingSummary, dt: date, key: str | None) -> None:
    """Upload this run's landing and raw files (and the schema files) to the lake's object store.

    A re-run that now has no rejects removed its old rejects file locally; its object goes too.
    """
    landing.ensure_schema_files()
    files = [Path(n) for names in summary.files.values() for n in names] + schema_files()
    if summary.raw_file and Path(summary.raw_file).is_file():
        files.append(Path(summary.raw_file))
    lake.push(files)
    if "rejects" not in summary.files:
        stale = landing.partition_path("rejects", batch.source, dt, key or batch.run_id, part=summary.part)
        lake.delete([lake.rel_of(stale)])


def localize(summaries: list[dict]) -> list[dict]:
    """Scale-out: the summaries' landing files as this worker's mirror names them, fetched from the object store.

    Mapped ingest tasks may run on other workers, whose lake folder can differ; without an object store
    the summaries are returned as they are.
    """
    lake = lakestore.store()
    if lake is None:
        return summaries
    out = []
    for s in summaries:
        origin = Path(s.get("lake") or paths.lake())
        files = {
            entity: [lake.local(Path(n).relative_to(origin).as_posix()).as_posix() for n in names]
            for entity, names in s["files"].items()
        }
        out.append({**s, "files": files, "lake": paths.lake().as_posix()})
    names = [n for s in out for names in s["files"].values() for n in names]
    fetched = lake.fetch(lake.rel_of(n) for n in names)
    log.info("fetched %d of %d landing file(s) of this run from %s", fetched, len(names), lake.uri)
    return out


def _pull_cursor_files(source: str) -> None:
    """Before a run derives its cursors from landed files, bring them from the object store (if any)."""
    lake = lakestore.store()
    if lake is None:
        return
    folder = CURSOR_FOLDERS.get(source)
    if folder:
        lake.pull(folder)


GAPS_FOLDER = "gaps"
"""The gap files' folder under ``paths.state()`` (``state.gaps_file``), shared through ``<uri>/state/gaps/``."""
RSS_STATE = "news/feeds.json"
"""The RSS conditional-GET validators under ``paths.state()`` (``sources.rss.state_path``)."""


def _pull_state(*rels: str) -> None:
    """Before a source reads its run state, bring it from the object store (no-op without one).

    The gap folder is pulled whole (a gap file filled and removed on another worker goes here too);
    single files are fetched, and removed locally when their object is gone.
    """
    shared = lakestore.state_store()
    if shared is None:
        return
    for rel in rels:
        if rel == GAPS_FOLDER:
            shared.pull(rel)
        else:
            shared.fetch([rel], prune=True)


def _save_gaps(update: state.GapUpdate) -> None:
    """Save an account's gap list once its batch has landed; with an object store, share it (last writer wins).

    One object per account (``<uri>/state/gaps/<account>.json``): workers writing different accounts never
    clash; two runs of the same account at once would leave the last one's list.
    """
    shared = lakestore.state_store()
    with lakestore.writing(shared):
        path = state.save_gaps(update)
        if shared is None:
            return
        rel = shared.rel_of(state.gaps_file(update.account_uid))
        if path is None:
            shared.delete([rel])
        else:
            shared.push([path])


def _push_rss_state() -> None:
    """After an RSS run has landed, share its conditional-GET validators (last writer wins: one RSS task a run)."""
    shared = lakestore.state_store()
    if shared is None:
        return
    path = shared.local(RSS_STATE)
    if path.is_file():
        shared.push([path])


CURSOR_FOLDERS = {
    **{p: f"landing/posts/platform={p}" for p in POST_PLATFORMS},
    "gdelt": "landing/news_items/platform=gdelt",
}
"""The landed files each source derives its cursors from (``state.last_landed``, ``gdelt.last_seen``)."""


def _extract(
    ctx: RunContext, summary: LandingSummary, entity: str, extract: Callable[[], landing.Batch]
) -> landing.Batch:
    """Run a source; a fetch that fails for good becomes a reject of ``entity`` and the summary's error."""
    try:
        return extract()
    except FetchError as exc:
        batch = ctx.new_batch()
        batch.reject(entity, f"fetch failed: {exc}")
        summary.error = str(exc)
        return batch


def ingest_account(
    platform: str,
    mission_id: str,
    handle: str,
    run_id: str,
    dt: date,
    watchlist_path: Path | None = None,
    offline: Path | None = None,
    key: str | None = None,
) -> LandingSummary:
    """Extract one account of one platform and land it; a source failure is landed as a reject."""
    watchlist = load_watchlist(watchlist_path)
    landing.ensure_schema_files()
    mission, account = _find_account(watchlist, platform, mission_id, handle)
    module = importlib.import_module(f"diplowatch.sources.{platform}")
    part = f"{mission.id}-{account.handle.lower()}"
    summary = LandingSummary(source=platform, part=part, run_id=run_id)
    offline = offline if offline is not None else _platform_sample(platform)
    _pull_cursor_files(platform)
    _pull_state(GAPS_FOLDER)
    with RawWriter(platform, f"{key or run_id}--{part}", dt) as raw:
        ctx = _context(platform, run_id, dt, raw, watchlist, offline)
        if account.conn_id and offline is None:
            token = resolve_secret(account.conn_id)
            if token:
                ctx.secrets[account.conn_id] = token
        batch = _extract(ctx, summary, "posts", lambda: module.extract(ctx, mission, account))
        summary.raw_file = raw.path.as_posix()
    _land(batch, summary, dt, key)
    gaps = state.pending_gaps(batch)  # saved only now that the batch has landed; a failed run attaches none
    if gaps is not None:
        _save_gaps(gaps)
    return summary


def ingest_news(
    source: str,
    run_id: str,
    dt: date,
    watchlist_path: Path | None = None,
    offline: Path | None = None,
    key: str | None = None,
) -> LandingSummary:
    """Extract the news of one kind (``rss`` or ``gdelt``) for the whole watch-list and land it."""
    watchlist = load_watchlist(watchlist_path)
    landing.ensure_schema_files()
    module = importlib.import_module(f"diplowatch.sources.{source}")
    summary = LandingSummary(source=source, part=source, run_id=run_id)
    offline = offline if offline is not None else _platform_sample("news")
    _pull_cursor_files(source)
    if source == "rss":
        _pull_state(RSS_STATE)
    with RawWriter(source, f"{key or run_id}--{source}", dt) as raw:
        ctx = _context(source, run_id, dt, raw, watchlist, offline)
        batch = _extract(ctx, summary, "news_items", lambda: module.extract(ctx, watchlist.news))
        summary.raw_file = raw.path.as_posix()
    _land(batch, summary, dt, key)
    if source == "rss":
        _push_rss_state()  # only now that the items it stands for have landed
    return summary


def _platform_sample(folder: str) -> Path | None:
    root = sample_dir()
    if root is None:
        return None
    path = root / folder
    return path if path.is_dir() else None


def offline_dir(folder: str, requested: bool) -> Path | None:
    """The sample folder of a source when running offline (by ``$DIPLOWATCH_SAMPLE_DIR`` or on request)."""
    found = _platform_sample(folder)
    if found is None and requested:
        found = paths.SAMPLE_DATA / folder
    return found


def _find_account(watchlist: Watchlist, platform: str, mission_id: str, handle: str) -> tuple[Mission, Account]:
    for mission, account in watchlist.accounts(platform):
        if mission.id == mission_id and account.handle.lower() == handle.lower():
            return mission, account
    raise LookupError(f"no enabled {platform} account {handle!r} of mission {mission_id!r} in the watch-list")


def quarantine(files: list[str], run_id: str) -> list[str]:
    """Move a failed run's landing files out of the warehouse's reach, into ``lake/quarantine``.

    With an object store the objects move too (``quarantine/<run>/<path under landing>``), so every
    worker's next pull drops them from its mirror; a file another worker landed moves even if it
    is not in this worker's mirror.
    """
    moved = []
    land_root = paths.landing()
    lake = lakestore.store()
    for name in files:
        src = Path(name)
        if lake is None and not src.exists():
            continue
        dst = paths.lake() / "quarantine" / landing.run_key(run_id) / src.relative_to(land_root)
        moved_object = lake is not None and lake.move(lake.rel_of(src), lake.rel_of(dst))
        if not src.exists():
            if moved_object:
                moved.append(dst.as_posix())
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        src.replace(dst)
        moved.append(dst.as_posix())
    return moved


IMPORTERS = ("crowdtangle", "generic_import")


def inbox(importer: str) -> Path:
    """Where engineers drop export files for an importer: ``$DIPLOWATCH_HOME/inbox/<importer>/``.

    With an object store, files are dropped into ``<uri>/inbox/<importer>/`` instead, and this folder
    is the worker's mirror of it (``inbox_files``).
    """
    return paths.home() / "inbox" / importer


def inbox_files(importer: str) -> list[Path]:
    """The files waiting in an importer's inbox (not in ``done/``), sorted by name.

    With an object store the inbox is ``<uri>/inbox/<importer>/``: its files (not those under ``done/``)
    are fetched into this worker's mirror and only they are imported. A file found only in the local
    folder is left alone, with a warning: it belongs in the bucket, where every worker can find it.
    """
    box = lakestore.inbox_store()
    local = sorted(p for p in inbox(importer).glob("*") if p.is_file())
    if box is None:
        return local
    local = [p for p in local if not p.name.startswith(".")]  # a mirror's temporary files are dot-files
    remote = box.list(importer, recursive=False)
    fetched = box.fetch(remote)
    files = sorted(box.local(rel) for rel in remote)
    for path in sorted(set(local) - set(files)):
        log.warning("%s: not in %s, so not imported; upload it there", path, box.uri_of(f"{importer}/{path.name}"))
    log.info("inbox %s: %d file(s), %d fetched", box.uri_of(importer), len(files), fetched)
    return files


def _mark_done(importer: str, done: list[Path]) -> None:
    """Move imported files to ``inbox/<importer>/done/``: the local copies, and with an object store the objects.

    Once its object is under ``done/``, no worker imports the file again.
    """
    box = lakestore.inbox_store()
    for path in done:
        target = path.parent / "done" / path.name
        if box is not None:
            box.move(f"{importer}/{path.name}", f"{importer}/done/{path.name}")
        target.parent.mkdir(exist_ok=True)
        path.replace(target)


def ingest_imports(
    importer: str, run_id: str, dt: date, offline: Path | None = None, key: str | None = None
) -> LandingSummary:
    """Import export files (CrowdTangle CSVs, generic JSONL/CSV) from the inbox, or the bundled sample offline.

    Imported inbox files move to ``inbox/<importer>/done/`` only after their rows have landed.
    """
    landing.ensure_schema_files()
    module = importlib.import_module(f"diplowatch.sources.{importer}")
    summary = LandingSummary(source=importer, part=importer, run_id=run_id)
    offline = offline if offline is not None else _platform_sample(_SAMPLE_FOLDERS[importer])
    done: list[Path] = []
    with RawWriter(importer, f"{key or run_id}--{importer}", dt) as raw:
        ctx = RunContext(run_id=run_id, source=importer, dt=dt, raw=raw, sample_dir=offline)
        if offline is not None:
            batch = module.import_sample(ctx)
        else:
            batch = ctx.new_batch()
            for path in inbox_files(importer):
                try:
                    batch.extend(module.import_file(path, ctx))
                    done.append(path)
                except (ValueError, OSError) as exc:
                    batch.reject("posts", f"{path.name}: {exc}", excerpt=path.name)
        summary.raw_file = raw.path.as_posix()
    _land(batch, summary, dt, key)
    _mark_done(importer, done)
    return summary


_SAMPLE_FOLDERS = {"crowdtangle": "crowdtangle", "generic_import": "import"}
