"""Deterministic (seeded) generator of realistic source data at scale, in the real source formats.

Writes, under ``--out``:

- ``telegram/<channel>/result.json``: Telegram Desktop single-chat exports (FORMATS.md §1): ``text`` as a
  string or a mixed list, ``text_entities`` always a list, ``date`` without a zone plus ``date_unixtime``
  as a string, optional ``edited``, ``reactions``, ``photo`` placeholders, service messages;
- ``x/<handle>/tweets-partN.js``: X archive parts (FORMATS.md §3): ``window.YTD.tweets.partN = [...]``,
  every number a string, HTML-escaped ``full_text`` with ``t.co`` links expanded from ``entities.urls``;
- ``metrics/metrics-NNNN.jsonl``: metric snapshots of the Telegram posts in the generic import format
  (docs/import_format.md, kind posts): ``views``/``likes``/``shares`` observed at several times;
- ``news/news-NNNN.jsonl``: news items in the generic import format (kind news), ~10% duplicates
  (the same article under a tracking-parameter URL variant).

Posts are in Russian, English and Korean across themes (diplomacy, holidays, culture, sport, economy,
education, condolences). Everything is written file by file in chunks: memory stays flat at any size.

    .venv/bin/python -m bench.generate --size small --out /tmp/benchdata
"""

from __future__ import annotations

import argparse
import html
import json
import logging
import random
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

log = logging.getLogger(__name__)

SIZES: dict[str, int] = {"tiny": 600, "small": 5_000, "medium": 100_000, "large": 1_000_000}
"""Posts per size; metric snapshots are ``METRICS_PER_POST`` × Telegram posts, news items = posts."""
METRICS_PER_POST = 16  # per Telegram post; with one archive snapshot per tweet: ~10 snapshots a post
TELEGRAM_SHARE = 0.6
POSTS_PER_FILE = 20_000
ROWS_PER_JSONL = 200_000
START = datetime(2017, 9, 1, tzinfo=UTC)
SPAN_S = 8 * 365 * 86400

THEMES: dict[str, dict[str, list[str]]] = {
    "diplomacy": {
        "ru": [
            "Посол {name} провёл переговоры с заместителем министра иностранных дел КНДР.",
            "Состоялась встреча делегации {org} с представителями МИД. Обменялись мнениями о двусторонних отношениях.",
            "Посол вручил копии верительных грамот. На приеме по случаю {holiday} присутствовал дипкорпус.",
        ],
        "en": [
            "Ambassador {name} held talks with the Deputy Foreign Minister of the DPRK.",
            "A delegation of {org} arrived in Pyongyang for an official visit; the sides exchanged views.",
            "The Ambassador presented credentials. A reception on the occasion of {holiday} was held.",
        ],
        "ko": [
            "{name} 대사는 외무상과 회담을 진행하였다.",
            "{org} 대표단이 평양에 도착하여 공식방문을 시작하였다.",
        ],
    },
    "holiday": {
        "ru": ["Поздравляем с праздником {holiday}! Сотрудники посольства возложили цветы.", "С Днём {holiday}!"],
        "en": ["Happy {holiday}! Embassy staff laid flowers at the monument.", "Celebrating {holiday} in Pyongyang."],
        "ko": ["{holiday}을 축하합니다! 대사관 직원들이 꽃바구니를 진정하였다.", "{holiday} 경축 연회가 열렸다."],
    },
    "culture": {
        "ru": ["В посольстве прошёл концерт и кинопоказ, посвящённый {holiday}.", "Открылась фотовыставка {org}."],
        "en": [
            "A concert and a film dedicated to {holiday} took place.",
            "A photo exhibition of {org} opened.",
        ],
        "ko": ["{org} 사진전시회가 개막되었다.", "음악회와 영화감상회가 진행되었다."],
    },
    "sport": {
        "ru": ["Сотрудники посольства сыграли товарищеский матч по футболу с командой {org}."],
        "en": ["Embassy staff played a friendly football match against {org}."],
        "ko": ["대사관 직원들이 {org} 팀과 친선 축구경기를 하였다."],
    },
    "economy": {
        "ru": ["Обсуждены вопросы торгово-экономического сотрудничества и санкций Совета Безопасности ООН."],
        "en": ["Trade and economic cooperation and UN Security Council sanctions were discussed."],
        "ko": ["무역경제협조 문제가 론의되었다."],
    },
    "education": {
        "ru": ["Студенты {org} приступили к изучению русского языка. Обмен студентами продолжится."],
        "en": ["Students of {org} started a Russian language course; the student exchange continues."],
        "ko": ["{org} 학생들이 로어 학습을 시작하였다."],
    },
    "condolences": {
        "ru": ["Выражаем глубокие соболезнования в связи с кончиной {name}."],
        "en": ["We express our deepest condolences on the passing of {name}."],
        "ko": ["{name}의 서거에 깊은 애도를 표합니다."],
    },
}
FILL: dict[str, dict[str, list[str]]] = {
    "name": {
        "ru": ["Мацегора", "Ким Чен Ын", "Лавров", "Цой Сон Хи"],
        "en": ["Matsegora", "Kim Jong Un", "Lavrov", "Choe Son Hui"],
        "ko": ["마쩨고라", "김정은", "라브로브", "최선희"],
    },
    "org": {
        "ru": ["Университета имени Ким Ир Сена", "МГИМО", "Минкультуры", "Посольства Китая"],
        "en": ["Kim Il Sung University", "MGIMO", "the Ministry of Culture", "the Chinese Embassy"],
        "ko": ["김일성종합대학", "모스크바국제관계대학", "문화성", "중국대사관"],
    },
    "holiday": {
        "ru": ["Победы", "России", "Чхусок", "Нового года"],
        "en": ["Victory Day", "Russia Day", "Chuseok", "the New Year"],
        "ko": ["승리의 날", "로씨야의 날", "추석", "설명절"],
    },
}
LANGS = ("ru", "en", "ko")
LANG_WEIGHTS = (0.55, 0.3, 0.15)
NEWS_DOMAINS = ("tass.com", "ria.ru", "kcna.kp", "nknews.org", "yna.co.kr", "reuters.com")
EMOJI = ("👍", "❤", "🔥", "👏", "🙏")


