"""Telegram: the public web preview (``https://t.me/s/<channel>``) and the Telegram Desktop export (``result.json``).

Fetching (``fetch_channel``, through ``diplowatch.http.HttpClient``, which keeps every
response in the raw zone) is kept apart from parsing (``parse_channel_page`` and
``parse_export``: pure functions of bytes, re-runnable on the raw zone). ``extract``
ties them together for one account, live or offline (bundled sample responses).

Formats: see ``FORMATS.md`` sections 1 and 2. Records follow ``landing.SCHEMAS``;
``post_uid`` is ``telegram:<channel lower>:<message id>``.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from diplowatch import state
from diplowatch.config import Account, Mission
from diplowatch.http import FetchError, HttpClient
from diplowatch.landing import Batch
from diplowatch.raw import RawPage
from diplowatch.sources.base import RunContext
from diplowatch.sources.ratelimits import paused_gc

log = logging.getLogger(__name__)

PLATFORM = "telegram"
DEFAULT_BASE_URL = "https://t.me"
CANONICAL_BASE = "https://t.me"
MANIFEST = "manifest.json"
EXCERPT = 300

CHANNEL_CHAT_TYPES = frozenset({"public_channel", "private_channel"})
EXPORT_PLACEHOLDER = re.compile(r"^\(File (not included|exceeds maximum size|unavailable)")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_BG_URL = re.compile(r"background-image:\s*url\(['\"]?([^'\")]+)['\"]?\)")
_COUNT = re.compile(r"^\s*([0-9]+(?:[.,][0-9]+)?)\s*([KMB]?)\s*$", re.IGNORECASE)
_POST_REF = re.compile(r"/([A-Za-z0-9_]+)/(\d+)(?:[?#].*)?$")
_MULTIPLIER = {"": 1, "K": 1_000, "M": 1_000_000, "B": 1_000_000_000}
_SUBSCRIBER_TYPES = frozenset({"subscriber", "subscribers", "member", "members"})


class TelegramFormatError(ValueError):
    """Bytes that are not what a Telegram parser expects; the message says where and what was expected."""


class LayoutChanged(TelegramFormatError):
    """A web-preview page without message containers that is not an empty channel either."""


class ExportError(TelegramFormatError):
    """A ``result.json`` that cannot be read (truncated, invalid JSON, unknown shape)."""


@dataclass
class ParsedPage:
    """What one web-preview page (or one export file) holds, as landing-shaped records."""

    url: str
    channel: str
    posts: list[dict[str, Any]] = field(default_factory=list)
    post_metrics: list[dict[str, Any]] = field(default_factory=list)
    account: dict[str, Any] | None = None
    account_metrics: dict[str, Any] | None = None
    rejects: list[dict[str, Any]] = field(default_factory=list)
    """``{"entity", "reason", "raw_ref", "excerpt"}`` for each block that could not be parsed."""
    service_ids: list[int] = field(default_factory=list)
    """Service messages (channel created, photo changed, pinned ...): skipped, not posts."""
    message_ids: list[int] = field(default_factory=list)
    """Every message id seen on the page (posts, service messages, rejected blocks): drives paging."""
    before: int | None = None
    """``data-before`` of the page's "load older" link; None when the site shows no older posts."""

    @property
    def min_id(self) -> int | None:
        return min(self.message_ids) if self.message_ids else None

    @property
    def oldest_published_at(self) -> datetime | None:
        dates = [p["published_at"] for p in self.posts]
        return min(dates) if dates else None


# ---------------------------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------------------------


def parse_count(value: str | None) -> int | None:
    """``"874"`` -> 874, ``"1.2K"`` -> 1200, ``"3.1M"`` -> 3100000; None when not a count."""
    if value is None:
        return None
    m = _COUNT.match(value.replace("\u00a0", " "))
    if not m:
        return None
    number, suffix = m.groups()
    if "," in number and suffix == "":
        number = number.replace(",", "")  # "2,345": a thousands separator
    try:
        return int(Decimal(number.replace(",", ".")) * _MULTIPLIER[suffix.upper()])
    except InvalidOperation:
        return None


def post_uid(channel: str, msg_id: int | str) -> str:
    return f"{PLATFORM}:{channel.lower()}:{msg_id}"


def account_uid(channel: str) -> str:
    return f"{PLATFORM}:{channel.lower()}"


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _html_to_text(inner_html: str) -> str:
    """HTML-free text: ``<br>`` becomes a newline, emoji markup keeps its ``<b>`` glyph, entities decoded."""
    html = _BR.sub("\n", inner_html)
    body = LexborHTMLParser(f"<div>{html}</div>").css_first("div")
    return (body.text(deep=True) if body is not None else "").strip()


