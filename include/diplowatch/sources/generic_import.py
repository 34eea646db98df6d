"""Generic import: posts or news items from any other tool, as JSONL or CSV (columns in docs/import_format.md).

``import_file(path, ctx)`` detects the kind from the columns (``platform``/``native_id`` -> posts,
``url`` without them -> news) unless ``kind`` is given, checks every row and lands the valid ones:
posts (+ ``post_metrics`` when a row carries counts, + one ``accounts`` row per account) with
``source_format = "import"``, or ``news_items`` with ``found_via = "import"``. A row with a missing
or invalid field becomes a reject naming the line and the field. Columns named ``label_*`` are
not landed: ``read_labels(path)`` returns them with each row's key, for evaluating classifiers.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from diplowatch.landing import Batch, account_uid, post_uid
from diplowatch.news.canonical import canonical_url, item_uid, source_domain
from diplowatch.raw import RawPage
from diplowatch.sources.base import RunContext
from diplowatch.sources.ratelimits import Parsed, ParseError, read_manifest, to_int

log = logging.getLogger(__name__)

Kind = Literal["posts", "news"]
POST_PLATFORMS = ("telegram", "x", "facebook", "instagram", "vk")
POST_REQUIRED = ("platform", "account", "native_id", "published_at")
POST_OPTIONAL = (
    "mission_id", "text", "url", "lang_hint", "reply_to", "repost_of", "forwarded_from", "author",
    "media_url", "media_type", "edited_at", "observed_at", "likes", "shares", "comments", "views",
    "reactions_total", "reactions", "display_name",
)  # fmt: skip
METRIC_COLUMNS = ("likes", "shares", "comments", "views", "reactions_total", "reactions")
NEWS_REQUIRED = ("url", "published_at")
NEWS_OPTIONAL = (
    "title",
    "summary",
    "body",
    "seen_at",
    "source_name",
    "source_domain",
    "language",
    "feed_or_query",
    "authors",
)
LABEL_PREFIX = "label_"


class ImportError_(ValueError):
    """A row of an import file is invalid; the message names the field."""


def parse_time(value: Any, field: str) -> datetime:
    """ISO 8601 with a time zone (``2017-09-12T08:30:00+09:00``, ``…Z``) or unix seconds -> aware UTC."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    text = str(value).strip()
    if text.isdigit():
        return datetime.fromtimestamp(int(text), UTC)
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ImportError_(f"{field}: {text!r} is not an ISO 8601 date-time or unix seconds") from None
    if when.tzinfo is None:
        raise ImportError_(f"{field}: {text!r} has no time zone (add Z or +HH:MM)")
    return when.astimezone(UTC)


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _str(row: dict[str, Any], key: str) -> str | None:
    v = row.get(key)
    return None if _blank(v) else str(v).strip()


def _count(row: dict[str, Any], key: str) -> int | None:
    v = row.get(key)
    if _blank(v):
        return None
    n = to_int(v)
    if n is None or n < 0:
        raise ImportError_(f"{key}: {v!r} is not a non-negative integer")
    return n


def _reactions(row: dict[str, Any]) -> dict[str, int] | None:
    out: dict[str, int] = {}
    value = row.get("reactions")
    if not _blank(value):
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise ImportError_('reactions: expected a JSON object like {"like": 3}') from None
        if not isinstance(value, dict):
            raise ImportError_('reactions: expected a JSON object like {"like": 3}')
        for k, v in value.items():
            out[str(k)] = _count({k: v}, k) or 0
    for key in row:
        if key.startswith("reactions_") and key != "reactions_total" and not _blank(row[key]):
            out[key.removeprefix("reactions_")] = _count(row, key) or 0
    return out or None


def read_rows(body: bytes, name: str) -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
    """``(line, row, error)`` for each row of a CSV or JSONL body (format from the name, else sniffed)."""
    text = body.decode("utf-8-sig")
    is_jsonl = name.endswith((".jsonl", ".ndjson", ".json")) or (not name.endswith(".csv") and text.lstrip()[:1] == "{")
    if not is_jsonl:
        for n, row in enumerate(csv.DictReader(io.StringIO(text, newline="")), start=2):
            yield n, dict(row), None
        return
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as exc:
            yield n, None, f"line {n}: not valid JSON: {exc}"
            continue
        if not isinstance(obj, dict):
            yield n, None, f"line {n}: expected a JSON object, got {type(obj).__name__}"
            continue
        yield n, obj, None


