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
from datetime import UTC, date, datetime
from operator import attrgetter, methodcaller
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
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
_PLATFORM_SET = pa.array(sorted(PLATFORMS), type=pa.string())
_SOURCE_FORMAT_SET = pa.array(sorted(SOURCE_FORMATS), type=pa.string())


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


class Batch:
    """Records of one run, per entity, plus their rejects, collected before landing.

    ``add`` only appends the record (the batch takes ownership of the dict); the contract is
    checked lazily, vectorised over all records of an entity, by ``counts()``, ``records``,
    ``rejects`` or ``land()`` (see ``_validate_rows``). A record that breaks the contract
    becomes a reject row whose reason names the field, exactly as ``check_record`` words it;
    rejects keep the order in which their records were added. ``add_table`` takes records that are
    already an Arrow table of the entity's schema (a column-wise parser): they are checked with the
    same masks and handed out as dicts only if ``records`` is asked for.
    """

    def __init__(
        self,
        run_id: str,
        source: str,
        fetched_at: datetime | None = None,
        records: Mapping[str, Iterable[dict[str, Any]]] | None = None,
        rejects: Iterable[dict[str, Any]] | None = None,
    ) -> None:
        self.run_id = run_id
        self.source = source
        self.fetched_at = fetched_at if fetched_at is not None else datetime.now(UTC)
        self._seq = 0  # add/reject order, so that rejects come out in the order they happened
        self._pending: dict[str, list[dict[str, Any]]] = {}
        self._pending_seq: dict[str, list[int]] = {}
        self._valid: dict[str, list[dict[str, Any]]] = {}  # valid records (as added, or merged once exposed)
        self._tables: dict[str, list[pa.Table] | None] = {}  # Arrow chunks of _valid; None: rebuild from _valid
        self._exposed: set[str] = set()  # entities handed out through ``records`` (mutable dicts)
        self._lazy: set[str] = set()  # entities with rows held only in ``_tables`` (added by ``add_table``)
        self._rejects: list[tuple[int, dict[str, Any]]] = []
        self._rejects_sorted: list[dict[str, Any]] | None = None
        for entity, rows in (records or {}).items():
            for row in rows:
                self.add(entity, row)
        for row in rejects or ():
            self._push_reject(dict(row))

    def __repr__(self) -> str:
        return f"Batch(run_id={self.run_id!r}, source={self.source!r}, fetched_at={self.fetched_at!r})"

    def add(self, entity: str, record: dict[str, Any]) -> None:
        """Queue one record; it is checked against the contract when the batch is validated."""
        rows = self._pending.get(entity)
        if rows is None:
            if entity not in SCHEMAS:
                raise KeyError(f"unknown entity {entity!r}; expected one of {sorted(SCHEMAS)}")
            rows = self._pending[entity] = []
            self._pending_seq[entity] = []
        rows.append(record)
        self._pending_seq[entity].append(self._seq)
        self._seq += 1

    def add_table(self, entity: str, table: pa.Table) -> None:
        """Queue the records of an Arrow table whose columns are named as the entity's schema.

        A missing column is null (``run_id`` / ``fetched_at``: the batch's); a column the schema does
        not have, or one that cannot be cast to its type, raises ``ContractError``. Rows that break the
        contract become rejects worded by ``check_record``; they come after the records added before.
        """
        if entity not in SCHEMAS:
            raise KeyError(f"unknown entity {entity!r}; expected one of {sorted(SCHEMAS)}")
        self._validate()  # records added earlier keep their place before these
        table = _conform(entity, table, self.run_id, self.fetched_at)
        mask = _contract_mask(entity, table)
        if mask is not None and pc.any(mask).as_py():
            for row in table.filter(mask).to_pylist():
                reason = _reason(entity, row) or "breaks the landing contract"
                self._push_reject(self._reject_row(entity, reason, row.get("raw_ref"), row))
            table = table.filter(pc.invert(mask))
        if not table.num_rows:
            return
        valid = self._valid.setdefault(entity, [])
        chunks = self._tables.get(entity, [])
        if chunks is None:  # the entity's dicts were handed out: keep adding dicts
            valid.extend(table.to_pylist())
            return
        self._tables[entity] = [*chunks, table]
        self._lazy.add(entity)

    def _materialize(self, entity: str) -> None:
        """Make ``_valid`` hold every valid row of an entity as a dict (rows added by ``add_table``)."""
        if entity in self._lazy:
            chunks = self._tables[entity] or []
            self._valid[entity] = pa.concat_tables(chunks).to_pylist() if chunks else []
            self._lazy.discard(entity)

    def _count(self, entity: str) -> int:
        if entity in self._lazy:
            return sum(chunk.num_rows for chunk in self._tables[entity] or [])
        return len(self._valid.get(entity, []))

    def reject(self, entity: str, reason: str, *, raw_ref: str | None = None, excerpt: Any = None) -> None:
        self._push_reject(self._reject_row(entity, reason, raw_ref, excerpt))

    def _reject_row(self, entity: str, reason: str, raw_ref: str | None, excerpt: Any) -> dict[str, Any]:
        if excerpt is not None and not isinstance(excerpt, str):
            excerpt = json.dumps(excerpt, default=str, ensure_ascii=False)
        return {
            "entity": entity,
            "source": self.source,
            "reason": reason,
            "raw_ref": raw_ref,
            "excerpt": excerpt[:EXCERPT_CHARS] if excerpt else None,
            "run_id": self.run_id,
            "fetched_at": self.fetched_at,
        }

    def _push_reject(self, row: dict[str, Any], seq: int | None = None) -> None:
        if seq is None:
            seq, self._seq = self._seq, self._seq + 1
        self._rejects.append((seq, row))
        self._rejects_sorted = None

    def _merged(self, record: Mapping[str, Any]) -> dict[str, Any]:
        return {"run_id": self.run_id, "fetched_at": self.fetched_at, **record}

    def _validate(self) -> None:
        """Check every queued record against the contract (vectorised per entity); split valid rows and rejects."""
        for entity in list(self._pending):
            rows, seqs = self._pending.pop(entity), self._pending_seq.pop(entity)
            table, keep, rejected = _validate_rows(entity, rows, self.run_id, self.fetched_at)
            for i, reason in rejected:
                record = self._merged(rows[i])
                self._push_reject(self._reject_row(entity, reason, record.get("raw_ref"), record), seqs[i])
            if not keep:
                continue
            valid = [rows[i] for i in keep] if len(keep) != len(rows) else rows
            if entity in self._exposed:
                valid = [self._merged(r) for r in valid]
            self._valid.setdefault(entity, []).extend(valid)
            chunks = self._tables.setdefault(entity, [])
            if chunks is not None:
                chunks.append(table)

    @property
    def records(self) -> dict[str, list[dict[str, Any]]]:
        """The valid records per entity, with ``run_id`` and ``fetched_at``; changes to them are landed."""
        self._validate()
        for entity in list(self._lazy):
            self._materialize(entity)
        for entity, rows in self._valid.items():
            if entity not in self._exposed:
                rows[:] = [self._merged(r) for r in rows]
                self._exposed.add(entity)
            self._tables[entity] = None  # the caller may change the dicts: land() rebuilds from them
        return {entity: rows for entity, rows in self._valid.items() if rows}

    @property
    def rejects(self) -> list[dict[str, Any]]:
        """The reject rows, in the order their records were added or rejected."""
        self._validate()
        if self._rejects_sorted is None:
            self._rejects_sorted = [row for _, row in sorted(self._rejects, key=lambda sr: sr[0])]
        return self._rejects_sorted

    def table(self, entity: str) -> pa.Table:
        """The valid records of one entity as an Arrow table of its landing schema (not deduplicated)."""
        self._validate()
        chunks = self._tables.get(entity)
        if chunks is None:
            rows = self._valid.get(entity, [])
            chunks = self._tables[entity] = [_to_arrow(entity, rows, self.run_id, self.fetched_at)] if rows else []
        if not chunks:
            return SCHEMAS[entity].empty_table()
        return chunks[0] if len(chunks) == 1 else pa.concat_tables(chunks)

    def entities(self) -> list[str]:
        """Entities with at least one valid record, in the order they were first seen."""
        self._validate()
        return [entity for entity in self._valid if self._count(entity)]

    def extend(self, other: Batch) -> None:
        for entity, rows in other.records.items():
            for row in rows:
                self.add(entity, dict(row))  # keeps the other batch's run_id / fetched_at, as before
        for row in other.rejects:
            self._push_reject(dict(row))

    def counts(self) -> dict[str, int]:
        """Valid records per entity (entities with none are left out) and ``rejects``."""
        self._validate()
        out = {entity: n for entity in self._valid if (n := self._count(entity))}
        out["rejects"] = len(self._rejects)
        return out


