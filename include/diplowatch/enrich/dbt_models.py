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
from datetime import UTC, datetime
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


def _todo(
    dbt: Any, session: Any, texts: Any, extra: str = "", key: str = "text_uid", rebuilt_only: bool = False
) -> Any:
    """int_texts rows still to enrich: all of them on a full build, else new/changed ones.

    ``key`` names the text's key in the model (its ``text_uid``). ``rebuilt_only``: compare only the texts
    int_texts wrote after this model's newest ``built_at`` (int_texts rewrites a text's row, stamped anew,
    whenever the text is fetched again, so no other text can have changed), not all of them; the caller
    leaves it off when something else than the text (a seed) may need every row redone."""
    if not dbt.is_incremental:
        return texts
    where, existing = "", str(dbt.this)
    if rebuilt_only and "built_at" in texts.columns and "built_at" in _columns(session, dbt.this):
        where = f" where {_built_since(dbt.this)}"
        existing = f"(select this.* from {dbt.this} as this semi join t on this.{key} = t.text_uid)"
    sql = (
        f"with t as (select * from ({texts.sql_query()}){where}) "
        f"select t.* from t left join {existing} as e on e.{key} = t.text_uid "
        f"where e.{key} is null or e.text_hash is distinct from t.text_hash {extra}"
    )
    return session.sql(sql)


def _columns(session: Any, relation: Any) -> list[str]:
    return session.sql(f"select * from {relation} limit 0").columns


def _built_since(this: Any, column: str = "built_at") -> str:
    """Rows built after the newest ``built_at`` of ``this`` (or never stamped)."""
    newest = f"(select coalesce(max(built_at), '1970-01-01'::timestamp) from {this})"
    return f"({column} is null or {column} > {newest})"


def _concat(parts: list[pa.Table], schema: pa.Schema) -> pa.Table:
    return pa.concat_tables(parts) if parts else schema.empty_table()


def _run(rel: Any, fn: Callable[[pa.Table], pa.Table], schema: pa.Schema, what: str) -> pa.Table:
    parts = [fn(batch) for batch in _batches(rel)]
    out = _with_built_at(_concat(parts, schema))
    logger.info("%s: enriched %d texts", what, out.num_rows)
    return out


def _with_built_at(table: pa.Table) -> pa.Table:
    """``table`` with ``built_at``: when this build computed the rows (UTC). Downstream incremental models
    redo the texts whose rows were built after their own last build (fct_posts, fct_news_items)."""
    now = datetime.now(UTC).replace(tzinfo=None)
    return table.append_column("built_at", pa.array([now] * table.num_rows, pa.timestamp("us")))


def languages_model(dbt: Any, session: Any, texts: Any) -> pa.Table:
    """int_texts_languages: languages, primary language and bilingual flag of each text."""
    todo = _todo(dbt, session, texts, rebuilt_only=True)
    return _run(todo, pipeline.languages_table, pipeline.LANGUAGES_SCHEMA, "int_texts_languages")


def tagged_model(dbt: Any, session: Any, texts: Any, themes_seed: Any, entities_seed: Any) -> pa.Table:
    """int_texts_tagged: themes, entities, register and event type of each text (seed-driven)."""
    themes, entities, version = _seeds(themes_seed, entities_seed)
    # texts tagged with other seeds are all redone, whenever int_texts wrote them
    retag = dbt.is_incremental and bool(
        session.sql(f"select count(*) from {dbt.this} where seed_version is distinct from '{version}'").fetchall()[0][0]
    )
    todo = _todo(dbt, session, texts, extra=f"or e.seed_version is distinct from '{version}'", rebuilt_only=not retag)
    return _run(
        todo,
        lambda batch: pipeline.tagged_table(batch, themes, entities, version),
        pipeline.TAGGED_SCHEMA,
        "int_texts_tagged",
    )


STATE_VERSION = f"sweep-v3|{events.WINDOW}|{events.MAX_SPAN}|{events.NO_ENTITY_WINDOW}"
"""Saved sweep states of another version (other windows) are not resumed from."""


