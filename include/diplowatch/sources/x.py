"""X (Twitter): API v2 user lookup and user timeline, and the account archive export (``data/tweets.js``).

Live: ``/2/users/by/username/:u`` (account + follower snapshot), ``/2/users/:id/tweets`` paged with
``pagination_token`` and made incremental with ``since_id`` (the newest id that *landed*,
``diplowatch.state.last_landed``), then ``/2/tweets?ids=`` to refresh the metrics of landed posts
younger than ``ctx.refresh_since``. The bearer token comes from ``ctx.secrets[account.conn_id]``.
Gaps: open gaps (``state.open_gaps``) are filled first with ``since_id``/``until_id``; a walk that
spends ``ctx.max_pages`` or hits the rate limit before ``since_id`` leaves a new gap (``state.GapLedger``).
Offline (``ctx.sample_dir``): the recorded responses listed in its ``manifest.json`` go through the
same parse functions, with ``observed_at`` = their capture time.

Archive quirks (FORMATS.md §3): JavaScript, not JSON; every number a string; ``full_text`` HTML-escaped
with ``t.co`` links; retweets only as ``RT @user: …``; ``lang`` pseudo-codes.

``repost_of`` is ``x:<original author>:<original id>`` when the API tells both, ``x:<original author>``
when only the ``RT @user`` prefix does (the archive), so a retweet is never mistaken for own content.
"""

from __future__ import annotations

import contextlib
import html
import json
import logging
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from diplowatch import state
from diplowatch.config import Account, Mission
from diplowatch.http import FetchError, HttpClient, RateLimited
from diplowatch.landing import Batch, account_uid, post_uid
from diplowatch.raw import RawPage
from diplowatch.sources.base import RunContext
from diplowatch.sources.ratelimits import (
    ApiError,
    Parsed,
    ParseError,
    ScrubbingRawWriter,
    load_json,
    note_rate_limited,
    paused_gc,
    replay_pages,
    require,
    to_int,
)

log = logging.getLogger(__name__)

PLATFORM = "x"
API_BASE = "https://api.x.com"
TWEET_FIELDS = "created_at,lang,public_metrics,referenced_tweets,entities,attachments,author_id,edit_history_tweet_ids"
USER_FIELDS = "created_at,description,public_metrics,url,verified"
EXPANSIONS = "attachments.media_keys,referenced_tweets.id,referenced_tweets.id.author_id"
MEDIA_FIELDS = "type,url,preview_image_url"
PAGE_SIZE = 100
IDS_PER_LOOKUP = 100
LANG_PSEUDO = frozenset({"qme", "zxx", "und", "qam", "qht", "qst", "art"})
ARCHIVE_TIME = "%a %b %d %H:%M:%S %z %Y"
_RT = re.compile(r"^RT @(\w{1,15}):")
_MONTHS = {
    m: n
    for n, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1)
}
_ARCHIVE_UTC = re.compile(
    r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([0-9]{2}) "
    r"([0-9]{2}):([0-9]{2}):([0-9]{2}) \+0000 ([0-9]{4})\Z"
)


# --- pure parsing --------------------------------------------------------------------------------


def parse_api_time(value: str) -> datetime:
    """``2021-02-23T18:07:07.000Z`` -> aware UTC datetime."""
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def parse_archive_time(value: str) -> datetime:
    """``Wed Oct 10 20:19:24 +0000 2018`` -> aware UTC datetime."""
    m = _ARCHIVE_UTC.match(value) if isinstance(value, str) else None
    if m is not None:  # the usual UTC form, without strptime's per-call regex work; anything else: strptime
        month, d, hh, mm, ss, year = m.groups()
        with contextlib.suppress(ValueError):  # e.g. Feb 30: strptime words the error
            return datetime(int(year), _MONTHS[month], int(d), int(hh), int(mm), int(ss), tzinfo=UTC)
    return datetime.strptime(value, ARCHIVE_TIME).astimezone(UTC)


def expand_urls(text: str, urls: Iterable[dict[str, Any]] | None) -> str:
    """Replace ``t.co`` links by their ``expanded_url`` from ``entities.urls``."""
    for u in urls or []:
        short, long = u.get("url"), u.get("expanded_url")
        if short and long:
            text = text.replace(short, long)
    return text


