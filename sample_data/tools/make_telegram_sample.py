# ruff: noqa: E501  (HTML templates of the real t.me/s markup are kept on one line, as the site serves them)
"""Build the bundled Telegram sample of @rusembdprk from the hand-written corpus.

Reads ``sample_data/telegram/source/corpus_*.txt`` (one post per ``===`` header, Russian
text, then ``---`` and English when bilingual) and writes the two real formats:

* ``web/<capture date>/page-NN.html``: ``t.me/s/rusembdprk`` pages as the site serves them
  (about 20 messages a page, paged with ``?before=<id>``), captured at three points in time
  so views and reactions grow between snapshots;
* ``export/result.json``: a Telegram Desktop single-chat export of the channel, with text as a
  string or as a list of entities, album parts as separate messages, and one broken message
  (no ``date_unixtime``) that the demo quarantines;
* ``manifest.json``: for every page its URL and capture time, and the export's time.

Everything is deterministic (no clock, no randomness without a fixed seed), so re-running the
script reproduces the same bytes. Run: ``python sample_data/tools/make_telegram_sample.py``.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import random
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1] / "telegram"
CHANNEL = "rusembdprk"
TITLE = "Посольство России в КНДР"
DESCRIPTION = (
    "Официальный канал Посольства Российской Федерации в Корейской Народно-Демократической Республике.\n"
    "Official channel of the Embassy of the Russian Federation in the DPRK."
)
CHAT_ID = 1137829915
PER_PAGE = 20
CAPTURES = [
    (datetime(2017, 11, 15, 9, 0, tzinfo=UTC), 1180),
    (datetime(2018, 2, 1, 9, 0, tzinfo=UTC), 1640),
    (datetime(2018, 5, 1, 9, 0, tzinfo=UTC), 2310),
]
EXPORTED_AT = datetime(2018, 5, 2, 7, 30, tzinfo=UTC)
EXPORT_TZ = timedelta(hours=3)  # the exporting machine ran on Moscow time: `date` is local, no zone
BROKEN_EXPORT_INDEX = 120  # this message loses its date_unixtime in the export (a quarantined reject)
NOT_INCLUDED = "(File not included. Change data exporting settings to download.)"
CDN = "https://cdn4.telesco.pe/file/"
BASE_VIEWS = {"people": (900, 2600), "official": (500, 1500), "consular": (350, 900), "news": (700, 1900)}
EMOJI = ["👍", "❤", "🔥", "👏", "🙏", "😁", "🤔"]
EMOJI_HEX = {e: e.encode("utf-8").hex().upper() for e in EMOJI}
TAGS = [
    ("марафон", "#марафон"),
    ("ярмарк", "#ярмарка"),
    ("русского языка", "#русскийязык"),
    ("Чхусок", "#праздники"),
    ("Соллал", "#праздники"),
    ("Пэктусан", "#Пэктусан"),
]
FWD_HANDLES = {"МИД России": "MID_Russia", "Посольство России в Республике Корея": "rusembskorea"}
BOLD_OPENERS = ("Уважаемые соотечественники!", "Внимание!", "Напоминаем:")


@dataclass
class Post:
    when: datetime
    group: str
    kind: str
    ru: str
    en: str | None
    opts: dict[str, str]
    ids: list[int] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.ids[0]

    @property
    def n_media(self) -> int:
        if self.kind.startswith("album"):
            return int(self.kind[5:])
        return 1 if self.kind in ("photo", "video") else 0


@dataclass
class Service:
    id: int
    when: datetime
    action: str
    text: str
    extra: dict = field(default_factory=dict)


# ------------------------------------------------------------------ corpus


def read_corpus() -> list[Post]:
    posts: list[Post] = []
    for path in sorted((ROOT / "source").glob("corpus_*.txt")):
        blocks = re.split(r"^=== ", path.read_text(encoding="utf-8"), flags=re.M)[1:]
        for block in blocks:
            header, _, body = block.partition("\n")
            parts = [p.strip() for p in header.split("|")]
            when = datetime.strptime(parts[0], "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
            opts = dict(p.split("=", 1) for p in parts[3:])
            lines = [ln for ln in body.strip().split("\n") if not ln.startswith("#")]
            text = "\n".join(lines)
            ru, sep, en = text.partition("\n---\n")
            posts.append(Post(when, parts[1], parts[2], ru.strip(), en.strip() if sep else None, opts))
    posts.sort(key=lambda p: p.when)
    for p in posts:
        p.tags = sorted({tag for word, tag in TAGS if word in p.ru})
    return posts


def assign_ids(posts: list[Post]) -> list[Service]:
    """Message ids as Telegram gives them: services and album parts take ids; a few posts were deleted."""
    services = [
        Service(1, datetime(2017, 8, 31, 6, 12, tzinfo=UTC), "create_channel", "Channel created"),
        Service(2, datetime(2017, 8, 31, 6, 14, tzinfo=UTC), "edit_group_photo", "Channel photo updated"),
    ]
    next_id = 3
    for n, p in enumerate(posts):
        if n and n % 41 == 0:
            next_id += 1  # a deleted post leaves a gap
        p.ids = list(range(next_id, next_id + max(1, p.n_media if p.kind.startswith("album") else 1)))
        next_id = p.ids[-1] + 1
        if "18 марта 2018 года состоятся выборы" in p.ru:
            services.append(
                Service(next_id, p.when + timedelta(minutes=2), "pin_message", "Channel pinned a message", {"id": p.id})
            )
            next_id += 1
    return services


# ------------------------------------------------------------------ engagement


def rng(*key: object) -> random.Random:
    return random.Random(int(hashlib.sha256(repr(key).encode()).hexdigest()[:12], 16))


def views_at(post: Post, at: datetime) -> int:
    lo, hi = BASE_VIEWS[post.group]
    final = rng("views", post.id).randint(lo, hi)
    growth = 0.6 + 0.6 * (post.when - datetime(2017, 9, 1, tzinfo=UTC)).days / 240  # the channel grows
    age = (at - post.when).total_seconds() / 86400
    share = (1 - 0.85 * math.exp(-age / 3)) * (0.85 + 0.15 * min(age, 180) / 180)
    return max(1, int(final * growth * share))


def reactions_at(post: Post, at: datetime) -> list[tuple[str, int, str]]:
    """(kind, count, markup kind): emoji, custom emoji or paid stars, growing with views."""
    r = rng("reactions", post.id)
    if r.random() < 0.12:
        return []
    views = views_at(post, at)
    kinds = r.sample(EMOJI, r.randint(1, 4))
    weights = [r.uniform(0.3, 1.0) for _ in kinds]
    rate = r.uniform(0.015, 0.05) * (1.6 if post.group == "people" else 1.0)
    out = [(k, max(1, int(views * rate * w)), "emoji") for k, w in zip(kinds, weights, strict=True)]
    if post.id % 23 == 0:
        out.append(("5368324170671202286", max(1, int(views * 0.004)), "custom"))
    if post.id % 29 == 0:
        out.append(("paid", max(1, int(views * 0.01)), "paid"))
    return out


def abbreviate(n: int, digits: int = 1) -> str:
    """Telegram's compact counts: 874, 1.2K, 12.3K, 3.1M."""
    if n < 1000:
        return str(n)
    value, suffix = (n / 1_000_000, "M") if n >= 1_000_000 else (n / 1000, "K")
    text = f"{math.floor(value * 10**digits) / 10**digits:.{digits}f}".rstrip("0").rstrip(".")
    return text + suffix