def _text_of(node: LexborNode | None) -> str | None:
    if node is None:
        return None
    text = _html_to_text(node.inner_html or "")
    return text or None


def _bg_url(node: LexborNode) -> str | None:
    m = _BG_URL.search(node.attributes.get("style") or "")
    return m.group(1) if m else None


def _has_class(node: LexborNode, cls: str) -> bool:
    return cls in (node.attributes.get("class") or "").split()


def _reject(entity: str, reason: str, raw_ref: str | None, excerpt: str | None) -> dict[str, Any]:
    return {"entity": entity, "reason": reason, "raw_ref": raw_ref, "excerpt": (excerpt or "")[:EXCERPT] or None}


def _channel_from_url(url: str) -> str | None:
    parts = [p for p in urlsplit(url).path.split("/") if p]
    if len(parts) >= 2 and parts[0] == "s":
        return parts[1]
    return parts[0] if parts else None


# ---------------------------------------------------------------------------------------------
# web preview: t.me/s/<channel>
# ---------------------------------------------------------------------------------------------


def _reactions(node: LexborNode) -> dict[str, int]:
    """Reaction counts by kind: the emoji glyph, ``paid`` for stars, ``custom_emoji:<id>``, else the label."""
    out: dict[str, int] = {}
    for span in node.css(".tgme_widget_message_reactions .tgme_reaction"):
        own_text = "".join(c.text_content or "" for c in span.iter(include_text=True) if c.tag == "-text").strip()
        count = parse_count(own_text)
        if count is None:
            log.warning("reaction without a readable count: %r", span.html)
            continue
        glyph = span.css_first(".emoji b")
        custom = span.css_first("tg-emoji")
        if _has_class(span, "tgme_reaction_paid"):
            kind = "paid"
        elif glyph is not None and glyph.text(deep=True).strip():
            kind = glyph.text(deep=True).strip()
        elif custom is not None and custom.attributes.get("emoji-id"):
            kind = f"custom_emoji:{custom.attributes['emoji-id']}"
        else:
            # An unknown kind is kept under its label (title, icon class or span class), never dropped.
            icon = span.css_first("i")
            label = span.attributes.get("title") or (icon.attributes.get("class") if icon is not None else None)
            kind = f"unknown:{label or span.attributes.get('class') or 'reaction'}"
        out[kind] = out.get(kind, 0) + count
    return out


def _media(node: LexborNode) -> list[dict[str, str | None]]:
    """Media of one message: photos, videos, voice, documents, polls, locations, link previews, albums."""
    media: list[dict[str, str | None]] = []
    grouped = node.css_first(".tgme_widget_message_grouped_wrap")
    if grouped is not None:
        for item in grouped.css(".tgme_widget_message_photo_wrap, .tgme_widget_message_video_player"):
            if _has_class(item, "tgme_widget_message_photo_wrap"):
                media.append({"type": "photo", "url": _bg_url(item)})
            else:
                video = item.css_first("video")
                thumb = item.css_first(".tgme_widget_message_video_thumb")
                url = video.attributes.get("src") if video is not None else None
                media.append({"type": "video", "url": url or (thumb and _bg_url(thumb)) or item.attributes.get("href")})
    else:
        for item in node.css(".tgme_widget_message_photo_wrap"):
            media.append({"type": "photo", "url": _bg_url(item)})
        for item in node.css(".tgme_widget_message_video_player"):
            video = item.css_first("video")
            thumb = item.css_first(".tgme_widget_message_video_thumb")
            url = video.attributes.get("src") if video is not None else None
            kind = "video_message" if _has_class(item, "tgme_widget_message_roundvideo_player") else "video"
            media.append({"type": kind, "url": url or (thumb and _bg_url(thumb)) or item.attributes.get("href")})
    for item in node.css("audio.tgme_widget_message_voice"):
        media.append({"type": "voice", "url": item.attributes.get("src")})
    for item in node.css(".tgme_widget_message_document_wrap"):
        title = item.css_first(".tgme_widget_message_document_title")
        media.append({"type": "document", "url": item.attributes.get("href") or _text_of(title)})
    for item in node.css(".tgme_widget_message_sticker_wrap"):
        media.append({"type": "sticker", "url": item.attributes.get("href")})
    for _item in node.css(".tgme_widget_message_poll"):
        media.append({"type": "poll", "url": None})
    for item in node.css(".tgme_widget_message_location_wrap"):
        media.append({"type": "location", "url": item.attributes.get("href")})
    for item in node.css("a.tgme_widget_message_link_preview"):
        media.append({"type": "link_preview", "url": item.attributes.get("href")})
    return media


