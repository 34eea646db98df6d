"""Batch enrichment over Arrow tables: what the dbt Python models and the evaluation both call.

Input: a table shaped like ``int_texts`` (text_uid, kind, published_at, title, body_text, …).
Every function here is vectorised over the batch (regexes run once a theme/entity over the
whole column; lingua runs once over all Latin-script paragraphs, in parallel).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime

import pyarrow as pa
import pyarrow.compute as pc

from diplowatch.enrich.entities import Entity, load_entities, missions_of, tag_entities
from diplowatch.enrich.events import EventInput, cluster_members, event_attributes
from diplowatch.enrich.languages import detect_languages
from diplowatch.enrich.relevance import cites_mission_posts_many
from diplowatch.enrich.themes import Theme, derive_register, event_type_of, event_types_of, load_themes, tag_themes

logger = logging.getLogger(__name__)

STRINGS = pa.list_(pa.string())

LANGUAGES_SCHEMA = pa.schema(
    [
        ("text_uid", pa.string()),
        ("languages", STRINGS),
        ("primary_language", pa.string()),
        ("is_bilingual", pa.bool_()),
        ("text_hash", pa.string()),
    ]
)
TAGGED_SCHEMA = pa.schema(
    [
        ("text_uid", pa.string()),
        ("theme_ids", STRINGS),
        ("entity_ids", STRINGS),
        ("register", pa.string()),
        ("event_type", pa.string()),
        ("event_types", STRINGS),
        ("text_hash", pa.string()),
        ("seed_version", pa.string()),
    ]
)
EVENT_CLUSTERS_SCHEMA = pa.schema(
    [
        ("event_id", pa.string()),
        ("text_uid", pa.string()),
        ("kind", pa.string()),
        ("event_type", pa.string()),
        ("title", pa.string()),
        ("started_at", pa.timestamp("us")),
        ("ended_at", pa.timestamp("us")),
        ("main_entities", STRINGS),
    ]
)
RELEVANCE_SCHEMA = pa.schema(
    [
        ("item_uid", pa.string()),
        ("mentions_watchlist", pa.bool_()),
        ("cites_mission_posts", pa.bool_()),
        ("matched_missions", STRINGS),
    ]
)


def seed_version(*seeds: Iterable[Mapping[str, object]]) -> str:
    """A fingerprint of seed rows: when an analyst edits a seed, the enrichment reruns on every text."""
    payload = json.dumps([[dict(sorted(r.items())) for r in rows] for rows in seeds], default=str, sort_keys=True)
    return hashlib.md5(payload.encode()).hexdigest()[:16]


def load_seeds(
    theme_rows: Sequence[Mapping[str, object]], entity_rows: Sequence[Mapping[str, object]]
) -> tuple[list[Theme], list[Entity], str]:
    """Compiled themes and entities from seed rows (e.g. ``dbt.ref('themes').arrow().to_pylist()``)."""
    return load_themes(theme_rows), load_entities(entity_rows), seed_version(theme_rows, entity_rows)


def matching_text(texts: pa.Table) -> pa.ChunkedArray:
    """Title and body of each text joined by a blank line (what themes, entities and languages read)."""
    title = pc.fill_null(texts.column("title").cast(pa.string()), "")
    body = pc.fill_null(texts.column("body_text").cast(pa.string()), "")
    return pc.utf8_trim_whitespace(pc.binary_join_element_wise(title, body, "\n\n"))


def text_hash(texts: pa.Table) -> pa.Array:
    """The input's ``text_hash`` column (int_texts computes it in SQL), else md5 of the matching text."""
    if "text_hash" in texts.column_names:
        return texts.column("text_hash").cast(pa.string())
    return pa.array([hashlib.md5((t or "").encode()).hexdigest() for t in matching_text(texts).to_pylist()])


def unique_texts(texts: pa.Array | pa.ChunkedArray) -> tuple[pa.Array, pa.Array]:
    """Distinct values of ``texts`` and, for each text, the index of its value among them.

    Enrichment is a pure function of the text, so it runs once a distinct text (cross-posts,
    syndicated news, re-fetches) and is spread back with ``take``."""
    arr = texts.combine_chunks() if isinstance(texts, pa.ChunkedArray) else texts
    uniq = pc.unique(arr)
    return uniq, pc.index_in(arr, value_set=uniq)


def languages_table(texts: pa.Table) -> pa.Table:
    """``int_texts_languages`` rows for a batch of texts (each distinct text detected once)."""
    uniq, idx = unique_texts(matching_text(texts))
    found = detect_languages(uniq.to_pylist())
    return pa.table(
        {
            "text_uid": texts.column("text_uid").cast(pa.string()),
            "languages": pa.array([r.languages for r in found], type=STRINGS).take(idx),
            "primary_language": pa.array([r.primary_language for r in found], type=pa.string()).take(idx),
            "is_bilingual": pa.array([r.is_bilingual for r in found], type=pa.bool_()).take(idx),
            "text_hash": text_hash(texts),
        },
        schema=LANGUAGES_SCHEMA,
    )


