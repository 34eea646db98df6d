"""Publish a built warehouse as a read-only snapshot, plus Parquet/CSV exports of every mart.

DuckDB allows one writing process *or* many readers of a file, never both. dbt therefore
builds into a work file, ``$DIPLOWATCH_HOME/build/warehouse.duckdb`` (kept between runs so
incremental models work), and analysts read ``$DIPLOWATCH_HOME/warehouse.duckdb``, which
only ever changes by an atomic rename:

1. an in-memory DuckDB attaches the build file ``READ_ONLY`` and a temporary file in
   ``$DIPLOWATCH_HOME``, and runs ``COPY FROM DATABASE``;
2. the copy is checked (same tables, same row counts), checkpointed and detached;
3. every mart is exported to ``marts/<name>.parquet`` (and ``.csv`` on request), each
   through a temporary name and a rename, plus ``marts/_schema.json``;
4. ``os.replace`` moves the temporary file onto ``warehouse.duckdb``.

Why ``COPY FROM DATABASE`` rather than a file copy after ``CHECKPOINT``: the read-only
attach holds DuckDB's shared lock on the build file for the whole copy, so no writer can
start half-way through (a byte copy would have a window between ``CHECKPOINT``/close and
the copy), a ``.wal`` left beside the build file is replayed instead of silently missed,
and publishing never opens the build file for writing, so it cannot damage it. If dbt is
still writing the build file, the attach fails at once with a lock error instead of
copying a half-built warehouse. The copy is also compact (no free blocks carried over).

Readers are never blocked and never see a half-built warehouse: on Linux a connection
already open keeps reading the old inode until it closes; a new connection opens the new
file. The temporary file lives in the same folder as the target so the rename is atomic.
"""

from __future__ import annotations

import json
import logging
import os
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from diplowatch import paths

log = logging.getLogger(__name__)

MART_PREFIXES = ("dim_", "fct_", "agg_", "bridge_")
FORMATS = ("parquet", "csv")
SCHEMA_FILE = "_schema.json"
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class PublishError(RuntimeError):
    """The build file could not be published (missing, locked by a writer, or copied wrongly)."""


@dataclass
class PublishResult:
    """What a publish wrote: the snapshot, the exports and the row count of every mart."""

    warehouse: Path
    build: Path
    marts_dir: Path
    schema_file: Path
    tables: dict[str, int] = field(default_factory=dict)
    """Row count of every mart that was published and exported."""
    exports: list[Path] = field(default_factory=list)
    published_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def summary(self) -> str:
        marts = ", ".join(f"{name}={rows}" for name, rows in sorted(self.tables.items())) or "no marts"
        return f"published {self.warehouse} ({marts}); exports in {self.marts_dir}"


def build_path(home: Path | None = None) -> Path:
    """The dbt work file: ``$DIPLOWATCH_HOME/build/warehouse.duckdb``."""
    return (home or paths.home()) / "build" / "warehouse.duckdb"


def is_mart(name: str) -> bool:
    return name.startswith(MART_PREFIXES)


def list_marts(con: duckdb.DuckDBPyConnection, catalog: str | None = None) -> list[str]:
    """Base tables of schema ``main`` whose names start with a mart prefix, sorted."""
    sql = "select table_name from duckdb_tables() where schema_name = 'main' and not temporary"
    params: list[Any] = []
    if catalog:
        sql += " and database_name = ?"
        params.append(catalog)
    rows = con.execute(sql + " order by table_name", params).fetchall()
    return [name for (name,) in rows if is_mart(name) and _IDENT.match(name)]


def _row_counts(con: duckdb.DuckDBPyConnection, catalog: str) -> dict[str, int]:
    """Row count of every base table of a catalog, keyed ``schema.table``."""
    tables = con.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = ? and not temporary",
        [catalog],
    ).fetchall()
    return {
        f"{schema}.{table}": con.execute(f'select count(*) from "{catalog}"."{schema}"."{table}"').fetchall()[0][0]
        for schema, table in tables
    }


def table_schema(con: duckdb.DuckDBPyConnection, table: str, catalog: str | None = None) -> list[dict[str, Any]]:
    """Columns of ``main.<table>``: name, DuckDB type, nullability and the column comment (dbt docs)."""
    sql = (
        "select column_name, data_type, is_nullable, comment from duckdb_columns() "
        "where schema_name = 'main' and table_name = ?"
    )
    params: list[Any] = [table]
    if catalog:
        sql += " and database_name = ?"
        params.append(catalog)
    rows = con.execute(sql + " order by column_index", params).fetchall()
    return [
        {"name": name, "type": dtype, "nullable": bool(nullable), "description": comment or None}
        for name, dtype, nullable, comment in rows
    ]


def dbt_descriptions(manifest: Path | None = None) -> dict[str, dict[str, str]]:
    """Column descriptions per model from dbt's ``target/manifest.json`` (empty when it is not there)."""
    manifest = manifest or paths.DBT_PROJECT / "target" / "manifest.json"
    try:
        nodes = json.loads(manifest.read_text(encoding="utf-8")).get("nodes", {})
    except (OSError, ValueError):
        return {}
    return {
        node["name"]: {c: (v.get("description") or "") for c, v in node.get("columns", {}).items()}
        | {"": node.get("description") or ""}
        for node in nodes.values()
        if node.get("resource_type") == "model"
    }


def _tmp_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")