def _parse_message(node: LexborNode, channel: str, page: RawPage) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """One ``div.tgme_widget_message`` -> (post, metric snapshot or None); ValueError says what is missing."""
    data_post = node.attributes.get("data-post") or ""
    msg_id = data_post.rpartition("/")[2]
    if not msg_id.isdigit():
        raise ValueError(f"data-post {data_post!r} is not '<channel>/<message id>'")
    time_node = node.css_first(".tgme_widget_message_date time") or node.css_first("time[datetime]")
    stamp = time_node.attributes.get("datetime") if time_node is not None else None
    if not stamp:
        raise ValueError(f"message {data_post}: no time[datetime] (publication date); cannot key it in time")
    try:
        published_at = _utc(datetime.fromisoformat(stamp))
    except ValueError:
        raise ValueError(f"message {data_post}: datetime {stamp!r} is not ISO 8601") from None
    uid = post_uid(channel, msg_id)
    acc = account_uid(channel)
    text_node = node.css_first(".tgme_widget_message_text")
    date_link = node.css_first("a.tgme_widget_message_date")
    forwarded = node.css_first(".tgme_widget_message_forwarded_from_name")
    author = node.css_first(".tgme_widget_message_from_author")
    reply = node.css_first("a.tgme_widget_message_reply")
    reply_to = None
    if reply is not None:
        m = _POST_REF.search(reply.attributes.get("href") or "")
        reply_to = post_uid(m.group(1), m.group(2)) if m else None
    post = {
        "post_uid": uid,
        "platform": PLATFORM,
        "account_uid": acc,
        "native_id": msg_id,
        "published_at": published_at,
        "text": _text_of(text_node) or "",
        "text_raw": text_node.inner_html if text_node is not None else None,
        "url": (date_link.attributes.get("href") if date_link is not None else None)
        or f"{CANONICAL_BASE}/{channel}/{msg_id}",
        "media": _media(node),
        "reply_to": reply_to,
        "forwarded_from": _text_of(forwarded),
        "author": _text_of(author),
        "source_format": "web",
        "raw_ref": page.raw_ref,
        "fetched_at": page.fetched_at,
    }
    views_node = node.css_first(".tgme_widget_message_views")
    views_raw = views_node.text(deep=True).strip() if views_node is not None else None
    reactions = _reactions(node)
    metrics = None
    if views_raw or reactions:
        if page.fetched_at is None:
            raise ValueError(f"{page.url}: page has no fetched_at, metric snapshots cannot be timestamped")
        metrics = {
            "post_uid": uid,
            "platform": PLATFORM,
            "account_uid": acc,
            "observed_at": page.fetched_at,
            "views": parse_count(views_raw),
            "views_raw": views_raw or None,
            "reactions": reactions or None,
            # Paid reactions count stars, not people: kept in the map, left out of the total.
            "reactions_total": sum(v for k, v in reactions.items() if k != "paid") if reactions else None,
            "source_format": "web",
            "raw_ref": page.raw_ref,
            "fetched_at": page.fetched_at,
        }
    return post, metrics


def _channel_header(tree: LexborHTMLParser, channel: str, page: RawPage) -> tuple[dict | None, dict | None]:
    info = tree.css_first(".tgme_channel_info")
    if info is None:
        return None, None
    acc = account_uid(channel)
    account = {
        "account_uid": acc,
        "platform": PLATFORM,
        "handle": channel,
        "display_name": _text_of(info.css_first(".tgme_channel_info_header_title")),
        "description": _text_of(info.css_first(".tgme_channel_info_description")),
        "url": f"{CANONICAL_BASE}/{channel}",
        "source_format": "web",
        "raw_ref": page.raw_ref,
        "fetched_at": page.fetched_at,
    }
    metrics = None
    for counter in info.css(".tgme_channel_info_counter"):
        value = counter.css_first(".counter_value")
        kind = counter.css_first(".counter_type")
        if value is None or kind is None or kind.text().strip().lower() not in _SUBSCRIBER_TYPES:
            continue
        raw = value.text().strip()
        if page.fetched_at is not None:
            metrics = {
                "account_uid": acc,
                "platform": PLATFORM,
                "observed_at": page.fetched_at,
                "followers": parse_count(raw),
                "followers_raw": raw,
                "source_format": "web",
                "raw_ref": page.raw_ref,
                "fetched_at": page.fetched_at,
            }
    return account, metrics


