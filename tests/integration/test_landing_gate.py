"""A corrupted landing run is stopped at the gate: clear failure, files quarantined, published marts untouched.

Drives the ingest DAGs' own validation step (``dags/ingest_dags.py::_validate``) on a run whose
files break critical expectations (duplicate keys, a negative count, a future timestamp).
"""

from __future__ import annotations

import hashlib
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from diplowatch import landing, paths
from diplowatch.quality import DataQualityError

REPO = Path(__file__).resolve().parents[2]


def _post(i: int, published_at: datetime) -> dict:
    return {
        "post_uid": f"telegram:rusembdprk:{i}",
        "platform": "telegram",
        "account_uid": "telegram:rusembdprk",
        "native_id": str(i),
        "published_at": published_at,
        "text": f"post {i}",
        "source_format": "web",
    }


def test_corrupted_run_fails_is_quarantined_and_published_marts_stay(diplowatch_home):
    sys.path.insert(0, str(REPO / "dags"))
    try:
        from ingest_dags import _validate
    finally:
        sys.path.remove(str(REPO / "dags"))

    published = paths.warehouse()
    published.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(published)) as con:
        con.execute("create table fct_posts as select 'telegram:rusembdprk:1' as post_uid")
    digest = hashlib.sha256(published.read_bytes()).hexdigest()

    now = datetime.now(UTC)
    batch = landing.Batch("manual__bad", "telegram", fetched_at=now)
    batch.add("posts", _post(1, now - timedelta(days=1)))
    batch.add("posts", _post(2, now + timedelta(days=30)))  # from the future
    batch.add(
        "post_metrics",
        {
            "post_uid": "telegram:rusembdprk:1",
            "platform": "telegram",
            "account_uid": "telegram:rusembdprk",
            "observed_at": now,
            "views": 10,
            "source_format": "web",
        },
    )
    written = landing.land(batch, dt=date.today(), part="a")
    # a second file of the same run repeats post 1: duplicate keys across the run
    again = landing.Batch("manual__bad", "telegram", fetched_at=now)
    again.add("posts", _post(1, now - timedelta(days=1)))
    written_b = landing.land(again, dt=date.today(), part="b")
    files = {e: [str(p) for p in written.get(e, []) + written_b.get(e, [])] for e in ("posts", "post_metrics")}
    summaries = [{"part": "a", "files": files, "counts": {"posts": 3, "post_metrics": 1}, "error": None}]

    with pytest.raises(DataQualityError) as err:
        _validate(summaries, "telegram", "manual__bad")
    message = str(err.value)
    assert "posts.post_uid" in message and "unexpected" in message
    assert "published_at" in message

    assert not any(Path(f).exists() for names in files.values() for f in names)
    assert list((paths.lake() / "quarantine").rglob("*.parquet"))
    assert hashlib.sha256(published.read_bytes()).hexdigest() == digest
