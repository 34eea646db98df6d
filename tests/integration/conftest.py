"""Fixtures of the integration tests: a local S3 API (moto's server on 127.0.0.1) for the scale-out lake."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator

import pytest
from diplowatch import lakestore
from moto.server import ThreadedMotoServer
from pyarrow import fs as pafs


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def admin(s3_endpoint: str) -> pafs.S3FileSystem:
    """A client of the local S3 server that may create buckets (what a team's admin does once)."""
    return pafs.S3FileSystem(
        access_key="testing",
        secret_key="testing",
        region="us-east-1",
        endpoint_override=s3_endpoint.removeprefix("http://"),
        scheme="http",
        allow_bucket_creation=True,
    )


def _new_lake(s3_endpoint: str, admin: pafs.S3FileSystem, monkeypatch: pytest.MonkeyPatch, prefix: str = "") -> str:
    """A fresh bucket, the AWS_* variables and DIPLOWATCH_LAKE_URI pointing at it (``s3://bucket[/prefix]``)."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_endpoint)
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    for name in ("AWS_ENDPOINT_URL_S3", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    bucket = f"lake-{uuid.uuid4().hex[:12]}"
    admin.create_dir(bucket)
    uri = f"s3://{bucket}" + (f"/{prefix}" if prefix else "")
    monkeypatch.setenv(lakestore.ENV_URI, uri)
    return uri


@pytest.fixture
def make_lake(s3_endpoint: str, admin: pafs.S3FileSystem, monkeypatch: pytest.MonkeyPatch):
    """``make_lake(prefix="")``: a fresh bucket on the local S3 server, with the variables pointing at it."""
    return lambda prefix="": _new_lake(s3_endpoint, admin, monkeypatch, prefix)


@pytest.fixture
def lake_uri(make_lake) -> str:
    return make_lake()
