"""The vectorised contract checks of ``landing.Batch`` give the same verdicts and reasons as ``check_record``."""

from datetime import UTC, date, datetime, timedelta, timezone

import pyarrow.parquet as pq
import pytest
from diplowatch import landing, paths

T0 = datetime(2017, 10, 1, tzinfo=UTC)
FETCHED = datetime(2018, 5, 1, tzinfo=UTC)


def post(n: int, **over):
    rec = {
        "post_uid": f"telegram:chan:{n}",
        "platform": "telegram",
        "account_uid": "telegram:chan",
        "native_id": str(n),
        "published_at": T0 + timedelta(hours=n),
        "text": f"post {n}",
        "source_format": "web",
    }
    rec.update(over)
    return rec


def metric(n: int, observed: datetime = T0, **over):
    rec = {
        "post_uid": f"telegram:chan:{n}",
        "platform": "telegram",
        "account_uid": "telegram:chan",
        "observed_at": observed,
        "views": 10 * n,
        "reactions": {"👍": n},
        "source_format": "web",
    }
    rec.update(over)
    return rec


BAD_POSTS = [
    post(101, surprise=1),
    post(102, published_at=None),
    post(103, native_id=""),
    post(104, published_at=datetime(2017, 1, 1)),
    post(105, edited_at=datetime(2017, 1, 2)),
    post(106, published_at="2017-01-01T00:00:00Z"),
    post(107, platform="myspace"),
    post(108, source_format="fax"),
]
BAD_METRICS = [
    metric(201, views=-5),
    metric(202, views=1.5),
    metric(203, likes=True),
    metric(204, shares="12"),
    metric(205, observed_at=None),
]


def expected_reason(entity, record):
    with pytest.raises(landing.ContractError) as exc:
        landing.check_record(entity, {"run_id": "r", "fetched_at": FETCHED, **record})
    return str(exc.value)


def test_every_bad_record_is_rejected_with_check_records_reason_in_add_order():
    batch = landing.Batch("r", "telegram", fetched_at=FETCHED)
    expected = []
    for i in range(50):  # valid rows around the bad ones, so the vectorised path is the one used
        batch.add("posts", post(i))
        batch.add("post_metrics", metric(i))
        if i < len(BAD_POSTS):
            batch.add("posts", BAD_POSTS[i])
            expected.append(("posts", expected_reason("posts", BAD_POSTS[i])))
        if i < len(BAD_METRICS):
            batch.add("post_metrics", BAD_METRICS[i])
            expected.append(("post_metrics", expected_reason("post_metrics", BAD_METRICS[i])))
        if i == 3:
            batch.reject("posts", "explicit", raw_ref="page-3")
            expected.append(("posts", "explicit"))

    assert batch.counts() == {"posts": 50, "post_metrics": 50, "rejects": len(expected)}
    assert [(r["entity"], r["reason"]) for r in batch.rejects] == expected
    reasons = " | ".join(reason for _, reason in expected)
    for fragment in ("surprise", "published_at is required", "native_id is required", "published_at has no time zone",
                     "edited_at has no time zone", "published_at must be a datetime", "platform 'myspace'",
                     "source_format 'fax'", "views must be a non-negative integer, got -5", "got 1.5", "got True",
                     "got '12'", "observed_at is required"):  # fmt: skip
        assert fragment in reasons
    checked = [r for r in batch.rejects if r["reason"] != "explicit"]
    assert all(r["excerpt"] and r["run_id"] == "r" and r["source"] == "telegram" for r in checked)

    written = landing.land(batch, dt=date(2018, 5, 1))
    posts = pq.read_table(written["posts"][0])
    assert posts.num_rows == 50 and posts.schema == landing.SCHEMAS["posts"]
    assert set(posts.column("run_id").to_pylist()) == {"r"}
    assert set(posts.column("fetched_at").to_pylist()) == {FETCHED}
    assert pq.read_table(written["rejects"][0]).num_rows == len(expected)


