"""The lake on an S3 API (moto's server on 127.0.0.1): push/pull, quarantine, and two workers sharing one lake."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from diplowatch import ingest, lakestore, landing, paths
from diplowatch.lakestore import LakeStore, LakeStoreError
from diplowatch.quality import DataQualityError

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "sample_data"


def _use_home(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    """Become another worker: its own DIPLOWATCH_HOME (its own mirror of the lake)."""
    monkeypatch.setenv("DIPLOWATCH_HOME", str(home))


def _write(rel: str, data: bytes) -> Path:
    path = paths.lake() / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _lake_files(prefix: str) -> dict[str, bytes]:
    root = paths.lake()
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in (root / prefix).rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }


def test_without_uri_there_is_no_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(lakestore.ENV_URI, raising=False)
    assert lakestore.store() is None
    monkeypatch.setenv(lakestore.ENV_URI, "/data/lake")
    with pytest.raises(LakeStoreError, match="expected s3://"):
        lakestore.store()


def test_push_pull_round_trip_is_byte_identical(lake_uri: str, tmp_path: Path, monkeypatch) -> None:
    _use_home(monkeypatch, tmp_path / "a")
    files = [
        _write("landing/posts/platform=x/dt=2018-05-01/run1.parquet", b"PAR1" + bytes(range(256)) * 40),
        _write("raw/x/dt=2018-05-01/run1.jsonl.gz", b"\x1f\x8b" + b"raw" * 1000),
    ]
    uris = lakestore.store().push(files)
    assert uris == [
        f"{lake_uri}/landing/posts/platform=x/dt=2018-05-01/run1.parquet",
        f"{lake_uri}/raw/x/dt=2018-05-01/run1.jsonl.gz",
    ]
    expected = _lake_files("")

    _use_home(monkeypatch, tmp_path / "b")
    store = lakestore.store()
    assert store.pull("landing") == 1
    assert store.pull("raw") == 1
    assert _lake_files("") == expected
    assert store.pull("landing") == 0, "a second pull finds the mirror current"


def test_re_push_overwrites_the_same_keys(lake_uri: str, monkeypatch) -> None:
    store = lakestore.store()
    files = [_write(f"landing/posts/platform=vk/dt=2018-05-01/r--{i}.parquet", b"x" * (i + 1)) for i in range(3)]
    store.push(files)
    first = store.list("landing")
    files[0].write_bytes(b"changed, longer content")
    store.push([*files, files[1]])  # a re-run, with a duplicate in the list
    second = store.list("")
    assert sorted(second) == sorted(first), "a re-push must not add keys"
    assert len(second) == 3
    assert second["landing/posts/platform=vk/dt=2018-05-01/r--0.parquet"].size == len(b"changed, longer content")


def test_pull_removes_local_files_whose_objects_are_gone(lake_uri: str, tmp_path: Path, monkeypatch) -> None:
    _use_home(monkeypatch, tmp_path / "a")
    keep = _write("landing/posts/platform=telegram/dt=2018-05-01/keep.parquet", b"keep")
    drop = _write("landing/posts/platform=telegram/dt=2018-05-01/drop.parquet", b"drop")
    other = _write("landing/posts/platform=telegram2/dt=2018-05-01/other.parquet", b"other")
    store = lakestore.store()
    store.push([keep, drop, other])

    _use_home(monkeypatch, tmp_path / "b")
    store.pull("landing/posts/platform=telegram")
    assert set(_lake_files("landing")) == {
        "landing/posts/platform=telegram/dt=2018-05-01/keep.parquet",
        "landing/posts/platform=telegram/dt=2018-05-01/drop.parquet",
    }, "a prefix is a folder: platform=telegram2 is not under platform=telegram"
    writer_tmp = _write("landing/posts/platform=telegram/dt=2018-05-01/.new.parquet.123.tmp", b"being written")

    assert store.delete(["landing/posts/platform=telegram/dt=2018-05-01/drop.parquet"]) == 1
    assert store.pull("landing/posts/platform=telegram") == 0
    assert set(_lake_files("landing")) == {"landing/posts/platform=telegram/dt=2018-05-01/keep.parquet"}
    assert writer_tmp.exists(), "a writer's temporary file is not the pull's business"


def test_missing_bucket_is_a_clear_error(lake_uri: str, monkeypatch) -> None:
    monkeypatch.setenv(lakestore.ENV_URI, "s3://no-such-lake-bucket")
    path = _write("landing/posts/platform=x/dt=2018-05-01/r.parquet", b"x")
    with pytest.raises(LakeStoreError, match=r"s3://no-such-lake-bucket: bucket 'no-such-lake-bucket' does not exist"):
        lakestore.store().push([path])
    with pytest.raises(LakeStoreError, match="does not exist"):
        lakestore.store().pull("landing")


def test_a_file_outside_the_lake_is_refused(lake_uri: str, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.parquet"
    outside.write_bytes(b"x")
    with pytest.raises(LakeStoreError, match="not under the local lake"):
        lakestore.store().push([outside])


def test_bucket_prefix_is_part_of_every_key(lake_uri: str, monkeypatch) -> None:
    monkeypatch.setenv(lakestore.ENV_URI, f"{lake_uri}/team-a/")
    store = lakestore.store()
    store.push([_write("landing/posts/platform=x/dt=2018-05-01/r.parquet", b"abc")])
    assert list(store.list("landing")) == ["landing/posts/platform=x/dt=2018-05-01/r.parquet"]
    assert list(LakeStore(lake_uri).list("")) == ["team-a/landing/posts/platform=x/dt=2018-05-01/r.parquet"]


# ---------------------------------------------------------------- through the ingest code


def test_two_workers_share_one_lake(lake_uri: str, tmp_path: Path, monkeypatch) -> None:
    """Worker A ingests the bundled sample; worker B, with an empty home, pulls and sees the same landing files."""
    monkeypatch.setenv(ingest.SAMPLE_ENV, str(SAMPLE))
    _use_home(monkeypatch, tmp_path / "worker-a")
    summary = ingest.ingest_account("telegram", "ru_emb_dprk", "rusembdprk", "manual__a", date(2018, 5, 1))
    assert summary.error is None and summary.counts["posts"] > 0
    landed_a = _lake_files("landing")
    assert any(rel.startswith("landing/posts/platform=telegram/") for rel in landed_a)
    assert any(rel.endswith("_schema.parquet") for rel in landed_a)
    store = lakestore.store()
    assert set(store.list("landing")) == set(landed_a), "everything A landed is in the lake"
    assert store.list("raw"), "the raw file is in the lake"

    _use_home(monkeypatch, tmp_path / "worker-b")
    assert not paths.lake().exists()
    assert store.pull("landing") == len(landed_a)
    assert _lake_files("landing") == landed_a

    # Worker C, empty too, runs the same account: it pulls the platform's landed posts (its cursors) first.
    _use_home(monkeypatch, tmp_path / "worker-c")
    again = ingest.ingest_account("telegram", "ru_emb_dprk", "rusembdprk", "manual__c", date(2018, 5, 2))
    assert again.error is None
    posts_a = {rel: data for rel, data in landed_a.items() if rel.startswith("landing/posts/platform=telegram/")}
    assert posts_a.items() <= _lake_files("landing/posts").items(), "C derived its cursors with A's posts at hand"
    assert len(store.list("landing/posts/platform=telegram")) == 2


def test_quarantine_moves_the_objects_and_other_mirrors_drop_them(lake_uri: str, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(ingest.SAMPLE_ENV, str(SAMPLE))
    _use_home(monkeypatch, tmp_path / "worker-a")
    summary = ingest.ingest_account("telegram", "ru_emb_dprk", "rusembdprk", "manual__bad", date(2018, 5, 1))
    files = [n for names in summary.files.values() for n in names]
    store = lakestore.store()
    landed = {store.rel_of(n) for n in files}
    assert landed <= set(store.list("landing"))

    _use_home(monkeypatch, tmp_path / "worker-b")
    store.pull("landing")
    assert landed <= set(_lake_files("landing"))

    _use_home(monkeypatch, tmp_path / "worker-a")
    moved = ingest.quarantine(files, "manual__bad")
    assert len(moved) == len(files)
    objects = set(store.list(""))
    assert not landed & objects, "no quarantined file is left under landing/ in the lake"
    expected = {f"quarantine/manual__bad/{rel.removeprefix('landing/')}" for rel in landed}
    assert expected <= objects

    _use_home(monkeypatch, tmp_path / "worker-b")
    store.pull("landing")
    assert not landed & set(_lake_files("landing")), "worker B's mirror drops what was quarantined"


def _bad_batch() -> landing.Batch:
    now = datetime.now(UTC)
    batch = landing.Batch("manual__bad", "telegram", fetched_at=now)
    for i, published in ((1, now - timedelta(days=1)), (2, now + timedelta(days=30))):  # one from the future
        batch.add(
            "posts",
            {
                "post_uid": f"telegram:rusembdprk:{i}",
                "platform": "telegram",
                "account_uid": "telegram:rusembdprk",
                "native_id": str(i),
                "published_at": published,
                "text": f"post {i}",
                "source_format": "web",
            },
        )
    return batch


def test_validation_on_another_worker_fetches_and_quarantines(lake_uri: str, tmp_path: Path, monkeypatch) -> None:
    """The ingest DAG's validate step may run on a worker that landed nothing: it fetches, checks, quarantines."""
    sys.path.insert(0, str(REPO / "dags"))
    try:
        from ingest_dags import _validate
    finally:
        sys.path.remove(str(REPO / "dags"))

    _use_home(monkeypatch, tmp_path / "worker-a")
    summary = ingest.LandingSummary(source="telegram", part="ru_emb_dprk-rusembdprk", run_id="manual__bad")
    ingest._land(_bad_batch(), summary, date(2018, 5, 1), None)
    store = lakestore.store()
    landed = {store.rel_of(n) for names in summary.files.values() for n in names}
    assert landed <= set(store.list("landing"))

    _use_home(monkeypatch, tmp_path / "worker-b")
    with pytest.raises(DataQualityError):
        _validate([summary.to_dict()], "telegram", "manual__bad")
    objects = set(store.list(""))
    assert not landed & objects
    assert {f"quarantine/manual__bad/{rel.removeprefix('landing/')}" for rel in landed} <= objects


