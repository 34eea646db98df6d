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

from diplowatch.enrich import pipeline

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


def event_clusters_model(session: Any, texts: Any, tagged: Any, entities_seed: Any) -> pa.Table:
    """int_event_clusters: texts with an event type clustered into events (full recompute)."""
    entities = pipeline.load_entities(_rows(entities_seed))
    sql = (
        "select t.text_uid, t.kind, t.published_at, t.title, left(t.body_text, 400) as body_text, "
        "g.entity_ids, g.event_type, g.event_types "
        f"from ({texts.sql_query()}) as t join ({tagged.sql_query()}) as g on g.text_uid = t.text_uid "
        "where g.event_type is not null"
    )
    return pipeline.event_clusters_table(_table(session.sql(sql)), entities)


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
