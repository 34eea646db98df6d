"""RSS 2.0 and Atom news feeds from the watch-list (FORMATS.md section 9).

Fetching and parsing are apart:

- ``fetch_feed`` downloads the bytes with ``HttpClient`` and a conditional GET
  (``If-None-Match`` / ``If-Modified-Since`` from a small state file under
  ``<state>/news/feeds.json``); a 304 costs one request and lands nothing.
- ``check_feed_bytes`` guards the parser: size cap, empty body, HTML instead of
  XML, wrong or undeclared encoding, and hostile XML (entity declarations,
  external entities) refused by defusedxml *before* feedparser sees the bytes.
- ``parse_feed`` is a pure function of a ``RawPage``: items shaped like
  ``landing.SCHEMAS["news_items"]``, dates in UTC, titles trimmed, summaries
  without HTML.

A broken feed becomes one reject with its reason; the other feeds go on.
"""

from __future__ import annotations

import calendar
import codecs
import html as htmllib
import json
import logging
import os
import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as SafeET
import feedparser
from defusedxml import DefusedXmlException
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from diplowatch import paths
from diplowatch.config import Feed, News
from diplowatch.http import FetchError, HttpClient
from diplowatch.landing import Batch
from diplowatch.news import articles, offline
from diplowatch.news.canonical import canonical_url, item_uid, normalise_title, source_domain
from diplowatch.raw import RawPage
from diplowatch.sources.base import RunContext

log = logging.getLogger(__name__)

ENTITY = "news_items"
MAX_FEED_BYTES = 10_000_000
"""Feeds are a few hundred kB; anything over this is refused before parsing."""

_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']", re.IGNORECASE)
_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.I | re.S)
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)
_FEED_ROOTS = {"rss", "feed", "RDF"}
_WS = re.compile(r"\s+")


class FeedRejected(ValueError):
    """A feed document that must not (or cannot) be parsed; the message is the reject reason."""


@dataclass
class ParsedFeed:
    kind: str
    """``rss`` or ``atom`` (the landing ``found_via``)."""
    items: list[dict[str, Any]] = field(default_factory=list)
    rejects: list[tuple[str, str]] = field(default_factory=list)
    """(reason, excerpt) for entries that could not become items."""


# ---------------------------------------------------------------- checks on bytes


def _content_type(page: RawPage) -> str:
    for key, value in (page.headers or {}).items():
        if key.lower() == "content-type":
            return value
    return ""


def _declared_encoding(body: bytes, content_type: str) -> tuple[str | None, str]:
    """(encoding, where it was declared): BOM, then XML declaration, then HTTP charset, else None."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if body.startswith(bom):
            return name, "byte order mark"
    m = _XML_DECL.match(body[:200])
    if m:
        return m.group(1).decode("ascii"), "XML declaration"
    m = _CHARSET.search(content_type)
    if m:
        return m.group(1), "HTTP Content-Type"
    return None, "nothing (UTF-8 assumed)"


def check_feed_bytes(body: bytes, content_type: str = "", *, max_bytes: int = MAX_FEED_BYTES) -> bytes:
    """Refuse what must not reach feedparser; return the bytes to parse (re-encoded to UTF-8 if needed).

    Raises ``FeedRejected`` with the reason: empty body, over ``max_bytes``,
    an HTML page, bytes not valid in the declared (or assumed UTF-8) encoding,
    entity declarations or external references (billion laughs, XXE), XML
    that is not well-formed, or a root element that is not rss/feed/rdf:RDF.
    """
    if len(body) > max_bytes:
        raise FeedRejected(f"feed is {len(body)} bytes, over the {max_bytes}-byte cap")
    if not body.strip():
        raise FeedRejected("empty body: expected an RSS or Atom document")
    if _HTML_START.match(body[:2048]):
        raise FeedRejected(f"got an HTML page, not a feed (Content-Type {content_type or 'missing'!r})")
    encoding, where = _declared_encoding(body, content_type)
    try:
        text = body.decode(encoding or "utf-8")
    except LookupError:
        raise FeedRejected(f"unknown encoding {encoding!r} declared in the {where}") from None
    except UnicodeDecodeError as exc:
        raise FeedRejected(
            f"wrong encoding: bytes are not valid {encoding or 'utf-8'} (declared by {where}) "
            f"at byte {exc.start}: {body[max(0, exc.start - 20) : exc.start + 20]!r}"
        ) from None
    if where == "HTTP Content-Type":
        body = text.encode("utf-8")  # no XML declaration: hand UTF-8 on, so expat and feedparser agree
    try:
        root = SafeET.fromstring(body, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise FeedRejected(f"hostile XML refused: {type(exc).__name__}: {exc}") from None
    except SafeET.ParseError as exc:
        raise FeedRejected(f"invalid XML: {exc}") from None
    local = root.tag.rsplit("}", 1)[-1]
    if local.lower() == "html":
        raise FeedRejected("got an HTML page, not a feed (root element <html>)")
    if local not in _FEED_ROOTS:
        raise FeedRejected(f"root element is <{local}>, expected <rss>, <feed> or <rdf:RDF>")
    return body


# ---------------------------------------------------------------- parsing


def html_to_text(html: str | None) -> str | None:
    """Visible text of an HTML fragment (tags dropped, entities decoded), whitespace collapsed; None when empty."""
    if not html:
        return None
    if "<" in html:
        tree = HTMLParser(html)
        for node in tree.css("script, style"):
            node.decompose()
        html = tree.body.text(separator=" ") if tree.body is not None else tree.root.text(separator=" ")
        return normalise_title(html)  # the separator leaves "word ." at inline tags: same fix as GDELT titles
    return _WS.sub(" ", htmllib.unescape(html)).strip() or None


def _utc(struct: time.struct_time | None) -> datetime | None:
    """feedparser's ``*_parsed`` values are UTC struct_time; make an aware datetime."""
    if not struct:
        return None
    return datetime.fromtimestamp(calendar.timegm(struct), tz=UTC)