# --- vectorised contract checks ----------------------------------------------------------------------

_NONE = type(None)
_INT_TYPES = frozenset({int, _NONE})
_TS_TYPES = frozenset({datetime, _NONE})
_RUN_COLUMNS = ("run_id", "fetched_at")


def _struct_of(entity: str) -> pa.StructType:
    """The entity's schema as a struct of nullable fields (nullability is checked by ``_contract_mask``)."""
    return pa.struct([f.with_nullable(True) for f in SCHEMAS[entity]])


def _to_arrow(entity: str, rows: list[Mapping[str, Any]], run_id: str, fetched_at: datetime) -> pa.Table:
    """Records to a table of the entity's schema in one C++ pass; a missing run_id / fetched_at is the batch's."""
    return _conform(entity, pa.Table.from_struct_array(pa.array(rows, type=_struct_of(entity))), run_id, fetched_at)


def _conform(entity: str, table: pa.Table, run_id: str, fetched_at: datetime) -> pa.Table:
    """A table with exactly the entity's columns and types; missing columns null, run columns the batch's."""
    schema = SCHEMAS[entity]
    unknown = sorted(set(table.column_names) - set(schema.names))
    if unknown:
        raise ContractError(f"unknown field(s) {unknown} for {entity}")
    n = table.num_rows
    columns = []
    for f in schema:
        if f.name in table.column_names:
            try:
                col = table.column(f.name).cast(f.type)
            except (pa.ArrowException, TypeError, ValueError) as exc:
                raise ContractError(f"{f.name} cannot be stored as {f.type}: {exc}") from None
        else:
            col = pa.nulls(n, type=f.type)
        if f.name in _RUN_COLUMNS:
            col = pc.fill_null(col, pa.scalar(run_id if f.name == "run_id" else fetched_at, type=f.type))
        columns.append(col)
    return pa.Table.from_arrays(columns, schema=schema)