@dataclass
class Plan:
    """How much to generate: counts derived from a size and a scale factor."""

    posts: int
    metrics_per_post: int = METRICS_PER_POST
    seed: int = 20170901
    tag: str = ""
    """Inserted in channel/handle names and news URLs: a second plan with another tag adds new data."""
    start: int = int(START.timestamp())
    """Unix seconds: channels and news items are dated from here, over ``span_s``."""
    span_s: int = SPAN_S
    step_s: int = 3600
    """Seconds between consecutive posts of one channel."""

    @property
    def telegram_posts(self) -> int:
        return int(self.posts * TELEGRAM_SHARE)

    @property
    def x_posts(self) -> int:
        return self.posts - self.telegram_posts

    @property
    def metric_snapshots(self) -> int:
        return self.telegram_posts * self.metrics_per_post

    @property
    def news_items(self) -> int:
        return self.posts

    def after(self, posts: int, tag: str = "n", span_s: int = 3 * 86400, step_s: int = 60) -> Plan:
        """New data dated after all of this plan's: what a scheduled run brings (recent posts and news)."""
        start = self.start + self.span_s + self.step_s + POSTS_PER_FILE * step_s  # after every channel's first post
        return Plan(posts=posts, seed=self.seed + 99, tag=tag, start=start, span_s=span_s, step_s=step_s)

    @classmethod
    def of(cls, size: str, scale: float = 1.0, seed: int = 20170901) -> Plan:
        if size not in SIZES:
            raise ValueError(f"size must be one of {sorted(SIZES)}, got {size!r}")
        return cls(posts=max(20, int(SIZES[size] * scale)), seed=seed)


def text_of(rng: random.Random, lang: str | None = None) -> tuple[str, str, str]:
    """(language, theme, text) of one post; one in ten Russian posts is bilingual (a Korean paragraph)."""
    lang = lang or rng.choices(LANGS, LANG_WEIGHTS)[0]
    theme = rng.choice(list(THEMES))
    templates = THEMES[theme][lang]
    parts = [rng.choice(templates) for _ in range(rng.randint(1, 3))]
    text = " ".join(p.format(**{k: rng.choice(v[lang]) for k, v in FILL.items()}) for p in parts)
    if lang == "ru" and rng.random() < 0.1:
        text += "\n\n" + rng.choice(THEMES[theme]["ko"]).format(**{k: rng.choice(v["ko"]) for k, v in FILL.items()})
    return lang, theme, text


def _stamp(rng: random.Random, plan: Plan) -> int:
    return plan.start + rng.randrange(plan.span_s)


# --- Telegram Desktop export -----------------------------------------------------------------------