def _check_layout(tree: LexborHTMLParser, page: RawPage) -> None:
    """No message containers: fine for an empty channel, a LayoutChanged error otherwise."""
    history = tree.css_first(".tgme_channel_history")
    if history is not None and not history.css("[data-post]"):
        return  # an empty channel: the history section is there, with no posts in it
    if tree.css_first(".tgme_page_extra") is not None or tree.css_first(".tgme_action_button_new") is not None:
        raise LayoutChanged(
            f"{page.url}: t.me served the channel card, not the message list: "
            "the channel has no public web preview (or the preview layout changed)"
        )
    found = "message-like [data-post] blocks" if tree.css_first("[data-post]") is not None else "no message history"
    raise LayoutChanged(
        f"{page.url}: expected div.tgme_widget_message containers inside section.tgme_channel_history, found {found}; "
        "the t.me/s page layout may have changed"
    )


def parse_channel_page(page: RawPage, channel: str | None = None) -> ParsedPage:
    """Posts, metric snapshots, the channel header and rejects from one ``t.me/s/<channel>`` page.

    Metric snapshots are timestamped with ``page.fetched_at``. Service messages are skipped
    (their ids are kept in ``service_ids``); a block that cannot be parsed becomes a reject.
    Raises ``LayoutChanged`` (naming the URL) when the page has no message containers and
    is not an empty channel either.
    """
    tree = LexborHTMLParser(page.text)
    channel = (channel or _channel_from_url(page.url) or "").lower()
    if not channel:
        raise TelegramFormatError(f"{page.url}: cannot tell the channel name from the URL; pass channel=")
    parsed = ParsedPage(url=page.url, channel=channel)
    more = tree.css_first(".tme_messages_more[data-before]")
    if more is not None and (more.attributes.get("data-before") or "").isdigit():
        parsed.before = int(more.attributes["data-before"])
    messages = tree.css("div.tgme_widget_message")
    if not messages:
        _check_layout(tree, page)
    parsed.account, parsed.account_metrics = _channel_header(tree, channel, page)
    for node in messages:
        msg_id = (node.attributes.get("data-post") or "").rpartition("/")[2]
        if msg_id.isdigit():
            parsed.message_ids.append(int(msg_id))
        if _has_class(node, "service_message"):
            if msg_id.isdigit():
                parsed.service_ids.append(int(msg_id))
            continue
        try:
            post, metrics = _parse_message(node, channel, page)
        except ValueError as exc:
            parsed.rejects.append(_reject("posts", str(exc), page.raw_ref, node.html))
            continue
        parsed.posts.append(post)
        if metrics is not None:
            parsed.post_metrics.append(metrics)
    return parsed


def fetch_channel(
    client: HttpClient,
    channel: str,
    base_url: str = DEFAULT_BASE_URL,
    after_id: int | None = None,
    max_pages: int = 50,
    *,
    until: datetime | None = None,
    before: int | None = None,
) -> Iterator[RawPage]:
    """Yield raw pages of a public channel, newest first (``/s/<channel>``, then ``?before=<smallest id>``).

    Stops when a page reaches ``after_id`` (the newest landed id) and, if ``until`` is given,
    also covers every post published since ``until`` (to refresh their metrics); when the site
    shows no older posts; when a page brings no older id; or after ``max_pages``. A page whose
    layout cannot be read is still yielded (the caller records the error), then paging stops.
    ``before`` starts the walk below a message id (filling a gap) instead of at the newest post.
    """
    url = f"{base_url.rstrip('/')}/s/{channel}"
    for n in range(max_pages):
        page = client.get(url, params={"before": before} if before is not None else None)
        yield page
        try:
            parsed = parse_channel_page(page, channel)
        except TelegramFormatError as exc:
            log.error("stopped paging %s: %s", channel, exc)
            return
        oldest = parsed.min_id
        if oldest is None or (before is not None and oldest >= before):
            return
        if after_id is not None and oldest <= after_id:
            newest_needed = parsed.oldest_published_at
            if until is None or newest_needed is None or newest_needed < until:
                return
        if parsed.before is None:
            return
        before = min(parsed.before, oldest)
        log.debug("page %d of %s: ids down to %d", n + 1, channel, oldest)
    log.warning("%s: stopped after max_pages=%d before reaching the cursor %s", channel, max_pages, after_id)


# ---------------------------------------------------------------------------------------------
# Telegram Desktop export: result.json
# ---------------------------------------------------------------------------------------------


def export_text(message: dict[str, Any]) -> str:
    """Plain text of an export message: ``text_entities`` joined, ``text`` (string or list) as fallback."""
    entities = message.get("text_entities")
    if isinstance(entities, list) and entities:
        return "".join(e.get("text", "") if isinstance(e, dict) else str(e) for e in entities)
    text = message.get("text", "")
    if isinstance(text, list):
        return "".join(t if isinstance(t, str) else str(t.get("text", "")) for t in text)
    return text if isinstance(text, str) else ""


