"""Shared helpers of the API sources (X, Facebook, VK): rate-limit signals, JSON checks, offline replay.

Each platform signals "slow down" its own way:

- X: HTTP 429 with ``x-rate-limit-reset`` (epoch seconds), handled by ``HttpClient`` itself;
- Facebook Graph API: an error object in the body (HTTP 400/403) with code 4, 17, 32 or 613
  (and the Business-Use-Case codes 80001-80014), optionally with the estimated minutes to
  regain access in the ``X-Business-Use-Case-Usage`` / ``X-App-Usage`` headers;
- VK: ``{"error": {"error_code": 6, ...}}`` inside an HTTP 200 body.

The hooks below plug into ``HttpClient(rate_limit_wait=...)``: they return seconds to wait
(retry), ``None`` (fine), or raise ``ApiError`` for a platform error that retrying cannot fix.
``replay_pages`` gives the offline mode: bundled responses in the platform's real format,
listed in a ``manifest.json`` with the URL and capture time, read back as ``RawPage`` objects
so that the same parse code runs online and offline.
"""

from __future__ import annotations

import contextlib
import gc
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import requests

from diplowatch.http import FetchError, RateLimited
from diplowatch.landing import Batch
from diplowatch.raw import RawPage, RawWriter, redact

log = logging.getLogger(__name__)

GRAPH_RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, *range(80001, 80015)})
GRAPH_DEFAULT_WAIT = 120.0
"""Seconds to wait on a Graph rate-limit error that carries no estimate (past a typical budget: stop)."""
VK_TOO_MANY_RPS = 6
VK_DAILY_LIMIT_CODES = frozenset({9, 29})
VK_BASE_WAIT = 0.4