def tagged_table(texts: pa.Table, themes: Sequence[Theme], entities: Sequence[Entity], version: str) -> pa.Table:
    """``int_texts_tagged`` rows: theme ids, entity ids, register and event type of each text
    (each distinct text tagged once)."""
    uniq, idx = unique_texts(matching_text(texts))
    theme_ids = tag_themes(uniq, themes)
    entity_ids = tag_entities(uniq, entities)
    derived: dict[tuple[str, ...], tuple[str, str | None, list[str]]] = {}  # few distinct theme sets
    for key in {tuple(t) for t in theme_ids}:
        derived[key] = (derive_register(key, themes), event_type_of(key, themes), event_types_of(key, themes))
    per_text = [derived[tuple(t)] for t in theme_ids]
    return pa.table(
        {
            "text_uid": texts.column("text_uid").cast(pa.string()),
            "theme_ids": pa.array(theme_ids, type=STRINGS).take(idx),
            "entity_ids": pa.array(entity_ids, type=STRINGS).take(idx),
            "register": pa.array([d[0] for d in per_text], type=pa.string()).take(idx),
            "event_type": pa.array([d[1] for d in per_text], type=pa.string()).take(idx),
            "event_types": pa.array([d[2] for d in per_text], type=STRINGS).take(idx),
            "text_hash": text_hash(texts),
            "seed_version": pa.array([version] * texts.num_rows, type=pa.string()),
        },
        schema=TAGGED_SCHEMA,
    )


def _naive_utc(ts: datetime) -> datetime:
    return ts.astimezone(UTC).replace(tzinfo=None) if ts.tzinfo else ts


EVENT_INPUT_COLUMNS = (
    "text_uid",
    "kind",
    "published_at",
    "title",
    "body_text",
    "entity_ids",
    "event_type",
    "event_types",
)


def _naive_utc_column(col: pa.ChunkedArray | pa.Array) -> list[datetime | None]:
    """A timestamp column as naive UTC datetimes (arrow keeps tz-aware instants in UTC already)."""
    if pa.types.is_timestamp(col.type) and col.type.tz is not None:
        col = col.cast(pa.timestamp(col.type.unit))
        return col.to_pylist()
    return [_naive_utc(t) if t is not None else None for t in col.to_pylist()]


def event_inputs(candidates: pa.Table) -> list[EventInput]:
    """:class:`EventInput` of each candidate row with an event type and a publication time.

    ``candidates`` holds text_uid, kind, published_at, entity_ids, event_type, event_types and,
    optionally, title and body_text (what titles are made of)."""
    has_type = pc.fill_null(pc.invert(pc.is_null(candidates.column("event_type"))), False)
    rows = candidates.filter(pc.and_(has_type, pc.is_valid(candidates.column("published_at"))))
    n = rows.num_rows
    cols = {
        c: rows.column(c).to_pylist() if c in rows.column_names else [None] * n
        for c in EVENT_INPUT_COLUMNS
        if c != "published_at"
    }
    published = _naive_utc_column(rows.column("published_at"))
    return [
        EventInput(uid, kind, ts, etype, ents or (), title, body, etypes or ())
        for uid, kind, ts, etype, ents, title, body, etypes in zip(
            cols["text_uid"],
            cols["kind"],
            published,
            cols["event_type"],
            cols["entity_ids"],
            cols["title"],
            cols["body_text"],
            cols["event_types"],
            strict=True,
        )
    ]


def key_entity_ids(entities: Sequence[Entity]) -> frozenset[str]:
    """Ids of the entities that key events (``event_key`` true in entities.csv)."""
    return frozenset(e.entity_id for e in entities if e.event_key)


def event_rows_table(
    inputs: Sequence[EventInput], clusters: Sequence[list[int]], entities: Sequence[Entity]
) -> pa.Table:
    """``int_event_clusters`` rows of the given clusters (lists of indexes into ``inputs``)."""
    keys = key_entity_ids(entities)
    names = {e.entity_id: e.canonical_name for e in entities}
    cols: dict[str, list] = {name: [] for name in EVENT_CLUSTERS_SCHEMA.names}
    for members in clusters:
        event_id, etype, title, started, ended, main = event_attributes(inputs, members, keys, names)
        n = len(members)
        cols["event_id"] += [event_id] * n
        cols["text_uid"] += [inputs[i].text_uid for i in members]
        cols["kind"] += [inputs[i].kind for i in members]
        cols["event_type"] += [etype] * n
        cols["title"] += [title] * n
        cols["started_at"] += [started] * n
        cols["ended_at"] += [ended] * n
        cols["main_entities"] += [main] * n
    return pa.table(cols, schema=EVENT_CLUSTERS_SCHEMA)


def event_clusters_table(candidates: pa.Table, entities: Sequence[Entity]) -> pa.Table:
    """``int_event_clusters`` rows: one per text that belongs to an event, with the event's attributes.

    ``candidates`` holds :data:`EVENT_INPUT_COLUMNS` (texts joined to their tags); rows without an
    event type are ignored.
    """
    inputs = event_inputs(candidates)
    clusters = cluster_members(inputs, key_entity_ids(entities))
    out = event_rows_table(inputs, clusters, entities)
    logger.info("clustered %d texts into %d events", out.num_rows, len(clusters))
    return out


def news_relevance_table(news: pa.Table, tagged: pa.Table, entities: Sequence[Entity]) -> pa.Table:
    """``int_news_relevance`` rows for news items (``news`` has text_uid, title, body_text)."""
    ents = dict(zip(tagged.column("text_uid").to_pylist(), tagged.column("entity_ids").to_pylist(), strict=True))
    uids = news.column("text_uid").to_pylist()
    by_set: dict[tuple[str, ...], list[str]] = {}  # few distinct entity sets: missions of each once
    missions = []
    for u in uids:
        key = tuple(ents.get(u) or ())
        if key not in by_set:
            by_set[key] = missions_of(key, entities)
        missions.append(by_set[key])
    return pa.table(
        {
            "item_uid": pa.array(uids, type=pa.string()),
            "mentions_watchlist": pa.array([bool(m) for m in missions], type=pa.bool_()),
            "cites_mission_posts": pa.array(cites_mission_posts_many(matching_text(news)), type=pa.bool_()),
            "matched_missions": pa.array(missions, type=STRINGS),
        },
        schema=RELEVANCE_SCHEMA,
    )