def _column(rows: list[Mapping[str, Any]], name: str) -> list[Any]:
    return list(map(methodcaller("get", name), rows))


def _precheck(entity: str, rows: list[Mapping[str, Any]], fetched_at: datetime) -> set[int]:
    """Rows that may break the contract in ways Arrow's conversion would hide (C-speed set checks first).

    Unknown fields (ignored by the conversion), non-datetime or tz-less timestamps (a naive datetime
    would silently be read as UTC), non-integer counts (a float would be truncated), and an explicit
    ``None`` run_id / fetched_at (else filled with the batch's). Only when a set check fails are the
    offending rows looked for one by one.
    """
    schema = SCHEMAS[entity]
    names = frozenset(schema.names)
    if fetched_at.tzinfo is None:  # every record inherits it: let check_record word it
        return set(range(len(rows)))
    keys = set().union(*rows)
    flagged: set[int] = set()
    if not keys <= names:
        flagged.update(i for i, r in enumerate(rows) if not r.keys() <= names)
    for name in _RUN_COLUMNS:
        if name in keys:
            flagged.update(i for i, r in enumerate(rows) if name in r and r[name] is None)
    for f in schema:
        if f.name not in keys:
            continue
        if pa.types.is_timestamp(f.type):
            values = _column(rows, f.name)
            if not set(map(type, values)) <= _TS_TYPES or None in set(map(attrgetter("tzinfo"), filter(None, values))):
                flagged.update(
                    i
                    for i, v in enumerate(values)
                    if v is not None and (not isinstance(v, datetime) or v.tzinfo is None)
                )
        elif f.name in _NON_NEGATIVE:
            values = _column(rows, f.name)
            if not set(map(type, values)) <= _INT_TYPES:
                flagged.update(i for i, v in enumerate(values) if type(v) not in _INT_TYPES)
    return flagged


def _contract_mask(entity: str, table: pa.Table) -> pa.ChunkedArray | None:
    """True for rows that break a required field, a non-negative count, or the platform / source_format sets."""
    schema = SCHEMAS[entity]
    masks = []
    for f in schema:
        col = table.column(f.name)
        if not f.nullable and f.name not in _RUN_COLUMNS:
            masks.append(pc.is_null(col))
            if pa.types.is_string(f.type):
                masks.append(pc.equal(col, ""))
        if f.name in _NON_NEGATIVE:
            masks.append(pc.less(col, 0))
    if "platform" in schema.names:
        masks.append(pc.invert(pc.is_in(table.column("platform"), value_set=_PLATFORM_SET)))
    if "source_format" in schema.names:
        col = table.column("source_format")
        masks.append(pc.and_(pc.is_valid(col), pc.invert(pc.is_in(col, value_set=_SOURCE_FORMAT_SET))))
    if not masks:
        return None
    mask = masks[0].fill_null(False)
    for m in masks[1:]:
        mask = pc.or_(mask, m.fill_null(False))
    return mask


