"""Incremental cursors, derived from what actually landed (never from what was only fetched).

A cursor is the newest native id landed for an account, read from the landing
Parquet files; since data is written before anything reads it back, a cursor
can never run ahead of landed data. Re-delivery of the boundary post is harmless:
staging deduplicates on the key.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from diplowatch import paths

log = logging.getLogger(__name__)


def _posts_glob(platform: str, root: Path | None = None) -> Path:
    return (root or paths.landing()) / "posts" / f"platform={platform}"


def last_landed(platform: str, account_uid: str, root: Path | None = None) -> tuple[str | None, datetime | None]:
    """(newest native id, newest published_at) landed for an account, or (None, None)."""
    folder = _posts_glob(platform, root)
    if not any(folder.glob("dt=*/*.parquet")):
        return None, None
    sql = f"""
        select native_id, published_at
        from read_parquet('{folder.as_posix()}/dt=*/*.parquet', hive_partitioning = false, union_by_name = true)
        where account_uid = ?
        order by published_at desc, try_cast(native_id as hugeint) desc nulls last
        limit 1
    """
    with duckdb.connect() as con:
        row = con.execute(sql, [account_uid]).fetchone()
    return (row[0], row[1]) if row else (None, None)


def recent_post_ids(platform: str, account_uid: str, since: datetime, root: Path | None = None) -> list[str]:
    """Native ids of landed posts published since ``since`` (their metrics get refreshed)."""
    folder = _posts_glob(platform, root)
    if not any(folder.glob("dt=*/*.parquet")):
        return []
    sql = f"""
        select distinct native_id
        from read_parquet('{folder.as_posix()}/dt=*/*.parquet', hive_partitioning = false, union_by_name = true)
        where account_uid = ? and published_at >= ?
        order by 1
    """
    with duckdb.connect() as con:
        return [r[0] for r in con.execute(sql, [account_uid, since]).fetchall()]


def landed_ids(platform: str, account_uid: str, since: datetime, until: datetime, root: Path | None = None) -> set[str]:
    """Native ids of landed posts published in ``[since, until]`` (a gap fill skips them: no double landing)."""
    folder = _posts_glob(platform, root)
    if not any(folder.glob("dt=*/*.parquet")):
        return set()
    sql = f"""
        select distinct native_id
        from read_parquet('{folder.as_posix()}/dt=*/*.parquet', hive_partitioning = false, union_by_name = true)
        where account_uid = ? and published_at between ? and ?
    """
    with duckdb.connect() as con:
        return {r[0] for r in con.execute(sql, [account_uid, since, until]).fetchall()}


# ---------------------------------------------------------------------------------------------
# Gaps: ranges of posts a run stepped over (page or rate-limit budget spent before the cursor)
# ---------------------------------------------------------------------------------------------
#
# A live run pages newest first down to the cursor (the newest landed post). When its budget
# (``ctx.max_pages``, a rate limit) runs out first, it lands the newest pages and the cursor
# jumps past posts it never fetched. The run then returns a gap marker with its batch
# (``attach_gaps``); ``diplowatch.ingest`` saves it only after the batch has landed
# (``save_gaps``), so a failed run records nothing. The next run fills open gaps first, from
# their older end (``older_than``) back to their newer end (``newer_than``), and closes them.
# One JSON file per account: ``<state>/gaps/<account_uid>.json``. ``last_landed`` is unchanged.
# Scale-out (``DIPLOWATCH_LAKE_URI``): ``diplowatch.ingest`` pulls ``<uri>/state/gaps/`` before a run and
# pushes (or deletes) the account's object after ``save_gaps``, so any worker's next run fills the gap.

GAPS_ATTR = "gap_update"


@dataclass(frozen=True)
class Mark:
    """One post as a boundary: its native id and publication time (either may be unknown)."""

    id: str | None
    at: datetime | None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "at": self.at.isoformat() if self.at else None}

    @classmethod
    def from_json(cls, doc: dict[str, Any] | None) -> Mark:
        doc = doc or {}
        at = doc.get("at")
        return cls(id=doc.get("id"), at=datetime.fromisoformat(at) if at else None)

    @property
    def id_int(self) -> int | None:
        return int(self.id) if self.id is not None and str(self.id).lstrip("-").isdigit() else None


@dataclass
class Gap:
    """Posts strictly between ``newer_than`` (the old cursor, landed) and ``older_than`` (landed) were never fetched.

    ``resume`` says where paging continues (platform-specific: ``before``, ``until_id``, ``until``,
    ``offset``/``total``), when meaningful.
    """

    newer_than: Mark
    older_than: Mark
    resume: dict[str, Any] = field(default_factory=dict)
    opened_by: str | None = None
    updated_by: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "newer_than": self.newer_than.to_json(),
            "older_than": self.older_than.to_json(),
            "resume": self.resume,
            "opened_by": self.opened_by,
            "updated_by": self.updated_by,
        }

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> Gap:
        return cls(
            newer_than=Mark.from_json(doc.get("newer_than")),
            older_than=Mark.from_json(doc.get("older_than")),
            resume=dict(doc.get("resume") or {}),
            opened_by=doc.get("opened_by"),
            updated_by=doc.get("updated_by"),
        )


@dataclass
class GapUpdate:
    """The open gaps of one account after a run (replaces the saved list once the run's data has landed)."""

    platform: str
    account_uid: str
    gaps: list[Gap]
    run_id: str | None = None


def gaps_file(account_uid: str, root: Path | None = None) -> Path:
    """``<state>/gaps/<account_uid>.json`` (``:`` and ``/`` in the uid become ``_``)."""
    safe = account_uid.replace(":", "_").replace("/", "_")
    return (root or paths.state()) / "gaps" / f"{safe}.json"


def open_gaps(account_uid: str, root: Path | None = None) -> list[Gap]:
    """The open gaps of an account, newest first; an unreadable file is an error naming the file."""
    path = gaps_file(account_uid, root)
    if not path.is_file():
        return []
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        gaps = [Gap.from_json(g) for g in doc["gaps"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{path}: expected {{'gaps': [{{newer_than, older_than, resume}}, ...]}}: {exc}") from None
    return sorted(gaps, key=lambda g: g.older_than.at or datetime.min.replace(tzinfo=UTC), reverse=True)


def save_gaps(update: GapUpdate, root: Path | None = None) -> Path | None:
    """Write (atomically) or remove the account's gap file; call only after the run's batch has landed."""
    path = gaps_file(update.account_uid, root)
    if not update.gaps:
        if path.exists():
            path.unlink()
            log.info("%s: every gap filled", update.account_uid)
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {
        "platform": update.platform,
        "account_uid": update.account_uid,
        "run_id": update.run_id,
        "gaps": [g.to_json() for g in update.gaps],
    }
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    log.warning("%s: %d open gap(s) recorded in %s", update.account_uid, len(update.gaps), path)
    return path


def attach_gaps(batch: Any, update: GapUpdate) -> None:
    """Hand the account's gap list to ``diplowatch.ingest`` along with the batch (saved after landing)."""
    setattr(batch, GAPS_ATTR, update)


def pending_gaps(batch: Any) -> GapUpdate | None:
    """The gap list a source attached to its batch, if any (offline runs and failures attach none)."""
    return getattr(batch, GAPS_ATTR, None)


@dataclass
class Walk:
    """Progress of a newest-first walk down to ``boundary`` (the old cursor, or a gap's newer end).

    The source calls ``saw`` with the posts it keeps, sets ``resume`` before each next page and
    ``reached`` once a page reaches the boundary (or the end of the history).
    """

    boundary: Mark | None
    key: str = "at"
    """How posts are ordered: ``"id"`` (numeric native ids: Telegram, X) or ``"at"`` (published_at)."""
    oldest: Mark | None = None
    resume: dict[str, Any] = field(default_factory=dict)
    reached: bool = False

    def _order(self, mark: Mark) -> tuple:
        if self.key == "id" and mark.id_int is not None:
            return (mark.id_int,)
        return (mark.at or datetime.max.replace(tzinfo=UTC), mark.id_int or 0)

    def saw(self, posts: list[dict[str, Any]]) -> None:
        for post in posts:
            mark = Mark(str(post["native_id"]), post["published_at"])
            if self.oldest is None or self._order(mark) < self._order(self.oldest):
                self.oldest = mark

    def gap(self, run_id: str) -> Gap | None:
        """The gap this walk leaves: None when it reached its boundary, had none, or fetched nothing."""
        if self.reached or self.boundary is None or self.oldest is None:
            return None
        if self._order(self.oldest) <= self._order(self.boundary):
            return None
        return Gap(self.boundary, self.oldest, dict(self.resume), opened_by=run_id, updated_by=run_id)

    def after_fill(self, gap: Gap, run_id: str) -> Gap | None:
        """What is left of ``gap`` after this (fill) walk: None when filled, else the narrowed gap."""
        if self.reached:
            return None
        if self.oldest is None:
            return gap
        return Gap(gap.newer_than, self.oldest, dict(self.resume), opened_by=gap.opened_by, updated_by=run_id)


@dataclass
class GapLedger:
    """The gap bookkeeping of one live run: fills of open gaps, then the walk down to the cursor.

    Works from the walks' current progress, so ``update()`` is right even when a rate limit
    interrupted a walk half-way.
    """

    platform: str
    account_uid: str
    run_id: str
    key: str = "at"
    todo: list[Gap] = field(default_factory=list)
    _fills: list[tuple[Gap, Walk]] = field(default_factory=list)
    _main: Walk | None = None

    @classmethod
    def load(cls, platform: str, account_uid: str, run_id: str, key: str = "at") -> GapLedger:
        return cls(platform, account_uid, run_id, key, open_gaps(account_uid))

    def fill(self, gap: Gap) -> Walk:
        """Start filling ``gap``: the returned walk's boundary is the gap's newer end."""
        walk = Walk(boundary=gap.newer_than, key=self.key)
        self._fills.append((gap, walk))
        return walk

    def walk(self, boundary: Mark | None) -> Walk:
        """Start the newest-first walk down to the cursor (``None``: no cursor, no gap can be left)."""
        self._main = Walk(boundary=boundary, key=self.key)
        return self._main

    def update(self) -> GapUpdate:
        started = {id(g) for g, _ in self._fills}
        left = [rest for g, w in self._fills if (rest := w.after_fill(g, self.run_id)) is not None]
        left += [g for g in self.todo if id(g) not in started]
        new = self._main.gap(self.run_id) if self._main is not None else None
        return GapUpdate(self.platform, self.account_uid, [new, *left] if new else left, self.run_id)
