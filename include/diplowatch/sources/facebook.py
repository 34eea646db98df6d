"""Facebook: Graph API page and page posts, and the "Download your information" posts JSON.

Live: ``/{page}`` with ``followers_count``/``fan_count`` (account + follower snapshot), then
``/{page}/posts`` with message, times, permalink, shares and reaction/comment summaries (one
metric snapshot per post per fetch), cursor paging by following ``paging.next``. Incremental:
posts up to the newest ``published_at`` that landed are fetched again only while they are younger
than ``ctx.refresh_since`` (their metrics get a new snapshot); the walk stops at the first post
older than both. The page token is passed as ``access_token`` and is embedded by Facebook in
``paging.next``: ``HttpClient`` scrubs it from logs and errors and the raw writer from stored URLs.
Rate limits come back as error codes 4/17/32/613 in 400/403 bodies (``ratelimits.graph_rate_limit_wait``).
Gaps: open gaps are filled first with ``since``/``until`` (posts already landed are skipped); a walk
that spends ``ctx.max_pages`` or hits the rate limit before the cursor leaves a new gap (``state.GapLedger``).

Export: the DYI posts file is a list of ``{"timestamp", "data": [{"post"}], "attachments", "title"}``
with mojibake (UTF-8 bytes as ``\\u00XX``), no ids and no engagement; a post's ``native_id`` is
``dyi-<timestamp>`` (``-<n>`` added if two share a second).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from diplowatch import state
from diplowatch.config import Account, Mission
from diplowatch.http import FetchError, HttpClient, RateLimited
from diplowatch.landing import Batch, account_uid, post_uid
from diplowatch.raw import RawPage, redact
from diplowatch.sources.base import RunContext
from diplowatch.sources.ratelimits import (
    ApiError,
    Parsed,
    ParseError,
    ScrubbingRawWriter,
    graph_rate_limit_wait,
    load_json,
    note_rate_limited,
    replay_pages,
    require,
    to_int,
)

log = logging.getLogger(__name__)

PLATFORM = "facebook"
API_BASE = "https://graph.facebook.com/v19.0"
REACTION_KINDS = ("like", "love", "wow", "haha", "sad", "angry", "care")
PAGE_FIELDS = "id,name,username,about,link,followers_count,fan_count"
POST_FIELDS = ",".join(
    [
        "id",
        "message",
        "created_time",
        "updated_time",
        "permalink_url",
        "status_type",
        "full_picture",
        "shares",
        "reactions.summary(true).limit(0)",
        "comments.summary(true).limit(0)",
        *(f"reactions.type({k.upper()}).limit(0).summary(true).as({k})" for k in REACTION_KINDS),
    ]
)
PAGE_SIZE = 100


# --- pure parsing --------------------------------------------------------------------------------


def parse_graph_time(value: str) -> datetime:
    """``2021-07-09T19:09:52+0000`` (offset without colon) -> aware UTC datetime."""
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z").astimezone(UTC)


def fix_mojibake(text: str) -> str:
    """Repair DYI strings whose UTF-8 bytes were written as ``\\u00XX`` code points; leave others as they are."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def parse_page(page: RawPage, mission_id: str | None = None, handle: str | None = None) -> Parsed:
    """Account and follower snapshot from ``/{page}?fields=…followers_count,fan_count``."""
    doc = load_json(page, "Facebook page")
    require(doc, "id", str, "Facebook page", page.url)
    handle = handle or doc.get("username") or doc["id"]
    uid = account_uid(PLATFORM, handle.lower())
    out = Parsed()
    out.add(
        "accounts",
        {
            "account_uid": uid,
            "platform": PLATFORM,
            "mission_id": mission_id,
            "handle": doc.get("username") or handle,
            "native_id": doc["id"],
            "display_name": doc.get("name"),
            "description": doc.get("about"),
            "url": doc.get("link") or f"https://www.facebook.com/{handle}",
            "source_format": "api",
        },
    )
    followers = to_int(doc.get("followers_count"))
    fans = to_int(doc.get("fan_count"))
    if followers is not None or fans is not None:
        out.add(
            "account_metrics",
            {
                "account_uid": uid,
                "platform": PLATFORM,
                "observed_at": page.fetched_at or datetime.now(UTC),
                "followers": followers if followers is not None else fans,
                "followers_raw": None if followers is not None else f"fan_count={fans}",
                "source_format": "api",
            },
        )
    return out