def _copy_database(build: Path, tmp: Path) -> dict[str, int]:
    """Copy the build file into ``tmp`` holding a shared lock on the build; return mart row counts."""
    con = duckdb.connect()
    try:
        try:
            con.execute(f"attach '{_sql_path(build)}' as build_src (read_only)")
        except duckdb.IOException as exc:
            raise PublishError(
                f"cannot open the build file {build} read-only (is dbt still writing it?): {exc}"
            ) from exc
        con.execute(f"attach '{_sql_path(tmp)}' as publish_tmp")
        con.execute("copy from database build_src to publish_tmp")
        src_counts = _row_counts(con, "build_src")
        dst_counts = _row_counts(con, "publish_tmp")
        if src_counts != dst_counts:
            diff = {k: (src_counts.get(k), dst_counts.get(k)) for k in set(src_counts) | set(dst_counts)}
            diff = {k: v for k, v in diff.items() if v[0] != v[1]}
            raise PublishError(f"copy of {build} differs from its source (table: (build, copy)): {diff}")
        con.execute("checkpoint publish_tmp")
        con.execute("detach publish_tmp")
        con.execute("detach build_src")
    finally:
        con.close()
    return {
        name.split(".", 1)[1]: n for name, n in src_counts.items() if name.startswith("main.") and is_mart(name[5:])
    }


def _sql_path(path: Path) -> str:
    """A path as a single-quoted SQL string literal body."""
    return str(path).replace("'", "''")


def _export_marts(snapshot: Path, marts_dir: Path, formats: Sequence[str]) -> tuple[list[Path], dict[str, Any]]:
    """Write every mart of ``snapshot`` to temporary files in ``marts_dir``; return (tmp→final pairs, schema)."""
    marts_dir.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    schema: dict[str, Any] = {}
    docs = dbt_descriptions()
    con = duckdb.connect(str(snapshot), read_only=True)
    try:
        for name in list_marts(con):
            rows = con.execute(f'select count(*) from main."{name}"').fetchall()[0][0]
            columns = table_schema(con, name)
            for col in columns:
                col["description"] = col["description"] or docs.get(name, {}).get(col["name"]) or None
            schema[name] = {"rows": rows, "description": docs.get(name, {}).get("") or None}
            schema[name] |= {"columns": columns, "files": []}
            for fmt in formats:
                target = marts_dir / f"{name}.{fmt}"
                tmp = _tmp_name(target)
                options = "format parquet, compression zstd" if fmt == "parquet" else "format csv, header true"
                con.execute(f"copy (select * from main.\"{name}\") to '{_sql_path(tmp)}' ({options})")
                staged.append((tmp, target))
                schema[name]["files"].append(target.name)
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    finally:
        con.close()
    return staged, schema  # type: ignore[return-value]


def _remove_stale_exports(marts_dir: Path, keep: set[str]) -> None:
    """Drop exports of marts that no longer exist (a renamed or removed model)."""
    for fmt in FORMATS:
        for path in marts_dir.glob(f"*.{fmt}"):
            if is_mart(path.stem) and path.name not in keep:
                log.info("removing export of a mart that is gone: %s", path)
                path.unlink(missing_ok=True)


def _write_json_atomic(obj: Any, target: Path) -> Path:
    tmp = _tmp_name(target)
    tmp.write_text(json.dumps(obj, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    tmp.replace(target)
    return target


def publish(
    home: Path | None = None,
    *,
    build: Path | None = None,
    formats: Sequence[str] = ("parquet",),
    require_marts: bool = True,
) -> PublishResult:
    """Publish ``build`` (default ``$DIPLOWATCH_HOME/build/warehouse.duckdb``) as ``$DIPLOWATCH_HOME/warehouse.duckdb``.

    Call it only after a successful build and validation. Exports every mart to
    ``$DIPLOWATCH_HOME/marts/<name>.<fmt>`` for each of ``formats`` (``parquet``, ``csv``)
    and writes ``marts/_schema.json``. Raises ``PublishError`` when the build file is
    missing, locked by a writer, has no marts (unless ``require_marts=False``), or the
    copy does not match it; the previously published files then stay in place.
    """
    home = Path(home).resolve() if home else paths.home()
    build = Path(build) if build else build_path(home)
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise ValueError(f"publish(formats=...): {bad} not among {list(FORMATS)}")
    if not build.exists():
        raise PublishError(f"no build file at {build}: run dbt build first")
    target = home / "warehouse.duckdb"
    marts_dir = home / "marts"
    home.mkdir(parents=True, exist_ok=True)

    tmp = _tmp_name(target)
    staged: list[tuple[Path, Path]] = []
    try:
        counts = _copy_database(build, tmp)
        if require_marts and not counts:
            raise PublishError(f"{build} has no mart tables (main.{'|'.join(MART_PREFIXES)}*): nothing to publish")
        staged, schema = _export_marts(tmp, marts_dir, formats)
        os.replace(tmp, target)
        for tmp_export, final in staged:
            os.replace(tmp_export, final)
        staged = []
    finally:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)
        for tmp_export, _ in staged:
            tmp_export.unlink(missing_ok=True)

    exports = [marts_dir / f for mart in schema.values() for f in mart["files"]]
    _remove_stale_exports(marts_dir, {p.name for p in exports})
    result = PublishResult(
        warehouse=target, build=build, marts_dir=marts_dir, schema_file=marts_dir / SCHEMA_FILE, tables=counts
    )
    result.exports = exports
    _write_json_atomic(
        {
            "published_at": result.published_at.isoformat(),
            "warehouse": str(target),
            "formats": list(formats),
            "tables": schema,
        },
        result.schema_file,
    )
    log.info(result.summary())
    return result
