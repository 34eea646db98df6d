"""Rebuild the news sample (feeds/*.xml, gdelt/*.json, manifest.json) from stories.py.

Run: ``.venv/bin/python sample_data/news/build.py``. Deterministic: the same
stories give the same bytes. Feeds are captured as monthly snapshots (a feed
holds only its last items), each repeating the last two items of the month
before, as a poller would see them; GDELT responses are one per query and
month, as ``mode=ArtList&format=json`` returns them, ``{}`` when nothing matched.
"""

from __future__ import annotations

import json
import sys
import uuid
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlencode
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import stories  # noqa: E402

GDELT_URL = "https://api.gdeltproject.org/api/v2/doc/doc"
QUERIES = {
    "russian_embassy_pyongyang": '"Russian Embassy" (Pyongyang OR DPRK OR "North Korea")',
    "matsegora": "Matsegora",
}
MONTHS = [(2017, m) for m in range(9, 13)] + [(2018, m) for m in range(1, 5)]


def _dt(value: str) -> datetime:
    if "T" in value:
        return datetime.fromisoformat(value)
    return datetime.strptime(value, "%Y-%m-%d %H:%M %z")


def _month_end(year: int, month: int) -> datetime:
    nxt = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=UTC)
    return nxt - timedelta(seconds=1)


def _snapshots(items: list[tuple], overlap: int = 2) -> list[tuple[datetime, list[tuple]]]:
    """(captured_at, items newest first) per month: that month's items plus the last ``overlap`` before."""
    items = sorted(items, key=lambda it: _dt(it[0]))
    out = []
    for year, month in MONTHS:
        end = _month_end(year, month)
        start = datetime(year, month, 1, tzinfo=UTC)
        inside = [it for it in items if start <= _dt(it[0]) <= end]
        if not inside:
            continue
        before = [it for it in items if _dt(it[0]) < start][-overlap:]
        captured = end - timedelta(hours=2, minutes=59, seconds=59)  # the last poll of the month, 21:00 UTC
        out.append((captured, list(reversed(before + inside))))
    return out


def _rss(channel: dict[str, str], items: list[str], extra_ns: str = "") -> str:
    head = "".join(f"    <{k}>{escape(v)}</{k}>\n" for k, v in channel.items())
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<rss version="2.0"{extra_ns}>\n  <channel>\n{head}' + "".join(items) + "  </channel>\n</rss>\n"
    )


def tass_item(it: tuple, last: datetime) -> str:
    published, path, title, summary = it
    link = f"https://tass.com/{path}"
    return (
        "    <item>\n"
        f"      <title>{escape(title)}</title>\n"
        f"      <link>{link}?utm_source=tass.com&amp;utm_medium=rss</link>\n"
        f'      <guid isPermaLink="true">{link}</guid>\n'
        f"      <pubDate>{format_datetime(_dt(published))}</pubDate>\n"
        f"      <description>{escape(summary)}</description>\n"
        f"      <category>{path.split('/')[0].title()}</category>\n"
        f'      <enclosure url="https://cdn-media.tass.ru/width/1020_b9261fa1/tass/m2/en/uploads/i/{path.split("/")[1]}.jpg"'
        ' length="0" type="image/jpeg"/>\n'
        "    </item>\n"
    )


def ria_item(it: tuple, last: datetime) -> str:
    published, path, title, summary = it
    link = f"https://ria.ru/{path}.html"
    return (
        "    <item>\n"
        f"      <title><![CDATA[{title}]]></title>\n"
        f"      <link>{link}?utm_source=rss&amp;utm_medium=ria</link>\n"
        f"      <guid>{link}</guid>\n"
        f"      <pubDate>{format_datetime(_dt(published))}</pubDate>\n"
        f"      <description><![CDATA[<p>{summary}</p>]]></description>\n"
        "      <category>Политика</category>\n"
        "    </item>\n"
    )


def _slug(title: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in title.lower()).split())


def kcna_item(it: tuple, last: datetime) -> str:
    published, slug, title, html = it
    link = f"https://kcnawatch.org/newstream/{slug}/{_slug(title)}/"
    return (
        "    <item>\n"
        f"      <title><![CDATA[\n        {title}\n      ]]></title>\n"
        f"      <link>{link}</link>\n"
        f"      <dc:creator><![CDATA[KCNA]]></dc:creator>\n"
        f"      <pubDate>{format_datetime(_dt(published).astimezone(UTC))}</pubDate>\n"
        f'      <guid isPermaLink="false">https://kcnawatch.org/?p={slug.split("-")[1]}</guid>\n'
        f"      <description><![CDATA[{html}]]></description>\n"
        "    </item>\n"
    )


def mfa_item(it: tuple, last: datetime) -> str:
    published, ident, title, summary = it
    link = (
        "https://www.mid.ru/en/foreign_policy/news/-/asset_publisher/cKNonkJE02Bw/content/id/"
        f"{ident}?p_p_id=101_INSTANCE_cKNonkJE02Bw&_101_INSTANCE_cKNonkJE02Bw_languageId=en_GB"
    )
    return (
        "    <item>\n"
        f"      <title>{escape(title)}</title>\n"
        f"      <link>{escape(link)}</link>\n"
        f"      <guid>{ident}</guid>\n"
        f"      <pubDate>{format_datetime(_dt(published).astimezone(UTC), usegmt=True)}</pubDate>\n"
        f"      <description>{escape(summary)}</description>\n"
        "    </item>\n"
    )