def _lang(value: str | None) -> str | None:
    return None if not value or value in LANG_PSEUDO else value


def _rt_author(text: str) -> str | None:
    m = _RT.match(text or "")
    return m.group(1) if m else None


def _account_records(user: dict[str, Any], mission_id: str | None, observed_at: datetime, fmt: str) -> Parsed:
    out = Parsed()
    handle = user["username"]
    uid = account_uid(PLATFORM, handle.lower())
    out.add(
        "accounts",
        {
            "account_uid": uid,
            "platform": PLATFORM,
            "mission_id": mission_id,
            "handle": handle,
            "native_id": str(user.get("id")) if user.get("id") is not None else None,
            "display_name": user.get("name"),
            "description": user.get("description"),
            "url": f"https://x.com/{handle}",
            "source_format": fmt,
        },
    )
    pm = user.get("public_metrics")
    if isinstance(pm, dict):
        out.add(
            "account_metrics",
            {
                "account_uid": uid,
                "platform": PLATFORM,
                "observed_at": observed_at,
                "followers": to_int(pm.get("followers_count")),
                "followers_raw": None,
                "posts_count": to_int(pm.get("tweet_count")),
                "source_format": fmt,
            },
        )
    return out


def parse_user(page: RawPage, mission_id: str | None = None) -> Parsed:
    """Account and follower snapshot from ``/2/users/by/username/:u``; ApiError if X says the user is missing."""
    doc = load_json(page, "X user lookup")
    if isinstance(doc, dict) and "data" not in doc and doc.get("errors"):
        err = doc["errors"][0]
        raise ApiError(f"X user lookup: {err.get('title', 'error')}: {err.get('detail', '')}")
    user = require(doc, "data", dict, "X user lookup", page.url)
    if not user.get("username"):
        raise ParseError(f"X user lookup: no 'username' in data from {page.url}")
    return _account_records(user, mission_id, page.fetched_at or datetime.now(UTC), "api")


def _media(tweet: dict[str, Any], media_by_key: dict[str, dict[str, Any]]) -> list[dict[str, str]] | None:
    keys = (tweet.get("attachments") or {}).get("media_keys") or []
    out = []
    for k in keys:
        m = media_by_key.get(k, {})
        out.append({"type": m.get("type", "media"), "url": m.get("url") or m.get("preview_image_url")})
    return out or None


def _api_repost_of(ref_id: str, includes: dict[str, Any], text: str) -> str:
    tweets = {t.get("id"): t for t in includes.get("tweets", []) if isinstance(t, dict)}
    users = {u.get("id"): u for u in includes.get("users", []) if isinstance(u, dict)}
    author = users.get((tweets.get(ref_id) or {}).get("author_id"), {}).get("username") or _rt_author(text)
    return post_uid(PLATFORM, author.lower(), ref_id) if author else ref_id


def parse_timeline_page(page: RawPage, handle: str, mission_id: str | None = None) -> Parsed:
    """Posts and metric snapshots from a v2 tweets response (timeline or ``/2/tweets?ids=``)."""
    doc = load_json(page, "X tweets")
    if not isinstance(doc, dict):
        raise ParseError(f"X tweets: expected a JSON object from {page.url}, got {type(doc).__name__}")
    if "data" not in doc and "meta" not in doc:
        if doc.get("errors"):
            err = doc["errors"][0]
            raise ApiError(f"X tweets: {err.get('title', 'error')}: {err.get('detail', '')}")
        raise ParseError(f"X tweets: expected 'data' or 'meta' in response from {page.url}, got {sorted(doc)[:10]}")
    meta = doc.get("meta") or {}
    out = Parsed(next_cursor=meta.get("next_token"), total=to_int(meta.get("result_count")))
    includes = doc.get("includes") or {}
    media_by_key = {m.get("media_key"): m for m in includes.get("media", []) if isinstance(m, dict)}
    observed = page.fetched_at or datetime.now(UTC)
    account = handle.lower()
    for tweet in doc.get("data") or []:
        try:
            out.records.extend(_tweet_records(tweet, account, mission_id, includes, media_by_key, observed).records)
        except (KeyError, TypeError, ValueError) as exc:
            out.reject("posts", f"X tweet not in the expected shape: {type(exc).__name__}: {exc}", tweet)
    return out


