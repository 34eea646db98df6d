"""The lake on an S3-compatible object store (scale-out), with each worker's local lake as its mirror.

Without ``DIPLOWATCH_LAKE_URI`` nothing here is used: the lake is ``$DIPLOWATCH_HOME/lake`` and
``store()`` returns None. With ``DIPLOWATCH_LAKE_URI=s3://<bucket>[/<prefix>]`` the object store is
the lake's system of record and ``paths.lake()`` on every worker is a mirror of it:

* an object's key is ``<prefix>/<path relative to the lake>``: ``landing/posts/platform=x/dt=…/….parquet``,
  ``raw/x/dt=…/….jsonl.gz``, ``quarantine/<run>/…``; the same file always gets the same key, so a
  re-push overwrites and never duplicates;
* ``push`` uploads files written locally; ``pull`` brings a lake-relative prefix down (objects that
  are missing locally, or differ in size or modification time) and removes local files under that
  prefix whose objects are gone (quarantined by another worker, for example);
* ``move`` renames an object (quarantine);
* ``push_marts`` uploads the published marts exports to ``<uri>/marts/``.

Two more folders of ``$DIPLOWATCH_HOME`` are mirrored the same way, beside the lake's zones under the
same bucket and prefix (``state_store()``, ``inbox_store()``: the same class, another root and key prefix):

* ``<uri>/state/`` mirrors ``paths.state()``: the gap files (``gaps/<account>.json``), the RSS
  conditional-GET validators (``news/feeds.json``) and the article text cache (``articles/…``), so the
  next run on any worker sees what a run on another worker recorded;
* ``<uri>/inbox/`` mirrors ``$DIPLOWATCH_HOME/inbox``: engineers drop export files into
  ``<uri>/inbox/<importer>/``; an imported file's object moves to ``<uri>/inbox/<importer>/done/``.

Connection: ``pyarrow.fs.S3FileSystem`` with ``AWS_ENDPOINT_URL`` (or ``AWS_ENDPOINT_URL_S3``) as the
endpoint (``http://minio:9000``), ``AWS_REGION``/``AWS_DEFAULT_REGION`` and ``AWS_ACCESS_KEY_ID``/
``AWS_SECRET_ACCESS_KEY``/``AWS_SESSION_TOKEN`` (else the AWS SDK's usual credential chain).

Tasks on one worker share its mirror. A task that writes the lake holds ``writing()`` (a shared lock)
from landing its files until they are pushed; ``pull`` takes the lock exclusively, so it never removes
a file another task has just written and not yet pushed.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from pyarrow import fs as pafs

from diplowatch import paths

log = logging.getLogger(__name__)

ENV_URI = "DIPLOWATCH_LAKE_URI"
MARTS_PREFIX = "marts"
"""Where the published marts exports go in the store (``<uri>/marts/<mart>.parquet``), beside the lake's zones."""
STATE_PREFIX = "state"
"""Where ``paths.state()`` is mirrored in the store (``<uri>/state/gaps/<account>.json``, …)."""
INBOX_PREFIX = "inbox"
"""Where import files are dropped in the store (``<uri>/inbox/<importer>/<file>``)."""
_CHUNK = 1 << 20


class LakeStoreError(RuntimeError):
    """The object store could not be used: bad URI, missing bucket, wrong credentials, failed transfer."""


@dataclass(frozen=True)
class StoredObject:
    """One object of the lake: its lake-relative path, size in bytes and modification time (epoch seconds)."""

    rel: str
    size: int
    mtime: float | None


def _lake_uri() -> str:
    return (os.environ.get(ENV_URI) or "").strip()


def store() -> LakeStore | None:
    """The lake's object store from ``$DIPLOWATCH_LAKE_URI``, or None when it is unset (local lake only)."""
    uri = _lake_uri()
    return LakeStore(uri) if uri else None


def _sub_store(prefix: str, root_of: Callable[[], Path]) -> LakeStore | None:
    uri = _lake_uri()
    if not uri:
        return None
    LakeStore(uri)  # a bad URI fails here, naming the variable as it was set
    return LakeStore(f"{uri.rstrip('/')}/{prefix}", root_of=root_of)


def _inbox_root() -> Path:
    return paths.home() / "inbox"


