"""Scale-out imports inbox: a file dropped into ``<uri>/inbox/<importer>/`` is imported once, by any worker.

The object store is moto's S3 server on 127.0.0.1; two DIPLOWATCH_HOMEs play two workers.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import pytest
from diplowatch import ingest, lakestore
from pyarrow import fs as pafs

CSV = (
    "platform,account,native_id,published_at,text,mission_id\n"
    "telegram,rusembdprk,imp-001,2017-09-01T02:10:00Z,Knowledge Day at the Embassy school,ru_emb_dprk\n"
    "telegram,rusembdprk,imp-002,2017-09-04T06:30:00Z,The Ambassador met the Vice Foreign Minister,ru_emb_dprk\n"
)


def drop(admin: pafs.S3FileSystem, uri: str, rel: str, body: str | bytes) -> None:
    """What an engineer does: upload an export file into the bucket's inbox."""
    with admin.open_output_stream(f"{uri.removeprefix('s3://')}/{rel}") as out:
        out.write(body.encode() if isinstance(body, str) else body)


def objects(admin: pafs.S3FileSystem, uri: str, prefix: str) -> set[str]:
    base = uri.removeprefix("s3://")
    infos = admin.get_file_info(pafs.FileSelector(f"{base}/{prefix}", recursive=True, allow_not_found=True))
    return {i.path.removeprefix(base + "/") for i in infos if i.type == pafs.FileType.File}


def worker(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    monkeypatch.setenv("DIPLOWATCH_HOME", str(home))


def test_a_dropped_file_is_imported_once_by_whichever_worker(
    lake_uri: str, admin: pafs.S3FileSystem, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drop(admin, lake_uri, "inbox/generic_import/posts.csv", CSV)
    drop(admin, lake_uri, "inbox/generic_import/done/old.csv", CSV)  # imported long ago: stays put

    worker(monkeypatch, tmp_path / "b")
    first = ingest.ingest_imports("generic_import", "i1", date(2018, 5, 10))
    assert first.counts.get("posts") == 2
    assert objects(admin, lake_uri, "inbox") == {
        "inbox/generic_import/done/posts.csv",
        "inbox/generic_import/done/old.csv",
    }, "the object moved to done/, as the local file does"
    assert (ingest.inbox("generic_import") / "done" / "posts.csv").read_text() == CSV
    assert not (ingest.inbox("generic_import") / "posts.csv").exists()
    landed = lakestore.store().list("landing/posts/platform=telegram")
    assert len(landed) == 1, "the rows landed and were pushed to the lake"

    for home, run in (("a", "i2"), ("b", "i3")):  # neither worker imports it again
        worker(monkeypatch, tmp_path / home)
        again = ingest.ingest_imports("generic_import", run, date(2018, 5, 11))
        assert again.counts.get("posts", 0) == 0, home
        assert not (ingest.inbox("generic_import") / "posts.csv").exists()
    assert lakestore.store().list("landing/posts/platform=telegram").keys() == landed.keys()


def test_a_rejected_file_stays_in_the_inbox_and_local_only_files_are_not_imported(
    lake_uri: str, admin: pafs.S3FileSystem, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    drop(admin, lake_uri, "inbox/generic_import/broken.csv", b"platform,native_id\n\xff\xfe latin-1 bytes\n")
    worker(monkeypatch, tmp_path / "a")
    local_only = ingest.inbox("generic_import") / "local.csv"
    local_only.parent.mkdir(parents=True)
    local_only.write_text(CSV)

    with caplog.at_level(logging.WARNING, logger="diplowatch.ingest"):
        summary = ingest.ingest_imports("generic_import", "i1", date(2018, 5, 10))
    assert summary.counts.get("posts", 0) == 0 and summary.counts.get("rejects", 0) >= 1
    assert objects(admin, lake_uri, "inbox") == {"inbox/generic_import/broken.csv"}, "a reject is not done"
    assert local_only.exists() and "local.csv: not in s3://" in caplog.text
    assert "upload it there" in caplog.text


def test_without_a_store_the_local_inbox_works_as_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(lakestore.ENV_URI, raising=False)
    path = ingest.inbox("generic_import") / "posts.csv"
    path.parent.mkdir(parents=True)
    path.write_text(CSV)
    summary = ingest.ingest_imports("generic_import", "i1", date(2018, 5, 10))
    assert summary.counts.get("posts") == 2
    assert not path.exists() and (path.parent / "done" / "posts.csv").read_text() == CSV
    assert ingest.ingest_imports("generic_import", "i2", date(2018, 5, 11)).counts.get("posts", 0) == 0