def _tweet_records(
    tweet: dict[str, Any],
    account: str,
    mission_id: str | None,
    includes: dict[str, Any],
    media_by_key: dict[str, dict[str, Any]],
    observed: datetime,
) -> Parsed:
    out = Parsed()
    tid = str(tweet["id"])
    raw_text = tweet.get("text") or ""
    refs = {r.get("type"): str(r.get("id")) for r in tweet.get("referenced_tweets") or []}
    uid = post_uid(PLATFORM, account, tid)
    out.add(
        "posts",
        {
            "post_uid": uid,
            "platform": PLATFORM,
            "account_uid": account_uid(PLATFORM, account),
            "native_id": tid,
            "mission_id": mission_id,
            "published_at": parse_api_time(tweet["created_at"]),
            "text": html.unescape(expand_urls(raw_text, (tweet.get("entities") or {}).get("urls"))),
            "text_raw": raw_text,
            "url": f"https://x.com/{account}/status/{tid}",
            "media": _media(tweet, media_by_key),
            "reply_to": refs.get("replied_to"),
            "forwarded_from": None,
            "repost_of": _api_repost_of(refs["retweeted"], includes, raw_text) if "retweeted" in refs else None,
            "lang_hint": _lang(tweet.get("lang")),
            "source_format": "api",
        },
    )
    pm = tweet.get("public_metrics")
    if isinstance(pm, dict):  # absent = not requested, never zero
        out.add(
            "post_metrics",
            {
                "post_uid": uid,
                "platform": PLATFORM,
                "account_uid": account_uid(PLATFORM, account),
                "observed_at": observed,
                "likes": to_int(pm.get("like_count")),
                "reactions_total": None,
                "reactions": None,
                "shares": _sum(pm.get("retweet_count"), pm.get("quote_count")),
                "comments": to_int(pm.get("reply_count")),
                "views": to_int(pm.get("impression_count")),
                "source_format": "api",
            },
        )
    return out


def _sum(*values: Any) -> int | None:
    ints = [to_int(v) for v in values]
    known = [v for v in ints if v is not None]
    return sum(known) if known else None


def archive_json(body: bytes) -> list[Any]:
    """The list inside ``window.YTD.tweets.part0 = [...]`` (any part, old ``tweet`` name too)."""
    text = body.decode("utf-8-sig")
    start = text.find("[")
    if start < 0 or not text[:start].strip().startswith("window.YTD."):
        raise ParseError("X archive: expected 'window.YTD.tweets.partN = [' at the start of the file")
    try:
        data = json.loads(text[start:].rstrip().rstrip(";"))
    except ValueError as exc:
        raise ParseError(f"X archive: the array after 'window.YTD…=' is not valid JSON: {exc}") from None
    if not isinstance(data, list):
        raise ParseError("X archive: expected a JSON array")
    return data


def parse_archive(
    body: bytes, handle: str, observed_at: datetime, mission_id: str | None = None, raw_ref: str | None = None
) -> Parsed:
    """Posts and one metric snapshot (the counts at export time) per tweet of an archive part."""
    with paused_gc():  # thousands of dicts that all survive (see ratelimits.paused_gc)
        out = Parsed()
        account = handle.lower()
        auid = account_uid(PLATFORM, account)
        records = out.records
        for item in archive_json(body):
            tweet = item.get("tweet", item) if isinstance(item, dict) else None
            if not isinstance(tweet, dict):
                out.reject("posts", "X archive: entry is not an object", item)
                continue
            try:
                post, metrics = _archive_records(tweet, account, mission_id, observed_at, auid)
            except (KeyError, TypeError, ValueError) as exc:
                out.reject("posts", f"X archive tweet not in the expected shape: {type(exc).__name__}: {exc}", tweet)
                continue
            records.append(("posts", post))
            records.append(("post_metrics", metrics))
        return out