def _summary_count(post: dict[str, Any], key: str) -> int | None:
    value = post.get(key)
    if not isinstance(value, dict):
        return None
    return to_int((value.get("summary") or {}).get("total_count"))


def parse_posts_page(page: RawPage, handle: str, mission_id: str | None = None) -> Parsed:
    """Posts and metric snapshots from one ``/{page}/posts`` page; ``next_cursor`` is ``paging.next``."""
    doc = load_json(page, "Facebook posts")
    if isinstance(doc, dict) and "error" in doc:
        err = doc["error"] if isinstance(doc["error"], dict) else {}
        raise ApiError(f"Graph API error {err.get('code')}: {redact(str(err.get('message', '')))[:300]}")
    data = require(doc, "data", list, "Facebook posts", page.url)
    out = Parsed(next_cursor=(doc.get("paging") or {}).get("next"))
    observed = page.fetched_at or datetime.now(UTC)
    account = handle.lower()
    for post in data:
        try:
            out.records.extend(_post_records(post, account, mission_id, observed).records)
        except (KeyError, TypeError, ValueError) as exc:
            out.reject("posts", f"Facebook post not in the expected shape: {type(exc).__name__}: {exc}", post)
    return out


def _post_records(post: dict[str, Any], account: str, mission_id: str | None, observed: datetime) -> Parsed:
    out = Parsed()
    pid = str(post["id"])
    uid = post_uid(PLATFORM, account, pid)
    auid = account_uid(PLATFORM, account)
    picture = post.get("full_picture")
    updated = post.get("updated_time")
    created = parse_graph_time(post["created_time"])
    edited = parse_graph_time(updated) if updated else None
    out.add(
        "posts",
        {
            "post_uid": uid,
            "platform": PLATFORM,
            "account_uid": auid,
            "native_id": pid,
            "mission_id": mission_id,
            "published_at": created,
            "text": post.get("message"),
            "text_raw": post.get("message"),
            "url": post.get("permalink_url") or f"https://www.facebook.com/{pid}",
            "media": [{"type": post.get("status_type") or "photo", "url": picture}] if picture else None,
            "edited_at": edited if edited and edited > created else None,
            "source_format": "api",
        },
    )
    reactions = {k: v for k in REACTION_KINDS if (v := _summary_count(post, k)) is not None}
    shares = post.get("shares")
    out.add(
        "post_metrics",
        {
            "post_uid": uid,
            "platform": PLATFORM,
            "account_uid": auid,
            "observed_at": observed,
            "likes": reactions.get("like"),
            "reactions_total": _summary_count(post, "reactions"),
            "reactions": reactions or None,
            # Graph omits "shares" when nobody shared: zero when reactions were requested and came back.
            "shares": to_int(shares.get("count")) if isinstance(shares, dict) else (0 if "reactions" in post else None),
            "comments": _summary_count(post, "comments"),
            "views": None,
            "source_format": "api",
        },
    )
    return out


def parse_dyi_posts(body: bytes, handle: str, mission_id: str | None = None, raw_ref: str | None = None) -> Parsed:
    """Posts from a DYI ``your_posts_1.json`` / ``profile_posts_1.json`` list (mojibake repaired, no counts)."""
    try:
        doc = json.loads(body)
    except ValueError as exc:
        raise ParseError(f"Facebook DYI posts: not valid JSON: {exc}") from None
    if isinstance(doc, dict):  # some generations wrap the list: {"status_updates_v2": [...]}
        lists = [v for v in doc.values() if isinstance(v, list)]
        doc = lists[0] if len(lists) == 1 else None
    if not isinstance(doc, list):
        raise ParseError("Facebook DYI posts: expected a list of {timestamp, data, attachments, title}")
    out = Parsed()
    account = handle.lower()
    used: dict[str, int] = {}
    for entry in doc:
        try:
            rec = _dyi_record(entry, account, mission_id, used)
        except (KeyError, TypeError, ValueError, OverflowError) as exc:
            out.reject("posts", f"Facebook DYI entry not in the expected shape: {type(exc).__name__}: {exc}", entry)
            continue
        if rec is not None:
            out.add("posts", rec)
    return out