def _candidates_sql(texts: Any, tagged: Any, fingerprint: str, only: str = "") -> str:
    """Texts with an event type and a publication time, with a hash of their clustering inputs;
    ``only``: a relation whose ``text_uid`` limits the texts."""
    limit = f"semi join {only} as o on o.text_uid = t.text_uid " if only else ""
    return (
        "select t.text_uid, t.kind, t.published_at, g.entity_ids, g.event_type, g.event_types, "
        "hash(t.kind, t.published_at, g.event_type, g.event_types, g.entity_ids, t.text_hash, "
        f"'{fingerprint}')::varchar as input_hash "
        f"from ({texts.sql_query()}) as t join ({tagged.sql_query()}) as g on g.text_uid = t.text_uid {limit}"
        "where g.event_type is not null and t.published_at is not null"
    )


def event_clusters_model(session: Any, texts: Any, tagged: Any, entities_seed: Any, dbt: Any = None) -> pa.Table:
    """int_event_clusters: texts with an event type clustered into events (incremental on text_uid).

    Each build saves where its linking pass stopped (open threads, anchored at events, and their starts)
    in ``<this>__threads``, with a fingerprint of the model's rows and the newest ``built_at`` of its
    inputs in ``<this>__sweep``. An incremental build reads only the texts rebuilt since (int_texts or
    int_texts_tagged rows built after those); when none of them was a candidate before and the new
    candidates all sort after the last one swept, the pass resumes over the new candidates only and
    returns just the events they form or join (:func:`_resume`; delete+insert on text_uid replaces the
    rows of the events they merged). Otherwise the pass runs over every candidate (an event can gain a
    member anywhere in time, and links chain), the model's rows are all replaced, and an event whose
    members are exactly those of a previous event, none of them changed (``input_hash``: the text's
    clustering inputs and the entities seed), keeps its previous rows. Either way the model ends equal
    to a full recompute."""
    entity_rows = _rows(entities_seed)
    entities = pipeline.load_entities(entity_rows)
    fingerprint = pipeline.seed_version(entity_rows)
    this = _this(dbt)
    if this is not None and getattr(dbt, "is_incremental", False):
        saved = _saved_state(session, this)
        resumed = _resume(session, this, texts, tagged, fingerprint, entities, saved) if saved else None
        if resumed is not None:
            return resumed
    # the candidates (and their input hashes) are computed once: the pass and the previous rows read them
    session.execute(f"create or replace temp table {_CANDIDATES} as " + _candidates_sql(texts, tagged, fingerprint))
    try:
        return _full(session, dbt, this, texts, tagged, f"select * from {_CANDIDATES}", entities)
    finally:
        session.execute(f"drop table if exists {_CANDIDATES}")


_CANDIDATES = "_event_candidates"


def _full(session: Any, dbt: Any, this: Any, texts: Any, tagged: Any, candidates_sql: str, entities: list) -> pa.Table:
    """The pass over every candidate; unchanged previous events keep their rows, all rows are replaced."""
    candidates = _table(session.sql(candidates_sql))
    previous = _previous_clusters(session, dbt)
    inputs = pipeline.event_inputs(candidates)
    hashes = candidates.column("input_hash").to_pylist()
    result = events.sweep(inputs, pipeline.key_entity_ids(entities))
    clusters = result.clusters
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
    out = out.append_column(
        "input_hash", pa.array([hash_of[u] for u in out.column("text_uid").to_pylist()], pa.string())
    )
    out = _with_built_at(out)  # every row: a full pass replaces them all
    if this is not None:
        if getattr(dbt, "is_incremental", False):
            # delete+insert replaces rows by text_uid: a text that is no candidate any more must go too
            session.execute(f"delete from {this}")
        anchors = {k: inputs[clusters[k][0]].text_uid for k in {a for a, _, _ in result.threads.values()}}
        fingerprint = _fingerprint_of(session, out)
        _save_state(session, this, out, result, anchors, {}, "full", fingerprint, _inputs_built_at(texts, tagged))
    return out


def _inputs_built_at(texts: Any, tagged: Any) -> tuple[Any, Any]:
    """The newest built_at of int_texts and of int_texts_tagged: rows built later are what changed."""
    return (
        texts.query("_t", "select max(built_at) from _t").fetchall()[0][0],
        tagged.query("_g", "select max(built_at) from _g").fetchall()[0][0],
    )


def _fingerprint_of(session: Any, rows: pa.Table) -> tuple[int, int]:
    """(rows, checksum) of model rows; the checksum is an xor, so it can be updated row by row."""
    session.register("_event_rows", rows.select(["event_id", "text_uid", "input_hash"]))
    try:
        n_rows, checksum = session.sql(f"select count(*), {_CHECKSUM} from _event_rows").fetchall()[0]
    finally:
        session.unregister("_event_rows")
    return n_rows, checksum


