"""Column-wise fast path of the generic import for clean JSONL files (``generic_import.parse_import``).

``parse_jsonl(body, name, kind, observed_at)`` reads the whole file with ``pyarrow.json`` and maps its
columns to the landing tables with pyarrow compute, producing exactly what the per-row parser
produces. It only takes files it can map without a doubt: every line one JSON object, every
column of a type it knows, every value valid. Anything else (a bad line, a blank required field,
a string count, a ``reactions`` column, a time without a zone, non-ASCII account names …) returns
``None`` and the caller falls back to the per-row parser, which words each reject. So a file is
either landed column-wise with no rejects, or row by row exactly as before.
"""

from __future__ import annotations

import io
import json
import logging
from datetime import datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pajson

from diplowatch.landing import TS
from diplowatch.news.canonical import canonical_domain, canonical_uid, canonical_url
from diplowatch.sources.ratelimits import Parsed

log = logging.getLogger(__name__)

POST_PLATFORMS = ("telegram", "x", "facebook", "instagram", "vk")
TIME_COLUMNS = ("published_at", "observed_at", "edited_at", "seen_at")
COUNT_COLUMNS = ("likes", "shares", "comments", "views", "reactions_total")
# ISO 8601 that Python's ``datetime.fromisoformat`` and Arrow's cast read alike (a zone is required).
_ISO = r"^\d{4}-\d{2}-\d{2}[T ]([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$"
# Python's str.strip() also strips these; Arrow's utf8_trim_whitespace does not.
_PY_ONLY_SPACE = r"^[\x1c-\x1f]|[\x1c-\x1f]$"
# A canonical URL whose host ``urlsplit(...).hostname`` returns as it is (no user, no IPv6, lower case).
_PLAIN_HOST = r"^https://(?P<host>[a-z0-9][a-z0-9.-]*)(?::[0-9]+)?(?:[/?#]|$)"
_MIN_SECONDS, _MAX_SECONDS = -62135596800, 253402300799  # what datetime.fromtimestamp accepts (years 1-9999)


class _Fallback(Exception):
    """The file is not one the column-wise path maps exactly: use the per-row parser."""


def parse_jsonl(body: bytes, name: str, kind: str | None, observed_at: datetime) -> tuple[str, set[str], Parsed] | None:
    """``(kind, columns, records as Arrow tables)`` of a clean JSONL import, or None to fall back."""
    try:
        table = _read(body)
        columns = set(table.column_names)
        if kind is None:
            kind = "posts" if {"platform", "native_id"} & columns else "news" if "url" in columns else None
        if kind == "posts":
            return kind, columns, _posts(table, observed_at)
        if kind == "news":
            return kind, columns, _news(table)
    except _Fallback as exc:
        log.debug("%s: per-row import (%s)", name, exc)
    return None


def _read(body: bytes) -> pa.Table:
    """The JSONL as a table; time columns that hold text on the first line are read as text.

    Arrow would take ISO strings for timestamps, dropping the zone of "…+09:00" and accepting zone-less
    ones; reading them as text keeps what ``_time`` needs to check. A column whose type differs from
    its first line's makes the read fail, and the file go row by row.
    """
    if body.startswith(b"\xef\xbb\xbf") or not body.lstrip()[:1] == b"{":
        raise _Fallback("not plain JSONL")
    try:
        stripped = body.lstrip()
        end = stripped.find(b"\n")
        first = json.loads(stripped if end < 0 else stripped[:end])
    except ValueError:
        raise _Fallback("first line is not one JSON object") from None
    if not isinstance(first, dict):
        raise _Fallback("first line is not one JSON object")
    text = [(n, pa.string()) for n in TIME_COLUMNS if isinstance(first.get(n), str)]
    options = pajson.ReadOptions(use_threads=False, block_size=max(1 << 20, min(len(body) + 1, 1 << 30)))
    parse = pajson.ParseOptions(explicit_schema=pa.schema(text), unexpected_field_behavior="infer")
    try:
        table = pajson.read_json(io.BytesIO(body), read_options=options, parse_options=parse)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise _Fallback(f"pyarrow.json: {exc}") from None
    if any(n in table.column_names and pa.types.is_timestamp(table[n].type) for n in TIME_COLUMNS):
        raise _Fallback("a time column read as timestamps")
    return table


def _col(table: pa.Table, name: str) -> pa.ChunkedArray | None:
    return table.column(name) if name in table.column_names else None


def _text(table: pa.Table, name: str) -> pa.Array:
    """A text column as the per-row ``_text`` gives it: stripped, blank -> null; ints as their digits."""
    col = _col(table, name)
    if col is None or pa.types.is_null(col.type):
        return pa.nulls(table.num_rows, pa.string())
    if pa.types.is_int64(col.type):
        return col.cast(pa.string()).combine_chunks()
    if not pa.types.is_string(col.type):
        raise _Fallback(f"{name}: {col.type}")
    trimmed = _strip(col, name)
    return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed).combine_chunks()