def _dyi_record(entry: dict[str, Any], account: str, mission_id: str | None, used: dict[str, int]) -> dict | None:
    ts = int(entry["timestamp"])
    texts = [fix_mojibake(d["post"]) for d in entry.get("data") or [] if isinstance(d, dict) and d.get("post")]
    media, links = [], []
    for att in entry.get("attachments") or []:
        for d in att.get("data") or []:
            if "media" in d:
                media.append({"type": "photo", "url": d["media"].get("uri")})
            elif "external_context" in d:
                links.append(d["external_context"].get("url"))
    title = fix_mojibake(entry["title"]) if entry.get("title") else None
    text = "\n".join(texts) or None
    if text is None and not media and not links:
        return None  # an activity line without content ("… updated their cover photo")
    native = f"dyi-{ts}"
    used[native] = used.get(native, 0) + 1
    if used[native] > 1:
        native = f"{native}-{used[native]}"
    return {
        "post_uid": post_uid(PLATFORM, account, native),
        "platform": PLATFORM,
        "account_uid": account_uid(PLATFORM, account),
        "native_id": native,
        "mission_id": mission_id,
        "published_at": datetime.fromtimestamp(ts, UTC),
        "text": text,
        "text_raw": title if text is None else None,
        "url": links[0] if links else None,
        "media": media or None,
        "source_format": "export",
    }


# --- fetching ------------------------------------------------------------------------------------


def make_client(ctx: RunContext, account: Account, **kwargs: Any) -> HttpClient:
    """An HttpClient that knows Graph's rate-limit errors and scrubs the page token."""
    token = ctx.secrets.get(account.conn_id or "")
    if not token:
        raise FetchError(f"facebook:{account.handle}: no page token for connection {account.conn_id!r}")
    return HttpClient(
        secrets=[token], raw=ScrubbingRawWriter(ctx.raw, [token]), rate_limit_wait=graph_rate_limit_wait, **kwargs
    )


def _only(parsed: Parsed, keep) -> Parsed:
    """The records of ``parsed`` whose post passes ``keep`` (its posts and their metric snapshots), and its rejects."""
    uids = {r["post_uid"] for r in parsed.of("posts") if keep(r)}
    out = Parsed(next_cursor=parsed.next_cursor, total=parsed.total, rejects=parsed.rejects)
    out.records = [(e, r) for e, r in parsed.records if e not in ("posts", "post_metrics") or r["post_uid"] in uids]
    return out


def _fill_gap(
    ctx: RunContext, client: HttpClient, url: str, token: str, account: Account, mission: Mission, batch: Batch,
    gap: state.Gap, walk: state.Walk, budget: int,
) -> int:  # fmt: skip
    """Page ``/{page}/posts`` with ``since``/``until`` over the gap; posts that already landed are skipped."""
    low, high = gap.newer_than.at, gap.older_than.at
    until = int(gap.resume.get("until") or high.timestamp())  # type: ignore[union-attr]
    landed = state.landed_ids(PLATFORM, account_uid(PLATFORM, account.handle.lower()), low, high)  # type: ignore[arg-type]

    def keep(post: dict[str, Any]) -> bool:
        return low <= post["published_at"] <= high and post["native_id"] not in landed  # type: ignore[operator]

    params: dict[str, Any] | None = {
        "fields": POST_FIELDS, "limit": PAGE_SIZE, "access_token": token,
        "since": int(low.timestamp()), "until": until,  # type: ignore[union-attr]
    }  # fmt: skip
    next_url: str | None = url
    pages = 0
    while pages < budget and next_url:
        page = client.get(next_url, params=params)
        pages += 1
        parsed = _only(parse_posts_page(page, account.handle, mission.id), keep)
        parsed.into(batch, page.raw_ref)
        walk.saw(parsed.of("posts"))
        if walk.oldest is not None and walk.oldest.at is not None:
            walk.resume = {"until": int(walk.oldest.at.timestamp())}
        times = [r["published_at"] for r in parse_posts_page(page, account.handle).of("posts")]
        next_url, params = parsed.next_cursor, None
        if not next_url or (times and min(times) <= low):  # type: ignore[operator]
            walk.reached = True
    return pages