# ------------------------------------------------------------------ text in both formats


def segments(post: Post) -> list[tuple[str, str, str | None]]:
    """The post's text as (entity type, text, href) runs, shared by the web page and the export."""
    runs: list[tuple[str, str, str | None]] = []
    ru = post.ru
    opener = next((o for o in BOLD_OPENERS if ru.startswith(o)), None)
    if opener:
        runs.append(("bold", opener, None))
        ru = ru[len(opener) :]
    runs.append(("plain", ru, None))
    if post.en:
        runs.append(("plain", "\n\n" + post.en, None))
    if post.kind == "link":
        runs.append(("plain", "\n\n", None))
        runs.append(("link", post.opts["link"], None))
    if post.tags:
        runs.append(("plain", "\n\n", None))
        for n, tag in enumerate(post.tags):
            if n:
                runs.append(("plain", " ", None))
            runs.append(("hashtag", tag, None))
    return runs


def text_html(post: Post) -> str:
    out = []
    for kind, text, _href in segments(post):
        esc = html.escape(text, quote=False).replace("\n", "<br/>")
        if kind == "bold":
            out.append(f"<b>{esc}</b>")
        elif kind == "link":
            out.append(f'<a href="{html.escape(text)}" target="_blank" rel="noopener">{esc}</a>')
        elif kind == "hashtag":
            out.append(f'<a href="?q={quote(text)}">{esc}</a>')
        else:
            out.append(esc)
    return "".join(out)


