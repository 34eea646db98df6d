"""CrowdTangle historical CSV exports (Facebook and Instagram), as researchers kept them after 2024.

One row a post. Facebook exports have ``Page Name, User Name, Facebook Id, Page Category,
Page Admin Top Country, Page Description, Page Created, Likes at Posting, Followers at Posting,
Post Created, Post Created Date, Post Created Time, Type, Total Interactions, Likes, Comments,
Shares, Love, Wow, Haha, Sad, Angry, Care, Video Share Status, Is Video Owner?, Post Views,
Total Views, Total Views For All Crossposts, Video Length, URL, Message, Link, Final Link,
Image Text, Link Text, Description, Sponsor Id, Sponsor Name, Sponsor Category,
Overperforming Score (…)``; Instagram exports have ``Account, User Name, Followers at Posting,
Post Created, …, Type, Total Interactions, Likes, Comments, Views, URL, Link, Photo, Title,
Description, Image Text, Sponsor Id, Sponsor Name, Overperforming Score``.

Each row gives a post, one ``post_metrics`` snapshot (observed at the export's time: the time in
CrowdTangle's file name ``2021-01-07-15-34-05-EST-search-csv-export.csv``, else the manifest's
``captured_at``, else the file's mtime) and one ``account_metrics`` row (followers at posting,
observed at the post's time). ``Post Created`` is ``2021-01-05 19:00:11 EST``: the time zone is
the dashboard's, as an abbreviation. A Facebook post's ``native_id`` is ``<page id>_<post id>``
like the Graph API's, so both land under the same ``post_uid``.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from diplowatch.landing import Batch, account_uid, post_uid
from diplowatch.raw import RawPage
from diplowatch.sources.base import RunContext
from diplowatch.sources.ratelimits import Parsed, ParseError, read_manifest, to_int

log = logging.getLogger(__name__)

REACTION_COLUMNS = {"Likes": "like", "Love": "love", "Wow": "wow", "Haha": "haha", "Sad": "sad", "Angry": "angry"}
REACTION_COLUMNS["Care"] = "care"
TZ_ABBREV: dict[str, int] = {
    "UTC": 0, "GMT": 0, "WET": 0, "BST": 60, "CET": 60, "CEST": 120, "EET": 120, "EEST": 180, "MSK": 180,
    "IST": 330, "ICT": 420, "CST": -360, "CDT": -300, "EST": -300, "EDT": -240, "MST": -420, "MDT": -360,
    "PST": -480, "PDT": -420, "AKST": -540, "AKDT": -480, "HST": -600, "KST": 540, "JST": 540,
    "AEST": 600, "AEDT": 660, "NZST": 720, "NZDT": 780, "SGT": 480, "HKT": 480,
}  # fmt: skip
"""Minutes east of UTC of the abbreviations CrowdTangle writes (``CST`` is read as US Central)."""
_FILE_TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-([A-Z]{2,5})")
_FB_POST = re.compile(r"facebook\.com/(?:[^/]+)/(?:posts|videos|photos(?:/[^/]+)?)/(\d+)")
_IG_POST = re.compile(r"instagram\.com/(?:p|reel|tv)/([A-Za-z0-9_-]+)")
REQUIRED = ("Post Created", "URL")


def parse_ct_time(value: str) -> datetime:
    """``2017-09-12 08:30:00 EDT`` (or with a ``+0900``/``UTC`` suffix) -> aware UTC datetime."""
    value = value.strip()
    stamp, _, zone = value.rpartition(" ")
    if not stamp or re.fullmatch(r"\d{2}:\d{2}(:\d{2})?", zone):
        raise ValueError(f"'Post Created' {value!r} has no time zone")
    if re.fullmatch(r"[+-]\d{4}", zone):
        tz = datetime.strptime(zone, "%z").tzinfo
    elif zone.upper() in TZ_ABBREV:
        tz = timezone(timedelta(minutes=TZ_ABBREV[zone.upper()]))
    else:
        raise ValueError(f"unknown time zone {zone!r} in {value!r}")
    fmt = "%Y-%m-%d %H:%M:%S" if stamp.count(":") == 2 else "%Y-%m-%d %H:%M"
    return datetime.strptime(stamp, fmt).replace(tzinfo=tz).astimezone(UTC)


def export_time_from_name(name: str) -> datetime | None:
    """The export time in a CrowdTangle file name (``2024-01-14-09-15-26-NZDT-search-csv-export.csv``)."""
    m = _FILE_TIME.search(name)
    if not m or m.group(7) not in TZ_ABBREV:
        return None
    y, mo, d, h, mi, s = (int(g) for g in m.groups()[:6])
    return datetime(y, mo, d, h, mi, s, tzinfo=timezone(timedelta(minutes=TZ_ABBREV[m.group(7)]))).astimezone(UTC)


def _native_id(row: dict[str, str], platform: str) -> str:
    url = (row.get("URL") or "").strip()
    if platform == "instagram":
        m = _IG_POST.search(url)
        if not m:
            raise ValueError(f"URL {url!r} is not an Instagram post URL")
        return m.group(1)
    m = _FB_POST.search(url)
    page_id = (row.get("Facebook Id") or "").strip()
    if m and page_id:
        return f"{page_id}_{m.group(1)}"
    if m:
        return m.group(1)
    raise ValueError(f"URL {url!r} is not a Facebook post URL")


def _text(row: dict[str, str], platform: str) -> str | None:
    keys = ("Message",) if platform == "facebook" else ("Description", "Title")
    for k in keys:
        if (row.get(k) or "").strip():
            return row[k].strip()
    return None


def parse_csv(body: bytes, observed_at: datetime, mission_id: str | None = None) -> Parsed:
    """Posts, metric snapshots, accounts and follower snapshots from one CrowdTangle CSV export."""
    text = body.decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = set(reader.fieldnames or [])
    missing = [c for c in REQUIRED if c not in columns]
    if missing or not ({"User Name", "Facebook Id", "Account", "Page Name"} & columns):
        raise ParseError(
            f"CrowdTangle CSV: missing column(s) {missing or ['User Name/Page Name']}; got {sorted(columns)[:12]}"
        )
    platform = "facebook" if ("Facebook Id" in columns or "Page Name" in columns) else "instagram"
    out = Parsed()
    accounts: dict[str, dict[str, Any]] = {}
    for n, row in enumerate(reader, start=2):
        try:
            _row_records(row, platform, mission_id, observed_at, out, accounts)
        except (KeyError, TypeError, ValueError) as exc:
            out.reject("posts", f"CrowdTangle CSV line {n}: {exc}", dict(row))
    for rec in accounts.values():
        out.add("accounts", rec)
    return out


def _row_records(
    row: dict[str, str],
    platform: str,
    mission_id: str | None,
    observed: datetime,
    out: Parsed,
    accounts: dict[str, dict[str, Any]],
) -> None:
    handle = (row.get("User Name") or row.get("Facebook Id") or "").strip()
    if not handle:
        raise ValueError("no 'User Name' nor 'Facebook Id'")
    account = handle.lower()
    auid = account_uid(platform, account)
    native = _native_id(row, platform)
    published = parse_ct_time(row["Post Created"])
    uid = post_uid(platform, account, native)
    accounts[auid] = {
        "account_uid": auid,
        "platform": platform,
        "mission_id": mission_id,
        "handle": handle,
        "native_id": (row.get("Facebook Id") or "").strip() or None,
        "display_name": (row.get("Page Name") or row.get("Account") or "").strip() or None,
        "description": (row.get("Page Description") or "").strip() or None,
        "url": f"https://www.{platform}.com/{handle}",
        "source_format": "export",
    }
    link = (row.get("Final Link") or row.get("Link") or "").strip()
    out.add(
        "posts",
        {
            "post_uid": uid,
            "platform": platform,
            "account_uid": auid,
            "native_id": native,
            "mission_id": mission_id,
            "published_at": published,
            "text": _text(row, platform),
            "text_raw": (row.get("Image Text") or "").strip() or None,
            "url": row["URL"].strip(),
            "media": [{"type": (row.get("Type") or "link").lower(), "url": link}] if link else None,
            "source_format": "export",
        },
    )
    reactions = {kind: v for col, kind in REACTION_COLUMNS.items() if (v := to_int(row.get(col))) is not None}
    views = to_int(row.get("Post Views")) if platform == "facebook" else to_int(row.get("Views"))
    out.add(
        "post_metrics",
        {
            "post_uid": uid,
            "platform": platform,
            "account_uid": auid,
            "observed_at": observed,
            "likes": to_int(row.get("Likes")),
            "reactions_total": sum(reactions.values()) if platform == "facebook" and reactions else None,
            "reactions": reactions if platform == "facebook" and reactions else None,
            "shares": to_int(row.get("Shares")),
            "comments": to_int(row.get("Comments")),
            "views": views or None,  # CT writes 0 for posts that are not videos: unknown, not zero views
            "views_raw": (row.get("Post Views") or row.get("Views") or "").strip() or None,
            "source_format": "export",
        },
    )
    followers_raw = (row.get("Followers at Posting") or "").strip()
    fans_raw = (row.get("Likes at Posting") or "").strip()
    followers = to_int(followers_raw) if followers_raw else to_int(fans_raw)
    if followers is not None:
        out.add(
            "account_metrics",
            {
                "account_uid": auid,
                "platform": platform,
                "observed_at": published,
                "followers": followers,
                "followers_raw": followers_raw or f"Likes at Posting={fans_raw}",
                "source_format": "export",
            },
        )


def import_file(
    path: Path, ctx: RunContext, *, mission_id: str | None = None, observed_at: datetime | None = None
) -> Batch:
    """Land one CrowdTangle CSV export; the snapshot time is ``observed_at``, the file name's time or its mtime."""
    when = observed_at or export_time_from_name(path.name) or datetime.fromtimestamp(path.stat().st_mtime, UTC)
    if observed_at is None and export_time_from_name(path.name) is None:
        log.info("%s: no export time in the file name, using its mtime %s", path.name, when.isoformat())
    page = ctx.raw.write(RawPage(url=path.resolve().as_uri(), body=path.read_bytes(), fetched_at=when))
    return parse_csv(page.body, when, mission_id).into(ctx.new_batch(), page.raw_ref)


def import_sample(ctx: RunContext, *, mission_id: str | None = None) -> Batch:
    """Land every CSV listed in ``ctx.sample_dir/manifest.json`` (offline demo), observed at its ``captured_at``."""
    if ctx.sample_dir is None:
        raise ParseError("crowdtangle.import_sample: ctx.sample_dir is not set")
    batch = ctx.new_batch()
    for rec in read_manifest(ctx.sample_dir):
        batch.extend(import_file(rec.path, ctx, mission_id=mission_id, observed_at=rec.captured_at))
    return batch