def _export_media(message: dict[str, Any]) -> list[dict[str, str | None]]:
    def where(path: Any) -> str | None:
        return None if not isinstance(path, str) or EXPORT_PLACEHOLDER.match(path) else path

    media: list[dict[str, str | None]] = []
    if "photo" in message:
        media.append({"type": "photo", "url": where(message["photo"])})
    if "file" in message:
        media.append({"type": message.get("media_type") or "file", "url": where(message["file"])})
    if "poll" in message:
        media.append({"type": "poll", "url": None})
    if "location_information" in message:
        loc = message["location_information"] or {}
        lat, lon = loc.get("latitude"), loc.get("longitude")
        media.append({"type": "location", "url": f"geo:{lat},{lon}" if lat is not None else None})
    if "contact_information" in message:
        media.append({"type": "contact", "url": None})
    for entity in message.get("text_entities") or []:
        if isinstance(entity, dict) and entity.get("type") in ("link", "text_link"):
            media.append({"type": "link", "url": entity.get("href") or entity.get("text")})
    return media


def _export_reactions(message: dict[str, Any]) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in message.get("reactions") or []:
        if not isinstance(r, dict) or not isinstance(r.get("count"), int):
            continue
        kind = r.get("type")
        if kind == "emoji" and r.get("emoji"):
            key = r["emoji"]
        elif kind == "paid":
            key = "paid"
        elif kind == "custom_emoji":
            key = f"custom_emoji:{r.get('document_id')}"
        else:
            key = f"unknown:{kind}"
        out[key] = out.get(key, 0) + r["count"]
    return out


def _pick_chat(doc: dict[str, Any], where: str, chat_name: str | None) -> dict[str, Any]:
    """The chat to read: the document itself (single-chat export) or one chat of a full-account export."""
    if isinstance(doc.get("messages"), list):
        return doc
    chats = doc.get("chats")
    if not isinstance(chats, dict) or not isinstance(chats.get("list"), list):
        raise ExportError(
            f"{where}: expected a single-chat export {{name, type, id, messages: [...]}} or a full-account "
            f"export {{chats: {{list: [...]}}}}; found keys {sorted(doc)[:12]}"
        )
    every = [c for c in chats["list"] + ((doc.get("left_chats") or {}).get("list") or []) if isinstance(c, dict)]
    if chat_name:
        found = [c for c in every if c.get("name") == chat_name]
    else:
        found = [c for c in every if c.get("type") in CHANNEL_CHAT_TYPES]
    if len(found) != 1:
        names = [c.get("name") for c in every if c.get("type") in CHANNEL_CHAT_TYPES]
        raise ExportError(
            f"{where}: full-account export holds {len(found)} matching chats (channels: {names}); "
            "pass chat_name= to choose one"
        )
    return found[0]


def _load_export(data: bytes, where: str) -> dict[str, Any]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExportError(f"{where}: not UTF-8 at byte {exc.start}: expected a Telegram Desktop result.json") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        stripped = text.rstrip()
        hint = "truncated" if not stripped.endswith(("}", "]")) or exc.pos >= len(stripped) - 1 else "invalid"
        raise ExportError(
            f"{where}: not valid JSON ({hint} file?): {exc.msg} at line {exc.lineno} column {exc.colno} "
            f"(character {exc.pos} of {len(text)})"
        ) from None
    if not isinstance(doc, dict):
        raise ExportError(f"{where}: expected a JSON object at the top level, found {type(doc).__name__}")
    return doc


def _export_message(
    msg: dict[str, Any], channel: str, raw_ref: str | None, fetched_at: datetime | None
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """One export message -> (post, reactions snapshot or None); ValueError says what is wrong."""
    msg_id = msg.get("id")
    if not isinstance(msg_id, int):
        raise ValueError(f"message without an integer id: {msg_id!r}")
    stamp = msg.get("date_unixtime")
    if stamp is None:
        raise ValueError(
            f"message {msg_id}: no date_unixtime (expected unix seconds as a string); "
            "'date' has no time zone and is not used"
        )
    try:
        published_at = datetime.fromtimestamp(int(stamp), UTC)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"message {msg_id}: date_unixtime {stamp!r} is not unix seconds") from None
    edited = msg.get("edited_unixtime")
    uid = post_uid(channel, msg_id)
    entities = msg.get("text_entities")
    post = {
        "post_uid": uid,
        "platform": PLATFORM,
        "account_uid": account_uid(channel),
        "native_id": str(msg_id),
        "published_at": published_at,
        "text": export_text(msg),
        "text_raw": json.dumps(entities if entities is not None else msg.get("text", ""), ensure_ascii=False),
        "url": f"{CANONICAL_BASE}/{channel}/{msg_id}",
        "media": _export_media(msg),
        "reply_to": post_uid(channel, msg["reply_to_message_id"]) if msg.get("reply_to_message_id") else None,
        "forwarded_from": msg.get("forwarded_from"),
        "author": msg.get("author"),
        # Adding a reaction can set a spurious "edited" (tdesktop #30647): kept as reported.
        "edited_at": datetime.fromtimestamp(int(edited), UTC) if str(edited or "").isdigit() else None,
        "source_format": "export",
        "raw_ref": raw_ref,
        "fetched_at": fetched_at,
    }
    reactions = _export_reactions(msg)
    metrics = None
    if reactions and fetched_at is not None:
        metrics = {
            "post_uid": uid,
            "platform": PLATFORM,
            "account_uid": account_uid(channel),
            "observed_at": fetched_at,
            "reactions": reactions,
            "reactions_total": sum(v for k, v in reactions.items() if k != "paid"),
            "source_format": "export",
            "raw_ref": raw_ref,
            "fetched_at": fetched_at,
        }
    return post, metrics