def _resume(
    session: Any, this: Any, texts: Any, tagged: Any, fingerprint: str, entities: list, saved: dict[str, Any]
) -> pa.Table | None:
    """The rows of the events the new candidates form or join, swept from the saved state; None if it
    cannot resume (a previous candidate changed or left, or a new one sorts before the last one swept)."""
    n_rows, checksum = session.sql(f"select count(*), {_CHECKSUM} from {this}").fetchall()[0]
    if (n_rows, checksum) != (saved["n_rows"], saved["checksum"]):
        logger.info("int_event_clusters: saved sweep state does not match %s, full pass", this)
        return None
    texts_at, tagged_at = saved["built_at"]
    if texts_at is None or tagged_at is None:
        return None
    session.execute(
        f"create or replace temp table {_CHANGED} as "
        f"select text_uid from ({texts.sql_query()}) where built_at > ?::timestamp union "
        f"select text_uid from ({tagged.sql_query()}) where built_at > ?::timestamp",
        [texts_at, tagged_at],
    )
    try:
        return _resume_over(session, this, texts, tagged, fingerprint, entities, saved)
    finally:
        session.execute(f"drop table if exists {_CHANGED}")


_CHANGED = "_event_changed_texts"


def _resume_over(
    session: Any, this: Any, texts: Any, tagged: Any, fingerprint: str, entities: list, saved: dict[str, Any]
) -> pa.Table | None:
    candidates = _table(session.sql(_candidates_sql(texts, tagged, fingerprint, only=_CHANGED)))
    session.register("_event_new_candidates", candidates.select(["text_uid", "input_hash"]))
    try:
        # the previous rows of the rebuilt texts, and whether each is still the same candidate
        rows = session.sql(
            f"select p.text_uid, n.text_uid is null or n.input_hash is distinct from p.input_hash "
            f"from {this} as p semi join {_CHANGED} as c on c.text_uid = p.text_uid "
            "left join _event_new_candidates as n on n.text_uid = p.text_uid"
        ).fetchall()
    finally:
        session.unregister("_event_new_candidates")
    changed = sum(1 for _, differs in rows if differs)
    previous = {uid for uid, _ in rows}
    if changed:
        logger.info("int_event_clusters: %d previous candidates changed or left, full pass", changed)
        return None
    new = candidates.filter(pc.invert(pc.is_in(candidates.column("text_uid"), pa.array(previous, pa.string()))))
    inputs = pipeline.event_inputs(new)
    state = saved["state"]
    first = min(((it.published_at, it.text_uid) for it in inputs), default=None)
    if len(inputs) != new.num_rows or (first is not None and state.last is not None and first <= state.last):
        logger.info("int_event_clusters: new candidates do not all come after %s, full pass", state.last)
        return None
    result = events.sweep(inputs, pipeline.key_entity_ids(entities), state=state)
    merged_ids = sorted({ref for refs in result.merged for ref in refs})
    session.register("_event_merged_ids", pa.table({"event_id": pa.array(merged_ids, pa.string())}))
    try:
        members = f"(select text_uid from {this} where event_id in (select event_id from _event_merged_ids))"
        old = _table(
            session.sql(
                f"select c.*, p.event_id as previous_event_id "
                f"from ({_candidates_sql(texts, tagged, fingerprint, only=members)}) as c "
                f"join {this} as p on p.text_uid = c.text_uid"
            )
        )
    finally:
        session.unregister("_event_merged_ids")
    old_inputs = pipeline.event_inputs(old)
    combined = inputs + old_inputs
    by_event: dict[str, list[int]] = {}
    for j, event_id in enumerate(old.column("previous_event_id").to_pylist()):
        by_event.setdefault(event_id, []).append(len(inputs) + j)
    todo = [
        sorted(
            [*members, *(j for ref in refs for j in by_event[ref])],
            key=lambda i: (combined[i].published_at, combined[i].text_uid),
        )
        for members, refs in zip(result.clusters, result.merged, strict=True)
    ]
    fresh = _fresh_event_rows(session, texts, combined, todo, entities)
    hash_of = dict(
        zip(
            new.column("text_uid").to_pylist() + old.column("text_uid").to_pylist(),
            new.column("input_hash").to_pylist() + old.column("input_hash").to_pylist(),
            strict=True,
        )
    )
    fresh = fresh.append_column(
        "input_hash", pa.array([hash_of[u] for u in fresh.column("text_uid").to_pylist()], pa.string())
    )
    anchors = {
        k: combined[todo[k][0]].text_uid for k in {a for a, _, _ in result.threads.values() if isinstance(a, int)}
    }
    # the fingerprint after delete+insert: the rows fresh replaces leave, fresh comes in
    session.register("_event_fresh", fresh.select(["event_id", "text_uid", "input_hash"]))
    try:
        gone_rows, gone_sum = session.sql(
            f"select count(*), {_CHECKSUM} from {this} semi join _event_fresh as f using (text_uid)"
        ).fetchall()[0]
    finally:
        session.unregister("_event_fresh")
    fresh_rows, fresh_sum = _fingerprint_of(session, fresh)
    fingerprint_after = (saved["n_rows"] - gone_rows + fresh_rows, saved["checksum"] ^ gone_sum ^ fresh_sum)
    _save_state(
        session,
        this,
        fresh,
        result,
        anchors,
        state.starts,
        "resumed",
        fingerprint_after,
        _inputs_built_at(texts, tagged),
    )
    logger.info(
        "int_event_clusters: resumed the sweep over %d new candidates: %d events computed (%d previous merged)",
        len(inputs),
        len(todo),
        len(merged_ids),
    )
    return _with_built_at(fresh)


