"""VK: ``groups.getById`` (community + members count) and ``wall.get`` (posts with likes, reposts, views).

Live: ``wall.get`` by ``owner_id`` (negative for communities; ``account.native_id``) or ``domain``
(``account.handle``), ``count`` ≤ 100, offset paging. Incremental: the walk stops at the first
*non-pinned* post older than both the newest landed post and ``ctx.refresh_since`` (so recent
posts get a fresh metric snapshot); the pinned post comes first whatever its date and never stops
the walk. API errors come inside HTTP 200 bodies: error 6 ("Too many requests per second") is
retried with backoff through ``ratelimits.VkRateLimitWait``; 9/29 (flood/quota) stop the run with
what it got; anything else (5 auth, 15 access denied, 30 private profile, …) raises ``ApiError``.
``views`` is absent on many items and stays NULL, never 0.
Gaps: open gaps are filled first (from their stored offset, moved by the posts published since; posts
already landed are skipped); a walk that spends ``ctx.max_pages`` or the quota before the cursor
leaves a new gap (``state.GapLedger``).
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
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
    VkRateLimitWait,
    load_json,
    note_rate_limited,
    replay_pages,
    to_int,
)

log = logging.getLogger(__name__)

PLATFORM = "vk"
API_BASE = "https://api.vk.com/method"
API_VERSION = "5.199"
PAGE_SIZE = 100
_WIKI_LINK = re.compile(r"\[((?:club|public|id|event)\d+|[\w.]+)\|([^\]]+)\]")


# --- pure parsing --------------------------------------------------------------------------------


def strip_wiki_markup(text: str) -> str:
    """``[club109125816|Фудшеринг]`` -> ``Фудшеринг``."""
    return _WIKI_LINK.sub(r"\2", text)


def _response(page: RawPage, what: str) -> Any:
    doc = load_json(page, what)
    if isinstance(doc, dict) and isinstance(doc.get("error"), dict):
        err = doc["error"]
        raise ApiError(
            f"{what}: VK API error {err.get('error_code')}: {err.get('error_msg', '')}", err.get("error_code")
        )
    if not isinstance(doc, dict) or "response" not in doc:
        got = sorted(doc)[:10] if isinstance(doc, dict) else type(doc).__name__
        raise ParseError(f"{what}: expected {{'response': …}} from a VK method, got {got}")
    return doc["response"]


def parse_group(page: RawPage, handle: str, mission_id: str | None = None) -> Parsed:
    """Account and members-count snapshot from ``groups.getById`` (old list or new ``{groups: []}`` shape)."""
    resp = _response(page, "VK groups.getById")
    groups = resp.get("groups") if isinstance(resp, dict) else resp
    if not isinstance(groups, list) or not groups or not isinstance(groups[0], dict):
        raise ParseError("VK groups.getById: expected a non-empty list of groups")
    g = groups[0]
    uid = account_uid(PLATFORM, handle.lower())
    out = Parsed()
    out.add(
        "accounts",
        {
            "account_uid": uid,
            "platform": PLATFORM,
            "mission_id": mission_id,
            "handle": g.get("screen_name") or handle,
            "native_id": f"-{g['id']}" if g.get("id") is not None else None,
            "display_name": g.get("name"),
            "description": g.get("description"),
            "url": f"https://vk.com/{g.get('screen_name') or handle}",
            "source_format": "api",
        },
    )
    if g.get("members_count") is not None:
        out.add(
            "account_metrics",
            {
                "account_uid": uid,
                "platform": PLATFORM,
                "observed_at": page.fetched_at or datetime.now(UTC),
                "followers": to_int(g.get("members_count")),
                "source_format": "api",
            },
        )
    return out


def _count(item: dict[str, Any], key: str) -> int | None:
    value = item.get(key)
    return to_int(value.get("count")) if isinstance(value, dict) else None


def _media(item: dict[str, Any]) -> list[dict[str, str]] | None:
    out = []
    for att in item.get("attachments") or []:
        kind = att.get("type", "unknown")
        obj = att.get(kind) or {}
        url = None
        if kind == "photo":
            sizes = obj.get("sizes") or []
            url = max(sizes, key=lambda s: s.get("width", 0) * s.get("height", 0)).get("url") if sizes else None
        elif kind == "video":
            url = f"https://vk.com/video{obj.get('owner_id')}_{obj.get('id')}"
        elif kind in ("link", "doc"):
            url = obj.get("url")
        out.append({"type": kind, "url": url})
    return out or None


def parse_wall_page(page: RawPage, handle: str, mission_id: str | None = None) -> Parsed:
    """Posts and metric snapshots from ``wall.get`` (or ``wall.getById``); ``total`` is the wall size."""
    resp = _response(page, "VK wall.get")
    items = resp.get("items") if isinstance(resp, dict) else resp
    if not isinstance(items, list):
        raise ParseError("VK wall.get: expected 'items' to be a list")
    out = Parsed(total=to_int(resp.get("count")) if isinstance(resp, dict) else None)
    observed = page.fetched_at or datetime.now(UTC)
    for item in items:
        try:
            out.records.extend(_item_records(item, handle.lower(), mission_id, observed).records)
        except (KeyError, TypeError, ValueError, OverflowError) as exc:
            out.reject("posts", f"VK wall item not in the expected shape: {type(exc).__name__}: {exc}", item)
    return out


def _item_records(item: dict[str, Any], account: str, mission_id: str | None, observed: datetime) -> Parsed:
    out = Parsed()
    pid, owner = str(item["id"]), item["owner_id"]
    uid = post_uid(PLATFORM, account, pid)
    auid = account_uid(PLATFORM, account)
    raw_text = item.get("text") or ""
    copy = (item.get("copy_history") or [None])[0]
    out.add(
        "posts",
        {
            "post_uid": uid,
            "platform": PLATFORM,
            "account_uid": auid,
            "native_id": pid,
            "mission_id": mission_id,
            "published_at": datetime.fromtimestamp(int(item["date"]), UTC),
            "text": strip_wiki_markup(raw_text) or None,
            "text_raw": raw_text or None,
            "url": f"https://vk.com/wall{owner}_{pid}",
            "media": _media(item),
            "repost_of": f"{PLATFORM}:{copy['owner_id']}:{copy['id']}" if isinstance(copy, dict) else None,
            "edited_at": datetime.fromtimestamp(int(item["edited"]), UTC) if item.get("edited") else None,
            "source_format": "api",
        },
    )
    out.add(
        "post_metrics",
        {
            "post_uid": uid,
            "platform": PLATFORM,
            "account_uid": auid,
            "observed_at": observed,
            "likes": _count(item, "likes"),
            "shares": _count(item, "reposts"),
            "comments": _count(item, "comments"),
            "views": _count(item, "views"),  # absent on many walls: NULL, not 0
            "source_format": "api",
        },
    )
    return out


def is_pinned(item: dict[str, Any]) -> bool:
    return bool(item.get("is_pinned"))


def should_stop(page: RawPage, stop_before: datetime | None) -> bool:
    """True when a non-pinned item of this page is older than ``stop_before`` (pinned posts never stop a walk)."""
    if stop_before is None:
        return False
    resp = _response(page, "VK wall.get")
    items = resp.get("items", []) if isinstance(resp, dict) else resp
    cutoff = stop_before.timestamp()
    return any(not is_pinned(i) and int(i.get("date", 0)) < cutoff for i in items if isinstance(i, dict))


# --- fetching ------------------------------------------------------------------------------------


def make_client(ctx: RunContext, account: Account, **kwargs: Any) -> HttpClient:
    """An HttpClient that retries VK error 6 with backoff and scrubs the service token."""
    token = ctx.secrets.get(account.conn_id or "")
    if not token:
        raise FetchError(f"vk:{account.handle}: no service token for connection {account.conn_id!r}")
    kwargs.setdefault("rate_limit_wait", VkRateLimitWait())
    return HttpClient(secrets=[token], raw=ScrubbingRawWriter(ctx.raw, [token]), **kwargs)


def _call(client: HttpClient, base: str, method: str, token: str, **params: Any) -> RawPage:
    return client.get(f"{base}/{method}", params={**params, "access_token": token, "v": API_VERSION})


def _items(page: RawPage) -> list[dict[str, Any]]:
    resp = _response(page, "VK wall.get")
    items = resp.get("items", []) if isinstance(resp, dict) else resp
    return [i for i in items if isinstance(i, dict)]


def _reaches(page: RawPage, boundary: datetime) -> bool:
    """True when a non-pinned item of this page is at or older than ``boundary``."""
    return any(not is_pinned(i) and int(i.get("date", 0)) <= boundary.timestamp() for i in _items(page))


def _only(parsed: Parsed, keep) -> Parsed:
    """The records of ``parsed`` whose post passes ``keep`` (its posts and their metric snapshots), and its rejects."""
    uids = {r["post_uid"] for r in parsed.of("posts") if keep(r)}
    out = Parsed(next_cursor=parsed.next_cursor, total=parsed.total, rejects=parsed.rejects)
    out.records = [(e, r) for e, r in parsed.records if e not in ("posts", "post_metrics") or r["post_uid"] in uids]
    return out


def _fill_gap(
    client: HttpClient, base: str, token: str, where: dict[str, Any], account: Account, mission: Mission,
    batch: Batch, gap: state.Gap, walk: state.Walk, budget: int,
) -> int:  # fmt: skip
    """Page the wall from the gap's older end (offset, moved by the posts published since) to its newer end."""
    low, high = gap.newer_than.at, gap.older_than.at
    landed = state.landed_ids(PLATFORM, account_uid(PLATFORM, account.handle.lower()), low, high)  # type: ignore[arg-type]

    def keep(post: dict[str, Any]) -> bool:
        return low <= post["published_at"] <= high and post["native_id"] not in landed  # type: ignore[operator]

    offset, total_then = int(gap.resume.get("offset") or 0), gap.resume.get("total")
    pages = 0
    while pages < budget:
        page = _call(client, base, "wall.get", token, **where, offset=offset, count=PAGE_SIZE)
        pages += 1
        full = parse_wall_page(page, account.handle, mission.id)
        if total_then is not None and full.total is not None and full.total < int(total_then) and pages == 1:
            # posts deleted since the gap was recorded moved older posts up: step back once, skip nothing.
            # (Posts published since only push them down: this page re-reads landed posts, which are skipped.)
            offset, total_then = max(0, offset + full.total - int(total_then)), None
            continue
        parsed = _only(full, keep)
        parsed.into(batch, page.raw_ref)
        walk.saw([r for r in parsed.of("posts")])
        got = len(full.of("posts")) + len(full.rejects)
        offset += got
        walk.resume = {"offset": offset, "total": full.total}
        if got == 0 or (full.total is not None and offset >= full.total) or _reaches(page, low):  # type: ignore[arg-type]
            walk.reached = True
            break
    return pages