def atom(entries: list[tuple], updated: datetime) -> str:
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-US">\n'
        '  <title type="text">North Korean Economy Watch</title>\n'
        '  <subtitle type="text">Research and resources on the DPRK economy</subtitle>\n'
        f"  <updated>{updated.isoformat().replace('+00:00', 'Z')}</updated>\n"
        '  <link rel="alternate" type="text/html" href="https://www.nkeconwatch.com"/>\n'
        "  <id>https://www.nkeconwatch.com/feed/atom/</id>\n"
        '  <link rel="self" type="application/atom+xml" href="https://www.nkeconwatch.com/feed/atom/"/>\n'
    ]
    for published, path, title, html, author in entries:
        link = f"https://www.nkeconwatch.com/{path}/"
        parts.append(
            "  <entry>\n"
            f"    <author><name>{escape(author)}</name></author>\n"
            f'    <title type="html"><![CDATA[{title}]]></title>\n'
            f'    <link rel="alternate" type="text/html" href="{link}"/>\n'
            f"    <id>urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, link)}</id>\n"
            f"    <updated>{published}</updated>\n"
            f"    <published>{published}</published>\n"
            f'    <summary type="html"><![CDATA[{html}]]></summary>\n'
            "  </entry>\n"
        )
    parts.append("</feed>\n")
    return "".join(parts)


FEEDS = [
    (
        "tass",
        "https://tass.com/rss/v2.xml",
        stories.TASS,
        tass_item,
        {"title": "TASS", "link": "https://tass.com", "description": "TASS English", "language": "en"},
        "",
    ),
    (
        "ria",
        "https://ria.ru/export/rss2/archive/index.xml",
        stories.RIA,
        ria_item,
        {"title": "РИА Новости", "link": "https://ria.ru/", "description": "РИА Новости", "language": "ru"},
        "",
    ),
    (
        "kcnawatch",
        "https://kcnawatch.org/feed/",
        stories.KCNA,
        kcna_item,
        {
            "title": "KCNA Watch",
            "link": "https://kcnawatch.org",
            "description": "North Korean state media",
            "language": "en-US",
        },
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"',
    ),
    (
        "mid",
        "https://mid.ru/en/rss.xml",
        stories.MFA,
        mfa_item,
        {
            "title": "The Ministry of Foreign Affairs of the Russian Federation",
            "link": "https://www.mid.ru/en/",
            "description": "News",
            "language": "en",
        },
        "",
    ),
]


def build() -> dict:
    manifest: dict[str, list] = {"feeds": [], "gdelt": []}
    (HERE / "feeds").mkdir(exist_ok=True)
    (HERE / "gdelt").mkdir(exist_ok=True)
    for name, url, items, render, channel, ns in FEEDS:
        for captured, snap in _snapshots(items):
            body = _rss(
                {**channel, "lastBuildDate": format_datetime(captured)}, [render(it, captured) for it in snap], ns
            )
            file = f"feeds/{name}_{captured:%Y-%m}.xml"
            (HERE / file).write_text(body, encoding="utf-8")
            manifest["feeds"].append(
                {
                    "url": url,
                    "file": file,
                    "captured_at": captured.isoformat().replace("+00:00", "Z"),
                    "content_type": "application/rss+xml; charset=utf-8",
                }
            )
    for captured, snap in _snapshots(stories.NKEW):
        file = f"feeds/nkeconwatch_{captured:%Y-%m}.xml"
        (HERE / file).write_text(atom(snap, captured), encoding="utf-8")
        manifest["feeds"].append(
            {
                "url": "https://www.nkeconwatch.com/feed/atom/",
                "file": file,
                "captured_at": captured.isoformat().replace("+00:00", "Z"),
                "content_type": "application/atom+xml; charset=UTF-8",
            }
        )
    for qname, query in QUERIES.items():
        for year, month in MONTHS:
            start, end = datetime(year, month, 1, tzinfo=UTC), _month_end(year, month)
            rows = sorted(
                (g for g in stories.GDELT if g[0] == qname and start <= _seen(g[1]) <= end), key=lambda g: g[1]
            )
            params = {
                "query": query,
                "mode": "ArtList",
                "format": "json",
                "maxrecords": "250",
                "sort": "DateAsc",
                "startdatetime": f"{start:%Y%m%d%H%M%S}",
                "enddatetime": f"{end:%Y%m%d%H%M%S}",
            }
            doc = {"articles": [_article(g) for g in rows]} if rows else {}
            file = f"gdelt/{qname}_{year}-{month:02d}.json"
            (HERE / file).write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            captured = end + timedelta(minutes=20)
            manifest["gdelt"].append(
                {
                    "query": qname,
                    "url": f"{GDELT_URL}?{urlencode(params)}",
                    "file": file,
                    "captured_at": captured.isoformat().replace("+00:00", "Z"),
                    "content_type": "application/json; charset=utf-8",
                }
            )
    (HERE / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return manifest


def _seen(value: str) -> datetime:
    return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def _article(g: tuple) -> dict[str, str]:
    _q, seen, url, mobile, title, domain, language, country = g
    return {
        "url": url,
        "url_mobile": mobile,
        "title": title,
        "seendate": seen,
        "socialimage": "",
        "domain": domain,
        "language": language,
        "sourcecountry": country,
    }


if __name__ == "__main__":
    m = build()
    print(f"{len(m['feeds'])} feed snapshots, {len(m['gdelt'])} GDELT responses")