def _telegram_message(rng: random.Random, msg_id: int, channel: str, ts: int) -> dict:
    if rng.random() < 0.01:
        return {
            "id": msg_id,
            "type": "service",
            "date": datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S"),
            "date_unixtime": str(ts),
            "actor": channel,
            "action": "pin_message",
            "text": "",
            "text_entities": [],
        }
    _, _, text = text_of(rng)
    msg: dict = {
        "id": msg_id,
        "type": "message",
        "date": datetime.fromtimestamp(ts + 3 * 3600, UTC).strftime("%Y-%m-%dT%H:%M:%S"),  # local time, no zone
        "date_unixtime": str(ts),
        "from": f"Embassy {channel} 🇷🇺",
        "from_id": f"channel{zlib.crc32(channel.encode())}",
    }
    if rng.random() < 0.05:
        msg["edited"] = msg["date"]
        msg["edited_unixtime"] = str(ts + 600)
    if rng.random() < 0.3:
        msg["photo"] = "(File not included. Change data exporting settings to download.)"
        msg["width"], msg["height"] = 1280, 960
    if rng.random() < 0.2:
        link = f"https://{rng.choice(NEWS_DOMAINS)}/news/{rng.randrange(10**7)}"
        msg["text"] = [text + " ", {"type": "link", "text": link}]
        msg["text_entities"] = [{"type": "plain", "text": text + " "}, {"type": "link", "text": link}]
    else:
        msg["text"] = text
        msg["text_entities"] = [{"type": "plain", "text": text}]
    if rng.random() < 0.5:
        msg["reactions"] = [
            {"type": "emoji", "count": rng.randint(1, 300), "emoji": e} for e in rng.sample(EMOJI, rng.randint(1, 3))
        ]
    return msg


