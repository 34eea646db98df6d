"""GDELT DOC 2.0 API, ``mode=ArtList&format=json`` (FORMATS.md section 8).

The API returns at most 250 articles per call and has no pagination, so a
query's time window is split in two, recursively, until each slice returns
fewer than 250 (down to ``min_slice``; GDELT's crawl grid is 15 minutes).
Slices are inclusive second ranges ``[start, end]`` that tile the window
without gaps or overlaps.

GDELT asks for at most one request every 5 seconds: a ``Pacer`` keeps that
interval between calls, and a 429 is retried by ``HttpClient`` (Retry-After).
Quirks handled: ``{}`` without ``articles`` is zero results; an HTTP 200 with
a ``text/html`` body is an error message; illegal characters in the JSON are
removed at the decoder's error offset and decoding retried (as gdeltdoc does);
``seendate`` (``20250513T101500Z``, the crawl time) is parsed to UTC; language
and country English names become ISO codes; titles lose the space GDELT puts
before punctuation.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from diplowatch import paths
from diplowatch.config import News, NewsQuery
from diplowatch.http import FetchError, HttpClient
from diplowatch.landing import Batch
from diplowatch.news import articles, offline
from diplowatch.news.canonical import canonical_url, item_uid, normalise_title, source_domain
from diplowatch.raw import RawPage
from diplowatch.sources.base import RunContext

log = logging.getLogger(__name__)

ENTITY = "news_items"
GDELT_DOC_URL = "https://api.gdeltproject.org/api/v2/doc/doc"
MAX_RECORDS = 250
MIN_INTERVAL = 5.0
"""Seconds between calls GDELT asks for."""
MIN_SLICE = timedelta(minutes=15)
DEFAULT_LOOKBACK = timedelta(days=1)
_TS = "%Y%m%d%H%M%S"
_SECOND = timedelta(seconds=1)

# GDELT's language names (its 65 translingual languages) → ISO 639-1.
LANGUAGES: dict[str, str] = {
    "Afrikaans": "af", "Albanian": "sq", "Arabic": "ar", "Armenian": "hy", "Azerbaijani": "az", "Basque": "eu",
    "Belarusian": "be", "Bengali": "bn", "Bosnian": "bs", "Bulgarian": "bg", "Catalan": "ca", "Chinese": "zh",
    "Croatian": "hr", "Czech": "cs", "Danish": "da", "Dutch": "nl", "English": "en", "Estonian": "et",
    "Finnish": "fi", "French": "fr", "Galician": "gl", "Georgian": "ka", "German": "de", "Greek": "el",
    "Gujarati": "gu", "Hebrew": "he", "Hindi": "hi", "Hungarian": "hu", "Icelandic": "is", "Indonesian": "id",
    "Italian": "it", "Japanese": "ja", "Kannada": "kn", "Kazakh": "kk", "Korean": "ko", "Latvian": "lv",
    "Lithuanian": "lt", "Macedonian": "mk", "Malay": "ms", "Malayalam": "ml", "Marathi": "mr", "Mongolian": "mn",
    "Nepali": "ne", "Norwegian": "no", "Persian": "fa", "Polish": "pl", "Portuguese": "pt", "Punjabi": "pa",
    "Romanian": "ro", "Russian": "ru", "Serbian": "sr", "Sinhala": "si", "Sinhalese": "si", "Slovak": "sk",
    "Slovenian": "sl", "Somali": "so", "Spanish": "es", "Swahili": "sw", "Swedish": "sv", "Tagalog": "tl",
    "Tamil": "ta", "Telugu": "te", "Thai": "th", "Tibetan": "bo", "Turkish": "tr", "Ukrainian": "uk",
    "Urdu": "ur", "Uzbek": "uz", "Vietnamese": "vi",
}  # fmt: skip

# GDELT's sourcecountry names → ISO 3166-1 alpha-2 (the countries that matter here, and the big ones).
COUNTRIES: dict[str, str] = {
    "Russia": "RU", "North Korea": "KP", "South Korea": "KR", "China": "CN", "Japan": "JP", "Mongolia": "MN",
    "United States": "US", "United Kingdom": "GB", "Canada": "CA", "Australia": "AU", "New Zealand": "NZ",
    "Germany": "DE", "France": "FR", "Italy": "IT", "Spain": "ES", "Portugal": "PT", "Netherlands": "NL",
    "Belgium": "BE", "Switzerland": "CH", "Austria": "AT", "Sweden": "SE", "Norway": "NO", "Denmark": "DK",
    "Finland": "FI", "Poland": "PL", "Czech Republic": "CZ", "Ukraine": "UA", "Belarus": "BY", "Kazakhstan": "KZ",
    "Uzbekistan": "UZ", "Kyrgyzstan": "KG", "Georgia": "GE", "Armenia": "AM", "Azerbaijan": "AZ",
    "Latvia": "LV", "Lithuania": "LT", "Estonia": "EE", "Moldova": "MD", "Serbia": "RS", "Bulgaria": "BG",
    "Romania": "RO", "Hungary": "HU", "Greece": "GR", "Turkey": "TR", "Israel": "IL", "Iran": "IR",
    "India": "IN", "Pakistan": "PK", "Vietnam": "VN", "Thailand": "TH", "Singapore": "SG", "Malaysia": "MY",
    "Indonesia": "ID", "Philippines": "PH", "Taiwan": "TW", "Hong Kong": "HK", "Mexico": "MX", "Brazil": "BR",
    "Argentina": "AR", "Chile": "CL", "Cuba": "CU", "Venezuela": "VE", "Egypt": "EG", "South Africa": "ZA",
    "Nigeria": "NG", "Kenya": "KE", "Syria": "SY", "Ireland": "IE", "Qatar": "QA", "Saudi Arabia": "SA",
    "United Arab Emirates": "AE",
}  # fmt: skip


class GdeltError(RuntimeError):
    """GDELT answered, but not with results (an HTML error page, unreadable JSON)."""


def language_code(name: str | None) -> str | None:
    """GDELT's ``"Russian"`` → ``"ru"``; an ISO code passes through; unknown → None."""
    if not name:
        return None
    name = name.strip()
    if len(name) == 2 and name.isalpha():
        return name.lower()
    return LANGUAGES.get(name.title()) or LANGUAGES.get(name)