def test_aware_timestamps_in_any_zone_are_kept_as_utc_instants():
    batch = landing.Batch("r", "telegram", fetched_at=FETCHED)
    msk = datetime(2017, 10, 1, 3, tzinfo=timezone(timedelta(hours=3)))
    batch.add("posts", post(1, published_at=msk))
    (path,) = landing.land(batch, dt=date(2018, 5, 1))["posts"]
    assert pq.read_table(path).column("published_at").to_pylist() == [T0]


def test_dedupe_keeps_the_last_row_per_key_in_first_seen_order():
    batch = landing.Batch("r", "telegram", fetched_at=FETCHED)
    for n, text in ((1, "a"), (2, "b"), (1, "c"), (3, "d"), (2, "e")):
        batch.add("posts", post(n, text=text))
    later = T0 + timedelta(days=1)
    for n, observed, views in ((1, T0, 1), (1, later, 2), (1, T0, 3)):
        batch.add("post_metrics", metric(n, observed, views=views))
    written = landing.land(batch, dt=date(2018, 5, 1))
    posts = pq.read_table(written["posts"][0])
    assert posts.column("native_id").to_pylist() == ["1", "2", "3"]
    assert posts.column("text").to_pylist() == ["c", "e", "d"]
    metrics = pq.read_table(written["post_metrics"][0])
    assert metrics.column("views").to_pylist() == [3, 2]
    assert metrics.column("reactions").to_pylist() == [[("👍", 1)], [("👍", 1)]]


def test_a_wrong_type_the_contract_does_not_check_is_a_reject_naming_the_field():
    batch = landing.Batch("r", "telegram", fetched_at=FETCHED)
    batch.add("posts", post(1))
    batch.add("posts", post(2, text=42))
    assert batch.counts() == {"posts": 1, "rejects": 1}
    assert batch.rejects[0]["reason"].startswith("text cannot be stored as string")


def test_partitions_per_platform_and_counts_follow_later_adds():
    batch = landing.Batch("r", "import", fetched_at=FETCHED)
    batch.add("posts", post(1))
    assert batch.counts() == {"posts": 1, "rejects": 0}
    batch.add("posts", post(2, platform="x", post_uid="x:chan:2", account_uid="x:chan"))
    batch.add("posts", post(3, platform="vk"))
    assert batch.counts() == {"posts": 3, "rejects": 0}
    written = landing.land(batch, dt=date(2018, 5, 1), part="p")
    assert [p.parent.parent.name for p in written["posts"]] == ["platform=telegram", "platform=vk", "platform=x"]
    assert all(pq.read_metadata(p).num_rows == 1 for p in written["posts"])


def test_changes_made_through_records_are_landed():
    batch = landing.Batch("r", "gdelt", fetched_at=FETCHED)
    batch.add("posts", post(1, text=None))
    (row,) = batch.records["posts"]
    assert row["run_id"] == "r" and row["fetched_at"] == FETCHED
    row["text"] = "filled in later"
    (path,) = landing.land(batch, dt=date(2018, 5, 1))["posts"]
    assert pq.read_table(path).column("text").to_pylist() == ["filled in later"]
    assert (path.parent / path.name).is_relative_to(paths.landing())


def test_extend_keeps_the_other_batchs_run_and_rejects():
    a = landing.Batch("ra", "telegram", fetched_at=FETCHED)
    b = landing.Batch("rb", "telegram", fetched_at=FETCHED + timedelta(hours=1))
    a.add("posts", post(1))
    b.add("posts", post(2))
    b.add("posts", post(3, platform=None))
    a.extend(b)
    assert a.counts() == {"posts": 2, "rejects": 1}
    assert a.rejects[0]["reason"] == "platform is required" and a.rejects[0]["run_id"] == "rb"
    (path,) = landing.land(a, dt=date(2018, 5, 1))["posts"]
    assert pq.read_table(path).column("run_id").to_pylist() == ["ra", "rb"]


def test_a_naive_batch_time_rejects_every_record():
    batch = landing.Batch("r", "telegram", fetched_at=datetime(2018, 5, 1))
    batch.add("posts", post(1))
    assert batch.counts() == {"rejects": 1}
    assert batch.rejects[0]["reason"] == "fetched_at has no time zone"