def _lang(value: str | None) -> str | None:
    """``ru-RU`` / ``en-us`` → ``ru`` / ``en``."""
    if not value:
        return None
    code = value.strip().split("-")[0].split("_")[0].lower()
    return code if 2 <= len(code) <= 3 and code.isalpha() else None


def _entry_link(entry: Any) -> str | None:
    link = entry.get("link")
    if not link:
        for candidate in entry.get("links") or []:
            if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
                link = candidate["href"]
                break
    if not link and entry.get("guidislink") is not False:
        guid = entry.get("id") or ""
        link = guid if guid.startswith(("http://", "https://")) else None
    return link.strip() if link else None


def _authors(entry: Any) -> list[str] | None:
    names = [a.get("name", "").strip() for a in entry.get("authors") or [] if a.get("name")]
    if not names and entry.get("author"):
        names = [entry["author"].strip()]
    return [n for n in names if n] or None


def parse_feed(page: RawPage, feed: Feed, *, seen_at: datetime | None = None) -> ParsedFeed:
    """Items of one feed document. Raises ``FeedRejected`` when the whole document is refused."""
    body = check_feed_bytes(page.body, _content_type(page))
    parsed = feedparser.parse(body, sanitize_html=True, resolve_relative_uris=True)
    kind = "atom" if str(parsed.get("version", "")).startswith("atom") else "rss"
    if not parsed.entries and parsed.get("bozo"):
        raise FeedRejected(f"feedparser could not read the feed: {parsed.get('bozo_exception')}")
    feed_lang = feed.language or _lang(parsed.feed.get("language"))
    seen_at = seen_at or page.fetched_at
    out = ParsedFeed(kind=kind)
    for n, entry in enumerate(parsed.entries):
        try:
            out.items.append(_item(entry, feed, kind, feed_lang, seen_at, page.raw_ref))
        except ValueError as exc:
            excerpt = json.dumps({"n": n, "title": entry.get("title"), "link": entry.get("link")}, ensure_ascii=False)
            out.rejects.append((f"{feed.name} entry {n}: {exc}", excerpt))
    return out


def _item(
    entry: Any, feed: Feed, kind: str, feed_lang: str | None, seen_at: datetime | None, raw_ref: str | None
) -> dict[str, Any]:
    link = _entry_link(entry)
    if not link:
        raise ValueError("no link (and the guid is not a URL)")
    canon = canonical_url(link)
    published = _utc(entry.get("published_parsed")) or _utc(entry.get("updated_parsed"))
    if published is None:
        raise ValueError(
            f"no readable date (pubDate/published/updated: {entry.get('published') or entry.get('updated')!r})"
        )
    content = entry.get("content") or []
    body = html_to_text(content[0].get("value")) if content else None
    return {
        "item_uid": item_uid(link),
        "url": link,
        "canonical_url": canon,
        "title": normalise_title(html_to_text(entry.get("title"))),
        "summary": html_to_text(entry.get("summary")),
        "body": body,
        "published_at": published,
        "seen_at": seen_at,
        "source_domain": source_domain(link),
        "source_name": feed.name,
        "language": _lang(entry.get("language")) or feed_lang,
        "found_via": kind,
        "feed_or_query": feed.name,
        "authors": _authors(entry),
        "source_format": "feed",
        "raw_ref": raw_ref,
    }