def _is_album_part(msg: dict[str, Any], previous: dict[str, Any] | None) -> bool:
    """A photo-only, textless message sent in the same second as the previous post with media: an album part."""
    if previous is None or not previous["media"] or export_text(msg).strip():
        return False
    if not ("photo" in msg or msg.get("media_type") == "video_file"):
        return False
    try:
        return abs(int(msg["date_unixtime"]) - int(previous["published_at"].timestamp())) <= 1
    except (KeyError, TypeError, ValueError):
        return False


def parse_export(
    data: bytes,
    channel: str,
    raw_ref: str | None = None,
    *,
    fetched_at: datetime | None = None,
    chat_name: str | None = None,
) -> ParsedPage:
    """Posts (and reaction snapshots, when the export has reactions) from a Telegram Desktop ``result.json``.

    Single-chat and full-account shapes. Dates come from ``date_unixtime`` (UTC), never ``date``.
    Desktop exports carry no views: a metric snapshot is made only for messages with reactions,
    timestamped ``fetched_at`` (the export time). Album parts (photo-only messages sent in the
    same second) are folded into the album's first post, as the web preview shows them.
    A message that cannot be read becomes a reject; unreadable JSON raises ``ExportError``.
    """
    with paused_gc():  # a big export: thousands of dicts that all survive (see ratelimits.paused_gc)
        return _parse_export(data, channel, raw_ref, fetched_at, chat_name)


def _parse_export(
    data: bytes, channel: str, raw_ref: str | None, fetched_at: datetime | None, chat_name: str | None
) -> ParsedPage:
    where = f"result.json ({raw_ref})" if raw_ref else "result.json"
    chat = _pick_chat(_load_export(data, where), where, chat_name)
    channel = channel.lower()
    parsed = ParsedPage(url=where, channel=channel)
    if chat.get("name"):
        parsed.account = {
            "account_uid": account_uid(channel),
            "platform": PLATFORM,
            "handle": channel,
            "native_id": str(chat["id"]) if chat.get("id") is not None else None,
            "display_name": chat.get("name"),
            "url": f"{CANONICAL_BASE}/{channel}",
            "source_format": "export",
            "raw_ref": raw_ref,
            "fetched_at": fetched_at,
        }
    previous: dict[str, Any] | None = None
    for msg in chat["messages"]:
        if not isinstance(msg, dict):
            parsed.rejects.append(_reject("posts", "message is not a JSON object", raw_ref, repr(msg)))
            continue
        if isinstance(msg.get("id"), int):
            parsed.message_ids.append(msg["id"])
        if msg.get("type") == "service":
            parsed.service_ids.append(msg.get("id"))
            continue
        if msg.get("type") not in (None, "message"):
            reason = f"message {msg.get('id')}: type {msg.get('type')!r} (the exporting client could not render it)"
            parsed.rejects.append(_reject("posts", reason, raw_ref, json.dumps(msg, ensure_ascii=False)))
            continue
        if _is_album_part(msg, previous):
            previous["media"].extend(_export_media(msg))  # type: ignore[index]
            continue
        try:
            post, metrics = _export_message(msg, channel, raw_ref, fetched_at)
        except ValueError as exc:
            parsed.rejects.append(_reject("posts", str(exc), raw_ref, json.dumps(msg, ensure_ascii=False)))
            continue
        parsed.posts.append(post)
        previous = post
        if metrics is not None:
            parsed.post_metrics.append(metrics)
    return parsed


# ---------------------------------------------------------------------------------------------
# extract: live or offline
# ---------------------------------------------------------------------------------------------