def file_hash(*key: object) -> str:
    digest = hashlib.sha256(repr(key).encode()).hexdigest()
    return digest[:40] + digest[:24].upper()


# ------------------------------------------------------------------ web preview pages


def emoji_html(e: str) -> str:
    return (
        f'<i class="emoji" style="background-image:url(\'//telegram.org/img/emoji/40/{EMOJI_HEX[e]}.png\')">'
        f"<b>{e}</b></i>"
    )


def media_html(post: Post) -> str:
    url = f"https://t.me/{CHANNEL}/{post.id}"
    if post.kind == "photo":
        return (
            f'<a class="tgme_widget_message_photo_wrap {post.id}" href="{url}" '
            f"style=\"width:800px;background-image:url('{CDN}{file_hash('photo', post.id)}.jpg')\">"
            '<div class="tgme_widget_message_photo" style="padding-top:66.75%"></div></a>'
        )
    if post.kind == "video":
        thumb = f"{CDN}{file_hash('thumb', post.id)}.jpg"
        return (
            f'<a class="tgme_widget_message_video_player js-message_video_player" href="{url}">'
            f'<i class="tgme_widget_message_video_thumb" style="background-image:url(\'{thumb}\')"></i>'
            '<div class="tgme_widget_message_video_wrap" style="width:720px;padding-top:56.25%">'
            f'<video src="{CDN}{file_hash("video", post.id)}.mp4" class="tgme_widget_message_video js-message_video" '
            'width="100%" height="100%"></video></div><div class="message_video_play"></div>'
            f'<time class="message_video_duration js-message_video_duration">{1 + post.id % 3}:{post.id % 60:02d}</time>'
            "</a>"
        )
    if post.kind.startswith("album"):
        items = []
        for n, mid in enumerate(post.ids):
            items.append(
                f'<a class="tgme_widget_message_photo_wrap grouped_media_wrap blured js-message_photo" '
                f'style="left:0px;top:{n * 226}px;width:453px;height:224px;margin-bottom:2px;'
                f'background-image:url(\'{CDN}{file_hash("photo", mid)}.jpg\')" data-ratio="1.5" '
                f'href="https://t.me/{CHANNEL}/{mid}?single"></a>'
            )
        return (
            '<div class="tgme_widget_message_grouped_wrap js-message_grouped_wrap" data-margin-w="2" '
            'data-margin-h="2" style="width:453px;"><div class="tgme_widget_message_grouped js-message_grouped" '
            f'style="padding-top:{50 * len(post.ids)}%"><div class="tgme_widget_message_grouped_layer '
            f'js-message_grouped_layer" style="width:453px;height:{226 * len(post.ids)}px">'
            + "".join(items)
            + "</div></div></div>"
        )
    if post.kind == "link":
        link = post.opts["link"]
        site = re.sub(r"^https?://(www\.)?", "", link).split("/")[0]
        return (
            f'<a class="tgme_widget_message_link_preview" href="{html.escape(link)}">'
            f'<div class="link_preview_site_name accent_color" dir="auto">{site}</div>'
            f'<div class="link_preview_title" dir="auto">{html.escape(post.ru.split(".")[0])}</div></a>'
        )
    return ""


def reactions_html(post: Post, at: datetime) -> str:
    spans = []
    for kind, count, markup in reactions_at(post, at):
        if markup == "emoji":
            spans.append(f'<span class="tgme_reaction">{emoji_html(kind)}{abbreviate(count)}</span>')
        elif markup == "custom":
            spans.append(
                f'<span class="tgme_reaction"><tg-emoji emoji-id="{kind}"><i class="emoji" '
                f"style=\"background-image:url('https://t.me/i/emoji/{kind}.webp')\"></i></tg-emoji>"
                f"{abbreviate(count)}</span>"
            )
        else:
            spans.append(
                '<span class="tgme_reaction tgme_reaction_paid"><i class="icon icon-telegram-stars"></i>'
                f"{abbreviate(count)}</span>"
            )
    if not spans:
        return ""
    return f'<div class="tgme_widget_message_reactions js-message_reactions">{"".join(spans)}</div>'


