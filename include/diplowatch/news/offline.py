"""Offline replay of bundled news responses (``sample_data/news/manifest.json``).

The manifest lists recorded responses with the URL they came from and when
they were captured::

    {"feeds": [{"url": ..., "file": "feeds/tass_2017-10.xml", "captured_at": "2017-10-31T21:00:00Z",
                "content_type": "application/rss+xml; charset=utf-8"}],
     "gdelt": [{"query": "matsegora", "url": ..., "file": "gdelt/matsegora_1.json",
                "captured_at": ..., "content_type": "application/json; charset=utf-8"}]}

Replayed pages carry the recorded capture time, never now(), so two demo runs
produce identical rows.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from diplowatch.raw import RawPage

MANIFEST = "manifest.json"


def manifest_dir(sample_dir: Path) -> Path:
    """The folder holding the news manifest: ``<sample_dir>/news`` or ``<sample_dir>`` itself."""
    for candidate in (sample_dir / "news", sample_dir):
        if (candidate / MANIFEST).exists():
            return candidate
    raise FileNotFoundError(f"no {MANIFEST} in {sample_dir} or {sample_dir / 'news'}")


def load_manifest(sample_dir: Path) -> tuple[Path, dict[str, list[dict[str, Any]]]]:
    folder = manifest_dir(sample_dir)
    return folder, json.loads((folder / MANIFEST).read_text(encoding="utf-8"))


def parse_ts(value: str) -> datetime:
    """ISO 8601 with a ``Z`` or offset; naive values are refused."""
    ts = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if ts.tzinfo is None:
        raise ValueError(f"captured_at {value!r} has no time zone")
    return ts


def recorded_page(folder: Path, entry: dict[str, Any]) -> RawPage:
    """The recorded response of one manifest entry, as a RawPage with its capture time."""
    headers = {"Content-Type": entry["content_type"]} if entry.get("content_type") else {}
    return RawPage(
        url=entry["url"],
        body=(folder / entry["file"]).read_bytes(),
        status=int(entry.get("status", 200)),
        headers=headers,
        fetched_at=parse_ts(entry["captured_at"]),
    )