@dataclass
class _Collector:
    """Records of one account before they go into the batch: one post row per uid (the latest read wins)."""

    mission_id: str
    posts: dict[str, dict[str, Any]] = field(default_factory=dict)
    metrics: list[dict[str, Any]] = field(default_factory=list)
    accounts: dict[str, dict[str, Any]] = field(default_factory=dict)
    account_metrics: list[dict[str, Any]] = field(default_factory=list)
    rejects: list[dict[str, Any]] = field(default_factory=list)

    def take(self, parsed: ParsedPage, *, keep_post=None, with_account_metrics: bool = True) -> None:
        kept: set[str] = set()
        for post in parsed.posts:
            if keep_post is None or keep_post(post):
                # A later read wins, but does not blank what an earlier one knew (the export's edited_at).
                known = self.posts.get(post["post_uid"], {})
                fresh = {k: v for k, v in post.items() if v is not None}
                self.posts[post["post_uid"]] = {**known, **fresh, "mission_id": self.mission_id}
                kept.add(post["post_uid"])
        self.metrics.extend(m for m in parsed.post_metrics if m["post_uid"] in kept)
        if parsed.account is not None:
            self.accounts[parsed.account["account_uid"]] = {**parsed.account, "mission_id": self.mission_id}
        if with_account_metrics and parsed.account_metrics is not None:
            self.account_metrics.append(parsed.account_metrics)
        self.rejects.extend(parsed.rejects)

    def into(self, batch: Batch) -> Batch:
        for account in self.accounts.values():
            batch.add("accounts", account)
        for row in self.account_metrics:
            batch.add("account_metrics", row)
        for post in self.posts.values():
            batch.add("posts", post)
        for row in self.metrics:
            batch.add("post_metrics", row)
        for r in self.rejects:
            batch.reject(r["entity"], r["reason"], raw_ref=r["raw_ref"], excerpt=r["excerpt"])
        return batch


def _parse_or_reject(page: RawPage, channel: str, out: _Collector) -> ParsedPage | None:
    try:
        return parse_channel_page(page, channel)
    except TelegramFormatError as exc:
        log.error("%s", exc)
        out.rejects.append(_reject("posts", str(exc), page.raw_ref, page.text))
        return None


def _walk_pages(
    ctx: RunContext,
    fetch: Iterator[RawPage],
    channel: str,
    out: _Collector,
    walk: state.Walk,
    keep,
    count: list[int],
) -> None:
    """Parse and collect the pages of one walk, tracking how far it got; ``count[0]`` counts the run's pages."""
    low = walk.boundary.id_int if walk.boundary is not None else None
    for page in fetch:
        parsed = _parse_or_reject(page, channel, out)
        count[0] += 1
        if parsed is None:
            continue  # fetch_channel stops after a page it cannot read: the walk is not complete
        out.take(parsed, keep_post=keep, with_account_metrics=count[0] == 1)
        walk.saw([p for p in parsed.posts if low is None or int(p["native_id"]) > low])
        oldest = parsed.min_id
        if low is None or oldest is None or oldest <= low or parsed.before is None:
            walk.reached = True
        else:
            walk.resume = {"before": min(parsed.before, oldest)}


def _fill_gaps(
    ctx: RunContext,
    client: HttpClient,
    base_url: str,
    channel: str,
    out: _Collector,
    gaps: list[state.Gap],
    count: list[int],
) -> list[state.Gap]:
    """Fill open gaps first, each from its older end back to its newer end; returns what is left of them."""
    left: list[state.Gap] = []
    for gap in gaps:
        low, start = gap.newer_than.id_int, gap.resume.get("before") or gap.older_than.id_int
        budget = ctx.max_pages - count[0]
        if budget <= 0 or low is None or start is None:
            left.append(gap)
            continue
        walk = state.Walk(boundary=gap.newer_than, key="id")

        def keep(post: dict[str, Any], low: int = low, start: int = start) -> bool:
            return low < int(post["native_id"]) < start

        fetch = fetch_channel(client, channel, base_url, low, budget, before=int(start))
        _walk_pages(ctx, fetch, channel, out, walk, keep, count)
        rest = walk.after_fill(gap, ctx.run_id)
        log.info("telegram %s: gap (%s, %s) %s", channel, low, start, "filled" if rest is None else "narrowed")
        if rest is not None:
            left.append(rest)
    return left