def post_html(post: Post, at: datetime) -> str:
    url = f"https://t.me/{CHANNEL}/{post.id}"
    view = hashlib.md5(f"{CHANNEL}{post.id}".encode()).hexdigest()
    forwarded = ""
    if "fwd" in post.opts:
        forwarded = (
            '<div class="tgme_widget_message_forwarded_from accent_color">Forwarded from '
            f'<a class="tgme_widget_message_forwarded_from_name" href="https://t.me/{FWD_HANDLES[post.opts["fwd"]]}/{post.id * 7}">'
            f'<span dir="auto">{html.escape(post.opts["fwd"])}</span></a></div>'
        )
    author = ""
    if post.group == "consular":
        author = '<span class="tgme_widget_message_from_author" dir="auto">Консульский отдел</span>&nbsp;'
    edited = "edited " if post.id % 17 == 0 else ""
    published = post.when.isoformat()
    local = (post.when + timedelta(hours=8, minutes=30)).strftime("%H:%M")
    return f"""
<div class="tgme_widget_message_wrap js-widget_message_wrap"><div class="tgme_widget_message text_not_supported_wrap js-widget_message" data-post="{CHANNEL}/{post.id}" data-view="{view}" data-peer="c{CHAT_ID}_-4411" data-peer-hash="7e3d2a5c9b1f0e84" data-post-id="{post.id}">
  <div class="tgme_widget_message_user"><a href="https://t.me/{CHANNEL}"><i class="tgme_widget_message_user_photo bgcolor3" data-content="П"><img src="{CDN}{file_hash("avatar")}.jpg"></i></a></div>
  <div class="tgme_widget_message_bubble">
    <i class="tgme_widget_message_bubble_tail"><svg class="bubble_icon" width="9px" height="20px" viewBox="0 0 9 20"><g fill="none"><path class="background" fill="#ffffff" d="M8,1 L9,1 L9,20 L8,20 L8,18 C7.807,15.161 7.124,12.233 5.950,9.218 C5.046,6.893 3.504,4.733 1.325,2.738 L1.325,2.738 C0.917,2.365 0.89,1.732 1.263,1.325 C1.452,1.118 1.72,1 2,1 L8,1 Z"></path></g></svg></i>
    <div class="tgme_widget_message_author accent_color"><a class="tgme_widget_message_owner_name" href="https://t.me/{CHANNEL}"><span dir="auto">{TITLE}</span></a></div>
    {forwarded}{media_html(post)}
    <div class="tgme_widget_message_text js-message_text" dir="auto">{text_html(post)}</div>
    {reactions_html(post, at)}
    <div class="tgme_widget_message_footer compact js-message_footer">
      <div class="tgme_widget_message_info short js-message_info">
        <span class="tgme_widget_message_views">{abbreviate(views_at(post, at))}</span><span class="copyonly"> views</span><span class="tgme_widget_message_meta">{author}{edited}<a class="tgme_widget_message_date" href="{url}"><time datetime="{published}" class="time">{local}</time></a></span>
      </div>
    </div>
  </div>
</div></div>"""


def service_html(s: Service) -> str:
    return f"""
<div class="tgme_widget_message_wrap js-widget_message_wrap"><div class="tgme_widget_message service_message js-widget_message" data-post="{CHANNEL}/{s.id}" data-post-id="{s.id}">
  <div class="tgme_widget_message_bubble">
    <div class="tgme_widget_message_text js-message_text" dir="auto">{s.text}</div>
    <div class="tgme_widget_message_footer compact js-message_footer"><div class="tgme_widget_message_info short js-message_info"><span class="tgme_widget_message_meta"><a class="tgme_widget_message_date" href="https://t.me/{CHANNEL}/{s.id}"><time datetime="{s.when.isoformat()}" class="time">{s.when.strftime("%H:%M")}</time></a></span></div></div>
  </div>
</div></div>"""