def country_code(name: str | None) -> str | None:
    """GDELT's ``"Russia"`` → ``"RU"``; unknown → None."""
    if not name:
        return None
    return COUNTRIES.get(name.strip())


def parse_seendate(value: str) -> datetime:
    """``20250513T101500Z`` → 2025-05-13 10:15:00 UTC; raises ValueError naming the value otherwise."""
    try:
        return datetime.strptime(value.strip(), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except (AttributeError, ValueError):
        raise ValueError(f"seendate {value!r} is not YYYYMMDDTHHMMSSZ") from None


def load_json(text: str, max_repairs: int = 100) -> Any:
    """``json.loads``, removing the character at the error offset and retrying (gdeltdoc's repair)."""
    for _ in range(max_repairs + 1):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            if exc.pos >= len(text):
                raise GdeltError(f"truncated JSON: {exc}") from None
            text = text[: exc.pos] + text[exc.pos + 1 :]
    raise GdeltError(f"JSON still unreadable after removing {max_repairs} characters")


def parse_response(page: RawPage) -> list[dict[str, Any]]:
    """The ``articles`` of one ArtList response; ``{}`` is zero results; an HTML body raises GdeltError."""
    ctype = next((v for k, v in (page.headers or {}).items() if k.lower() == "content-type"), "")
    text = page.body.decode("utf-8", errors="replace").strip()
    if "html" in ctype.lower() or not text.startswith("{"):
        message = " ".join(text.split())[:300]
        raise GdeltError(f"GDELT returned an error message instead of JSON (Content-Type {ctype!r}): {message!r}")
    data = load_json(text)
    if not isinstance(data, dict):
        raise GdeltError(f"expected a JSON object, got {type(data).__name__}")
    articles_ = data.get("articles") or []
    if not isinstance(articles_, list):
        raise GdeltError(f"'articles' is a {type(articles_).__name__}, expected a list")
    return articles_


def to_item(article: dict[str, Any], query: NewsQuery, raw_ref: str | None) -> dict[str, Any]:
    """One GDELT article as a ``news_items`` record (published_at is the crawl time: GDELT has no other)."""
    url = (article.get("url") or "").strip() or (article.get("url_mobile") or "").strip()
    if not url:
        raise ValueError("article has no url")
    seen = parse_seendate(article.get("seendate") or "")
    return {
        "item_uid": item_uid(url),
        "url": url,
        "canonical_url": canonical_url(url),
        "title": normalise_title(article.get("title")),
        "summary": None,
        "body": None,
        "published_at": seen,
        "seen_at": seen,
        "source_domain": source_domain(url),
        "source_name": (article.get("domain") or "").strip() or None,
        "language": language_code(article.get("language")),
        "found_via": "gdelt",
        "feed_or_query": query.name,
        "authors": None,
        "source_format": "api",
        "raw_ref": raw_ref,
    }


# ---------------------------------------------------------------- windows


@dataclass(frozen=True)
class Window:
    """An inclusive range of whole seconds, as GDELT's start/enddatetime take them."""

    start: datetime
    end: datetime

    def split(self) -> tuple[Window, Window]:
        seconds = int((self.end - self.start).total_seconds())
        mid = self.start + timedelta(seconds=seconds // 2)
        return Window(self.start, mid), Window(mid + _SECOND, self.end)

    @property
    def span(self) -> timedelta:
        return self.end - self.start + _SECOND

    def params(self) -> dict[str, str]:
        return {"startdatetime": self.start.strftime(_TS), "enddatetime": self.end.strftime(_TS)}


@dataclass
class Pacer:
    """Keeps at least ``min_interval`` seconds between requests."""

    min_interval: float = MIN_INTERVAL
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    _last: float | None = field(default=None, init=False)

    def wait(self) -> None:
        if self._last is not None:
            remaining = self.min_interval - (self.clock() - self._last)
            if remaining > 0:
                self.sleep(remaining)
        self._last = self.clock()


def request_params(query: NewsQuery, window: Window) -> dict[str, str]:
    return {
        "query": query.query,
        "mode": "ArtList",
        "format": "json",
        "maxrecords": str(MAX_RECORDS),
        "sort": "DateAsc",
        **window.params(),
    }


def fetch_window(
    client: HttpClient,
    query: NewsQuery,
    window: Window,
    *,
    base_url: str = GDELT_DOC_URL,
    pacer: Pacer | None = None,
    min_slice: timedelta = MIN_SLICE,
) -> Iterator[tuple[Window, RawPage, list[dict[str, Any]], bool]]:
    """Yield ``(slice, page, articles, complete)`` for the slices that tile ``window``.

    A slice returning the cap is split and re-asked; only slices under the cap
    (or at ``min_slice``, then ``complete`` is False) are yielded.
    """
    pending = [window]
    while pending:
        current = pending.pop(0)
        if pacer is not None:
            pacer.wait()
        page = client.get(base_url, params=request_params(query, current))
        found = parse_response(page)
        if len(found) >= MAX_RECORDS and current.span > min_slice and current.end > current.start:
            left, right = current.split()
            log.info("gdelt %s: %s..%s hit the cap, splitting", query.name, current.start, current.end)
            pending[:0] = [left, right]
            continue
        yield current, page, found, len(found) < MAX_RECORDS


# ---------------------------------------------------------------- cursor


def last_seen(query_name: str, root: Path | None = None) -> datetime | None:
    """Newest ``seen_at`` landed for a GDELT query (the next window starts there), or None."""
    folder = (root or paths.landing()) / ENTITY / "platform=gdelt"
    if not any(folder.glob("dt=*/*.parquet")):
        return None
    sql = f"""
        select max(seen_at)
        from read_parquet('{folder.as_posix()}/dt=*/*.parquet', hive_partitioning = false, union_by_name = true)
        where feed_or_query = ?
    """
    with duckdb.connect() as con:
        row = con.execute(sql, [query_name]).fetchone()
    value = row[0] if row else None
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC) if value is not None else None


# ---------------------------------------------------------------- extract


def _add_page(batch: Batch, page: RawPage, found: list[dict[str, Any]], query: NewsQuery, *, offline_run: bool) -> None:
    for n, article in enumerate(found):
        try:
            item = to_item(article, query, page.raw_ref)
        except ValueError as exc:
            batch.reject(ENTITY, f"gdelt {query.name} article {n}: {exc}", raw_ref=page.raw_ref, excerpt=article)
            continue
        if offline_run and page.fetched_at is not None:
            item["fetched_at"] = page.fetched_at
        batch.add(ENTITY, item)


def _extract_offline(ctx: RunContext, news: News, batch: Batch) -> Batch:
    folder, manifest = offline.load_manifest(ctx.sample_dir)
    entries = manifest.get("gdelt", [])
    for query in news.gdelt_queries:
        if not query.enabled:
            continue
        for entry in sorted((e for e in entries if e["query"] == query.name), key=lambda e: e["captured_at"]):
            page = ctx.raw.write(offline.recorded_page(folder, entry))
            try:
                found = parse_response(page)
            except GdeltError as exc:
                batch.reject(ENTITY, f"gdelt {query.name}: {exc}", raw_ref=page.raw_ref)
                continue
            _add_page(batch, page, found, query, offline_run=True)
    return batch


def _window_for(query: NewsQuery, ctx: RunContext, start: datetime | None, end: datetime | None) -> Window:
    end = (end or ctx.fetched_at).astimezone(UTC).replace(microsecond=0)
    start = start or last_seen(query.name) or end - DEFAULT_LOOKBACK
    return Window(start.astimezone(UTC).replace(microsecond=0), end)


def extract(
    ctx: RunContext,
    news: News,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    client: HttpClient | None = None,
    min_interval: float = MIN_INTERVAL,
    min_slice: timedelta = MIN_SLICE,
) -> Batch:
    """News items for every enabled GDELT query of the watch-list over ``[start, end]``.

    ``end`` defaults to the run's ``fetched_at``; ``start`` to the newest
    ``seen_at`` already landed for the query, else one day before ``end``.
    Offline (``ctx.sample_dir``): replays the recorded responses of the manifest.
    ``ctx.base_urls["gdelt"]`` overrides the API URL.
    """
    batch = ctx.new_batch()
    if ctx.sample_dir is not None:
        return _extract_offline(ctx, news, batch)
    client = client or HttpClient(timeout=60.0, attempts=4, backoff=MIN_INTERVAL, raw=ctx.raw)
    pacer = Pacer(min_interval=min_interval)
    base_url = ctx.base_urls.get("gdelt", GDELT_DOC_URL)
    for query in news.gdelt_queries:
        if not query.enabled:
            continue
        window = _window_for(query, ctx, start, end)
        try:
            for part, page, found, complete in fetch_window(
                client, query, window, base_url=base_url, pacer=pacer, min_slice=min_slice
            ):
                if not complete:
                    log.warning("gdelt %s: %s..%s still at the 250 cap; some articles may be missing",
                                query.name, part.start, part.end)  # fmt: skip
                    batch.reject(
                        ENTITY,
                        f"gdelt {query.name}: slice {part.start:%Y-%m-%dT%H:%M:%SZ}..{part.end:%Y-%m-%dT%H:%M:%SZ} "
                        f"returned the {MAX_RECORDS}-record cap at the smallest slice; articles may be missing",
                        raw_ref=page.raw_ref,
                    )
                _add_page(batch, page, found, query, offline_run=False)
        except (FetchError, GdeltError) as exc:
            log.warning("gdelt %s: %s", query.name, exc)
            batch.reject(ENTITY, f"gdelt {query.name}: {exc}", excerpt=query.query)
    if news.fetch_article_text:
        article_client = HttpClient(timeout=30.0, attempts=2)
        for row in batch.records.get(ENTITY, []):
            if row["found_via"] == "gdelt" and not row["body"]:
                row["body"] = articles.article_text(article_client, row["url"])
    return batch