def write_telegram(out: Path, plan: Plan, rng: random.Random) -> list[dict]:
    """Telegram exports, ``POSTS_PER_FILE`` messages per channel; returns what the metrics need."""
    written, channel_no, refs = 0, 0, []
    while written < plan.telegram_posts:
        n = min(POSTS_PER_FILE, plan.telegram_posts - written)
        channel = f"rusemb{plan.tag}{channel_no:04d}"
        path = out / "telegram" / channel / "result.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        start = _stamp(rng, plan) - n * plan.step_s
        with path.open("w", encoding="utf-8") as fh:
            head = {"name": f"Посольство России {channel_no}", "type": "public_channel", "id": 1487851422 + channel_no}
            fh.write(json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "messages": [\n')
            for i in range(n):
                ts = start + i * plan.step_s + rng.randrange(plan.step_s // 2)
                msg = _telegram_message(rng, i + 1, channel, ts)
                fh.write(("" if i == 0 else ",\n") + json.dumps(msg, ensure_ascii=False))
            fh.write("\n ]\n}\n")
        refs.append({"channel": channel, "messages": n, "start": start, "step": plan.step_s})
        written += n
        channel_no += 1
    return refs


# --- X archive --------------------------------------------------------------------------------------

_ARCHIVE_TIME = "%a %b %d %H:%M:%S +0000 %Y"


def _tweet(rng: random.Random, tid: int, ts: int) -> dict:
    lang, _, text = text_of(rng, rng.choices(LANGS, (0.3, 0.6, 0.1))[0])
    tco = f"https://t.co/{rng.randrange(36**8):x}"
    urls = []
    if rng.random() < 0.3:
        text += f" {tco}"
        expanded = f"https://{rng.choice(NEWS_DOMAINS)}/a/{rng.randrange(10**7)}"
        urls = [{"url": tco, "expanded_url": expanded, "display_url": expanded[8:30], "indices": ["0", "23"]}]
    if rng.random() < 0.1:
        text = f"RT @mfa_russia: {text[:100]}…"
    tweet = {
        "edit_info": {"initial": {"editTweetIds": [str(tid)], "editsRemaining": "5", "isEditEligible": True}},
        "retweeted": False,
        "source": '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
        "entities": {"hashtags": [], "symbols": [], "user_mentions": [], "urls": urls},
        "display_text_range": ["0", str(len(text))],
        "favorite_count": str(rng.randint(0, 2000)),
        "id_str": str(tid),
        "truncated": False,
        "retweet_count": str(rng.randint(0, 500)),
        "id": str(tid),
        "created_at": datetime.fromtimestamp(ts, UTC).strftime(_ARCHIVE_TIME),
        "favorited": False,
        "full_text": html.escape(text, quote=False),
        "lang": lang if rng.random() > 0.02 else "und",
    }
    if rng.random() < 0.05:
        tweet["in_reply_to_status_id_str"] = str(tid - 7)
    return {"tweet": tweet}


def write_x(out: Path, plan: Plan, rng: random.Random) -> None:
    """X archives: one handle per ``POSTS_PER_FILE`` tweets, ``tweets.js`` then ``tweets-partN.js``."""
    written, handle_no = 0, 0
    while written < plan.x_posts:
        n = min(POSTS_PER_FILE, plan.x_posts - written)
        folder = out / "x" / f"rusembassy{plan.tag}{handle_no:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        part_size = max(1, n // 2)
        start = _stamp(rng, plan) - n * plan.step_s
        for part, lo in enumerate(range(0, n, part_size)):
            name = "tweets.js" if part == 0 else f"tweets-part{part}.js"
            with (folder / name).open("w", encoding="utf-8") as fh:
                fh.write(f"window.YTD.tweets.part{part} = [")
                for i in range(lo, min(n, lo + part_size)):
                    tid = 900_000_000_000_000_000 + handle_no * 10**7 + i
                    item = _tweet(rng, tid, start + i * plan.step_s)
                    fh.write(("\n" if i == lo else ",\n") + json.dumps(item, ensure_ascii=False, indent=None))
                fh.write("\n]")
        written += n
        handle_no += 1


# --- metric snapshots and news (generic import JSONL) ----------------------------------------------


def _chunks(out: Path, prefix: str, rows: Iterator[str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    fh, n, part = None, 0, 0
    try:
        for line in rows:
            if fh is None or n >= ROWS_PER_JSONL:
                if fh:
                    fh.close()
                fh = (out / f"{prefix}-{part:04d}.jsonl").open("w", encoding="utf-8")
                part, n = part + 1, 0
            fh.write(line)
            n += 1
    finally:
        if fh:
            fh.close()


def _metric_rows(refs: list[dict], plan: Plan, rng: random.Random) -> Iterator[str]:
    for ref in refs:
        for msg_id in range(1, ref["messages"] + 1):
            published = ref["start"] + (msg_id - 1) * ref["step"]
            views = rng.randint(50, 5000)
            for k in range(plan.metrics_per_post):
                views += rng.randint(0, 800) // (k + 1)
                row = {
                    "platform": "telegram",
                    "account": ref["channel"],
                    "native_id": msg_id,
                    "published_at": published,
                    "views": views,
                    "likes": views // rng.randint(20, 60),
                    "shares": views // rng.randint(100, 400),
                    "observed_at": published + 3600 * (k + 1) * (k + 1),
                }
                yield json.dumps(row) + "\n"


def _news_rows(plan: Plan, rng: random.Random) -> Iterator[str]:
    previous: list[dict] = []
    for i in range(plan.news_items):
        if previous and rng.random() < 0.1:  # a duplicate: the same article under a tracking URL
            dup = dict(rng.choice(previous))
            dup["url"] += f"?utm_source=telegram&utm_medium=social&utm_campaign={rng.randrange(100)}"
            dup["feed_or_query"] = "gdelt:dprk russia"
            yield json.dumps(dup, ensure_ascii=False) + "\n"
            continue
        lang, _, text = text_of(rng)
        domain = rng.choice(NEWS_DOMAINS)
        ts = _stamp(rng, plan)
        row = {
            "url": f"https://{domain}/politics/{plan.tag}{1_000_000 + i}",
            "title": text.split(".")[0][:120],
            "summary": text[:300],
            "published_at": datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "source_name": domain.split(".")[0].upper(),
            "language": lang,
            "feed_or_query": f"rss:{domain}",
            "authors": [f"Author {rng.randrange(50)}"],
        }
        previous.append(row)
        if len(previous) > 1000:
            previous.pop(0)
        yield json.dumps(row, ensure_ascii=False) + "\n"


def generate(out: Path, plan: Plan) -> dict[str, int]:
    """Write every dataset of ``plan`` under ``out``; returns the record counts per dataset."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(plan.seed)
    refs = write_telegram(out, plan, rng)
    write_x(out, plan, random.Random(plan.seed + 1))
    _chunks(out / "metrics", "metrics", _metric_rows(refs, plan, random.Random(plan.seed + 2)))
    _chunks(out / "news", "news", _news_rows(plan, random.Random(plan.seed + 3)))
    counts = {
        "telegram_messages": plan.telegram_posts,
        "x_tweets": plan.x_posts,
        "metric_snapshots": plan.metric_snapshots,
        "news_items": plan.news_items,
    }
    (out / "manifest.json").write_text(json.dumps({"seed": plan.seed, "posts": plan.posts, **counts}, indent=1))
    log.info("generated %s under %s", counts, out)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the size's counts (e.g. 0.1)")
    parser.add_argument("--seed", type=int, default=20170901)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    print(json.dumps(generate(args.out, Plan.of(args.size, args.scale, args.seed))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