def test_worker_b_builds_the_marts_from_the_lake_and_publishes_them(lake_uri: str, tmp_path: Path, monkeypatch) -> None:
    """Worker A lands the sample; worker B pulls landing (the warehouse DAG's ``prepare``), builds, publishes."""
    from diplowatch import warehouse
    from diplowatch.publish import publish

    monkeypatch.setenv(ingest.SAMPLE_ENV, str(SAMPLE))
    _use_home(monkeypatch, tmp_path / "worker-a")
    summary = ingest.ingest_account("telegram", "ru_emb_dprk", "rusembdprk", "manual__a", date(2018, 5, 1))
    n_posts = summary.counts["posts"]

    _use_home(monkeypatch, tmp_path / "worker-b")
    store = lakestore.store()
    store.pull("landing")  # what the warehouse DAG's prepare task does first
    landing.ensure_schema_files()
    target = tmp_path / "dbt_target"  # not dbt_project/target: the project's manifest stays untouched
    warehouse.run_dbt("build", "--target-path", str(target), "--log-path", str(tmp_path / "dbt_logs"))
    with duckdb.connect(str(warehouse.build_file()), read_only=True) as con:
        rows = con.execute("select count(*) from main.fct_posts where platform = 'telegram'").fetchone()[0]
    assert rows == n_posts > 0

    result = publish(formats=("parquet",))
    pushed = store.push_marts([*result.exports, result.schema_file])
    assert f"{lake_uri}/marts/fct_posts.parquet" in pushed
    assert (
        store.list("marts")["marts/fct_posts.parquet"].size
        == (paths.marts_export() / "fct_posts.parquet").stat().st_size
    )


def test_list_without_recursion_and_fetch_with_prune(lake_uri: str, monkeypatch) -> None:
    store = lakestore.store()
    store.push(
        [
            _write("raw/x/top.jsonl.gz", b"top"),
            _write("raw/x/dt=2018-05-01/deep.jsonl.gz", b"deep"),
        ]
    )
    assert list(store.list("raw/x", recursive=False)) == ["raw/x/top.jsonl.gz"]
    assert set(store.list("raw/x")) == {"raw/x/top.jsonl.gz", "raw/x/dt=2018-05-01/deep.jsonl.gz"}

    store.delete(["raw/x/top.jsonl.gz"])
    local = paths.lake() / "raw/x/top.jsonl.gz"
    assert store.fetch(["raw/x/top.jsonl.gz"]) == 0 and local.exists(), "fetch alone never removes"
    assert store.fetch(["raw/x/top.jsonl.gz"], prune=True) == 0 and not local.exists(), "prune follows the store"