def detect_kind(columns: set[str]) -> Kind:
    """``posts`` when the rows have ``platform`` or ``native_id``, ``news`` when they have ``url`` only."""
    if {"platform", "native_id"} & columns:
        return "posts"
    if "url" in columns:
        return "news"
    raise ParseError(f"import: cannot tell posts from news by the columns {sorted(columns)[:12]}; pass kind=")


def _post_row(row: dict[str, Any], default_observed: datetime, out: Parsed) -> None:
    missing = [k for k in POST_REQUIRED if _blank(row.get(k))]
    if missing:
        raise ImportError_(f"missing required field(s) {missing}")
    platform = str(row["platform"]).strip().lower()
    if platform not in POST_PLATFORMS:
        raise ImportError_(f"platform: {platform!r} is not one of {list(POST_PLATFORMS)}")
    account = str(row["account"]).strip().lstrip("@").lower()
    native = str(row["native_id"]).strip()
    uid, auid = post_uid(platform, account, native), account_uid(platform, account)
    media_url = _str(row, "media_url")
    edited = _str(row, "edited_at")
    post = {
        "post_uid": uid,
        "platform": platform,
        "account_uid": auid,
        "native_id": native,
        "mission_id": _str(row, "mission_id"),
        "published_at": parse_time(row["published_at"], "published_at"),
        "text": _str(row, "text"),
        "url": _str(row, "url"),
        "media": [{"type": _str(row, "media_type") or "media", "url": media_url}] if media_url else None,
        "reply_to": _str(row, "reply_to"),
        "forwarded_from": _str(row, "forwarded_from"),
        "repost_of": _str(row, "repost_of"),
        "lang_hint": _str(row, "lang_hint"),
        "author": _str(row, "author"),
        "edited_at": parse_time(edited, "edited_at") if edited else None,
        "source_format": "import",
    }
    metrics = None
    if any(not _blank(row.get(k)) for k in METRIC_COLUMNS) or any(
        k.startswith("reactions_") and not _blank(v) for k, v in row.items()
    ):
        observed = _str(row, "observed_at")
        metrics = {
            "post_uid": uid,
            "platform": platform,
            "account_uid": auid,
            "observed_at": parse_time(observed, "observed_at") if observed else default_observed,
            "likes": _count(row, "likes"),
            "reactions_total": _count(row, "reactions_total"),
            "reactions": _reactions(row),
            "shares": _count(row, "shares"),
            "comments": _count(row, "comments"),
            "views": _count(row, "views"),
            "source_format": "import",
        }
    out.add("posts", post)
    if metrics:
        out.add("post_metrics", metrics)
    out.add(
        "accounts",
        {
            "account_uid": auid,
            "platform": platform,
            "mission_id": post["mission_id"],
            "handle": str(row["account"]).strip().lstrip("@"),
            "display_name": _str(row, "display_name"),
            "source_format": "import",
        },
    )


def _authors(value: Any) -> list[str] | None:
    if _blank(value):
        return None
    if isinstance(value, list):
        return [str(a).strip() for a in value if str(a).strip()] or None
    return [a.strip() for a in str(value).split(";") if a.strip()] or None


def _news_row(row: dict[str, Any], out: Parsed) -> None:
    missing = [k for k in NEWS_REQUIRED if _blank(row.get(k))]
    if missing:
        raise ImportError_(f"missing required field(s) {missing}")
    url = str(row["url"]).strip()
    try:
        canon = canonical_url(url)
    except ValueError as exc:
        raise ImportError_(f"url: {exc}") from None
    seen = _str(row, "seen_at")
    out.add(
        "news_items",
        {
            "item_uid": item_uid(url),
            "url": url,
            "canonical_url": canon,
            "title": _str(row, "title"),
            "summary": _str(row, "summary"),
            "body": _str(row, "body"),
            "published_at": parse_time(row["published_at"], "published_at"),
            "seen_at": parse_time(seen, "seen_at") if seen else None,
            "source_domain": _str(row, "source_domain") or source_domain(url),
            "source_name": _str(row, "source_name"),
            "language": _str(row, "language"),
            "found_via": "import",
            "feed_or_query": _str(row, "feed_or_query"),
            "authors": _authors(row.get("authors")),
            "source_format": "import",
        },
    )