# ---------------------------------------------------------------- conditional GET state


def state_path() -> Path:
    return paths.state() / "news" / "feeds.json"


def load_validators() -> dict[str, dict[str, str]]:
    path = state_path()
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def save_validators(validators: dict[str, dict[str, str]]) -> None:
    path = state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    tmp.write_text(json.dumps(validators, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def fetch_feed(client: HttpClient, feed: Feed, validators: dict[str, str] | None) -> RawPage | None:
    """GET a feed, conditionally; None when the server says 304 Not Modified."""
    headers = {"Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.1"}
    if validators and validators.get("etag"):
        headers["If-None-Match"] = validators["etag"]
    if validators and validators.get("last_modified"):
        headers["If-Modified-Since"] = validators["last_modified"]
    page = client.get(feed.url, headers=headers)
    if page.status == 304:
        log.info("feed %s: 304 not modified", feed.name)
        return None
    return page


def _validators_of(page: RawPage) -> dict[str, str]:
    h = {k.lower(): v for k, v in (page.headers or {}).items()}
    return {k: h[src] for k, src in (("etag", "etag"), ("last_modified", "last-modified")) if h.get(src)}


# ---------------------------------------------------------------- extract


def _add_parsed(
    ctx: RunContext, batch: Batch, page: RawPage, feed: Feed, news: News, client: HttpClient | None
) -> bool:
    """Parse one page into the batch; False when the document was refused."""
    try:
        parsed = parse_feed(page, feed)
    except FeedRejected as exc:
        log.warning("feed %s (%s) refused: %s", feed.name, page.url, exc)
        batch.reject(
            ENTITY, f"feed {feed.name}: {exc}", raw_ref=page.raw_ref, excerpt=page.body[:200].decode("utf-8", "replace")
        )
        return False
    for reason, excerpt in parsed.rejects:
        batch.reject(ENTITY, reason, raw_ref=page.raw_ref, excerpt=excerpt)
    for item in parsed.items:
        if news.fetch_article_text and not item["body"]:
            item["body"] = articles.article_text(client, item["url"])
        if ctx.sample_dir is not None and page.fetched_at is not None:
            item["fetched_at"] = page.fetched_at
        batch.add(ENTITY, item)
    log.info("feed %s: %d items, %d rejects", feed.name, len(parsed.items), len(parsed.rejects))
    return True


def _extract_offline(ctx: RunContext, news: News, batch: Batch) -> Batch:
    folder, manifest = offline.load_manifest(ctx.sample_dir)
    entries = manifest.get("feeds", [])
    for feed in news.feeds:
        if not feed.enabled:
            continue
        recorded = sorted((e for e in entries if e["url"] == feed.url), key=lambda e: e["captured_at"])
        if not recorded:
            log.info("feed %s: no recorded responses in %s", feed.name, folder)
        for entry in recorded:
            page = ctx.raw.write(offline.recorded_page(folder, entry))
            _add_parsed(ctx, batch, page, feed, news, None)
    return batch


def extract(ctx: RunContext, news: News, *, client: HttpClient | None = None) -> Batch:
    """News items from every enabled feed of the watch-list (offline: replay ``ctx.sample_dir``)."""
    batch = ctx.new_batch()
    if ctx.sample_dir is not None:
        return _extract_offline(ctx, news, batch)
    client = client or HttpClient(timeout=30.0, attempts=3)
    state = load_validators()
    for feed in news.feeds:
        if not feed.enabled:
            continue
        try:
            page = fetch_feed(client, feed, state.get(feed.url))
        except FetchError as exc:
            log.warning("feed %s: %s", feed.name, exc)
            batch.reject(ENTITY, f"feed {feed.name}: fetch failed: {exc}", excerpt=feed.url)
            continue
        if page is None:
            continue
        page = ctx.raw.write(page)
        if _add_parsed(ctx, batch, page, feed, news, client):
            validators = _validators_of(page)
            if validators:
                state[feed.url] = validators
            else:
                state.pop(feed.url, None)
    save_validators(state)
    return batch