def _extract_live(
    ctx: RunContext, mission: Mission, account: Account, client: HttpClient, batch: Batch, ledger: state.GapLedger
) -> None:
    token = ctx.secrets[account.conn_id or ""]
    base = ctx.base_urls.get(PLATFORM, API_BASE).rstrip("/")
    group_id = account.native_id.lstrip("-") if account.native_id else account.handle
    page = _call(client, base, "groups.getById", token, group_id=group_id, fields="members_count,description")
    parse_group(page, account.handle, mission.id).into(batch, page.raw_ref)
    where = {"owner_id": account.native_id} if account.native_id else {"domain": account.handle}
    used = 0
    for gap in list(ledger.todo):  # open gaps first, from their older end back to their newer end
        if used >= ctx.max_pages or gap.newer_than.at is None or gap.older_than.at is None:
            continue
        walk = ledger.fill(gap)
        used += _fill_gap(client, base, token, where, account, mission, batch, gap, walk, ctx.max_pages - used)
    last_id, newest = state.last_landed(PLATFORM, account_uid(PLATFORM, account.handle.lower()))
    walk = ledger.walk(state.Mark(last_id, newest) if newest else None)
    stop_before = min(newest, ctx.refresh_since) if newest else None
    offset = 0
    for n in range(ctx.max_pages - used):
        page = _call(client, base, "wall.get", token, **where, offset=offset, count=PAGE_SIZE)
        parsed = parse_wall_page(page, account.handle, mission.id)
        parsed.into(batch, page.raw_ref)
        pinned = {str(i.get("id")) for i in _items(page) if is_pinned(i)}
        fresh = [r for r in parsed.of("posts") if not newest or r["published_at"] > newest]
        walk.saw([r for r in fresh if r["native_id"] not in pinned])
        got = len(parsed.of("posts")) + len(parsed.rejects)
        offset += got
        walk.resume = {"offset": offset, "total": parsed.total}
        end = got == 0 or (parsed.total is not None and offset >= parsed.total)
        if end or (newest and _reaches(page, newest)):
            walk.reached = True
        if end or should_stop(page, stop_before):
            break
        if n == ctx.max_pages - used - 1:
            batch.reject("posts", f"stopped after max_pages={ctx.max_pages} at offset {offset}; older posts left")


def extract(ctx: RunContext, mission: Mission, account: Account, *, client: HttpClient | None = None) -> Batch:
    """Fetch (or replay) one VK community: members count, wall posts, one metric snapshot per post."""
    batch = ctx.new_batch()
    if ctx.sample_dir is not None:
        for rec, page in replay_pages(ctx.sample_dir, ctx.raw):
            if rec.kind == "group":
                parsed = parse_group(page, account.handle, mission.id)
            elif rec.kind == "wall":
                parsed = parse_wall_page(page, account.handle, mission.id)
            else:
                raise ParseError(f"{ctx.sample_dir}/manifest.json: unknown kind {rec.kind!r} for {rec.path.name}")
            parsed.into(batch, page.raw_ref)
        return batch
    client = client or make_client(ctx, account)
    ledger = state.GapLedger.load(PLATFORM, account_uid(PLATFORM, account.handle.lower()), ctx.run_id)
    try:
        _extract_live(ctx, mission, account, client, batch, ledger)
    except RateLimited as exc:
        note_rate_limited(batch, "posts", exc, f"vk:{account.handle}")
    state.attach_gaps(batch, ledger.update())  # saved by diplowatch.ingest once the batch has landed
    return batch
