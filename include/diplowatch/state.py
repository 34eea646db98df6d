"""Incremental cursors, derived from what actually landed (never from what was only fetched).

A cursor is the newest native id landed for an account, read from the landing
Parquet files; since data is written before anything reads it back, a cursor
can never run ahead of landed data. Re-delivery of the boundary post is harmless:
staging deduplicates on the key.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb

from diplowatch import paths


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
