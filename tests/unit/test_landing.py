from datetime import UTC, date, datetime, timedelta

import duckdb
import pyarrow.parquet as pq
from diplowatch import landing, paths


def post(native_id: int, **over):
    rec = {
        "post_uid": f"telegram:chan:{native_id}",
        "platform": "telegram",
        "account_uid": "telegram:chan",
        "native_id": str(native_id),
        "published_at": datetime(2017, 10, 1, tzinfo=UTC) + timedelta(hours=native_id),
        "text": f"post {native_id}",
        "source_format": "web",
    }
    rec.update(over)
    return rec


def test_valid_records_land_and_bad_ones_are_rejected_with_reasons():
    batch = landing.Batch("manual__2018-05-01T00:00:00+00:00", "telegram")
    batch.add("posts", post(1))
    batch.add("posts", post(2, published_at=None))
    batch.add("posts", post(3, published_at=datetime(2017, 1, 1)))  # naive
    batch.add(
        "post_metrics",
        {
            "post_uid": "telegram:chan:1",
            "platform": "telegram",
            "account_uid": "telegram:chan",
            "observed_at": datetime.now(UTC),
            "views": -5,
            "source_format": "web",
        },
    )
    batch.add("posts", post(4, platform="myspace"))
    assert batch.counts() == {"posts": 1, "rejects": 4}
    reasons = [r["reason"] for r in batch.rejects]
    assert reasons[0] == "published_at is required"
    assert "no time zone" in reasons[1]
    assert "views must be a non-negative integer" in reasons[2]
    assert "platform 'myspace'" in reasons[3]

    written = landing.land(batch, dt=date(2018, 5, 1))
    (posts_file,) = written["posts"]
    assert (
        posts_file
        == paths.landing() / "posts/platform=telegram/dt=2018-05-01/manual__2018-05-01T00_00_00_00_00.parquet"
    )
    table = pq.read_table(posts_file)
    assert table.schema.field("published_at").type == landing.TS
    assert table.num_rows == 1
    rejects = pq.read_table(written["rejects"][0]).to_pylist()
    assert len(rejects) == 4 and all(r["reason"] and r["entity"] for r in rejects)


def test_relanding_a_run_replaces_its_files_and_dedupes_keys():
    for _ in range(2):
        batch = landing.Batch("run1", "telegram")
        for i in (1, 2, 2, 3):
            batch.add("posts", post(i))
        landing.land(batch, dt=date(2018, 5, 1), part="acct")
    files = list(paths.landing().glob("posts/**/*.parquet"))
    assert len(files) == 1
    assert pq.read_table(files[0]).num_rows == 3
    assert not list(paths.landing().rglob("*.tmp"))


def test_schema_files_make_empty_globs_readable():
    landing.ensure_schema_files()
    for entity in landing.SCHEMAS:
        rows = duckdb.sql(
            f"select count(*) from read_parquet('{paths.landing() / entity}/*/*/*.parquet', hive_partitioning = true)"
        ).fetchall()
        assert rows == [(0,)]


def test_run_key_is_file_name_safe():
    assert landing.run_key("scheduled__2018-01-01T00:00:00+00:00") == "scheduled__2018-01-01T00_00_00_00_00"
    assert "/" not in landing.run_key("a/b")
