"""The landing contract: Parquet schemas, contract checks, atomic partitioned writes, rejects.

Every source module produces plain dicts shaped like the schemas below; ``land()``
checks them against the contract, writes the valid ones to
``lake/landing/<entity>/platform=<p>/dt=<date>/<run_key>.parquet`` and the rest
to ``lake/landing/rejects/...`` with their reason. Re-landing the same run key
replaces its files, so a re-run never duplicates rows.

Schema version history (a new optional column is not a breaking change):
  1: first version.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from diplowatch import paths

SCHEMA_VERSION = 1

PLATFORMS = frozenset({"telegram", "x", "facebook", "instagram", "vk", "news", "import"})
SOURCE_FORMATS = frozenset({"api", "web", "export", "feed", "import"})

TS = pa.timestamp("us", tz="UTC")
MEDIA = pa.list_(pa.struct([("type", pa.string()), ("url", pa.string())]))
REACTIONS = pa.map_(pa.string(), pa.int64())

_RUN = [
    pa.field("run_id", pa.string(), nullable=False),
    pa.field("fetched_at", TS, nullable=False),
]

SCHEMAS: dict[str, pa.Schema] = {
    "posts": pa.schema(
        [
            pa.field("post_uid", pa.string(), nullable=False),
            pa.field("platform", pa.string(), nullable=False),
            pa.field("account_uid", pa.string(), nullable=False),
            pa.field("native_id", pa.string(), nullable=False),
            pa.field("mission_id", pa.string()),
            pa.field("published_at", TS, nullable=False),
            pa.field("text", pa.string()),
            pa.field("text_raw", pa.string()),
            pa.field("url", pa.string()),
            pa.field("media", MEDIA),
            pa.field("reply_to", pa.string()),
            pa.field("forwarded_from", pa.string()),
            pa.field("repost_of", pa.string()),
            pa.field("lang_hint", pa.string()),
            pa.field("author", pa.string()),
            pa.field("edited_at", TS),
            pa.field("source_format", pa.string(), nullable=False),
            pa.field("raw_ref", pa.string()),
            *_RUN,
        ],
        metadata={"schema_version": str(SCHEMA_VERSION)},
    ),
    "post_metrics": pa.schema(
        [
            pa.field("post_uid", pa.string(), nullable=False),
            pa.field("platform", pa.string(), nullable=False),
            pa.field("account_uid", pa.string(), nullable=False),
            pa.field("observed_at", TS, nullable=False),
            pa.field("likes", pa.int64()),
            pa.field("reactions_total", pa.int64()),
            pa.field("reactions", REACTIONS),
            pa.field("shares", pa.int64()),
            pa.field("comments", pa.int64()),
            pa.field("views", pa.int64()),
            pa.field("views_raw", pa.string()),
            pa.field("source_format", pa.string(), nullable=False),
            pa.field("raw_ref", pa.string()),
            *_RUN,
        ],
        metadata={"schema_version": str(SCHEMA_VERSION)},
    ),
    "accounts": pa.schema(
        [
            pa.field("account_uid", pa.string(), nullable=False),
            pa.field("platform", pa.string(), nullable=False),
            pa.field("mission_id", pa.string()),
            pa.field("handle", pa.string(), nullable=False),
            pa.field("native_id", pa.string()),
            pa.field("display_name", pa.string()),
            pa.field("description", pa.string()),
            pa.field("url", pa.string()),
            pa.field("source_format", pa.string(), nullable=False),
            pa.field("raw_ref", pa.string()),
            *_RUN,
        ],
        metadata={"schema_version": str(SCHEMA_VERSION)},
    ),
    "account_metrics": pa.schema(
        [
            pa.field("account_uid", pa.string(), nullable=False),
            pa.field("platform", pa.string(), nullable=False),
            pa.field("observed_at", TS, nullable=False),
            pa.field("followers", pa.int64()),
            pa.field("followers_raw", pa.string()),
            pa.field("posts_count", pa.int64()),
            pa.field("source_format", pa.string(), nullable=False),
            pa.field("raw_ref", pa.string()),
            *_RUN,
        ],
        metadata={"schema_version": str(SCHEMA_VERSION)},
    ),
    "news_items": pa.schema(
        [
            pa.field("item_uid", pa.string(), nullable=False),
            pa.field("url", pa.string(), nullable=False),
            pa.field("canonical_url", pa.string(), nullable=False),
            pa.field("title", pa.string()),
            pa.field("summary", pa.string()),
            pa.field("body", pa.string()),
            pa.field("published_at", TS, nullable=False),
            pa.field("seen_at", TS),
            pa.field("source_domain", pa.string(), nullable=False),
            pa.field("source_name", pa.string()),
            pa.field("language", pa.string()),
            pa.field("found_via", pa.string(), nullable=False),
            pa.field("feed_or_query", pa.string()),
            pa.field("authors", pa.list_(pa.string())),
            pa.field("source_format", pa.string(), nullable=False),
            pa.field("raw_ref", pa.string()),
            *_RUN,
        ],
        metadata={"schema_version": str(SCHEMA_VERSION)},
    ),
    "rejects": pa.schema(
        [
            pa.field("entity", pa.string(), nullable=False),
            pa.field("source", pa.string(), nullable=False),
            pa.field("reason", pa.string(), nullable=False),
            pa.field("raw_ref", pa.string()),
            pa.field("excerpt", pa.string()),
            *_RUN,
        ],
        metadata={"schema_version": str(SCHEMA_VERSION)},
    ),
}

KEYS: dict[str, tuple[str, ...]] = {
    "posts": ("post_uid",),
    "post_metrics": ("post_uid", "observed_at"),
    "accounts": ("account_uid",),
    "account_metrics": ("account_uid", "observed_at"),
    "news_items": ("item_uid",),
}

# Entities without a ``platform`` column are partitioned (``platform=<value>/``) by another column.
PARTITION_COLUMN: dict[str, str] = {"news_items": "found_via"}

_NON_NEGATIVE = ("likes", "reactions_total", "shares", "comments", "views", "followers", "posts_count")
EXCERPT_CHARS = 300


class ContractError(ValueError):
    """A record does not satisfy the landing contract."""


def post_uid(platform: str, account: str, native_id: str | int) -> str:
    """The post key of DESIGN.md: ``platform:account:native_id``."""
    return f"{platform}:{account}:{native_id}"


def account_uid(platform: str, account: str) -> str:
    return f"{platform}:{account}"


def run_key(run_id: str) -> str:
    """A file-name-safe form of an Airflow run id (``manual__2018-01-01T00:00:00+00:00``)."""
    return re.sub(r"[^A-Za-z0-9._=-]+", "_", run_id).strip("_") or "run"


def check_record(entity: str, record: Mapping[str, Any]) -> None:
    """Raise ContractError naming the field when a record breaks the contract of its entity."""
    schema = SCHEMAS[entity]
    unknown = set(record) - set(schema.names)
    if unknown:
        raise ContractError(f"unknown field(s) {sorted(unknown)} for {entity}")
    for f in schema:
        value = record.get(f.name)
        if not f.nullable and (value is None or value == ""):
            raise ContractError(f"{f.name} is required")
        if value is None:
            continue
        if pa.types.is_timestamp(f.type):
            if not isinstance(value, datetime):
                raise ContractError(f"{f.name} must be a datetime, got {type(value).__name__}")
            if value.tzinfo is None:
                raise ContractError(f"{f.name} has no time zone")
        if f.name in _NON_NEGATIVE and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            raise ContractError(f"{f.name} must be a non-negative integer, got {value!r}")
    if "platform" in schema.names and record.get("platform") not in PLATFORMS:
        raise ContractError(f"platform {record.get('platform')!r} is not one of {sorted(PLATFORMS)}")
    if record.get("source_format") not in (None, *SOURCE_FORMATS):
        raise ContractError(f"source_format {record.get('source_format')!r} is not one of {sorted(SOURCE_FORMATS)}")


@dataclass
class Batch:
    """Records of one run, per entity, plus their rejects, collected before landing."""

    run_id: str
    source: str
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    rejects: list[dict[str, Any]] = field(default_factory=list)

    def add(self, entity: str, record: dict[str, Any]) -> None:
        record = {"run_id": self.run_id, "fetched_at": self.fetched_at, **record}
        try:
            check_record(entity, record)
        except ContractError as exc:
            self.reject(entity, str(exc), raw_ref=record.get("raw_ref"), excerpt=record)
            return
        self.records.setdefault(entity, []).append(record)

    def reject(self, entity: str, reason: str, *, raw_ref: str | None = None, excerpt: Any = None) -> None:
        if excerpt is not None and not isinstance(excerpt, str):
            excerpt = json.dumps(excerpt, default=str, ensure_ascii=False)
        self.rejects.append(
            {
                "entity": entity,
                "source": self.source,
                "reason": reason,
                "raw_ref": raw_ref,
                "excerpt": excerpt[:EXCERPT_CHARS] if excerpt else None,
                "run_id": self.run_id,
                "fetched_at": self.fetched_at,
            }
        )

    def extend(self, other: Batch) -> None:
        for entity, rows in other.records.items():
            self.records.setdefault(entity, []).extend(rows)
        self.rejects.extend(other.rejects)

    def counts(self) -> dict[str, int]:
        out = {entity: len(rows) for entity, rows in self.records.items()}
        out["rejects"] = len(self.rejects)
        return out


def dedupe(entity: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keep the last record per key: a page fetched twice in one run lands once."""
    key = KEYS.get(entity)
    if not key:
        return rows
    seen: dict[tuple, dict[str, Any]] = {}
    for row in rows:
        seen[tuple(row.get(k) for k in key)] = row
    return list(seen.values())