def _extract_live(ctx: RunContext, channel: str, out: _Collector) -> state.GapUpdate:
    last_id, last_at = state.last_landed(PLATFORM, account_uid(channel))
    after_id = int(last_id) if last_id and str(last_id).isdigit() else None
    since = ctx.refresh_since

    def keep(post: dict[str, Any]) -> bool:
        return after_id is None or int(post["native_id"]) > after_id or post["published_at"] >= since

    client = HttpClient(raw=ctx.raw, secrets=list(ctx.secrets.values()))
    base_url = ctx.base_urls.get(PLATFORM, DEFAULT_BASE_URL)
    count = [0]  # pages fetched by this run (gap fills, then the walk down to the cursor)
    try:
        gaps = _fill_gaps(ctx, client, base_url, channel, out, state.open_gaps(account_uid(channel)), count)
        walk = state.Walk(boundary=state.Mark(last_id, last_at) if after_id is not None else None, key="id")
        budget = ctx.max_pages - count[0]
        if budget > 0:
            fetch = fetch_channel(client, channel, base_url, after_id, budget, until=since if after_id else None)
            _walk_pages(ctx, fetch, channel, out, walk, keep, count)
    except FetchError as exc:
        pages = count[0]
        # Landing the newer pages without the older ones would move the cursor past a gap: fail the account.
        raise FetchError(f"telegram {channel}: page {pages + 1} failed after {pages} page(s): {exc}") from None
    new_gap = walk.gap(ctx.run_id)
    if new_gap is not None:
        log.warning("telegram %s: budget spent before the cursor %s: gap down to %s", channel, after_id, new_gap)
        gaps = [new_gap, *gaps]
    log.info("telegram %s: %d page(s), cursor %s, %d post(s) kept", channel, count[0], after_id, len(out.posts))
    return state.GapUpdate(PLATFORM, account_uid(channel), gaps, ctx.run_id)


def _sample_root(sample_dir: Path) -> Path:
    for candidate in (sample_dir / PLATFORM, sample_dir):
        if (candidate / MANIFEST).is_file():
            return candidate
    raise FileNotFoundError(f"{sample_dir}: no {MANIFEST} (looked in {sample_dir / PLATFORM} and {sample_dir})")


def _ts(value: str) -> datetime:
    return _utc(datetime.fromisoformat(value))


def _extract_offline(ctx: RunContext, channel: str, out: _Collector) -> None:
    """Replay the desktop export, then the web captures oldest first (later reads win), through the parsers."""
    root = _sample_root(Path(ctx.sample_dir))  # type: ignore[arg-type]
    manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    if str(manifest.get("channel", "")).lower() != channel:
        log.warning("sample %s is for %r, not %r: nothing to replay", root, manifest.get("channel"), channel)
        return
    for export in manifest.get("exports", []):
        path = root / export["file"]
        page = ctx.raw.write(
            RawPage(
                url=export.get("url") or f"file:sample_data/telegram/{export['file']}",
                body=path.read_bytes(),
                headers={"Content-Type": "application/json"},
                fetched_at=_ts(export["exported_at"]),
            )
        )
        try:
            parsed = parse_export(page.body, channel, page.raw_ref, fetched_at=page.fetched_at)
        except ExportError as exc:
            log.error("%s", exc)
            out.rejects.append(_reject("posts", str(exc), page.raw_ref, page.text))
            continue
        out.take(parsed)
    for capture in sorted(manifest.get("captures", []), key=lambda c: c["captured_at"]):
        for n, item in enumerate(capture["pages"]):
            page = ctx.raw.write(
                RawPage(
                    url=item["url"],
                    body=(root / item["file"]).read_bytes(),
                    headers={"Content-Type": "text/html; charset=utf-8"},
                    fetched_at=_ts(item["fetched_at"]),
                )
            )
            parsed = _parse_or_reject(page, channel, out)
            if parsed is not None:
                out.take(parsed, with_account_metrics=n == 0)


def extract(ctx: RunContext, mission: Mission, account: Account) -> Batch:
    """Posts, metric snapshots, the account and its subscriber count for one Telegram channel.

    Live (``ctx.sample_dir`` unset): pages ``t.me/s/<channel>`` newest first down to the newest
    landed post (``state.last_landed``), and further while posts are younger than
    ``ctx.refresh_since`` so that their metrics get a new snapshot. Offline: replays the bundled
    sample (``<sample_dir>/telegram/manifest.json`` or ``<sample_dir>/manifest.json``) with the
    capture times it recorded, through the same parsers.

    Gaps: a live run first fills the account's open gaps (``state.open_gaps``), then walks down
    to the cursor; if ``ctx.max_pages`` runs out first, it records a gap below the pages it got.
    The gap list travels with the batch (``state.attach_gaps``) and is saved after landing.
    """
    channel = account.handle.lower()
    out = _Collector(mission_id=mission.id)
    gaps = None
    if ctx.sample_dir is not None:
        _extract_offline(ctx, channel, out)
    else:
        gaps = _extract_live(ctx, channel, out)
    batch = out.into(ctx.new_batch())
    if gaps is not None:
        state.attach_gaps(batch, gaps)
    log.info("telegram %s: %s", channel, batch.counts())
    return batch
