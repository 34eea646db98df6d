"""Bodies of the dbt-duckdb Python models of the intermediate layer (the model files stay thin).

Each function takes dbt's ``dbt`` object, the DuckDB connection and the relations the model
file got from ``dbt.ref`` (dbt finds a model's dependencies only in the model file itself),
and returns a pyarrow Table. Incremental models enrich only texts that are new, whose text changed (``text_hash``)
or, for seed-driven tags, whose seed version changed; they stream their input in batches
of :data:`BATCH_ROWS` so memory follows the batch, not the table.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from diplowatch.enrich import events, pipeline

logger = logging.getLogger(__name__)

BATCH_ROWS = 200_000


def _rows(rel: Any) -> list[dict[str, Any]]:
    return _table(rel).to_pylist()


def _table(rel: Any) -> pa.Table:
    return rel.to_arrow_table() if hasattr(rel, "to_arrow_table") else rel.arrow().read_all()


def _batches(rel: Any) -> Iterator[pa.Table]:
    reader = rel.to_arrow_reader(BATCH_ROWS) if hasattr(rel, "to_arrow_reader") else rel.arrow()
    for batch in reader:
        if batch.num_rows:
            yield pa.Table.from_batches([batch])


def _seeds(themes: Any, entities: Any) -> tuple[list, list, str]:
    return pipeline.load_seeds(_rows(themes), _rows(entities))


def _todo(dbt: Any, session: Any, texts: Any, extra: str = "") -> Any:
    """int_texts rows still to enrich: all of them on a full build, else new/changed ones."""
    if not dbt.is_incremental:
        return texts
    sql = (
        f"select t.* from ({texts.sql_query()}) as t "
        f"left join {dbt.this} as e on e.text_uid = t.text_uid "
        f"where e.text_uid is null or e.text_hash is distinct from t.text_hash {extra}"
    )
    return session.sql(sql)


def _concat(parts: list[pa.Table], schema: pa.Schema) -> pa.Table:
    return pa.concat_tables(parts) if parts else schema.empty_table()


def _run(rel: Any, fn: Callable[[pa.Table], pa.Table], schema: pa.Schema, what: str) -> pa.Table:
    parts = [fn(batch) for batch in _batches(rel)]
    out = _concat(parts, schema)
    logger.info("%s: enriched %d texts", what, out.num_rows)
    return out


def languages_model(dbt: Any, session: Any, texts: Any) -> pa.Table:
    """int_texts_languages: languages, primary language and bilingual flag of each text."""
    return _run(_todo(dbt, session, texts), pipeline.languages_table, pipeline.LANGUAGES_SCHEMA, "int_texts_languages")


def tagged_model(dbt: Any, session: Any, texts: Any, themes_seed: Any, entities_seed: Any) -> pa.Table:
    """int_texts_tagged: themes, entities, register and event type of each text (seed-driven)."""
    themes, entities, version = _seeds(themes_seed, entities_seed)
    todo = _todo(dbt, session, texts, extra=f"or e.seed_version is distinct from '{version}'")
    return _run(
        todo,
        lambda batch: pipeline.tagged_table(batch, themes, entities, version),
        pipeline.TAGGED_SCHEMA,
        "int_texts_tagged",
    )


def event_clusters_model(session: Any, texts: Any, tagged: Any, entities_seed: Any, dbt: Any = None) -> pa.Table:
    """int_event_clusters: texts with an event type clustered into events.

    The linking pass always runs over every candidate (an event can gain a member anywhere in time,
    and links chain). With ``dbt`` and a previous build of the model that has ``input_hash``, an event
    whose members are exactly those of a previous event, none of them changed (``input_hash``: the
    text's clustering inputs and the entities seed), keeps its previous rows; only the other events
    get their attributes (id, type, title, main entities) computed, reading title and body of their
    members only. The result equals a full recompute: attributes are a function of those inputs."""
    entity_rows = _rows(entities_seed)
    entities = pipeline.load_entities(entity_rows)
    fingerprint = pipeline.seed_version(entity_rows)
    candidates = _table(
        session.sql(
            "select t.text_uid, t.kind, t.published_at, g.entity_ids, g.event_type, g.event_types, "
            "md5(concat_ws('|', t.kind, t.published_at::varchar, g.event_type, g.event_types::varchar, "
            "g.entity_ids::varchar, coalesce(t.title, ''), coalesce(left(t.body_text, 400), ''), "
            f"'{fingerprint}')) as input_hash "
            f"from ({texts.sql_query()}) as t join ({tagged.sql_query()}) as g on g.text_uid = t.text_uid "
            "where g.event_type is not null and t.published_at is not null"
        )
    )
    previous = _previous_clusters(session, dbt)
    inputs = pipeline.event_inputs(candidates)
    hashes = candidates.column("input_hash").to_pylist()
    clusters = events.cluster_members(inputs, pipeline.key_entity_ids(entities))
    kept: list[str] = []
    todo: list[list[int]] = []
    for members in clusters:
        event_id = _unchanged_event(members, inputs, hashes, previous)
        if event_id is None:
            todo.append(members)
        else:
            kept.append(event_id)
    fresh = _fresh_event_rows(session, texts, inputs, todo, entities)
    out = fresh
    if previous is not None and kept:
        old = previous["table"].filter(pc.is_in(previous["table"].column("event_id"), pa.array(kept, pa.string())))
        out = pa.concat_tables([old.select(fresh.schema.names).cast(fresh.schema), fresh])
    logger.info("int_event_clusters: %d events (%d kept, %d computed)", len(clusters), len(kept), len(todo))
    hash_of = dict(zip(candidates.column("text_uid").to_pylist(), hashes, strict=True))
    return out.append_column("input_hash", pa.array([hash_of[u] for u in out.column("text_uid").to_pylist()]))


def _previous_clusters(session: Any, dbt: Any) -> dict[str, Any] | None:
    """The model's previous rows, members by event and input hash by text (None without a usable build)."""
    if dbt is None:
        return None
    this = dbt.this
    schema, name = getattr(this, "schema", None), getattr(this, "identifier", None)
    if not schema or not name:
        return None
    exists = session.sql(
        "select count(*) from duckdb_columns() where column_name = 'input_hash' "
        f"and schema_name = '{schema}' and table_name = '{name}'"
    ).fetchall()[0][0]
    if not exists:
        return None
    table = _table(session.sql(f"select * from {this}"))
    uids = table.column("text_uid").to_pylist()
    event_ids = table.column("event_id").to_pylist()
    size: dict[str, int] = {}
    for e in event_ids:
        size[e] = size.get(e, 0) + 1
    return {
        "table": table,
        "event_of": dict(zip(uids, event_ids, strict=True)),
        "hash_of": dict(zip(uids, table.column("input_hash").to_pylist(), strict=True)),
        "size": size,
    }


def _unchanged_event(
    members: list[int], inputs: list[events.EventInput], hashes: list[str], previous: dict[str, Any] | None
) -> str | None:
    """The previous event with exactly these members, none of them changed; else None."""
    if previous is None:
        return None
    event_of, hash_of = previous["event_of"], previous["hash_of"]
    event_id = event_of.get(inputs[members[0]].text_uid)
    if event_id is None or previous["size"][event_id] != len(members):
        return None
    for i in members:
        uid = inputs[i].text_uid
        if event_of.get(uid) != event_id or hash_of.get(uid) != hashes[i]:
            return None
    return event_id


def _fresh_event_rows(
    session: Any, texts: Any, inputs: list[events.EventInput], todo: list[list[int]], entities: list
) -> pa.Table:
    """Rows of the events in ``todo``, with title and body of their members read from int_texts."""
    uids = pa.table({"text_uid": pa.array([inputs[i].text_uid for m in todo for i in m], pa.string())})
    session.register("_event_member_uids", uids)
    try:
        found = _table(
            session.sql(
                "select t.text_uid, t.title, left(t.body_text, 400) as body_text "
                f"from ({texts.sql_query()}) as t semi join _event_member_uids as m on m.text_uid = t.text_uid"
            )
        )
    finally:
        session.unregister("_event_member_uids")
    words = dict(
        zip(
            found.column("text_uid").to_pylist(),
            zip(found.column("title").to_pylist(), found.column("body_text").to_pylist(), strict=True),
            strict=True,
        )
    )
    full = list(inputs)
    for m in todo:
        for i in m:
            title, body = words.get(inputs[i].text_uid, (None, None))
            full[i] = inputs[i]._replace(title=title, body_text=body)
    return pipeline.event_rows_table(full, todo, entities)


def news_relevance_model(session: Any, texts: Any, tagged: Any, entities_seed: Any) -> pa.Table:
    """int_news_relevance: watch-list mentions and citations of the mission's posts, per news item."""
    entities = pipeline.load_entities(_rows(entities_seed))
    sql = (
        "select t.text_uid, t.title, t.body_text, g.entity_ids "
        f"from ({texts.sql_query()}) as t left join ({tagged.sql_query()}) as g on g.text_uid = t.text_uid "
        "where t.kind = 'news'"
    )
    parts = [
        pipeline.news_relevance_table(b, b.select(["text_uid", "entity_ids"]), entities)
        for b in _batches(session.sql(sql))
    ]
    return _concat(parts, pipeline.RELEVANCE_SCHEMA)