def _extract_live(
    ctx: RunContext, mission: Mission, account: Account, client: HttpClient, batch: Batch, ledger: state.GapLedger
) -> None:
    token = ctx.secrets[account.conn_id or ""]
    base = ctx.base_urls.get(PLATFORM, API_BASE).rstrip("/")
    page_ref = account.native_id or account.handle
    page = client.get(f"{base}/{page_ref}", params={"fields": PAGE_FIELDS, "access_token": token})
    parse_page(page, mission.id, account.handle).into(batch, page.raw_ref)
    used = 0
    for gap in list(ledger.todo):  # open gaps first, from their older end back to their newer end
        if used >= ctx.max_pages or gap.newer_than.at is None or gap.older_than.at is None:
            continue
        walk = ledger.fill(gap)
        used += _fill_gap(ctx, client, f"{base}/{page_ref}/posts", token, account, mission, batch, gap, walk,
                          ctx.max_pages - used)  # fmt: skip
    last_id, newest = state.last_landed(PLATFORM, account_uid(PLATFORM, account.handle.lower()))
    walk = ledger.walk(state.Mark(last_id, newest) if newest else None)
    stop_before = min(newest, ctx.refresh_since) if newest else None
    url: str | None = f"{base}/{page_ref}/posts"
    params: dict[str, Any] | None = {"fields": POST_FIELDS, "limit": PAGE_SIZE, "access_token": token}
    for n in range(ctx.max_pages - used):
        page = client.get(url, params=params)  # type: ignore[arg-type]
        parsed = parse_posts_page(page, account.handle, mission.id)
        parsed.into(batch, page.raw_ref)
        posts = parsed.of("posts")
        walk.saw([r for r in posts if newest is None or r["published_at"] > newest])
        if walk.oldest is not None and walk.oldest.at is not None:
            walk.resume = {"until": int(walk.oldest.at.timestamp())}
        times = [r["published_at"] for r in posts]
        url, params = parsed.next_cursor, None  # "next" carries every parameter, the token too
        if not url or (newest and times and min(times) <= newest):
            walk.reached = True
        if not url or (stop_before and times and min(times) < stop_before):
            break
        if n == ctx.max_pages - used - 1:
            batch.reject("posts", f"stopped after max_pages={ctx.max_pages}; older posts are left for the next run")


def extract(ctx: RunContext, mission: Mission, account: Account, *, client: HttpClient | None = None) -> Batch:
    """Fetch (or replay) one Facebook page: profile + followers, posts, one metric snapshot per post."""
    batch = ctx.new_batch()
    if ctx.sample_dir is not None:
        for rec, page in replay_pages(ctx.sample_dir, ctx.raw):
            if rec.kind == "page":
                parsed = parse_page(page, mission.id, account.handle)
            elif rec.kind == "posts":
                parsed = parse_posts_page(page, account.handle, mission.id)
            elif rec.kind == "dyi_posts":
                parsed = parse_dyi_posts(page.body, account.handle, mission.id)
            else:
                raise ParseError(f"{ctx.sample_dir}/manifest.json: unknown kind {rec.kind!r} for {rec.path.name}")
            parsed.into(batch, page.raw_ref)
        return batch
    client = client or make_client(ctx, account)
    ledger = state.GapLedger.load(PLATFORM, account_uid(PLATFORM, account.handle.lower()), ctx.run_id)
    try:
        _extract_live(ctx, mission, account, client, batch, ledger)
    except RateLimited as exc:
        note_rate_limited(batch, "posts", exc, f"facebook:{account.handle}")
    state.attach_gaps(batch, ledger.update())  # saved by diplowatch.ingest once the batch has landed
    return batch


def import_dyi(path: Path, ctx: RunContext, mission: Mission, account: Account) -> Batch:
    """Land a DYI posts JSON file (or every ``*posts*.json`` under a DYI folder)."""
    files = sorted(path.rglob("*posts*.json")) if path.is_dir() else [path]
    if not files:
        raise ParseError(f"Facebook DYI: no *posts*.json under {path}")
    batch = ctx.new_batch()
    for f in files:
        page = ctx.raw.write(RawPage(url=f.resolve().as_uri(), body=f.read_bytes(), fetched_at=ctx.fetched_at))
        parse_dyi_posts(page.body, account.handle, mission.id).into(batch, page.raw_ref)
    return batch