def page_html(items: list[Post | Service], at: datetime, subscribers: int, before: int | None) -> str:
    more = ""
    if before is not None:
        more = (
            '<div class="tgme_widget_message_centered js-messages_more_wrap">'
            f'<a href="/s/{CHANNEL}?before={before}" class="tme_messages_more js-messages_more" '
            f'data-before="{before}"></a></div>'
        )
    body = "".join(service_html(i) if isinstance(i, Service) else post_html(i, at) for i in items)
    desc = html.escape(DESCRIPTION).replace("\n", "<br/>")
    photos = sum(p.n_media for p in items if isinstance(p, Post))
    return f"""<!DOCTYPE html>
<html>
  <head>
    <meta charset="utf-8">
    <title>{TITLE} – Telegram</title>
    <meta name="viewport" content="width=device-width, initial-scale=1.0, minimum-scale=1.0, maximum-scale=1.0, user-scalable=no">
    <meta property="og:title" content="{TITLE}">
    <meta property="og:image" content="{CDN}{file_hash("avatar")}.jpg">
    <meta property="og:site_name" content="Telegram">
    <meta property="og:description" content="{html.escape(DESCRIPTION.splitlines()[0])}">
    <meta property="twitter:title" content="{TITLE}">
    <link rel="canonical" href="https://t.me/s/{CHANNEL}"/>
    <link href="//telegram.org/css/font-roboto.css?1" rel="stylesheet" type="text/css">
    <link href="//telegram.org/css/widget-frame.css?66" rel="stylesheet" media="screen">
    <link href="//telegram.org/css/telegram-web.css?40" rel="stylesheet" media="screen">
  </head>
  <body class="widget_frame_base tgme_widget body_widget_post emoji_image nodark">
    <div class="tgme_background_wrap"><canvas id="tgme_background" class="tgme_background default" width="50" height="50" data-colors="dbddbb,6ba587,d5d88d,88b884"></canvas></div>
    <header class="tgme_header search_collapsed">
      <div class="tgme_header_search">
        <form class="tgme_header_search_form" action="" method="get"><input class="tgme_header_search_form_input js-header_search" type="search" name="q" placeholder="Search" autocomplete="off" value=""></form>
      </div>
      <div class="tgme_header_info">
        <a class="tgme_header_link" href="https://t.me/{CHANNEL}"><i class="tgme_page_photo_image bgcolor3" data-content="П"><img src="{CDN}{file_hash("avatar")}.jpg"></i>
        <div class="tgme_header_title">{TITLE}</div><div class="tgme_header_counter">{abbreviate(subscribers, 2)} subscribers</div></a>
      </div>
    </header>
    <main class="tgme_main">
      <div class="tgme_container">
        <section class="tgme_right_column">
          <div class="tgme_channel_info">
            <div class="tgme_channel_info_header">
              <i class="tgme_page_photo_image bgcolor3" data-content="П"><img src="{CDN}{file_hash("avatar")}.jpg"></i>
              <div class="tgme_channel_info_header_title_wrap"><div class="tgme_channel_info_header_title"><span dir="auto">{TITLE}</span></div></div>
              <div class="tgme_channel_info_header_username"><a href="https://t.me/{CHANNEL}">@{CHANNEL}</a></div>
            </div>
            <div class="tgme_channel_info_counters">
              <div class="tgme_channel_info_counter"><span class="counter_value">{abbreviate(subscribers, 2)}</span> <span class="counter_type">subscribers</span></div>
              <div class="tgme_channel_info_counter"><span class="counter_value">{abbreviate(photos * 9 + 40)}</span> <span class="counter_type">photos</span></div>
              <div class="tgme_channel_info_counter"><span class="counter_value">{abbreviate(photos + 12)}</span> <span class="counter_type">videos</span></div>
              <div class="tgme_channel_info_counter"><span class="counter_value">31</span> <span class="counter_type">links</span></div>
            </div>
            <div class="tgme_channel_info_description">{desc}</div>
            <div class="tgme_channel_download_telegram"><a class="tgme_action_button_new" href="https://telegram.org/dl">Download Telegram</a></div>
          </div>
        </section>
        <section class="tgme_channel_history js-message_history">
          {more}{body}
        </section>
      </div>
    </main>
  </body>
</html>
"""


def write_captures(posts: list[Post], services: list[Service]) -> list[dict]:
    captures = []
    for at, subscribers in CAPTURES:
        visible: list[Post | Service] = [p for p in posts if p.when < at] + [s for s in services if s.when < at]
        visible.sort(key=lambda i: i.id)
        pages = []
        end = len(visible)
        n = 0
        before: int | None = None
        folder = ROOT / "web" / at.date().isoformat()
        folder.mkdir(parents=True, exist_ok=True)
        while end > 0:
            chunk = visible[max(0, end - PER_PAGE) : end]
            older = chunk[0].id if end - PER_PAGE > 0 else None
            n += 1
            name = f"page-{n:02d}.html"
            (folder / name).write_text(page_html(chunk, at, subscribers, older), encoding="utf-8")
            url = f"https://t.me/s/{CHANNEL}" + (f"?before={before}" if before else "")
            fetched = at + timedelta(seconds=3 * (n - 1))
            pages.append({"url": url, "file": f"web/{at.date().isoformat()}/{name}", "fetched_at": fetched.isoformat()})
            before = older
            end -= PER_PAGE
        captures.append({"captured_at": at.isoformat(), "subscribers": subscribers, "pages": pages})
    return captures