def _strip(col: pa.ChunkedArray, name: str) -> pa.ChunkedArray:
    """``str.strip()`` of a text column (refused where Python and Arrow differ on what is white space)."""
    trimmed = pc.utf8_trim_whitespace(col)
    if pc.any(pc.match_substring_regex(trimmed, _PY_ONLY_SPACE)).as_py():
        raise _Fallback(f"{name}: unusual white space")
    return trimmed


def _required(table: pa.Table, name: str) -> pa.ChunkedArray:
    col = _col(table, name)
    if col is None or col.null_count:
        raise _Fallback(f"{name}: missing")
    if pa.types.is_string(col.type) and pc.any(pc.equal(pc.utf8_trim_whitespace(col), "")).as_py():
        raise _Fallback(f"{name}: blank")
    return col


def _time(col: pa.ChunkedArray | pa.Array | None, name: str, n: int, *, text_path: bool) -> pa.Array:
    """Unix seconds or zoned ISO 8601 -> UTC timestamps; ``text_path``: read as ``parse_time(_text(v))``."""
    if col is None or pa.types.is_null(col.type):
        return pa.nulls(n, TS)
    if pa.types.is_int64(col.type):
        low = 0 if text_path else _MIN_SECONDS  # "-5" is not all digits: the per-row path rejects it
        lo, hi = pc.min_max(col).values()
        if (lo.as_py() is not None and lo.as_py() < low) or (hi.as_py() is not None and hi.as_py() > _MAX_SECONDS):
            raise _Fallback(f"{name}: unix seconds out of range")
        return pc.multiply(col, 1_000_000).cast(pa.timestamp("us")).cast(TS).combine_chunks()
    if not pa.types.is_string(col.type):
        raise _Fallback(f"{name}: {col.type}")
    if text_path:
        col = _strip(col, name)
        col = pc.if_else(pc.equal(col, ""), pa.scalar(None, pa.string()), col)
    if not pc.all(pc.match_substring_regex(col, _ISO)).as_py():
        raise _Fallback(f"{name}: not zoned ISO 8601")
    try:
        return pc.cast(col, TS).combine_chunks()
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise _Fallback(f"{name}: {exc}") from None


def _count(table: pa.Table, name: str) -> pa.Array:
    col = _col(table, name)
    if col is None or pa.types.is_null(col.type):
        return pa.nulls(table.num_rows, pa.int64())
    if not pa.types.is_int64(col.type):
        raise _Fallback(f"{name}: {col.type}")
    lo = pc.min(col).as_py()
    if lo is not None and lo < 0:
        raise _Fallback(f"{name}: negative")
    return col.combine_chunks()


def _posts(table: pa.Table, observed_at: datetime) -> Parsed:
    """Posts, metric snapshots and accounts of a posts import (``generic_import._post_row``, column-wise)."""
    names = set(table.column_names)
    if "reactions" in names or any(c.startswith("reactions_") and c != "reactions_total" for c in names):
        raise _Fallback("reaction columns")
    n = table.num_rows
    platform_col, account_col = _required(table, "platform"), _required(table, "account")
    native_col, published_col = _required(table, "native_id"), _required(table, "published_at")
    if not (pa.types.is_string(platform_col.type) and pa.types.is_string(account_col.type)):
        raise _Fallback("platform/account not text")
    if not pc.all(pc.string_is_ascii(account_col)).as_py() or not pc.all(pc.string_is_ascii(platform_col)).as_py():
        raise _Fallback("non-ASCII platform/account")
    platform = pc.utf8_lower(_strip(platform_col, "platform"))
    if not pc.all(pc.is_in(platform, value_set=pa.array(POST_PLATFORMS))).as_py():
        raise _Fallback("unknown platform")
    handle = pc.utf8_ltrim(_strip(account_col, "account"), characters="@")
    account = pc.utf8_lower(handle)
    if pa.types.is_int64(native_col.type):
        native = native_col.cast(pa.string())
    elif pa.types.is_string(native_col.type):
        native = _strip(native_col, "native_id")
    else:
        raise _Fallback(f"native_id: {native_col.type}")
    account_uid = pc.binary_join_element_wise(platform, account, ":")
    post_uid = pc.binary_join_element_wise(account_uid, native, ":")
    mission_id = _text(table, "mission_id")
    published_at = _time(published_col, "published_at", n, text_path=False)
    edited_at = _time(_col(table, "edited_at"), "edited_at", n, text_path=True)
    fmt = pa.repeat(pa.scalar("import"), n)
    posts = pa.table(
        {
            "post_uid": post_uid,
            "platform": platform,
            "account_uid": account_uid,
            "native_id": native,
            "mission_id": mission_id,
            "published_at": published_at,
            "text": _text(table, "text"),
            "url": _text(table, "url"),
            "media": _media(_text(table, "media_url"), _text(table, "media_type")),
            "reply_to": _text(table, "reply_to"),
            "forwarded_from": _text(table, "forwarded_from"),
            "repost_of": _text(table, "repost_of"),
            "lang_hint": _text(table, "lang_hint"),
            "author": _text(table, "author"),
            "edited_at": edited_at,
            "source_format": fmt,
        }
    )
    out = Parsed(tables=[("posts", posts)])
    counts = {name: _count(table, name) for name in COUNT_COLUMNS}
    has_metrics = pc.is_valid(counts["likes"])
    for name in COUNT_COLUMNS[1:]:
        has_metrics = pc.or_(has_metrics, pc.is_valid(counts[name]))
    if pc.any(has_metrics).as_py():
        observed = _time(_col(table, "observed_at"), "observed_at", n, text_path=True)
        observed = pc.fill_null(observed, pa.scalar(observed_at, type=TS))
        metrics = pa.table(
            {
                "post_uid": post_uid,
                "platform": platform,
                "account_uid": account_uid,
                "observed_at": observed,
                **counts,
                "source_format": fmt,
            }
        ).filter(has_metrics)
        out.tables.append(("post_metrics", metrics))
    accounts = pa.table(
        {
            "account_uid": account_uid,
            "platform": platform,
            "mission_id": mission_id,
            "handle": handle,
            "display_name": _text(table, "display_name"),
            "source_format": fmt,
        }
    )
    out.tables.append(("accounts", accounts))
    return out