_CHECKSUM = "coalesce(bit_xor(hash(event_id, text_uid, input_hash)), 0)::ubigint"


def _this(dbt: Any) -> Any:
    this = getattr(dbt, "this", None) if dbt is not None else None
    return this if getattr(this, "schema", None) and getattr(this, "identifier", None) else None


def _side(this: Any, suffix: str) -> str:
    return f'{this.schema}."{this.identifier}__{suffix}"'


def _saved_state(session: Any, this: Any) -> dict[str, Any] | None:
    """The sweep state saved by the last build of the model, with its output fingerprint (None if absent)."""
    found = session.sql(
        "select count(*) from duckdb_tables() "
        f"where schema_name = '{this.schema}' "
        f"and table_name in ('{this.identifier}__sweep', '{this.identifier}__threads')"
    ).fetchall()[0][0]
    has_hash = session.sql(
        "select count(*) from duckdb_columns() where column_name = 'input_hash' "
        f"and schema_name = '{this.schema}' and table_name = '{this.identifier}'"
    ).fetchall()[0][0]
    if found != 2 or not has_hash:
        return None
    meta = session.sql(f"select * from {_side(this, 'sweep')}")
    rows = meta.fetchall()
    if len(rows) != 1 or rows[0][0] != STATE_VERSION:
        return None
    saved = dict(zip(meta.columns, rows[0], strict=True))
    threads: dict[tuple[str, str | None], tuple[str, Any, Any]] = {}
    starts: dict[str, Any] = {}
    rows = session.sql(
        f"select event_type, entity, anchor, anchor_start, thread_start, last_at from {_side(this, 'threads')}"
    ).fetchall()
    for etype, entity, anchor, anchor_start, t0, t1 in rows:
        threads[(etype, entity)] = (anchor, t0, t1)
        starts[anchor] = anchor_start
    last_at = saved["last_published_at"]
    last = (last_at, saved["last_text_uid"]) if last_at is not None else None
    return {
        "n_rows": saved["n_rows"],
        "checksum": saved["checksum"],
        "built_at": (saved["texts_built_at"], saved["tagged_built_at"]),
        "state": events.SweepState(threads, starts, last),
    }


