"""diplowatch.lakestore without a server: URIs, keys, endpoint settings, the mirror's lock, a clear network error."""

from __future__ import annotations

import fcntl
import threading

import pytest
from diplowatch import lakestore, paths
from diplowatch.lakestore import LakeStore, LakeStoreError


@pytest.mark.parametrize("uri", ["diplowatch-lake", "s3://", "file:///data/lake", "gs://bucket"])
def test_a_lake_uri_must_be_s3(uri: str) -> None:
    with pytest.raises(LakeStoreError, match=r"DIPLOWATCH_LAKE_URI=.*expected s3://<bucket>"):
        LakeStore(uri)


def test_keys_follow_the_lake_layout_under_the_prefix() -> None:
    store = LakeStore("s3://team-lake/diplowatch/")
    assert (store.bucket, store.prefix) == ("team-lake", "diplowatch")
    rel = "landing/posts/platform=x/dt=2018-05-01/interval__2018-05-01T00_00_00_00_00--m-h.parquet"
    assert store.key(rel) == f"team-lake/diplowatch/{rel}"
    assert store.uri_of(rel) == f"s3://team-lake/diplowatch/{rel}"
    assert LakeStore("s3://team-lake").key("raw/x") == "team-lake/raw/x"


def test_local_paths_map_to_lake_relative_keys() -> None:
    store = LakeStore("s3://team-lake")
    path = paths.landing() / "posts" / "platform=vk" / "dt=2018-05-01" / "r.parquet"
    assert store.rel_of(path) == "landing/posts/platform=vk/dt=2018-05-01/r.parquet"
    assert store.local("landing/posts") == paths.lake() / "landing" / "posts"
    with pytest.raises(LakeStoreError, match="not under the local lake"):
        store.rel_of(paths.home() / "warehouse.duckdb")
    with pytest.raises(ValueError, match="relative to the lake"):
        store.key("../state/gaps")
    with pytest.raises(ValueError, match="relative to the lake"):
        store.local("/etc/passwd")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://minio:9000", ("minio:9000", "http")),
        ("https://s3.example.org", ("s3.example.org", "https")),
        ("minio:9000", ("minio:9000", "https")),
        ("", (None, None)),
    ],
)
def test_endpoint_from_aws_endpoint_url(monkeypatch: pytest.MonkeyPatch, url: str, expected: tuple) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL_S3", raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", url)
    assert lakestore._endpoint() == expected


def test_the_s3_specific_endpoint_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://other:1")
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", "http://minio:9000")
    assert lakestore._endpoint() == ("minio:9000", "http")
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", "ftp://minio")
    with pytest.raises(LakeStoreError, match="expected http"):
        lakestore._endpoint()


def test_writers_hold_a_shared_lock_that_keeps_pull_out(monkeypatch: pytest.MonkeyPatch) -> None:
    store = LakeStore("s3://team-lake")
    lockfile = paths.lake().with_name(".lake.lock")
    entered, release = threading.Event(), threading.Event()

    def writer() -> None:
        with lakestore.writing(store):
            entered.set()
            release.wait(10)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert entered.wait(10)
        with lockfile.open("a") as fh:
            fcntl.flock(fh, fcntl.LOCK_SH | fcntl.LOCK_NB)  # another writer gets in
            fcntl.flock(fh, fcntl.LOCK_UN)
        with lockfile.open("a") as fh, pytest.raises(BlockingIOError):
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a pull waits
    finally:
        release.set()
        thread.join()
    with lockfile.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free again once the writer is done


def test_without_a_store_writing_is_a_no_op() -> None:
    with lakestore.writing(None):
        assert not paths.lake().with_name(".lake.lock").exists()


def test_an_unreachable_endpoint_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # discard port: nothing listens
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv(lakestore.ENV_URI, "s3://unreachable-lake")
    with pytest.raises(LakeStoreError, match=r"s3://unreachable-lake: cannot reach bucket .* at 127\.0\.0\.1:9"):
        lakestore.store().pull("landing")


def test_state_and_inbox_stores_sit_beside_the_lake_under_the_same_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(lakestore.ENV_URI, "s3://team-lake/diplowatch/")
    shared, box = lakestore.state_store(), lakestore.inbox_store()
    assert shared.key("gaps/x_a.json") == "team-lake/diplowatch/state/gaps/x_a.json"
    assert shared.root == paths.state() and shared.local("news/feeds.json") == paths.state() / "news" / "feeds.json"
    assert shared.rel_of(paths.state() / "gaps" / "x_a.json") == "gaps/x_a.json"
    assert box.uri_of("crowdtangle/export.csv") == "s3://team-lake/diplowatch/inbox/crowdtangle/export.csv"
    assert box.root == paths.home() / "inbox"
    with pytest.raises(LakeStoreError, match="not under the local lake"):
        shared.rel_of(paths.lake() / "landing" / "x.parquet")
    monkeypatch.setenv(lakestore.ENV_URI, "gs://elsewhere")
    with pytest.raises(LakeStoreError, match=r"DIPLOWATCH_LAKE_URI='gs://elsewhere'"):
        lakestore.state_store()
    monkeypatch.delenv(lakestore.ENV_URI)
    assert lakestore.state_store() is None and lakestore.inbox_store() is None


def test_a_sub_store_mirror_follows_diplowatch_home(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv(lakestore.ENV_URI, "s3://team-lake")
    shared = lakestore.state_store()
    monkeypatch.setenv("DIPLOWATCH_HOME", str(tmp_path / "other"))
    assert shared.root == (tmp_path / "other" / "state").resolve()