def _archive_records(
    tweet: dict[str, Any], account: str, mission_id: str | None, observed: datetime, auid: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The post and its metric snapshot of one archive tweet; KeyError/TypeError/ValueError when malformed."""
    tid = str(tweet.get("id_str") or tweet["id"])
    raw_text = tweet.get("full_text") or tweet.get("text") or ""
    text = html.unescape(expand_urls(raw_text, (tweet.get("entities") or {}).get("urls")))
    rt = _rt_author(text)
    media = [
        {"type": m.get("type", "media"), "url": m.get("media_url_https") or m.get("media_url")}
        for m in (tweet.get("extended_entities") or {}).get("media", [])
    ]
    uid = post_uid(PLATFORM, account, tid)
    reply = tweet.get("in_reply_to_status_id_str") or tweet.get("in_reply_to_status_id")
    post = {
        "post_uid": uid,
        "platform": PLATFORM,
        "account_uid": auid,
        "native_id": tid,
        "mission_id": mission_id,
        "published_at": parse_archive_time(tweet["created_at"]),
        "text": text,
        "text_raw": raw_text,
        "url": f"https://x.com/{account}/status/{tid}",
        "media": media or None,
        "reply_to": str(reply) if reply else None,
        "repost_of": f"{PLATFORM}:{rt.lower()}" if rt else None,
        "lang_hint": _lang(tweet.get("lang")),
        "source_format": "export",
    }
    metrics = {
        "post_uid": uid,
        "platform": PLATFORM,
        "account_uid": auid,
        "observed_at": observed,
        "likes": to_int(tweet.get("favorite_count")),
        "shares": to_int(tweet.get("retweet_count")),
        "source_format": "export",
    }
    return post, metrics


# --- fetching ------------------------------------------------------------------------------------


def make_client(ctx: RunContext, account: Account, **kwargs: Any) -> HttpClient:
    """An HttpClient with the bearer token of the account's connection (scrubbed from every message)."""
    token = ctx.secrets.get(account.conn_id or "")
    if not token:
        raise FetchError(
            f"x:{account.handle}: no bearer token for connection {account.conn_id!r} "
            "(Airflow Connection or DIPLOWATCH_TOKEN_<CONN_ID>)"
        )
    return HttpClient(
        headers={"Authorization": f"Bearer {token}"},
        secrets=[token],
        raw=ScrubbingRawWriter(ctx.raw, [token]),
        **kwargs,
    )


def fetch_user(client: HttpClient, base: str, username: str) -> RawPage:
    return client.get(f"{base}/2/users/by/username/{username}", params={"user.fields": USER_FIELDS})


def fetch_timeline_page(
    client: HttpClient,
    base: str,
    user_id: str,
    since_id: str | None,
    token: str | None,
    *,
    until_id: str | None = None,
) -> RawPage:
    params: dict[str, Any] = {
        "max_results": PAGE_SIZE,
        "tweet.fields": TWEET_FIELDS,
        "expansions": EXPANSIONS,
        "media.fields": MEDIA_FIELDS,
        "user.fields": "username",
    }
    if since_id:
        params["since_id"] = since_id
    if until_id:
        params["until_id"] = until_id
    if token:
        params["pagination_token"] = token
    return client.get(f"{base}/2/users/{user_id}/tweets", params=params)


def fetch_tweets(client: HttpClient, base: str, ids: list[str]) -> RawPage:
    return client.get(f"{base}/2/tweets", params={"ids": ",".join(ids), "tweet.fields": TWEET_FIELDS})


def _walk_timeline(
    client: HttpClient,
    base: str,
    user_id: str,
    handle: str,
    mission: Mission,
    batch: Batch,
    walk: state.Walk,
    budget: int,
    since_id: str | None,
    until_id: str | None = None,
) -> tuple[int, set[str]]:
    """Page one timeline query (``since_id`` < id < ``until_id``) newest first; returns pages used and ids seen."""
    seen: set[str] = set()
    token: str | None = None
    pages = 0
    while pages < budget:
        page = fetch_timeline_page(client, base, user_id, since_id, token, until_id=until_id)
        pages += 1
        parsed = parse_timeline_page(page, handle, mission.id)
        parsed.into(batch, page.raw_ref)
        posts = parsed.of("posts")
        seen.update(r["native_id"] for r in posts)
        walk.saw(posts)
        if walk.oldest is not None:
            walk.resume = {"until_id": walk.oldest.id}
        token = parsed.next_cursor
        if not token:
            walk.reached = True
            break
    return pages, seen


def _extract_live(
    ctx: RunContext, mission: Mission, account: Account, client: HttpClient, batch: Batch, ledger: state.GapLedger
) -> None:
    base = ctx.base_urls.get(PLATFORM, API_BASE).rstrip("/")
    handle = account.handle.lower()
    page = fetch_user(client, base, account.handle)
    parse_user(page, mission.id).into(batch, page.raw_ref)
    user_id = account.native_id or next(r["native_id"] for r in batch.records.get("accounts", []))
    used = 0
    seen: set[str] = set()
    for gap in list(ledger.todo):  # open gaps first: since_id / until_id bound them exactly
        if used >= ctx.max_pages or gap.newer_than.id is None:
            continue
        until_id = gap.resume.get("until_id") or gap.older_than.id
        walk = ledger.fill(gap)
        pages, got = _walk_timeline(
            client, base, user_id, handle, mission, batch, walk, ctx.max_pages - used, gap.newer_than.id, until_id
        )
        used, seen = used + pages, seen | got
    since_id, since_at = state.last_landed(PLATFORM, account_uid(PLATFORM, handle))
    walk = ledger.walk(state.Mark(since_id, since_at) if since_id else None)
    if used < ctx.max_pages:
        pages, got = _walk_timeline(client, base, user_id, handle, mission, batch, walk, ctx.max_pages - used, since_id)
        used, seen = used + pages, seen | got
    if not walk.reached and used >= ctx.max_pages:
        batch.reject("posts", f"stopped after max_pages={ctx.max_pages}; older posts are left for the next run")
    refresh = [
        i for i in state.recent_post_ids(PLATFORM, account_uid(PLATFORM, handle), ctx.refresh_since) if i not in seen
    ]
    for i in range(0, len(refresh), IDS_PER_LOOKUP):
        page = fetch_tweets(client, base, refresh[i : i + IDS_PER_LOOKUP])
        parse_timeline_page(page, handle, mission.id).into(batch, page.raw_ref)


def _extract_offline(ctx: RunContext, mission: Mission, account: Account, batch: Batch) -> None:
    assert ctx.sample_dir is not None
    for rec, page in replay_pages(ctx.sample_dir, ctx.raw):
        if rec.kind == "user":
            parsed = parse_user(page, mission.id)
        elif rec.kind in ("timeline", "tweets"):
            parsed = parse_timeline_page(page, account.handle, mission.id)
        elif rec.kind == "archive":
            parsed = parse_archive(page.body, account.handle, rec.captured_at, mission.id)
        else:
            raise ParseError(f"{ctx.sample_dir}/manifest.json: unknown kind {rec.kind!r} for {rec.path.name}")
        parsed.into(batch, page.raw_ref)


def extract(ctx: RunContext, mission: Mission, account: Account, *, client: HttpClient | None = None) -> Batch:
    """Fetch (or replay) one X account: profile + followers, new posts, metric snapshots of recent posts."""
    batch = ctx.new_batch()
    if ctx.sample_dir is not None:
        _extract_offline(ctx, mission, account, batch)
        return batch
    client = client or make_client(ctx, account)
    ledger = state.GapLedger.load(PLATFORM, account_uid(PLATFORM, account.handle.lower()), ctx.run_id, key="id")
    try:
        _extract_live(ctx, mission, account, client, batch, ledger)
    except RateLimited as exc:
        note_rate_limited(batch, "posts", exc, f"x:{account.handle}")
    state.attach_gaps(batch, ledger.update())  # saved by diplowatch.ingest once the batch has landed
    return batch


def import_archive(
    path: Path, ctx: RunContext, mission: Mission, account: Account, observed_at: datetime | None = None
) -> Batch:
    """Land an archive's ``tweets.js`` / ``tweet.js`` / ``tweets-partN.js`` (a file or a ``data/`` folder)."""
    files = sorted(path.glob("tweet*.js")) if path.is_dir() else [path]
    if not files:
        raise ParseError(f"X archive: no tweets.js / tweet.js / tweets-partN.js in {path}")
    batch = ctx.new_batch()
    for f in files:
        page = ctx.raw.write(RawPage(url=f.resolve().as_uri(), body=f.read_bytes(), fetched_at=ctx.fetched_at))
        when = observed_at or datetime.fromtimestamp(f.stat().st_mtime, UTC)
        parse_archive(page.body, account.handle, when, mission.id).into(batch, page.raw_ref)
    return batch
