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
from diplowatch.enrich.events import EventInput, cluster_events
from diplowatch.enrich.languages import detect_languages
from diplowatch.enrich.relevance import cites_mission_posts
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


def languages_table(texts: pa.Table) -> pa.Table:
    """``int_texts_languages`` rows for a batch of texts."""
    found = detect_languages(matching_text(texts).to_pylist())
    return pa.table(
        {
            "text_uid": texts.column("text_uid").cast(pa.string()),
            "languages": pa.array([r.languages for r in found], type=STRINGS),
            "primary_language": pa.array([r.primary_language for r in found], type=pa.string()),
            "is_bilingual": pa.array([r.is_bilingual for r in found], type=pa.bool_()),
            "text_hash": text_hash(texts),
        },
        schema=LANGUAGES_SCHEMA,
    )


def tagged_table(texts: pa.Table, themes: Sequence[Theme], entities: Sequence[Entity], version: str) -> pa.Table:
    """``int_texts_tagged`` rows: theme ids, entity ids, register and event type of each text."""
    arr = matching_text(texts)
    theme_ids = tag_themes(arr, themes)
    entity_ids = tag_entities(arr, entities)
    return pa.table(
        {
            "text_uid": texts.column("text_uid").cast(pa.string()),
            "theme_ids": pa.array(theme_ids, type=STRINGS),
            "entity_ids": pa.array(entity_ids, type=STRINGS),
            "register": pa.array([derive_register(t, themes) for t in theme_ids], type=pa.string()),
            "event_type": pa.array([event_type_of(t, themes) for t in theme_ids], type=pa.string()),
            "event_types": pa.array([event_types_of(t, themes) for t in theme_ids], type=STRINGS),
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


def event_clusters_table(candidates: pa.Table, entities: Sequence[Entity]) -> pa.Table:
    """``int_event_clusters`` rows: one per text that belongs to an event, with the event's attributes.

    ``candidates`` holds :data:`EVENT_INPUT_COLUMNS` (texts joined to their tags); rows without an
    event type are ignored.
    """
    inputs = [
        EventInput(
            text_uid=r["text_uid"],
            kind=r["kind"],
            published_at=_naive_utc(r["published_at"]),
            event_type=r["event_type"],
            entity_ids=r["entity_ids"] or (),
            title=r["title"],
            body_text=r["body_text"],
            event_types=r["event_types"] or (),
        )
        for r in candidates.select(list(EVENT_INPUT_COLUMNS)).to_pylist()
        if r["event_type"] and r["published_at"] is not None
    ]
    keys = frozenset(e.entity_id for e in entities if e.event_key)
    names = {e.entity_id: e.canonical_name for e in entities}
    items = cluster_events(inputs, keys, names)
    logger.info("clustered %d texts into %d events", len(items), len({i.event_id for i in items}))
    return pa.Table.from_pylist([vars(i) for i in items], schema=EVENT_CLUSTERS_SCHEMA)


def news_relevance_table(news: pa.Table, tagged: pa.Table, entities: Sequence[Entity]) -> pa.Table:
    """``int_news_relevance`` rows for news items (``news`` has text_uid, title, body_text)."""
    ents = {r["text_uid"]: r["entity_ids"] or [] for r in tagged.select(["text_uid", "entity_ids"]).to_pylist()}
    uids = news.column("text_uid").to_pylist()
    texts = matching_text(news).to_pylist()
    missions = [missions_of(ents.get(u, []), entities) for u in uids]
    return pa.table(
        {
            "item_uid": pa.array(uids, type=pa.string()),
            "mentions_watchlist": pa.array([bool(m) for m in missions], type=pa.bool_()),
            "cites_mission_posts": pa.array([cites_mission_posts(t) for t in texts], type=pa.bool_()),
            "matched_missions": pa.array(missions, type=STRINGS),
        },
        schema=RELEVANCE_SCHEMA,
    )