def state_store() -> LakeStore | None:
    """The run state's store: ``<uri>/state/`` mirrored at ``paths.state()``; None without ``$DIPLOWATCH_LAKE_URI``.

    Keys are relative to the state folder (``gaps/telegram_chan.json``, ``news/feeds.json``).
    """
    return _sub_store(STATE_PREFIX, paths.state)


def inbox_store() -> LakeStore | None:
    """The imports inbox's store: ``<uri>/inbox/`` mirrored at ``$DIPLOWATCH_HOME/inbox``; None without a URI."""
    return _sub_store(INBOX_PREFIX, _inbox_root)


@contextlib.contextmanager
def writing(lake: LakeStore | None) -> Iterator[None]:
    """Hold the mirror's shared lock while writing lake files that are pushed afterwards (no-op without a store)."""
    if lake is None:
        yield
        return
    with lake.lock(exclusive=False):
        yield


def _endpoint() -> tuple[str | None, str | None]:
    """(host[:port], scheme) from ``AWS_ENDPOINT_URL_S3`` or ``AWS_ENDPOINT_URL``; (None, None) for AWS itself."""
    url = (os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL") or "").strip()
    if not url:
        return None, None
    parts = urlsplit(url if "://" in url else f"https://{url}")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise LakeStoreError(f"AWS_ENDPOINT_URL={url!r}: expected http(s)://host[:port]")
    return parts.netloc, parts.scheme


def _filesystem() -> pafs.S3FileSystem:
    endpoint, scheme = _endpoint()
    options: dict = {}
    if endpoint:
        options |= {"endpoint_override": endpoint, "scheme": scheme}
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or ("us-east-1" if endpoint else None)
    if region:
        options["region"] = region
    key, secret = os.environ.get("AWS_ACCESS_KEY_ID"), os.environ.get("AWS_SECRET_ACCESS_KEY")
    if key and secret:
        options |= {"access_key": key, "secret_key": secret, "session_token": os.environ.get("AWS_SESSION_TOKEN")}
    return pafs.S3FileSystem(**options)


def _clean_rel(rel: str) -> str:
    """A lake-relative path as a clean POSIX string; no absolute paths, no ``..``."""
    pure = PurePosixPath(str(rel).strip("/"))
    if str(rel).startswith("/") or ".." in pure.parts:
        raise ValueError(f"{rel!r}: expected a path relative to the lake, like 'landing/posts'")
    return "" if str(pure) == "." else str(pure)


class LakeStore:
    """The lake's objects under ``s3://<bucket>/<prefix>`` and the local mirror ``root`` (``paths.lake()``).

    ``root_of`` gives the mirror's folder at call time for another mirrored folder (``state_store()``).
    """

    def __init__(
        self,
        uri: str,
        filesystem: pafs.FileSystem | None = None,
        root: Path | None = None,
        root_of: Callable[[], Path] | None = None,
    ) -> None:
        parts = urlsplit(uri)
        if parts.scheme != "s3" or not parts.netloc:
            raise LakeStoreError(f"{ENV_URI}={uri!r}: expected s3://<bucket>[/<prefix>]")
        self.uri = uri.rstrip("/")
        self.bucket = parts.netloc
        self.prefix = parts.path.strip("/")
        self._fs = filesystem
        self._root = root
        self._root_of = root_of or paths.lake
        self._checked = False

    def __repr__(self) -> str:
        return f"LakeStore({self.uri!r}, root={str(self.root)!r})"

    # ---------------------------------------------------------------- names

    @property
    def root(self) -> Path:
        """The local mirror: ``paths.lake()`` (read at call time, so it follows ``$DIPLOWATCH_HOME``)."""
        return self._root or self._root_of()

    @property
    def fs(self) -> pafs.FileSystem:
        if self._fs is None:
            self._fs = _filesystem()
        return self._fs

    def key(self, rel: str) -> str:
        """The filesystem path ``<bucket>/<prefix>/<rel>`` of a lake-relative path."""
        return "/".join(p for p in (self.bucket, self.prefix, _clean_rel(rel)) if p)

    def uri_of(self, rel: str) -> str:
        """``s3://<bucket>/<prefix>/<rel>``: how logs and errors name an object."""
        return f"s3://{self.key(rel)}"

    def rel_of(self, path: Path | str) -> str:
        """The lake-relative path of a local file; a file outside the lake is an error naming both."""
        try:
            return Path(path).resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            raise LakeStoreError(
                f"{path}: not under the local lake {self.root}, so it has no key in {self.uri}"
            ) from None

    def local(self, rel: str) -> Path:
        return self.root / _clean_rel(rel)

    # ---------------------------------------------------------------- checks and errors

    def _error(self, action: str, rel: str, exc: Exception) -> LakeStoreError:
        endpoint, _ = _endpoint()
        where = f" at {endpoint}" if endpoint else ""
        return LakeStoreError(f"{action} {self.uri_of(rel)}{where} failed: {exc}")

    def check(self) -> None:
        """Fail clearly, once, when the bucket is missing or unreachable (endpoint, credentials)."""
        if self._checked:
            return
        endpoint, _ = _endpoint()
        where = f"at {endpoint}" if endpoint else "on AWS"
        try:
            info = self.fs.get_file_info(self.bucket)
        except OSError as exc:
            raise LakeStoreError(
                f"{self.uri}: cannot reach bucket {self.bucket!r} {where}: {exc} "
                "(check AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"
            ) from None
        if info.type == pafs.FileType.NotFound:
            raise LakeStoreError(
                f"{self.uri}: bucket {self.bucket!r} does not exist {where} "
                "(create it first, e.g. the minio-init service of docker-compose.yaml)"
            )
        self._checked = True

    # ---------------------------------------------------------------- locking the mirror

    @contextlib.contextmanager
    def lock(self, exclusive: bool) -> Iterator[None]:
        """The local mirror's lock (a file beside the lake): shared for writers, exclusive for ``pull``."""
        lockfile = self.root.with_name(f".{self.root.name}.lock")
        lockfile.parent.mkdir(parents=True, exist_ok=True)
        with lockfile.open("a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    # ---------------------------------------------------------------- operations

    def list(self, prefix: str = "", recursive: bool = True) -> dict[str, StoredObject]:
        """The objects under a lake-relative folder (``landing/posts``), by lake-relative path.

        ``recursive=False``: only the folder's own objects, not those of its sub-folders.
        """
        self.check()
        prefix = _clean_rel(prefix)
        base = self.key(prefix)
        try:
            infos = self.fs.get_file_info(pafs.FileSelector(base, recursive=recursive, allow_not_found=True))
        except OSError as exc:
            raise self._error("listing", prefix, exc) from None
        root = self.key("")
        found = {}
        for info in infos:
            if info.type != pafs.FileType.File:
                continue
            rel = info.path[len(root) :].lstrip("/")
            found[rel] = StoredObject(rel, info.size, info.mtime.timestamp() if info.mtime else None)
        return found

    def push(self, files: Iterable[Path | str]) -> list[str]:
        """Upload local lake files to their keys (a re-push overwrites the same keys); returns their URIs."""
        self.check()
        pushed = [self._upload(self.local(rel), rel) for rel in dict.fromkeys(self.rel_of(f) for f in files)]
        log.info("pushed %d file(s) to %s", len(pushed), self.uri)
        return pushed

    def push_marts(self, files: Iterable[Path | str]) -> list[str]:
        """Upload published marts exports (files under ``paths.marts_export()``) to ``<uri>/marts/``."""
        self.check()
        root = paths.marts_export().resolve()
        pushed = []
        for f in dict.fromkeys(Path(f).resolve() for f in files):
            try:
                rel = f"{MARTS_PREFIX}/{f.relative_to(root).as_posix()}"
            except ValueError:
                raise LakeStoreError(f"{f}: not under the marts exports folder {root}") from None
            pushed.append(self._upload(f, rel))
        log.info("pushed %d marts export(s) to %s/%s/", len(pushed), self.uri, MARTS_PREFIX)
        return pushed

    def _upload(self, path: Path, rel: str) -> str:
        try:
            with path.open("rb") as src, self.fs.open_output_stream(self.key(rel)) as dst:
                shutil.copyfileobj(src, dst, _CHUNK)
        except FileNotFoundError:
            raise LakeStoreError(f"cannot push {path} to {self.uri_of(rel)}: no such local file") from None
        except OSError as exc:
            raise self._error("uploading to", rel, exc) from None
        return self.uri_of(rel)

    def _local_files(self, prefix: str) -> dict[str, Path]:
        folder = self.local(prefix)
        if not folder.is_dir():
            return {}
        return {
            p.relative_to(self.root).as_posix(): p
            for p in folder.rglob("*")
            if p.is_file() and not p.name.startswith(".")
        }

    @staticmethod
    def _current(path: Path | None, obj: StoredObject) -> bool:
        """Is the local copy the object? Same size and (when the store says) the same whole-second mtime."""
        if path is None or not path.is_file():
            return False
        st = path.stat()
        if st.st_size != obj.size:
            return False
        return obj.mtime is None or int(st.st_mtime) == int(obj.mtime)

    def _download(self, obj: StoredObject) -> Path:
        target = self.local(obj.rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
        try:
            with self.fs.open_input_stream(self.key(obj.rel)) as src, tmp.open("wb") as dst:
                shutil.copyfileobj(src, dst, _CHUNK)
            if obj.mtime is not None:
                os.utime(tmp, (obj.mtime, obj.mtime))
            tmp.replace(target)
        except OSError as exc:
            raise self._error("downloading", obj.rel, exc) from None
        finally:
            tmp.unlink(missing_ok=True)
        return target

    def pull(self, prefix: str) -> int:
        """Mirror a lake-relative folder: download new or changed objects, drop local files gone from the store.

        Returns the number of files downloaded. Dot-files (temporary files of writers) are left alone.
        """
        prefix = _clean_rel(prefix)
        with self.lock(exclusive=True):
            remote = self.list(prefix)
            local = self._local_files(prefix)
            fetched = 0
            for rel, obj in remote.items():
                if not self._current(local.get(rel), obj):
                    self._download(obj)
                    fetched += 1
            gone = sorted(local.keys() - remote.keys())
            for rel in gone:
                local[rel].unlink(missing_ok=True)
        current = len(remote) - fetched
        log.info("pulled %s/%s: %d downloaded, %d current, %d removed", self.uri, prefix, fetched, current, len(gone))
        return fetched

    def fetch(self, rels: Iterable[str], prune: bool = False) -> int:
        """Download the given objects if the local copy is missing or differs; returns how many.

        A path with no object is skipped (it may have been quarantined already); with ``prune`` its
        local copy is removed instead (under the mirror's exclusive lock, like ``pull``), so the mirror
        follows the store for exactly these files.
        """
        rels = [_clean_rel(r) for r in rels]
        if not rels:
            return 0
        self.check()
        if not prune:
            return self._fetch(rels, prune=False)
        with self.lock(exclusive=True):
            return self._fetch(rels, prune=True)

    def _fetch(self, rels: list[str], prune: bool) -> int:
        try:
            infos = self.fs.get_file_info([self.key(r) for r in rels])
        except OSError as exc:
            raise self._error("looking up", rels[0], exc) from None
        fetched = 0
        for rel, info in zip(rels, infos, strict=True):
            if info.type != pafs.FileType.File:
                if prune and self.local(rel).is_file():
                    self.local(rel).unlink(missing_ok=True)
                    log.info("%s: gone from %s, removed from the mirror", rel, self.uri)
                continue
            obj = StoredObject(rel, info.size, info.mtime.timestamp() if info.mtime else None)
            if not self._current(self.local(rel), obj):
                self._download(obj)
                fetched += 1
        return fetched

    def move(self, src_rel: str, dst_rel: str) -> bool:
        """Rename an object (quarantine); False when there is no source object (already moved)."""
        self.check()
        src, dst = self.key(src_rel), self.key(dst_rel)
        try:
            if self.fs.get_file_info(src).type != pafs.FileType.File:
                return False
            self.fs.copy_file(src, dst)
            self.fs.delete_file(src)
        except OSError as exc:
            raise LakeStoreError(f"moving {self.uri_of(src_rel)} to {self.uri_of(dst_rel)} failed: {exc}") from None
        log.info("moved %s to %s", self.uri_of(src_rel), self.uri_of(dst_rel))
        return True

    def delete(self, rels: Iterable[str]) -> int:
        """Delete objects (those that exist); returns how many were deleted."""
        self.check()
        deleted = 0
        for rel in rels:
            key = self.key(rel)
            try:
                if self.fs.get_file_info(key).type == pafs.FileType.File:
                    self.fs.delete_file(key)
                    deleted += 1
            except OSError as exc:
                raise self._error("deleting", rel, exc) from None
        return deleted
