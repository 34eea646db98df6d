"""Regenerate the bundled X, Facebook, VK, CrowdTangle and generic-import samples (deterministic).

    .venv/bin/python sample_data/import/make_platform_samples.py

40 posts are cross-posted: the same text on X, Facebook and VK 15/40/75 minutes after the
same post of the Telegram sample (taken from ``sample_data/telegram/source/corpus_*.txt``, so
re-run this script when that corpus changes; without it, from ``content.json``). Each platform
adds its own posts (photos of the week, retweets/reposts of the Foreign Ministry). The labelled
evaluation set (``labelled_posts.csv``) comes from ``content.json``, written on the essay's themes.
Responses are in each API's real shape, captured three times (2017-12-01, 2018-05-01,
2018-05-08) so that every post has at least two metric snapshots, plus the responses of the
scheduled metric-refresh runs (``api/refresh/``): the posts younger than 30 days with their counts
at that moment, recorded every day for the 10 days after each post, weekly after that, and by the
6-hourly run nearest to each post's 24th hour, so that fct_posts finds a snapshot at ~24 h and ~7 d.
Engagement grows fast in the first day and saturates (``at_age``).
"""

# ruff: noqa: E501  (a data script: long literal rows read better on one line)
from __future__ import annotations

import csv
import io
import json
import math
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
HANDLE = "rusembdprk"
CAPTURES = [
    datetime(2017, 12, 1, 9, tzinfo=UTC),
    datetime(2018, 5, 1, 9, tzinfo=UTC),
    datetime(2018, 5, 8, 9, tzinfo=UTC),
]
PEOPLE = {
    "people",
    "music",
    "food",
    "sport",
    "marathon",
    "language",
    "holiday",
    "travel",
    "trade",
    "culture",
    "education",
}
PLACES = [
    ("на Моранбоне", "on Moranbong Hill"), ("на реке Тэдонган", "on the Taedong River"), ("в Кэсоне", "in Kaesong"),
    ("в Вонсане", "in Wonsan"), ("в горах Мёхянсан", "in the Myohyang Mountains"), ("в горах Кумгансан", "in the Kumgang Mountains"),
    ("в пхеньянском метро", "in the Pyongyang Metro"), ("в Нампхо", "in Nampo"), ("в Хамхыне", "in Hamhung"),
    ("в Расоне", "in Rason"), ("у Триумфальной арки", "at the Arch of Triumph"), ("в парке Кэсон", "in Kaeson Park"),
]  # fmt: skip
MFA = [
    "Брифинг официального представителя МИД России М.В.Захаровой",
    "Заявление МИД России о ситуации на Корейском полуострове",
    "Интервью С.В.Лаврова о российско-корейских отношениях",
    "Комментарий Департамента информации и печати МИД России",
    "О телефонном разговоре С.В.Лаврова с Ли Ен Хо",
    "Выступление С.В.Лаврова на пресс-конференции",
]
FB_PAGE_ID = "1547783992216376"
VK_GROUP_ID = 153455183
X_USER_ID = "906507389620375553"
TWITTER_EPOCH_MS = 1288834974657


def iso(d: datetime) -> str:
    return d.strftime("%Y-%m-%dT%H:%M:%SZ")


TELEGRAM_CORPUS = sorted((ROOT / "telegram" / "source").glob("corpus_*.txt"))
CROSS_POSTS = 40


def load_events() -> list[dict]:
    """content.json: our own 40 events, used for the labelled evaluation set."""
    events = json.loads((HERE / "content.json").read_text(encoding="utf-8"))
    for e in events:
        e["at"] = datetime.fromisoformat(e["d"].replace("Z", "+00:00"))
    return events


