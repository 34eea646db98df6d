"""The raw zone: every response kept as received, one gzipped JSON line each.

``lake/raw/<source>/dt=<date>/<run_key>.jsonl.gz``; a record's ``raw_ref`` is
``<path relative to the lake>#<line number>`` so a parser fix can re-parse history.
Secrets are redacted from URLs and headers before anything is written.
"""

from __future__ import annotations

import base64
import gzip
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from diplowatch import paths
from diplowatch.landing import run_key

_SECRET_PARAMS = re.compile(r"(?i)([?&](?:access_token|token|key|api_key|apikey|bearer|client_secret)=)[^&#\s]+")
_SECRET_HEADERS = {"authorization", "cookie", "set-cookie", "x-api-key", "proxy-authorization"}
REDACTED = "***"


def redact(text: str) -> str:
    """Remove token-like query parameters from a URL or message."""
    return _SECRET_PARAMS.sub(r"\1" + REDACTED, text)


@dataclass(frozen=True)
class RawPage:
    """One response as received: what parsers consume, online or re-parsed from the raw zone."""

    url: str
    body: bytes
    status: int = 200
    headers: dict[str, str] | None = None
    fetched_at: datetime | None = None
    raw_ref: str | None = None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class RawWriter:
    """Appends pages to this run's raw file; the file appears atomically on ``close()``."""

    def __init__(self, source: str, run_id: str, dt: date, root: Path | None = None) -> None:
        root = root or paths.raw()
        self.path = root / source / f"dt={dt.isoformat()}" / f"{run_key(run_id)}.jsonl.gz"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._tmp = self.path.with_name(f".{self.path.name}.{uuid.uuid4().hex}.tmp")
        self._fh = gzip.open(self._tmp, "wt", encoding="utf-8")  # noqa: SIM115 (closed in close())
        self._line = 0
        try:
            self._rel = self.path.relative_to(paths.lake()).as_posix()
        except ValueError:
            self._rel = self.path.as_posix()

    def write(self, page: RawPage) -> RawPage:
        """Keep the page; return it with its ``raw_ref`` set."""
        self._line += 1
        headers = {k: (REDACTED if k.lower() in _SECRET_HEADERS else v) for k, v in (page.headers or {}).items()}
        fetched_at = page.fetched_at or datetime.now(UTC)
        line = {
            "url": redact(page.url),
            "status": page.status,
            "headers": headers,
            "fetched_at": fetched_at.isoformat(),
            "body_b64": base64.b64encode(page.body).decode("ascii"),
        }
        self._fh.write(json.dumps(line, ensure_ascii=False) + "\n")
        ref = f"{self._rel}#{self._line}"
        return RawPage(page.url, page.body, page.status, page.headers, fetched_at, ref)

    def close(self) -> Path:
        self._fh.close()
        if self._line:
            self._tmp.replace(self.path)
        else:
            self._tmp.unlink(missing_ok=True)
        return self.path

    def __enter__(self) -> RawWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_raw(path: Path) -> Iterator[RawPage]:
    """Re-read a raw file, page by page, for re-parsing without the network."""
    try:
        rel = path.relative_to(paths.lake()).as_posix()
    except ValueError:
        rel = path.as_posix()
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            rec = json.loads(line)
            yield RawPage(
                url=rec["url"],
                body=base64.b64decode(rec["body_b64"]),
                status=rec["status"],
                headers=rec.get("headers"),
                fetched_at=datetime.fromisoformat(rec["fetched_at"]),
                raw_ref=f"{rel}#{n}",
            )
