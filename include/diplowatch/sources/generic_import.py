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

from diplowatch.landing import Batch, post_uid
from diplowatch.news.canonical import canonical_domain, canonical_uid, canonical_url, item_uid
from diplowatch.raw import RawPage
from diplowatch.sources import import_columnar
from diplowatch.sources.base import RunContext
from diplowatch.sources.ratelimits import Parsed, ParseError, paused_gc, read_manifest, to_int

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
_SCANNER = json.JSONDecoder()


class ImportError_(ValueError):
    """A row of an import file is invalid; the message names the field."""


def parse_time(value: Any, field: str) -> datetime:
    """ISO 8601 with a time zone (``2017-09-12T08:30:00+09:00``, ``…Z``) or unix seconds -> aware UTC."""
    if value.__class__ is int:  # the common case first (bool is not int here)
        return _fromtimestamp(value, UTC)
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


_fromtimestamp = datetime.fromtimestamp


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _text(v: Any) -> str | None:
    """A field value that is not None as stripped text; None when blank (a non-string is never blank)."""
    if isinstance(v, str):
        return v.strip() or None
    return str(v).strip()


def _int_or_raise(row: dict[str, Any], key: str, v: Any) -> int | None:
    """``_count`` of a value that is not None: a plain non-negative int as is, anything else the slow way."""
    if v.__class__ is int and v >= 0:
        return v
    return _count(row, key)


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
    scan = _SCANNER.scan_once
    # Lines end at "\n" only: str.splitlines() would also split inside a JSON string at U+0085, U+2028, \x1c …
    for n, line in enumerate(text.split("\n"), start=1):
        if not line or line.isspace():  # what `not line.strip()` says, without copying the line
            continue
        try:
            # Fast path: a line that starts with "{" and is one complete object (what json.loads accepts);
            # anything else (leading space, BOM, extra data, bad JSON) goes through json.loads and its messages.
            obj = None
            if line[0] == "{":
                try:
                    obj, end = scan(line, 0)
                except (StopIteration, ValueError):
                    obj = None
                else:
                    if end != len(line) and line[end:].strip(" \t\n\r"):
                        obj = None
            if obj is None:
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


def _missing(row: dict[str, Any], required: tuple[str, ...]) -> None:
    missing = [k for k in required if _blank(row.get(k))]
    if missing:
        raise ImportError_(f"missing required field(s) {missing}")


def _post_row(
    row: dict[str, Any],
    default_observed: datetime,
    out: Parsed,
    reaction_columns: bool = True,
    times: dict[Any, datetime] | None = None,
) -> None:
    """Post, metric snapshot (when the row has counts) and account records of one row; ImportError_ names the field.

    Hot loop (one call per row): values are read once and converted inline. ``reaction_columns`` False says
    that no column of the file is a ``reactions_<kind>`` one (so the row need not be scanned for them);
    ``times`` caches parsed integer ``published_at`` values (many snapshots share a post).
    """
    get = row.get
    platform, account, native, published = get("platform"), get("account"), get("native_id"), get("published_at")
    if (
        platform is None
        or account is None
        or native is None
        or published is None
        or (isinstance(platform, str) and not platform.strip())
        or (isinstance(account, str) and not account.strip())
        or (isinstance(native, str) and not native.strip())
        or (isinstance(published, str) and not published.strip())
    ):
        _missing(row, POST_REQUIRED)
    platform = str(platform).strip().lower()
    if platform not in POST_PLATFORMS:
        raise ImportError_(f"platform: {platform!r} is not one of {list(POST_PLATFORMS)}")
    handle = str(account).strip().lstrip("@")
    account = handle.lower()
    native = str(native).strip()
    uid, auid = f"{platform}:{account}:{native}", f"{platform}:{account}"  # landing.post_uid / account_uid
    if published.__class__ is int and times is not None:
        published_at = times.get(published)
        if published_at is None:
            published_at = times[published] = parse_time(published, "published_at")
    else:
        published_at = parse_time(published, "published_at")
    v = get("mission_id")
    mission_id = None if v is None else _text(v)
    v = get("media_url")
    media_url = None if v is None else _text(v)
    v = get("edited_at")
    edited = None if v is None else _text(v)
    v = get("text")
    text = None if v is None else _text(v)
    v = get("url")
    url = None if v is None else _text(v)
    media = None
    if media_url:
        v = get("media_type")
        media = [{"type": (None if v is None else _text(v)) or "media", "url": media_url}]
    v = get("reply_to")
    reply_to = None if v is None else _text(v)
    v = get("forwarded_from")
    forwarded_from = None if v is None else _text(v)
    v = get("repost_of")
    repost_of = None if v is None else _text(v)
    v = get("lang_hint")
    lang_hint = None if v is None else _text(v)
    v = get("author")
    author = None if v is None else _text(v)
    post = {
        "post_uid": uid,
        "platform": platform,
        "account_uid": auid,
        "native_id": native,
        "mission_id": mission_id,
        "published_at": published_at,
        "text": text,
        "url": url,
        "media": media,
        "reply_to": reply_to,
        "forwarded_from": forwarded_from,
        "repost_of": repost_of,
        "lang_hint": lang_hint,
        "author": author,
        "edited_at": parse_time(edited, "edited_at") if edited else None,
        "source_format": "import",
    }
    likes, total, reactions, shares, comments, views = (
        get("likes"), get("reactions_total"), get("reactions"), get("shares"), get("comments"), get("views"),
    )  # fmt: skip
    metrics = None
    if (
        (likes is not None and (not isinstance(likes, str) or likes.strip()))
        or (shares is not None and (not isinstance(shares, str) or shares.strip()))
        or (comments is not None and (not isinstance(comments, str) or comments.strip()))
        or (views is not None and (not isinstance(views, str) or views.strip()))
        or not _blank(total)
        or not _blank(reactions)
        or (reaction_columns and any(k.startswith("reactions_") and not _blank(v) for k, v in row.items()))
    ):
        v = get("observed_at")
        if v is None:
            observed_at = default_observed
        elif v.__class__ is int and v >= 0:  # what parse_time(str(v)) gives, without the round trip
            observed_at = _fromtimestamp(v, UTC)
        else:
            observed = _text(v)
            observed_at = parse_time(observed, "observed_at") if observed else default_observed
        metrics = {
            "post_uid": uid,
            "platform": platform,
            "account_uid": auid,
            "observed_at": observed_at,
            "likes": None if likes is None else _int_or_raise(row, "likes", likes),
            "reactions_total": None if total is None else _int_or_raise(row, "reactions_total", total),
            "reactions": _reactions(row) if reaction_columns or reactions is not None else None,
            "shares": None if shares is None else _int_or_raise(row, "shares", shares),
            "comments": None if comments is None else _int_or_raise(row, "comments", comments),
            "views": None if views is None else _int_or_raise(row, "views", views),
            "source_format": "import",
        }
    records = out.records
    records.append(("posts", post))
    if metrics:
        records.append(("post_metrics", metrics))
    v = get("display_name")
    records.append(
        (
            "accounts",
            {
                "account_uid": auid,
                "platform": platform,
                "mission_id": mission_id,
                "handle": handle,
                "display_name": None if v is None else _text(v),
                "source_format": "import",
            },
        )
    )