def _media(url: pa.Array, kind: pa.Array) -> pa.Array:
    """``[{"type": media_type or "media", "url": media_url}]`` where there is a media URL, else null."""
    valid = np.asarray(pc.is_valid(url).to_numpy(zero_copy_only=False), dtype=bool)
    offsets = pa.array(np.concatenate([[0], np.cumsum(valid)]).astype(np.int32))
    mask = pa.array(~valid)
    values = pa.StructArray.from_arrays(
        [pc.fill_null(kind, "media").filter(valid), url.filter(valid)], names=["type", "url"]
    )
    return pa.ListArray.from_arrays(offsets, values, mask=mask)


def _news(table: pa.Table) -> Parsed:
    """News items of a news import (``generic_import._news_row``, column-wise; URLs canonicalised per row)."""
    n = table.num_rows
    url_col = _required(table, "url")
    published_col = _required(table, "published_at")
    if not pa.types.is_string(url_col.type):
        raise _Fallback(f"url: {url_col.type}")
    url = _strip(url_col, "url").combine_chunks()
    try:
        canon = [canonical_url(u) for u in url.to_pylist()]
    except ValueError as exc:
        raise _Fallback(f"url: {exc}") from None
    canon_col = pa.array(canon, pa.string())
    domain = pc.coalesce(_text(table, "source_domain"), _domains(canon_col))
    news = pa.table(
        {
            "item_uid": pa.array([canonical_uid(c) for c in canon], pa.string()),
            "url": url,
            "canonical_url": canon_col,
            "title": _text(table, "title"),
            "summary": _text(table, "summary"),
            "body": _text(table, "body"),
            "published_at": _time(published_col, "published_at", n, text_path=False),
            "seen_at": _time(_col(table, "seen_at"), "seen_at", n, text_path=True),
            "source_domain": domain,
            "source_name": _text(table, "source_name"),
            "language": _text(table, "language"),
            "found_via": pa.repeat(pa.scalar("import"), n),
            "feed_or_query": _text(table, "feed_or_query"),
            "authors": _authors(_col(table, "authors"), n),
            "source_format": pa.repeat(pa.scalar("import"), n),
        }
    )
    return Parsed(tables=[("news_items", news)])


def _domains(canon: pa.Array) -> pa.Array:
    """``canonical_domain`` of canonical URLs: by a pattern where the host is plain, else per URL."""
    host = pc.extract_regex(canon, _PLAIN_HOST).field("host")
    plain = pc.is_valid(host)
    if pc.all(plain).as_py():
        return host
    slow = [None if ok else canonical_domain(c) for ok, c in zip(plain.to_pylist(), canon.to_pylist(), strict=True)]
    return pc.coalesce(host, pa.array(slow, pa.string()))


def _authors(col: pa.ChunkedArray | None, n: int) -> pa.Array:
    """A list of names, or ``"a; b"`` split: stripped, blanks dropped, empty -> null (``_authors``)."""
    if col is None or pa.types.is_null(col.type):
        return pa.nulls(n, pa.list_(pa.string()))
    if pa.types.is_list(col.type) and pa.types.is_string(col.type.value_type):
        values = col.to_pylist()
    elif pa.types.is_string(col.type):
        values = [None if v is None else v.split(";") for v in col.to_pylist()]
    else:
        raise _Fallback(f"authors: {col.type}")
    out = []
    for names in values:
        if names is None:
            out.append(None)
            continue
        if any(a is None for a in names):
            raise _Fallback("authors: null name")
        kept = [a.strip() for a in names if a.strip()]
        out.append(kept or None)
    return pa.array(out, pa.list_(pa.string()))