def to_table(entity: str, rows: Iterable[Mapping[str, Any]]) -> pa.Table:
    schema = SCHEMAS[entity]
    return pa.Table.from_pylist([{n: r.get(n) for n in schema.names} for r in rows], schema=schema)


def write_parquet_atomic(table: pa.Table, target: Path) -> Path:
    """Write to a temporary name in the target folder, then rename over the target."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        pq.write_table(table, tmp, compression="zstd")
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def partition_path(
    entity: str, platform: str, dt: date, run_id: str, root: Path | None = None, part: str | None = None
) -> Path:
    root = root or paths.landing()
    name = run_key(run_id) + (f"--{run_key(part)}" if part else "")
    return root / entity / f"platform={platform}" / f"dt={dt.isoformat()}" / f"{name}.parquet"


def land(
    batch: Batch,
    *,
    dt: date | None = None,
    root: Path | None = None,
    part: str | None = None,
    key: str | None = None,
) -> dict[str, list[Path]]:
    """Write a batch to the landing zone; returns the files written per entity.

    ``dt`` is the run's partition date (its interval start); ``part`` names one slice of
    a run (an account, a feed) so that mapped tasks of one run don't overwrite each other.
    ``key`` names the files instead of the run id (the DAGs pass the data interval, so that
    any re-run of an interval replaces that interval's files). Re-landing the same key, date
    and part replaces the same files.
    """
    name = key or batch.run_id
    dt = dt or batch.fetched_at.date()
    written: dict[str, list[Path]] = {}
    for entity, rows in batch.records.items():
        by_platform: dict[str, list[dict[str, Any]]] = {}
        for row in dedupe(entity, rows):
            by_platform.setdefault(row[PARTITION_COLUMN.get(entity, "platform")], []).append(row)
        for platform, prows in sorted(by_platform.items()):
            target = partition_path(entity, platform, dt, name, root, part)
            written.setdefault(entity, []).append(write_parquet_atomic(to_table(entity, prows), target))
    rejects_target = partition_path("rejects", batch.source, dt, name, root, part)
    if batch.rejects:
        written["rejects"] = [write_parquet_atomic(to_table("rejects", batch.rejects), rejects_target)]
    else:
        rejects_target.unlink(missing_ok=True)
    return written


def ensure_schema_files(root: Path | None = None) -> None:
    """Write one empty, typed Parquet file per entity so that every landing glob matches.

    dbt's sources read ``landing/<entity>/*/*/*.parquet``; with this file a platform
    or entity with no data yet reads as zero typed rows instead of an error.
    """
    root = root or paths.landing()
    for entity, schema in SCHEMAS.items():
        target = root / entity / "platform=_none" / "dt=1970-01-01" / "_schema.parquet"
        if not target.exists():
            write_parquet_atomic(schema.empty_table(), target)