def _reason(entity: str, record: Mapping[str, Any]) -> str | None:
    try:
        check_record(entity, record)
    except ContractError as exc:
        return str(exc)
    return None


def _conversion_reason(entity: str, record: Mapping[str, Any]) -> str | None:
    """Why one record cannot be stored in its entity's Arrow schema (a wrong type), naming the field."""
    for f in SCHEMAS[entity]:
        try:
            pa.array([record.get(f.name)], type=f.type)
        except (pa.ArrowException, TypeError, ValueError, OverflowError) as exc:
            return f"{f.name} cannot be stored as {f.type}: {exc}"
    return None


def _validate_rows(
    entity: str, rows: list[dict[str, Any]], run_id: str, fetched_at: datetime
) -> tuple[pa.Table, list[int], list[tuple[int, str]]]:
    """Split records into a valid table, the indices of the valid records, and (index, reason) rejects.

    Vectorised: cheap set checks before the conversion (``_precheck``), one Arrow conversion, then
    pyarrow.compute masks (``_contract_mask``). Only flagged rows go through ``check_record``, which
    words the reason (so reasons are the same as a per-record check). A conversion error (a wrong
    type in a field the contract does not type-check) falls back to finding the offending records.
    """

    def merged(r: Mapping[str, Any]) -> dict[str, Any]:
        return {"run_id": run_id, "fetched_at": fetched_at, **r}

    rejected: list[tuple[int, str]] = []
    flagged = _precheck(entity, rows, fetched_at)
    for i in sorted(flagged):
        reason = _reason(entity, merged(rows[i]))
        if reason is not None:
            rejected.append((i, reason))
    gone = {i for i, _ in rejected}
    keep = [i for i in range(len(rows)) if i not in gone] if gone else list(range(len(rows)))
    candidates = [rows[i] for i in keep] if gone else rows
    try:
        table = _to_arrow(entity, candidates, run_id, fetched_at)
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        bad = []
        for pos, i in enumerate(keep):
            reason = _conversion_reason(entity, merged(rows[i]))
            if reason is not None:
                bad.append(pos)
                rejected.append((i, reason))
        keep = [i for pos, i in enumerate(keep) if pos not in set(bad)]
        table = _to_arrow(entity, [rows[i] for i in keep], run_id, fetched_at)
    mask = _contract_mask(entity, table)
    if mask is not None and pc.any(mask).as_py():
        drop = []
        for pos in pc.indices_nonzero(mask).to_pylist():
            reason = _reason(entity, merged(rows[keep[pos]]))
            if reason is not None:
                drop.append(pos)
                rejected.append((keep[pos], reason))
        if drop:
            dropped = set(drop)
            table = table.filter(pa.array([p not in dropped for p in range(table.num_rows)], type=pa.bool_()))
            keep = [i for pos, i in enumerate(keep) if pos not in dropped]
    rejected.sort()
    return table, keep, rejected


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
    for entity in batch.entities():
        table = dedupe_table(entity, batch.table(entity))
        column = PARTITION_COLUMN.get(entity, "platform")
        for platform, ptable in _partitions(table, column):
            target = partition_path(entity, platform, dt, name, root, part)
            written.setdefault(entity, []).append(write_parquet_atomic(ptable, target))
    rejects_target = partition_path("rejects", batch.source, dt, name, root, part)
    if batch.rejects:
        written["rejects"] = [write_parquet_atomic(to_table("rejects", batch.rejects), rejects_target)]
    else:
        rejects_target.unlink(missing_ok=True)
    return written


def dedupe_table(entity: str, table: pa.Table) -> pa.Table:
    """``dedupe`` for an Arrow table: the last row per key, in the order each key was first seen."""
    key = KEYS.get(entity)
    if not key or table.num_rows < 2:
        return table
    if len(key) == 1 and pc.count_distinct(table.column(key[0]), mode="all").as_py() == table.num_rows:
        return table
    numbered = table.select(list(key)).append_column("__row", pa.array(np.arange(table.num_rows, dtype=np.int64)))
    last = numbered.group_by(list(key), use_threads=False).aggregate([("__row", "max")]).column("__row_max")
    if len(last) == table.num_rows:
        return table
    return table.take(last)


def _partitions(table: pa.Table, column: str) -> list[tuple[str, pa.Table]]:
    """(value, rows) per distinct value of the partition column, sorted by value."""
    values = sorted(pc.unique(table.column(column)).to_pylist(), key=str)
    if len(values) == 1:
        return [(values[0], table)]
    return [(value, table.filter(pc.equal(table.column(column), value))) for value in values]


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