# ------------------------------------------------------------------ desktop export


def export_date(when: datetime) -> dict[str, str]:
    return {
        "date": (when + EXPORT_TZ).replace(tzinfo=None).isoformat(),
        "date_unixtime": str(int(when.timestamp())),
    }


def export_text(post: Post) -> tuple[object, list[dict]]:
    runs = segments(post)
    entities = [{"type": k, "text": t, **({"href": h} if h else {})} for k, t, h in runs]
    if all(k == "plain" for k, _, _ in runs):
        text: object = "".join(t for _, t, _ in runs)
        entities = [{"type": "plain", "text": text}]
    else:
        text = [t if k == "plain" else {"type": k, "text": t} for k, t, _ in runs]
    return text, entities


def export_messages(posts: list[Post], services: list[Service]) -> list[dict]:
    sender = {"from": TITLE, "from_id": f"channel{CHAT_ID}"}
    items: list[tuple[int, dict]] = []
    for s in services:
        msg = {"id": s.id, "type": "service", **export_date(s.when), "actor": TITLE, "actor_id": f"channel{CHAT_ID}"}
        msg["action"] = s.action
        if s.action == "create_channel":
            msg["title"] = TITLE
        if s.action == "pin_message":
            msg["message_id"] = s.extra["id"]
        msg.update({"text": "", "text_entities": []})
        items.append((s.id, msg))
    for n, p in enumerate(posts):
        text, entities = export_text(p)
        msg: dict = {"id": p.id, "type": "message", **export_date(p.when)}
        if p.id % 17 == 0:
            msg.update({"edited": export_date(p.when + timedelta(minutes=7))["date"]})
            msg["edited_unixtime"] = str(int((p.when + timedelta(minutes=7)).timestamp()))
        msg.update(sender)
        if p.group == "consular":
            msg["author"] = "Консульский отдел"
        if "fwd" in p.opts:
            msg["forwarded_from"] = p.opts["fwd"]
        if p.kind in ("photo",) or p.kind.startswith("album"):
            downloaded = n % 3 == 0
            msg["photo"] = (
                f"photos/photo_{p.id}@{(p.when + EXPORT_TZ):%d-%m-%Y_%H-%M-%S}.jpg" if downloaded else NOT_INCLUDED
            )
            msg.update({"width": 1280, "height": 854})
        if p.kind == "video":
            msg.update(
                {
                    "file": NOT_INCLUDED,
                    "thumbnail": NOT_INCLUDED,
                    "media_type": "video_file",
                    "mime_type": "video/mp4",
                    "duration_seconds": 60 + p.id % 90,
                    "width": 1280,
                    "height": 720,
                }
            )
        msg["text"] = text
        msg["text_entities"] = entities
        if n == BROKEN_EXPORT_INDEX:
            del msg["date_unixtime"]
        items.append((p.id, msg))
        for part in p.ids[1:]:
            items.append(
                (
                    part,
                    {
                        "id": part,
                        "type": "message",
                        **export_date(p.when),
                        **sender,
                        "photo": NOT_INCLUDED,
                        "width": 1280,
                        "height": 854,
                        "text": "",
                        "text_entities": [],
                    },
                )
            )
    return [m for _, m in sorted(items, key=lambda i: i[0])]


def write_export(posts: list[Post], services: list[Service]) -> dict:
    doc = {"name": TITLE, "type": "public_channel", "id": CHAT_ID, "messages": export_messages(posts, services)}
    path = ROOT / "export" / "result.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return {"file": "export/result.json", "exported_at": EXPORTED_AT.isoformat()}


def main() -> None:
    posts = read_corpus()
    services = assign_ids(posts)
    captures = write_captures(posts, services)
    export = write_export(posts, services)
    manifest = {
        "channel": CHANNEL,
        "note": (
            "Synthetic sample in the real t.me/s and Telegram Desktop formats, written by hand for the demo and the "
            "tests (sample_data/telegram/source). It reconstructs the kind of posts the embassy made in 2017-2018; "
            "it is not a copy of its real posts. Regenerate with sample_data/tools/make_telegram_sample.py."
        ),
        "posts": len(posts),
        "captures": captures,
        "exports": [export],
    }
    (ROOT / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    pages = sum(len(c["pages"]) for c in captures)
    print(f"{len(posts)} posts, {len(services)} service messages, {pages} pages in {len(captures)} captures")


if __name__ == "__main__":
    main()