def _authors(value: Any) -> list[str] | None:
    if _blank(value):
        return None
    if isinstance(value, list):
        return [str(a).strip() for a in value if str(a).strip()] or None
    return [a.strip() for a in str(value).split(";") if a.strip()] or None


def _news_row(row: dict[str, Any], out: Parsed) -> None:
    get = row.get
    url, published = get("url"), get("published_at")
    if (
        url is None
        or published is None
        or (isinstance(url, str) and not url.strip())
        or (isinstance(published, str) and not published.strip())
    ):
        _missing(row, NEWS_REQUIRED)
    url = str(url).strip()
    try:
        canon = canonical_url(url)
    except ValueError as exc:
        raise ImportError_(f"url: {exc}") from None
    v = get("seen_at")
    seen = None if v is None else _text(v)
    title, summary, body = get("title"), get("summary"), get("body")
    published_at = parse_time(published, "published_at")
    seen_at = parse_time(seen, "seen_at") if seen else None
    v = get("source_domain")
    domain = (None if v is None else _text(v)) or canonical_domain(canon)
    source_name, language, feed_or_query = get("source_name"), get("language"), get("feed_or_query")
    out.records.append(
        (
            "news_items",
            {
                "item_uid": canonical_uid(canon),
                "url": url,
                "canonical_url": canon,
                "title": None if title is None else _text(title),
                "summary": None if summary is None else _text(summary),
                "body": None if body is None else _text(body),
                "published_at": published_at,
                "seen_at": seen_at,
                "source_domain": domain,
                "source_name": None if source_name is None else _text(source_name),
                "language": None if language is None else _text(language),
                "found_via": "import",
                "feed_or_query": None if feed_or_query is None else _text(feed_or_query),
                "authors": _authors(get("authors")),
                "source_format": "import",
            },
        )
    )


def parse_import(
    body: bytes, name: str, kind: Kind | None = None, observed_at: datetime | None = None, *, columnar: bool = True
) -> Parsed:
    """Records and rejects from one import file's bytes; ``name`` tells CSV from JSONL.

    A clean JSONL file is mapped column-wise (``import_columnar``, records in ``Parsed.tables``) unless
    ``columnar`` is False; any other file, or one with a doubtful value, is parsed row by row.
    """
    with paused_gc():
        return _parse_import(body, name, kind, observed_at, columnar)


def _warn_unknown(name: str, kind: Kind, columns: set[str]) -> None:
    known = set(POST_REQUIRED + POST_OPTIONAL) if kind == "posts" else set(NEWS_REQUIRED + NEWS_OPTIONAL)
    extra = sorted(c for c in columns - known if not c.startswith((LABEL_PREFIX, "reactions_")))
    if extra:
        log.warning("%s: ignoring unknown column(s) %s (see docs/import_format.md)", name, extra)


def _parse_import(body: bytes, name: str, kind: Kind | None, observed_at: datetime | None, columnar: bool) -> Parsed:
    observed = observed_at or datetime.now(UTC)
    if columnar and name.endswith((".jsonl", ".ndjson", ".json")):
        fast = import_columnar.parse_jsonl(body, name, kind, observed)
        if fast is not None:
            fast_kind, columns, parsed = fast
            _warn_unknown(name, fast_kind, columns)
            return parsed
    rows = list(read_rows(body, name))
    columns: set[str] = set()
    columns.update(*[r for _, r, _ in rows if r])
    out = Parsed()
    if not columns:
        return out
    kind = kind or detect_kind(columns)
    _warn_unknown(name, kind, columns)
    entity = "posts" if kind == "posts" else "news_items"
    reaction_columns = any(c.startswith("reactions_") and c != "reactions_total" for c in columns)
    times: dict[Any, datetime] = {}
    for n, row, error in rows:
        if row is None:
            out.reject(entity, f"{name}: {error}")
            continue
        try:
            if kind == "posts":
                _post_row(row, observed, out, reaction_columns, times)
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
