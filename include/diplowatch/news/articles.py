"""Optional article text: fetch the page once, extract the body with trafilatura, cache by canonical URL.

Off by default (``News.fetch_article_text``). The cache lives under
``<state>/articles/<item_uid>.json`` and records failures too, so no URL is
ever fetched twice, whether it worked or not.

With ``DIPLOWATCH_LAKE_URI`` (scale-out) the cache is shared by every worker through the object store
(``lakestore.state_store()``, ``<uri>/state/articles/<item_uid>.json``): an entry missing here is looked
up there before the page is fetched, and a new entry is pushed there as soon as it is written.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path

import trafilatura

from diplowatch import lakestore, paths
from diplowatch.http import FetchError, HttpClient
from diplowatch.news.canonical import canonical_url, item_uid

log = logging.getLogger(__name__)

MAX_HTML_BYTES = 5_000_000


def cache_dir() -> Path:
    return paths.state() / "articles"


def _cache_path(url: str, root: Path | None) -> Path:
    return (root or cache_dir()) / f"{item_uid(url)}.json"


def cached(url: str, root: Path | None = None) -> dict | None:
    """The cache entry of a URL (``{"url", "text", "error", "fetched_at"}``) or None if never fetched."""
    path = _cache_path(url, root)
    if not path.exists() and root is None:
        shared = lakestore.state_store()
        if shared is not None:
            shared.fetch([shared.rel_of(path)])
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def _store(url: str, entry: dict, root: Path | None) -> None:
    path = _cache_path(url, root)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    tmp.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
    shared = lakestore.state_store() if root is None else None
    if shared is not None:
        shared.push([path])


def extract_text(html: bytes | str, url: str | None = None) -> str | None:
    """Main text of an article page (trafilatura), without comments or boilerplate; None if none found."""
    text = trafilatura.extract(html, url=url, include_comments=False, include_tables=False, favor_precision=True)
    return (text.strip() or None) if text else None


def article_text(client: HttpClient | None, url: str, *, root: Path | None = None) -> str | None:
    """Body text of an article: from the cache, else fetched once (when a client is given) and cached.

    With ``client=None`` (offline runs) only the cache is read. A failed fetch is
    cached as an error and not retried.
    """
    entry = cached(url, root)
    if entry is not None:
        return entry.get("text")
    if client is None:
        return None
    canon = canonical_url(url)
    try:
        page = client.get(url)
    except FetchError as exc:
        log.warning("article %s: %s", canon, exc)
        _store(url, {"url": canon, "text": None, "error": str(exc), "fetched_at": _now()}, root)
        return None
    if len(page.body) > MAX_HTML_BYTES:
        error = f"page is {len(page.body)} bytes, over the {MAX_HTML_BYTES} cap"
        _store(url, {"url": canon, "text": None, "error": error, "fetched_at": _now()}, root)
        return None
    text = extract_text(page.body, url=page.url)
    error = None if text else "trafilatura found no article body"
    _store(url, {"url": canon, "text": text, "error": error, "fetched_at": _now(), "raw_ref": page.raw_ref}, root)
    return text


def _now() -> str:
    return datetime.now(UTC).isoformat()