class ApiError(FetchError):
    """The platform answered with an error that retrying will not fix; the message names code and place."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class ParseError(FetchError):
    """A response was not in the expected shape (HTML instead of JSON, a changed layout, bad JSON)."""


def _json_or_none(resp: requests.Response) -> Any:
    try:
        return resp.json()
    except ValueError:
        return None


def load_json(page: RawPage, what: str) -> Any:
    """Parse a response body as JSON or raise ParseError saying what was expected and where."""
    where = redact(page.url)
    head = page.body.lstrip()[:1]
    if head == b"<":
        raise ParseError(f"{what}: expected JSON from {where}, got HTML (layout change or login wall?)")
    try:
        return json.loads(page.body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ParseError(f"{what}: malformed JSON from {where}: {exc}") from None


def require(obj: Any, key: str, kind: type | tuple[type, ...], what: str, where: str) -> Any:
    """``obj[key]`` if it has the expected type, else ParseError naming the missing/odd field."""
    if not isinstance(obj, dict) or key not in obj:
        keys = sorted(obj)[:10] if isinstance(obj, dict) else type(obj).__name__
        raise ParseError(f"{what}: expected key {key!r} in response from {redact(where)}, got {keys}")
    value = obj[key]
    if not isinstance(value, kind):
        raise ParseError(f"{what}: {key!r} in response from {redact(where)} is {type(value).__name__}")
    return value


# --- Facebook Graph API ---------------------------------------------------------------------------


def _graph_usage_wait(resp: requests.Response) -> float | None:
    """Minutes-to-regain-access from the Graph usage headers, in seconds, if given."""
    waits: list[float] = []
    for name in ("X-Business-Use-Case-Usage", "X-Page-Usage", "X-App-Usage", "X-Ad-Account-Usage"):
        value = resp.headers.get(name)
        if not value:
            continue
        try:
            usage = json.loads(value)
        except ValueError:
            continue
        entries: list[Any] = []
        if isinstance(usage, dict):
            for v in usage.values():
                entries.extend(v if isinstance(v, list) else [v])
            entries.append(usage)
        for entry in entries:
            if isinstance(entry, dict) and "estimated_time_to_regain_access" in entry:
                with contextlib.suppress(TypeError, ValueError):
                    waits.append(float(entry["estimated_time_to_regain_access"]) * 60)
    return max(waits) if waits else None


def graph_rate_limit_wait(resp: requests.Response) -> float | None:
    """HttpClient hook for the Graph API: wait on codes 4/17/32/613, raise ApiError on other errors."""
    if resp.status_code < 400:
        return None
    body = _json_or_none(resp)
    err = body.get("error") if isinstance(body, dict) else None
    if not isinstance(err, dict):
        return None  # not a Graph error body: HttpClient reports the HTTP status
    code = err.get("code")
    if code in GRAPH_RATE_LIMIT_CODES:
        wait = _graph_usage_wait(resp)
        return GRAPH_DEFAULT_WAIT if wait is None else wait
    message = redact(str(err.get("message", "")))[:300]
    raise ApiError(f"Graph API error {code} ({err.get('type', '?')}, HTTP {resp.status_code}): {message}", code=code)


# --- VK API ---------------------------------------------------------------------------------------


class VkRateLimitWait:
    """HttpClient hook for VK: error 6 in a 200 body -> retry with exponential backoff; other errors raise."""

    def __init__(self, base: float = VK_BASE_WAIT) -> None:
        self.base = base
        self.consecutive = 0

    def __call__(self, resp: requests.Response) -> float | None:
        body = _json_or_none(resp)
        err = body.get("error") if isinstance(body, dict) else None
        if not isinstance(err, dict):
            self.consecutive = 0
            return None
        code = err.get("error_code")
        msg = redact(str(err.get("error_msg", "")))[:300]
        if code == VK_TOO_MANY_RPS:
            self.consecutive += 1
            return self.base * 2 ** (self.consecutive - 1)
        if code in VK_DAILY_LIMIT_CODES:
            raise RateLimited(f"VK API error {code}: {msg} (quota for the day is used up)")
        raise ApiError(f"VK API error {code}: {msg}", code=code)


# --- Raw zone without tokens ----------------------------------------------------------------------


class ScrubbingRawWriter:
    """Wraps the run's RawWriter: tokens are removed from the stored URL *and body* (Graph's ``paging.next``
    embeds the access token in the JSON). The page handed back keeps the original body, so paging still works.
    """

    def __init__(self, raw: RawWriter, secrets: list[str]) -> None:
        self.raw = raw
        self.secrets = [s for s in secrets if s]

    def _scrub(self, data: bytes) -> bytes:
        for secret in self.secrets:
            data = data.replace(secret.encode(), b"***")
        return data

    def write(self, page: RawPage) -> RawPage:
        url = page.url
        for secret in self.secrets:
            url = url.replace(secret, "***")
        stored = self.raw.write(RawPage(url, self._scrub(page.body), page.status, page.headers, page.fetched_at))
        return RawPage(page.url, page.body, page.status, page.headers, stored.fetched_at, stored.raw_ref)


# --- Budget notices --------------------------------------------------------------------------------


def note_rate_limited(batch: Batch, entity: str, exc: RateLimited, what: str) -> None:
    """Record (as a reject row) that a run stopped early on a rate limit, with what it got so far."""
    got = batch.counts()
    msg = f"rate limited while fetching {what}; landing what was fetched ({got}): {exc}"
    log.warning(msg)
    batch.reject(entity, msg, excerpt=None)


# --- Offline replay --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recorded:
    """One bundled response: its kind (what parser reads it), file, original URL and capture time."""

    kind: str
    path: Path
    url: str
    captured_at: datetime


def read_manifest(sample_dir: Path) -> list[Recorded]:
    """The responses listed in ``<sample_dir>/manifest.json``, in the order they were captured."""
    manifest = sample_dir / "manifest.json"
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FetchError(f"offline mode: no manifest.json in {sample_dir}") from None
    out: list[Recorded] = []
    for n, entry in enumerate(data.get("responses", [])):
        try:
            captured = datetime.fromisoformat(entry["captured_at"].replace("Z", "+00:00"))
            out.append(Recorded(entry["kind"], sample_dir / entry["file"], entry["url"], captured.astimezone(UTC)))
        except (KeyError, ValueError, AttributeError) as exc:
            raise FetchError(f"{manifest}: responses[{n}]: expected kind, file, url, captured_at: {exc}") from None
    return out


def replay_pages(
    sample_dir: Path, raw: RawWriter | None, kinds: set[str] | None = None
) -> Iterator[tuple[Recorded, RawPage]]:
    """Yield ``(Recorded, RawPage)`` for every bundled response (of the given kinds), kept in the raw zone."""
    for rec in read_manifest(sample_dir):
        if kinds is not None and rec.kind not in kinds:
            continue
        page = RawPage(url=rec.url, body=rec.path.read_bytes(), status=200, headers={}, fetched_at=rec.captured_at)
        yield rec, (raw.write(page) if raw is not None else page)


# --- Parsed pages ---------------------------------------------------------------------------------


@dataclass
class Parsed:
    """What a parse function got from one response: records per entity, rejects, and the next-page cursor."""

    records: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    rejects: list[tuple[str, str, Any]] = field(default_factory=list)
    next_cursor: str | None = None
    total: int | None = None
    tables: list[tuple[str, pa.Table]] = field(default_factory=list)  # records parsed column-wise

    def add(self, entity: str, record: dict[str, Any]) -> None:
        self.records.append((entity, record))

    def reject(self, entity: str, reason: str, excerpt: Any = None) -> None:
        self.rejects.append((entity, reason, excerpt))

    def of(self, entity: str) -> list[dict[str, Any]]:
        """The records of one entity as dicts (column-wise ones with every column of their table)."""
        rows = [r for e, r in self.records if e == entity]
        for e, table in self.tables:
            if e == entity:
                rows.extend(table.to_pylist())
        return rows

    def into(self, batch: Batch, raw_ref: str | None = None) -> Batch:
        """Add every record and reject to a batch (the batch checks the contract).

        The batch takes the record dicts as they are (no copies): a record without a ``raw_ref`` gets
        this one set in place, so ``records`` then show it too.
        """
        add = batch.add
        for entity, record in self.records:
            if not record.get("raw_ref"):
                record["raw_ref"] = raw_ref
            add(entity, record)
        for entity, table in self.tables:
            if raw_ref is not None:
                refs = pa.repeat(pa.scalar(raw_ref, pa.string()), table.num_rows)
                if "raw_ref" in table.column_names:
                    refs = pc.coalesce(table.column("raw_ref"), refs)
                    table = table.drop_columns(["raw_ref"])
                table = table.append_column("raw_ref", refs)
            batch.add_table(entity, table)
        for entity, reason, excerpt in self.rejects:
            batch.reject(entity, reason, raw_ref=raw_ref, excerpt=excerpt)
        return batch


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a parser builds many small dicts that all survive.

    Each run of the collector walks every container alive, so collections triggered by a file's
    records cost time that grows with the file; the records hold no reference cycles, so nothing is
    left for the collector to do. Reference counting still frees garbage. The previous state is
    restored on exit (when a caller had disabled the collector, it stays disabled).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def to_int(value: Any) -> int | None:
    """A count from an int or a numeric string (``"14"``, ``"1,234"``); None when absent or not a number."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = str(value).strip().replace(",", "").replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        try:
            f = float(text)
        except ValueError:
            return None
        return int(f) if f.is_integer() else None
