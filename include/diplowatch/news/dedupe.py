"""Group syndicated copies: one story under several URLs (agency → mirrors → aggregators).

Two items belong to one story when they were published within ``window`` of
each other and their normalised titles (outlet tags like "- Reuters UK"
removed) are near-identical: rapidfuzz ``token_sort_ratio`` ≥ ``threshold``,
or one title contains the other (``token_set_ratio`` ≥ 95) and the shorter has
at least ``min_subset_tokens`` words, so that a short generic headline
("Russian State Duma Delegation Arrives") is not merged into a longer one
about the same event by another outlet: that is event clustering, not
syndication. Groups are closed transitively (union-find), and a
story is named by the earliest item's uid, so the id is stable as long as that
item is present. Exact duplicates (same ``item_uid``) are one item already.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from rapidfuzz import fuzz

from diplowatch.news.canonical import normalise_title

_NOISE = re.compile(r"[^\w\s]+", re.UNICODE)
# Outlet tags agencies append or prepend: "- TASS", "| KCNA Watch", "(Yonhap)", "РИА Новости".
_OUTLET_TAG = re.compile(r"\s*(?:[-|–—]\s*[^-|–—]{2,30}$|\((?:tass|yonhap|kcna|ria|interfax|update \d+)\)$)", re.I)


def title_key(title: str | None) -> str:
    """Lower-case title without punctuation, outlet tags or extra spaces, for similarity."""
    text = normalise_title(title) or ""
    text = _OUTLET_TAG.sub("", text)
    return " ".join(_NOISE.sub(" ", text.lower()).split())


def _find(parent: dict[str, str], x: str) -> str:
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def similar_titles(a: str, b: str, *, threshold: float = 90.0, min_subset_tokens: int = 8) -> bool:
    """Near-identical title keys (see the module docstring)."""
    if fuzz.token_sort_ratio(a, b) >= threshold:
        return True
    shorter = min(len(a.split()), len(b.split()))
    return shorter >= min_subset_tokens and fuzz.token_set_ratio(a, b) >= 95.0


def group_syndicated(
    items: Iterable[Mapping[str, Any]],
    *,
    threshold: float = 90.0,
    window: timedelta = timedelta(days=1),
    min_title_chars: int = 25,
) -> dict[str, str]:
    """Map each ``item_uid`` to a ``story_id`` (the uid of the story's earliest item).

    ``items`` need ``item_uid``, ``title`` and ``published_at`` (aware datetime).
    Titles shorter than ``min_title_chars`` (after normalisation) are never
    merged: "Press release" or "Statement" says nothing about the story.
    """
    rows: list[tuple[datetime, str, str]] = []
    seen: set[str] = set()
    for item in items:
        uid = item["item_uid"]
        if uid in seen:
            continue
        seen.add(uid)
        rows.append((item["published_at"], uid, title_key(item.get("title"))))
    rows.sort()
    parent = {uid: uid for _, uid, _ in rows}
    rank = {uid: n for n, (_, uid, _) in enumerate(rows)}
    for i, (t_i, uid_i, key_i) in enumerate(rows):
        if len(key_i) < min_title_chars:
            continue
        for t_j, uid_j, key_j in rows[i + 1 :]:
            if t_j - t_i > window:
                break
            if len(key_j) < min_title_chars:
                continue
            if similar_titles(key_i, key_j, threshold=threshold):
                a, b = _find(parent, uid_i), _find(parent, uid_j)
                if a != b:
                    # the earliest item stays the root, so the story id is its first appearance
                    first, later = (a, b) if rank[a] < rank[b] else (b, a)
                    parent[later] = first
    return {uid: _find(parent, uid) for _, uid, _ in rows}