def telegram_posts() -> list[dict]:
    """Posts of the Telegram sample corpus (``=== <UTC time> | <group> | <media>``, RU, ``---``, EN)."""
    posts: list[dict] = []
    for path in TELEGRAM_CORPUS:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("#"):
                continue
            if line.startswith("=== "):
                head = [h.strip() for h in line[4:].split("|")]
                at = datetime.strptime(head[0], "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
                posts.append({"at": at, "theme": head[1] if len(head) > 1 else "official", "lines": []})
            elif posts:
                posts[-1]["lines"].append(line)
    out = []
    for p in posts:
        body = "\n".join(p.pop("lines")).strip()
        ru, _, en = body.partition("\n---\n")
        if ru.strip():
            out.append({**p, "ru": ru.strip(), "en": en.strip() or None})
    return out


def cross_posted_events() -> list[dict]:
    """The posts cross-posted to X, Facebook and VK: every n-th Telegram sample post when it exists."""
    tg = [p for p in telegram_posts() if p["theme"] != "consular"]
    if len(tg) < CROSS_POSTS:
        return load_events()
    step = len(tg) / CROSS_POSTS
    return [tg[int(i * step)] for i in range(CROSS_POSTS)]


def extra_posts(platform: str, rng: random.Random, n: int) -> list[dict]:
    """Per-platform posts: photos of the week and Foreign Ministry items (retweets on X, reposts on VK)."""
    start, end = datetime(2017, 9, 2, tzinfo=UTC), datetime(2018, 4, 29, tzinfo=UTC)
    out = []
    for i in range(n):
        at = start + (end - start) * (i + 0.5) / n + timedelta(hours=rng.randint(1, 9), minutes=rng.randint(0, 59))
        if i % 3 == 2:
            title = MFA[i % len(MFA)]
            out.append({"at": at, "theme": "official", "ru": f"{title}.", "en": None, "mfa": True})
        else:
            ru, en = PLACES[i % len(PLACES)]
            out.append(
                {
                    "at": at,
                    "theme": "travel",
                    "ru": f"Фото недели: осень и зима {ru}.",
                    "en": f"Photo of the week: {en}.",
                }
            )
    return out


def final_metrics(platform: str, post: dict, rng: random.Random) -> dict:
    boost = 1.8 if post["theme"] in PEOPLE else 1.0
    boost *= 0.5 if post.get("mfa") else 1.0
    base = {"x": 18, "facebook": 60, "vk": 35}[platform]
    likes = max(1, int(base * boost * rng.uniform(0.5, 1.6)))
    return {
        "likes": likes,
        "shares": max(0, int(likes * rng.uniform(0.05, 0.35))),
        "comments": max(0, int(likes * rng.uniform(0.0, 0.15))),
        "views": int(likes * rng.uniform(25, 60)),
        "quotes": int(likes * rng.uniform(0, 0.05)),
        "love": int(likes * rng.uniform(0.05, 0.3)),
        "wow": int(likes * rng.uniform(0, 0.08)),
        "haha": int(likes * rng.uniform(0, 0.03)),
    }


def at_capture(final: dict, published: datetime, captured: datetime) -> dict:
    """Counts seen at a capture: growing with the post's age, reaching ~final after two weeks."""
    hours = (captured - published).total_seconds() / 3600
    share = 1 - math.exp(-hours / 72) * 0.85
    grow = 1 + 0.04 * (captured - CAPTURES[1]).days / 7  # a little more a week later
    return {k: int(v * min(1.0, share) * grow) for k, v in final.items()}


REFRESH_DAYS = 30
DAILY_FOR = 10
WEEKLY = (14, 21, 28)


def at_age(final: dict, published: datetime, captured: datetime) -> dict:
    """Counts seen at ``captured``: most engagement comes in the first day, then it saturates (monotone in age)."""
    hours = max(0.0, (captured - published).total_seconds() / 3600)
    share = 0.8 * (1 - math.exp(-hours / 18)) + 0.2 * (1 - math.exp(-hours / 240))
    return {k: int(v * share) for k, v in final.items()}


def refresh_times(posts: list[dict]) -> list[datetime]:
    """Capture times of the metric-refresh runs: the 6-hourly run nearest each post's 24th hour,
    daily (09:00 UTC) for the 10 days after it, weekly to 4 weeks; before the last full capture."""
    times: set[datetime] = set()
    for p in posts:
        at = p["at"]
        target = at + timedelta(hours=24)
        grid = target.replace(minute=0, second=0, microsecond=0, hour=target.hour - target.hour % 6)
        times.add(grid + timedelta(hours=6) if target - grid > timedelta(hours=3) else grid)
        day = at.replace(hour=9, minute=0, second=0, microsecond=0)
        times.update(day + timedelta(days=d) for d in (*range(1, DAILY_FOR + 1), *WEEKLY))
    return sorted(t for t in times if t < CAPTURES[-1] and t not in CAPTURES)


def young(posts: list[dict], captured: datetime) -> list[dict]:
    """Posts a refresh run at ``captured`` covers (published, younger than 30 days), newest first."""
    return [p for p in posts if p["at"] < captured and captured - p["at"] <= timedelta(days=REFRESH_DAYS)][::-1]


def by_time(responses: list[dict]) -> list[dict]:
    return sorted(responses, key=lambda r: r["captured_at"])


def posts_for(platform: str, seed: int) -> list[dict]:
    rng = random.Random(seed)
    shift = {"x": 15, "facebook": 40, "vk": 75}[platform]  # minutes after the first post of the day
    posts = []
    for e in cross_posted_events():
        p = dict(e, at=e["at"] + timedelta(minutes=shift), cross=True)
        posts.append(p)
    posts += extra_posts(platform, rng, 24)
    posts.sort(key=lambda p: p["at"])
    for p in posts:
        p["final"] = final_metrics(platform, p, rng)
    return posts


def text_for(platform: str, p: dict) -> str:
    if p.get("mfa") or platform == "vk" or not p.get("en"):
        return p["ru"]
    return f"{p['ru']}\n\n{p['en']}"


def write_json(path: Path, doc: object, compact: bool = False) -> None:
    """Pretty-printed, or compact as the APIs send it (the many refresh responses stay small)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = (
        json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
        if compact
        else json.dumps(doc, ensure_ascii=False, indent=1)
    )
    path.write_text(text + "\n", encoding="utf-8")


def manifest(folder: Path, responses: list[dict], note: str) -> None:
    write_json(folder / "manifest.json", {"account": HANDLE, "note": note, "responses": responses})


# --- X ----------------------------------------------------------------------------------------------


def x_id(at: datetime, seq: int) -> str:
    return str(((int(at.timestamp() * 1000) - TWITTER_EPOCH_MS) << 22) | (seq & 0xFFF))


def build_x() -> None:
    folder = ROOT / "x"
    posts = posts_for("x", 11)
    for i, p in enumerate(posts):
        p["id"] = x_id(p["at"], 1000 + i)
    responses = []
    for c, captured in enumerate(CAPTURES + refresh_times(posts)):
        refresh = c >= len(CAPTURES)
        followers = 900 + int((captured - CAPTURES[0]).days * 4.5)
        user = {
            "data": {
                "id": X_USER_ID,
                "name": "Посольство России в КНДР",
                "username": "RusEmbDPRK",
                "created_at": "2017-09-01T03:00:00.000Z",
                "description": "Официальный аккаунт Посольства России в КНДР / Official account of the Embassy of Russia in the DPRK",
                "public_metrics": {
                    "followers_count": followers,
                    "following_count": 41,
                    "tweet_count": sum(p["at"] < captured for p in posts),
                    "listed_count": 37,
                },
                "verified": False,
            }
        }
        name = f"api/{captured:%Y%m%d}_user.json"
        if not refresh:
            write_json(folder / name, user)
        responses += (
            []
            if refresh
            else [
                {
                    "kind": "user",
                    "file": name,
                    "url": "https://api.x.com/2/users/by/username/RusEmbDPRK?user.fields=created_at,description,public_metrics,url,verified",
                    "captured_at": iso(captured),
                }
            ]
        )
        seen = young(posts, captured) if refresh else [p for p in posts if p["at"] < captured][::-1]
        pages = [seen[i : i + 25] for i in range(0, len(seen), 25)] if not refresh else [seen] if seen else []
        token = None
        for n, chunk in enumerate(pages):
            data = []
            for p in chunk:
                m = at_age(p["final"], p["at"], captured)
                tw = {
                    "id": p["id"], "edit_history_tweet_ids": [p["id"]], "author_id": X_USER_ID,
                    "created_at": p["at"].strftime("%Y-%m-%dT%H:%M:%S.000Z"), "lang": "ru",
                    "public_metrics": {"retweet_count": m["shares"], "reply_count": m["comments"], "like_count": m["likes"], "quote_count": m["quotes"]},
                }  # fmt: skip
                if p.get("mfa"):
                    tw["text"] = f"RT @MID_RF: {p['ru']}"
                    tw["referenced_tweets"] = [{"type": "retweeted", "id": x_id(p["at"] - timedelta(hours=2), 7)}]
                    tw["public_metrics"]["like_count"] = 0
                else:
                    link = f"https://t.co/{p['id'][-10:]}"
                    tw["text"] = text_for("x", p).replace("&", "&amp;") + f" {link}"
                    tw["entities"] = {
                        "urls": [
                            {
                                "start": 0,
                                "end": 23,
                                "url": link,
                                "expanded_url": f"https://t.me/rusembdprk/{100 + posts.index(p)}",
                                "display_url": "t.me/rusembdprk/…",
                            }
                        ]
                    }
                    tw["lang"] = "ru"
                data.append(tw)
            if refresh:  # GET /2/tweets?ids=…: the metric refresh of the posts younger than 30 days
                name = f"api/refresh/{captured:%Y%m%d%H}_tweets.json"
                write_json(folder / name, {"data": data}, compact=True)
                ids = ",".join(t["id"] for t in data)
                url = f"https://api.x.com/2/tweets?ids={ids}&tweet.fields=created_at,lang,public_metrics,referenced_tweets,entities"
                responses.append({"kind": "tweets", "file": name, "url": url, "captured_at": iso(captured)})
                continue
            next_token = f"7140dibdnow9c7btw4{c}{n:02d}" if n < len(pages) - 1 else None
            meta = {"result_count": len(data), "newest_id": data[0]["id"], "oldest_id": data[-1]["id"]}
            if next_token:
                meta["next_token"] = next_token
            name = f"api/{captured:%Y%m%d}_timeline_{n + 1}.json"
            write_json(folder / name, {"data": data, "meta": meta})
            url = f"https://api.x.com/2/users/{X_USER_ID}/tweets?max_results=25&tweet.fields=created_at,lang,public_metrics,referenced_tweets,entities"
            responses.append(
                {
                    "kind": "timeline",
                    "file": name,
                    "url": url + (f"&pagination_token={token}" if token else ""),
                    "captured_at": iso(captured),
                }
            )
            token = next_token
    # archive export: the 20 most recent tweets, counts as strings, archive date format
    exported = datetime(2018, 5, 10, 12, tzinfo=UTC)
    items = []
    for p in posts[-20:][::-1]:
        m = at_age(p["final"], p["at"], exported)
        text = f"RT @MID_RF: {p['ru'][:90]}…" if p.get("mfa") else text_for("x", p)
        link = f"https://t.co/{p['id'][-10:]}"
        full = text.replace("&", "&amp;") + ("" if p.get("mfa") else f" {link}")
        tw = {
            "edit_info": {"initial": {"editTweetIds": [p["id"]], "editableUntil": iso(p["at"] + timedelta(minutes=30)).replace("Z", ".000Z"), "editsRemaining": "5", "isEditEligible": False}},
            "retweeted": False, "source": '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
            "entities": {"hashtags": [], "symbols": [], "user_mentions": [], "urls": [] if p.get("mfa") else [{"url": link, "expanded_url": f"https://t.me/rusembdprk/{100 + posts.index(p)}", "display_url": "t.me/rusembdprk/…", "indices": ["0", "23"]}]},
            "display_text_range": ["0", str(len(full))], "favorite_count": str(0 if p.get("mfa") else m["likes"]),
            "id_str": p["id"], "truncated": False, "retweet_count": str(m["shares"]), "id": p["id"],
            "created_at": p["at"].strftime("%a %b %d %H:%M:%S +0000 %Y"), "favorited": False, "full_text": full, "lang": "ru",
        }  # fmt: skip
        items.append({"tweet": tw})
    body = "window.YTD.tweets.part0 = " + json.dumps(items, ensure_ascii=False, indent=2)
    (folder / "export").mkdir(parents=True, exist_ok=True)
    (folder / "export" / "tweets.js").write_text(body, encoding="utf-8")
    responses = by_time(responses)
    responses.insert(
        0,
        {
            "kind": "archive",
            "file": "export/tweets.js",
            "url": "file:///export/twitter-2018-05-10/data/tweets.js",
            "captured_at": iso(exported),
        },
    )
    manifest(
        folder,
        responses,
        "X API v2 responses recorded at three captures, the /2/tweets metric-refresh responses of the scheduled "
        "runs (api/refresh/), and an account archive (tweets.js)",
    )


# --- Facebook ------------------------------------------------------------------------------------


def mojibake(text: str) -> str:
    return text.encode("utf-8").decode("latin-1")


def build_facebook() -> list[dict]:
    folder = ROOT / "facebook"
    posts = posts_for("facebook", 22)
    for i, p in enumerate(posts):
        p["id"] = f"{FB_PAGE_ID}_{1548000000000000 + i * 7919 * 1000 + 17}"
    responses = []
    fields = "id,message,created_time,updated_time,permalink_url,status_type,full_picture,shares,reactions.summary(true).limit(0),comments.summary(true).limit(0)"
    for c, captured in enumerate(CAPTURES + refresh_times(posts)):
        refresh = c >= len(CAPTURES)
        page = {
            "id": FB_PAGE_ID, "name": "Посольство России в КНДР / Russian Embassy in DPRK", "username": "RusEmbDPRK",
            "about": "Официальная страница Посольства России в КНДР / Official page of the Russian Embassy in the DPRK",
            "link": "https://www.facebook.com/RusEmbDPRK/",
            "followers_count": 2100 + int((captured - CAPTURES[0]).days * 9.5), "fan_count": 2050 + int((captured - CAPTURES[0]).days * 9),
        }  # fmt: skip
        name = f"api/{captured:%Y%m%d}_page.json"
        if not refresh:
            write_json(folder / name, page)
        responses += [] if refresh else [
            {
                "kind": "page",
                "file": name,
                "url": "https://graph.facebook.com/v19.0/RusEmbDPRK?fields=id,name,username,about,link,followers_count,fan_count&access_token=***",
                "captured_at": iso(captured),
            }
        ]  # fmt: skip
        seen = young(posts, captured) if refresh else [p for p in posts if p["at"] < captured][::-1]
        pages = [seen[i : i + 25] for i in range(0, len(seen), 25)] if not refresh else [seen] if seen else []
        for n, chunk in enumerate(pages):
            data = []
            for p in chunk:
                m = at_age(p["final"], p["at"], captured)
                ct = p["at"].strftime("%Y-%m-%dT%H:%M:%S+0000")
                post = {
                    "id": p["id"], "created_time": ct, "updated_time": ct,
                    "permalink_url": f"https://www.facebook.com/RusEmbDPRK/posts/{p['id'].split('_')[1]}",
                    "status_type": "shared_story" if p.get("mfa") else "added_photos", "message": text_for("facebook", p),
                    "reactions": {"data": [], "summary": {"total_count": m["likes"] + m["love"] + m["wow"] + m["haha"], "viewer_reaction": "NONE"}},
                    "comments": {"data": [], "summary": {"order": "ranked", "total_count": m["comments"], "can_comment": False}},
                    "like": {"data": [], "summary": {"total_count": m["likes"]}}, "love": {"data": [], "summary": {"total_count": m["love"]}},
                    "wow": {"data": [], "summary": {"total_count": m["wow"]}}, "haha": {"data": [], "summary": {"total_count": m["haha"]}},
                    "sad": {"data": [], "summary": {"total_count": 0}}, "angry": {"data": [], "summary": {"total_count": 0}},
                }  # fmt: skip
                if not p.get("mfa"):
                    post["full_picture"] = f"https://scontent.xx.fbcdn.net/v/t1.0-9/{p['id'].split('_')[1]}_n.jpg"
                if m["shares"]:
                    post["shares"] = {"count": m["shares"]}
                data.append(post)
            if refresh:  # the refresh run's walk: /posts down to the posts younger than 30 days
                since = int((captured - timedelta(days=REFRESH_DAYS)).timestamp())
                name = f"api/refresh/{captured:%Y%m%d%H}_posts.json"
                write_json(
                    folder / name,
                    {"data": data, "paging": {"cursors": {"before": f"QVFIU{c}b", "after": f"QVFIU{c}a"}}},
                    compact=True,
                )
                url = f"https://graph.facebook.com/v19.0/RusEmbDPRK/posts?fields={fields}&limit=100&since={since}&access_token=***"
                responses.append({"kind": "posts", "file": name, "url": url, "captured_at": iso(captured)})
                continue
            doc: dict = {"data": data, "paging": {"cursors": {"before": f"QVFIU{c}{n}b", "after": f"QVFIU{c}{n}a"}}}
            if n < len(pages) - 1:
                doc["paging"]["next"] = (
                    f"https://graph.facebook.com/v19.0/{FB_PAGE_ID}/posts?access_token=***&fields={fields}&limit=25&after=QVFIU{c}{n}a"
                )
            name = f"api/{captured:%Y%m%d}_posts_{n + 1}.json"
            write_json(folder / name, doc)
            responses.append(
                {
                    "kind": "posts",
                    "file": name,
                    "url": f"https://graph.facebook.com/v19.0/RusEmbDPRK/posts?fields={fields}&limit=25&access_token=***",
                    "captured_at": iso(captured),
                }
            )
    # DYI export: 15 posts, mojibake as Facebook writes it
    dyi = []
    for p in posts[-15:][::-1]:
        entry = {"timestamp": int(p["at"].timestamp()), "data": [{"post": mojibake(text_for("facebook", p))}, {"update_timestamp": int(p["at"].timestamp())}],
                 "title": mojibake("Посольство России в КНДР обновил(а) свой статус.")}  # fmt: skip
        if not p.get("mfa"):
            entry["attachments"] = [
                {
                    "data": [
                        {
                            "media": {
                                "uri": f"posts/media/Timeline_{p['id'][-6:]}.jpg",
                                "creation_timestamp": int(p["at"].timestamp()),
                                "title": "",
                            }
                        }
                    ]
                }
            ]
        dyi.append(entry)
    (folder / "export").mkdir(parents=True, exist_ok=True)
    (folder / "export" / "your_posts_1.json").write_text(json.dumps(dyi, ensure_ascii=True, indent=2), encoding="ascii")
    write_json(folder / "manifest.json", {
        "account": HANDLE, "responses": by_time(responses),
        "note": "Graph API responses recorded at three captures and by the scheduled metric-refresh runs (api/refresh/; "
                "token redacted). The DYI export is not replayed by "
                "extract (it has no post ids and would duplicate the Graph posts); land it with facebook.import_dyi.",
        "exports": [{"kind": "dyi_posts", "file": "export/your_posts_1.json", "captured_at": "2018-05-10T12:00:00Z"}],
    })  # fmt: skip
    return posts


# --- VK -------------------------------------------------------------------------------------------


def build_vk() -> None:
    folder = ROOT / "vk"
    posts = posts_for("vk", 33)
    for i, p in enumerate(posts):
        p["id"] = 12 + i * 3
    pinned = posts[6]  # an old post pinned to the top of the wall
    responses = []
    for c, captured in enumerate(CAPTURES + refresh_times(posts)):
        refresh = c >= len(CAPTURES)
        group = {"response": {"groups": [{
            "id": VK_GROUP_ID, "name": "Посольство России в КНДР", "screen_name": HANDLE, "is_closed": 0, "type": "page",
            "description": "Официальная страница Посольства Российской Федерации в Корейской Народно-Демократической Республике",
            "members_count": 640 + int((captured - CAPTURES[0]).days * 2.2),
            "photo_200": "https://sun9-1.userapi.com/c840000/v840000000/1/abc.jpg",
        }], "profiles": []}}  # fmt: skip
        name = f"api/{captured:%Y%m%d}_group.json"
        if not refresh:
            write_json(folder / name, group)
        responses += [] if refresh else [
            {
                "kind": "group",
                "file": name,
                "url": f"https://api.vk.com/method/groups.getById?group_id={HANDLE}&fields=members_count,description&access_token=***&v=5.199",
                "captured_at": iso(captured),
            }
        ]  # fmt: skip
        seen = young(posts, captured) if refresh else [p for p in posts if p["at"] < captured][::-1]
        if pinned in seen or (refresh and pinned["at"] < captured):  # pinned: first on every wall.get
            if pinned in seen:
                seen.remove(pinned)
            seen.insert(0, pinned)
        pages = [seen[i : i + 25] for i in range(0, len(seen), 25)] if not refresh else [seen] if seen else []
        for n, chunk in enumerate(pages):
            items = []
            for p in chunk:
                m = at_age(p["final"], p["at"], captured)
                item = {
                    "inner_type": "wall_wallpost", "can_edit": 0, "created_by": 0, "can_delete": 0, "can_pin": 0,
                    "donut": {"is_donut": False}, "comments": {"can_post": 1, "count": m["comments"], "groups_can_post": True},
                    "marked_as_ads": 0, "hash": f"h{p['id']:06d}", "type": "post", "attachments": [], "date": int(p["at"].timestamp()),
                    "from_id": -VK_GROUP_ID, "id": p["id"], "is_favorite": False,
                    "likes": {"can_like": 1, "count": m["likes"], "user_likes": 0, "can_publish": 1, "repost_disabled": False},
                    "owner_id": -VK_GROUP_ID, "post_source": {"type": "vk"}, "post_type": "post",
                    "reposts": {"count": m["shares"], "user_reposted": 0}, "text": text_for("vk", p),
                }  # fmt: skip
                if p is pinned:
                    item["is_pinned"] = 1
                if p.get("mfa"):
                    item["text"] = ""
                    item["copy_history"] = [{"id": 5000 + p["id"], "owner_id": -33278, "from_id": -33278, "date": int(p["at"].timestamp()) - 3600,
                                             "post_type": "post", "text": f"{p['ru']} [club{VK_GROUP_ID}|Посольство России в КНДР]"}]  # fmt: skip
                else:
                    item["attachments"] = [{"type": "photo", "photo": {"album_id": -7, "date": int(p["at"].timestamp()), "id": 456239000 + p["id"], "owner_id": -VK_GROUP_ID,
                                            "sizes": [{"height": 130, "width": 97, "type": "m", "url": f"https://sun9-7.userapi.com/{p['id']}/m.jpg"},
                                                      {"height": 1280, "width": 960, "type": "w", "url": f"https://sun9-7.userapi.com/{p['id']}/w.jpg"}]}}]  # fmt: skip
                if p["at"] >= datetime(2018, 1, 1, tzinfo=UTC) and p["id"] % 2 == 0:
                    item["views"] = {"count": m["views"]}  # views missing on most older items, as observed
                items.append(item)
            if refresh:  # the refresh run's walk: pinned post first, then the posts younger than 30 days
                name = f"api/refresh/{captured:%Y%m%d%H}_wall.json"
                total = sum(p["at"] < captured for p in posts)
                write_json(folder / name, {"response": {"count": total, "items": items}}, compact=True)
                url = f"https://api.vk.com/method/wall.get?domain={HANDLE}&offset=0&count={len(items)}&access_token=***&v=5.199"
                responses.append({"kind": "wall", "file": name, "url": url, "captured_at": iso(captured)})
                continue
            write = {"response": {"count": len(seen), "items": items}}
            name = f"api/{captured:%Y%m%d}_wall_{n + 1}.json"
            write_json(folder / name, write)
            responses.append(
                {
                    "kind": "wall",
                    "file": name,
                    "url": f"https://api.vk.com/method/wall.get?domain={HANDLE}&offset={n * 25}&count=25&access_token=***&v=5.199",
                    "captured_at": iso(captured),
                }
            )
    manifest(
        folder,
        by_time(responses),
        "VK API responses recorded at three captures and by the scheduled metric-refresh runs (api/refresh/; token "
        "redacted); the pinned post comes first",
    )


# --- CrowdTangle ------------------------------------------------------------------------------------

CT_COLUMNS = [
    "Page Name", "User Name", "Facebook Id", "Page Category", "Page Admin Top Country", "Page Description", "Page Created",
    "Likes at Posting", "Followers at Posting", "Post Created", "Post Created Date", "Post Created Time", "Type",
    "Total Interactions", "Likes", "Comments", "Shares", "Love", "Wow", "Haha", "Sad", "Angry", "Care",
    "Video Share Status", "Is Video Owner?", "Post Views", "Total Views", "Total Views For All Crossposts", "Video Length",
    "URL", "Message", "Link", "Final Link", "Image Text", "Link Text", "Description", "Sponsor Id", "Sponsor Name",
    "Sponsor Category", "Overperforming Score (weighted  —  Likes 1x Shares 1x Comments 1x Love 1x Wow 1x Haha 1x Sad 1x Angry 1x Care 1x )",
]  # fmt: skip


def build_crowdtangle(fb_posts: list[dict]) -> None:
    folder = ROOT / "crowdtangle"
    folder.mkdir(parents=True, exist_ok=True)
    exported = datetime(2018, 5, 9, 14, 0, 0, tzinfo=UTC)
    edt = timedelta(hours=-4)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CT_COLUMNS)
    for i, p in enumerate(fb_posts[-30:][::-1]):
        m = at_capture(p["final"], p["at"], exported)
        local = p["at"] + (edt if p["at"] >= datetime(2018, 3, 11, 7, tzinfo=UTC) else timedelta(hours=-5))
        zone = "EDT" if p["at"] >= datetime(2018, 3, 11, 7, tzinfo=UTC) else "EST"
        followers = 2100 + int((p["at"] - CAPTURES[0]).days * 9.5)
        total = m["likes"] + m["comments"] + m["shares"] + m["love"] + m["wow"] + m["haha"]
        link = (
            ""
            if p.get("mfa")
            else f"https://www.facebook.com/RusEmbDPRK/photos/a.1547784/{p['id'].split('_')[1]}/?type=3"
        )
        w.writerow([
            "Посольство России в КНДР / Russian Embassy in DPRK", "RusEmbDPRK", FB_PAGE_ID, "EMBASSY", "KP",
            "Official page of the Russian Embassy in the DPRK", "2017-08-29 04:12:41",
            followers - 40, followers, f"{local:%Y-%m-%d %H:%M:%S} {zone}", f"{local:%Y-%m-%d}", f"{local:%H:%M:%S}",
            "Link" if p.get("mfa") else "Photo", f"{total:,}", m["likes"], m["comments"], m["shares"], m["love"], m["wow"],
            m["haha"], 0, 0, 0, "", "-", 0, 0, 0, "", f"https://www.facebook.com/RusEmbDPRK/posts/{p['id'].split('_')[1]}",
            text_for("facebook", p), link, link, "", "", "", "", "", "", f"{1 + (i % 5) * 0.37:.2f}",
        ])  # fmt: skip
    name = f"{exported - timedelta(hours=4):%Y-%m-%d-%H-%M-%S}-EDT-search-csv-export.csv"
    (folder / name).write_text(buf.getvalue(), encoding="utf-8")
    manifest(folder, [{"kind": "csv", "file": name, "url": f"file:///exports/{name}", "captured_at": iso(exported)}],
             "A CrowdTangle historical-data CSV export of the Facebook page (time in the file name, EDT)")  # fmt: skip


# --- generic import ---------------------------------------------------------------------------------


def build_import() -> None:
    events = load_events()
    rows = []
    for i, e in enumerate(events[:30]):
        platform = ["telegram", "x", "facebook", "vk"][i % 4]
        bilingual = platform != "vk"
        rows.append({
            "platform": platform, "account": HANDLE, "native_id": f"eval-{i + 1:03d}", "published_at": e["d"],
            "text": f"{e['ru']}\n\n{e['en']}" if bilingual else e["ru"], "url": "", "mission_id": "ru_emb_dprk",
            "lang_hint": "", "likes": "", "shares": "", "comments": "", "views": "", "observed_at": "",
            "label_theme": e["theme"], "label_people_centred": "true" if e["theme"] in PEOPLE else "false",
            "label_bilingual": "true" if bilingual else "false",
        })  # fmt: skip
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    (HERE / "labelled_posts.csv").write_text(buf.getvalue(), encoding="utf-8")
    news = [
        (
            "https://tass.com/politics/966532?utm_source=rss",
            "North Korean diplomat Choe Son Hui holds consultations in Russian Foreign Ministry",
            "2017-09-15T10:20:00Z",
            "Choe Son Hui",
        ),
        (
            "https://tass.com/politics/968177",
            "Russia, North Korea discuss situation on Korean Peninsula",
            "2017-09-29T08:05:00Z",
            "",
        ),
        (
            "https://tass.com/politics/971032",
            "North Korean delegation arrives for Moscow Non-Proliferation Conference",
            "2017-10-19T12:40:00Z",
            "",
        ),
        (
            "https://www.rt.com/news/406927-north-korea-moscow-conference/",
            "N. Korea at Moscow conference: nuclear program not up for negotiation",
            "2017-10-20T15:10:00Z",
            "",
        ),
        ("https://tass.com/society/974003", "Pyongyang hosts Russian photo exhibition", "2017-10-30T09:30:00Z", ""),
        (
            "https://tass.com/politics/974480",
            "Pyongyang official attends October Revolution centenary events in Russia",
            "2017-11-04T07:00:00Z",
            "",
        ),
        (
            "https://www.nknews.org/2017/11/russian-embassy-in-pyongyang-marks-revolution-centenary/",
            "Russian Embassy in Pyongyang marks revolution centenary",
            "2017-11-08T02:15:00Z",
            "NK News staff",
        ),
        (
            "https://tass.com/politics/983310",
            "Russian Ambassador to DPRK Matsegora sums up the year",
            "2017-12-29T11:45:00Z",
            "",
        ),
        (
            "https://tass.com/sport/1000107",
            "Foreign runners take part in Pyongyang marathon",
            "2018-04-08T09:00:00Z",
            "",
        ),
        (
            "https://tass.com/politics/998845",
            "Lavrov meets North Korean Foreign Minister Ri Yong Ho in Moscow",
            "2018-04-10T13:30:00Z",
            "Ivan Ivanov; Anna Petrova",
        ),
    ]
    lines = [json.dumps({"url": u, "title": t, "published_at": d, "source_name": "TASS" if "tass" in u else None,
                         "language": "en", "feed_or_query": "sample", "authors": a or None, "summary": t}, ensure_ascii=False)
             for u, t, d, a in news]  # fmt: skip
    (HERE / "news_items.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    manifest(HERE, [
        {"kind": "posts", "file": "labelled_posts.csv", "url": "file:///import/labelled_posts.csv", "captured_at": "2018-05-10T12:00:00Z"},
        {"kind": "news", "file": "news_items.jsonl", "url": "file:///import/news_items.jsonl", "captured_at": "2018-05-10T12:00:00Z"},
    ], "Generic import samples: a labelled evaluation set of posts (CSV) and news items (JSONL)")  # fmt: skip


def main() -> None:
    build_x()
    fb = build_facebook()
    build_vk()
    build_crowdtangle(fb)
    build_import()


if __name__ == "__main__":
    main()