def _save_state(
    session: Any,
    this: Any,
    out: pa.Table,
    result: events.Sweep,
    anchor_uids: dict[int, str],
    old_starts: dict[str, Any],
    mode: str,
    fingerprint: tuple[int, int],
    built_at: tuple[Any, Any],
) -> None:
    """Save where the pass stopped (threads anchored at event ids; ``out`` holds the rows of the events
    made by this pass), the model's fingerprint after this build (rows, checksum) and the newest
    built_at of its inputs (int_texts, int_texts_tagged)."""
    uids = pa.array(sorted(set(anchor_uids.values())), pa.string())
    found = out.filter(pc.is_in(out.column("text_uid"), uids)).select(["text_uid", "event_id"])
    event_of = dict(zip(found.column("text_uid").to_pylist(), found.column("event_id").to_pylist(), strict=True))
    cols: dict[str, list] = {
        c: [] for c in ("event_type", "entity", "anchor", "anchor_start", "thread_start", "last_at")
    }
    for (etype, entity), (anchor, t0, t1) in sorted(result.threads.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        if isinstance(anchor, int):
            ref, start = event_of[anchor_uids[anchor]], result.starts[anchor]
        else:
            ref, start = anchor, old_starts[anchor]
        for c, v in zip(cols, (etype, entity, ref, start, t0, t1), strict=True):
            cols[c].append(v)
    ts = pa.timestamp("us")
    threads = pa.table(
        cols,
        schema=pa.schema(
            [
                ("event_type", pa.string()),
                ("entity", pa.string()),
                ("anchor", pa.string()),
                ("anchor_start", ts),
                ("thread_start", ts),
                ("last_at", ts),
            ]
        ),
    )
    last_at, last_uid = result.last if result.last else (None, None)
    session.register("_event_threads", threads)
    try:
        session.execute(f"create schema if not exists {this.schema}")
        session.execute(f"create or replace table {_side(this, 'threads')} as select * from _event_threads")
        session.execute(
            f"create or replace table {_side(this, 'sweep')} as select ?::varchar as version, ?::bigint as n_rows, "
            "?::ubigint as checksum, ?::timestamp as last_published_at, ?::varchar as last_text_uid, "
            "?::timestamp as texts_built_at, ?::timestamp as tagged_built_at, ?::varchar as mode",
            [STATE_VERSION, *fingerprint, last_at, last_uid, *built_at, mode],
        )
    finally:
        session.unregister("_event_threads")


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


def news_relevance_model(dbt: Any, session: Any, texts: Any, tagged: Any, entities_seed: Any) -> pa.Table:
    """int_news_relevance: watch-list mentions and citations of the mission's posts, per news item.

    Incremental: an item is redone when it is new, when its text changed (``text_hash``) or when its
    tags were made with other seeds (``seed_version`` of int_texts_tagged, which covers the entities seed).
    """
    entities = pipeline.load_entities(_rows(entities_seed))
    # a table built before the input columns existed is redone once (on_schema_change appends them)
    columns = set(_columns(session, dbt.this)) if dbt.is_incremental else set()
    incremental = {"text_hash", "seed_version"} <= columns
    # only the items int_texts rewrote since the last build can have changed, unless the seeds changed
    rebuilt_only = incremental and "built_at" in columns and not _other_seeds(session, dbt, tagged)
    where = f"kind = 'news' and {_built_since(dbt.this)}" if rebuilt_only else "kind = 'news'"
    news = session.sql(
        "select t.text_uid, t.title, t.body_text, t.text_hash, t.built_at, g.entity_ids, g.seed_version "
        f"from (select * from ({texts.sql_query()}) where {where}) as t "
        f"left join ({tagged.sql_query()}) as g on g.text_uid = t.text_uid"
    )
    if incremental:
        news = _todo(
            dbt,
            session,
            news,
            extra="or e.seed_version is distinct from t.seed_version",
            key="item_uid",
            rebuilt_only=rebuilt_only,
        )
    return _run(news, lambda batch: _relevance_rows(batch, entities), RELEVANCE_SCHEMA, "int_news_relevance")


def _other_seeds(session: Any, dbt: Any, tagged: Any) -> bool:
    """Whether the tags, or this model's rows, were made with more than one seed version (the seeds changed):
    then every item is compared, not only the texts int_texts rewrote."""
    return bool(
        session.sql(
            f"select count(*) > 1 from (select seed_version from ({tagged.sql_query()}) "
            f"union select seed_version from {dbt.this})"
        ).fetchall()[0][0]
    )


RELEVANCE_SCHEMA = pipeline.RELEVANCE_SCHEMA.append(pa.field("text_hash", pa.string())).append(
    pa.field("seed_version", pa.string())
)
"""The relevance columns and the inputs they were made from (to redo only changed items)."""


def _relevance_rows(batch: pa.Table, entities: list) -> pa.Table:
    rows = pipeline.news_relevance_table(batch, batch.select(["text_uid", "entity_ids"]), entities)
    return rows.append_column("text_hash", batch.column("text_hash")).append_column(
        "seed_version", batch.column("seed_version")
    )