def parse_import(body: bytes, name: str, kind: Kind | None = None, observed_at: datetime | None = None) -> Parsed:
    """Records and rejects from one import file's bytes; ``name`` tells CSV from JSONL."""
    rows = list(read_rows(body, name))
    columns: set[str] = set().union(*(r.keys() for _, r, _ in rows if r)) if rows else set()
    out = Parsed()
    if not columns:
        return out
    kind = kind or detect_kind(columns)
    known = set(POST_REQUIRED + POST_OPTIONAL) if kind == "posts" else set(NEWS_REQUIRED + NEWS_OPTIONAL)
    extra = sorted(c for c in columns - known if not c.startswith((LABEL_PREFIX, "reactions_")))
    if extra:
        log.warning("%s: ignoring unknown column(s) %s (see docs/import_format.md)", name, extra)
    entity = "posts" if kind == "posts" else "news_items"
    observed = observed_at or datetime.now(UTC)
    for n, row, error in rows:
        if row is None:
            out.reject(entity, f"{name}: {error}")
            continue
        try:
            if kind == "posts":
                _post_row(row, observed, out)
            else:
                _news_row(row, out)
        except (ImportError_, ValueError, TypeError, OverflowError) as exc:
            out.reject(entity, f"{name} line {n}: {exc}", row)
    return out


def import_file(
    path: Path | str, ctx: RunContext, *, kind: Kind | None = None, observed_at: datetime | None = None
) -> Batch:
    """Land a JSONL/CSV file of posts or news items.

    Metric rows without an ``observed_at`` column value are observed at ``observed_at``, else the run time.
    """
    path = Path(path)
    if kind not in (None, "posts", "news"):
        raise ValueError(f"kind must be 'posts' or 'news', got {kind!r}")
    page = ctx.raw.write(RawPage(url=path.resolve().as_uri(), body=path.read_bytes(), fetched_at=ctx.fetched_at))
    parsed = parse_import(page.body, path.name, kind, observed_at or ctx.fetched_at)
    return parsed.into(ctx.new_batch(), page.raw_ref)


def read_labels(path: Path | str, kind: Kind | None = None) -> list[dict[str, Any]]:
    """The ``label_*`` columns of each valid row, keyed by ``post_uid`` or ``item_uid`` (for evaluation)."""
    path = Path(path)
    rows = [r for _, r, _ in read_rows(path.read_bytes(), path.name) if r]
    if not rows:
        return []
    kind = kind or detect_kind(set().union(*(r.keys() for r in rows)))
    out = []
    for row in rows:
        labels = {k: v for k, v in row.items() if k.startswith(LABEL_PREFIX) and not _blank(v)}
        if not labels:
            continue
        try:
            if kind == "posts":
                key = {
                    "post_uid": post_uid(
                        str(row["platform"]).lower(), str(row["account"]).lstrip("@").lower(), str(row["native_id"])
                    )
                }
            else:
                key = {"item_uid": item_uid(str(row["url"]))}
        except (KeyError, ValueError):
            continue
        out.append({**key, **labels})
    return out


def import_sample(ctx: RunContext) -> Batch:
    """Land every file listed in ``ctx.sample_dir/manifest.json`` (kind ``posts`` or ``news``), offline demo."""
    if ctx.sample_dir is None:
        raise ParseError("generic_import.import_sample: ctx.sample_dir is not set")
    batch = ctx.new_batch()
    for rec in read_manifest(ctx.sample_dir):
        kind: Kind = "news" if rec.kind == "news" else "posts"
        batch.extend(import_file(rec.path, ctx, kind=kind, observed_at=rec.captured_at))
    return batch
