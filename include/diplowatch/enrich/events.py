"""Posts and news items about the same happening, clustered into events.

Two texts join one event when they share an event type (from their themes,
``themes.csv`` column ``event_type``; a text can have several), share an *event key*
entity (a person, place or organisation with ``event_key`` true in ``entities.csv``)
and the later one falls within :data:`WINDOW` of the last text of that (type, entity)
thread and within :data:`MAX_SPAN` of its first. An event never spans more than
:data:`MAX_SPAN` from its first to its last text: a link that would stretch the merged
event beyond it is not made (the thread starts afresh), so threads of different entities
cannot chain texts into one event across weeks. Texts without any key entity link
only with each other, by event type, within :data:`NO_ENTITY_WINDOW` (greetings for a
holiday posted on several platforms). Links are transitive (union-find). A text
without an event type belongs to no event.

Cost: one sort and one pass, O(n log n), with a dict of open threads.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

WINDOW = timedelta(days=3)
MAX_SPAN = timedelta(days=7)
NO_ENTITY_WINDOW = timedelta(days=1)
TITLE_MAX = 110

EVENT_TYPE_LABELS = {
    "diplomatic": "Diplomatic meeting",
    "visit": "Visit",
    "reception": "Reception",
    "conference": "Conference",
    "cultural": "Cultural event",
    "sport": "Sports event",
    "commemoration": "Commemoration",
    "holiday": "Holiday",
    "trade": "Trade event",
    "education": "Education event",
    "humanitarian": "Humanitarian action",
    "security": "Security development",
    "statement": "Statement",
}


class EventInput(NamedTuple):
    """What clustering needs of one text (a named tuple: hundreds of thousands are built per run)."""

    text_uid: str
    kind: str
    published_at: datetime
    event_type: str | None
    entity_ids: Sequence[str] = ()
    title: str | None = None
    body_text: str | None = None
    event_types: Sequence[str] = ()


@dataclass
class EventItem:
    """One text's membership of an event, with the event's attributes."""

    event_id: str
    text_uid: str
    kind: str
    event_type: str
    title: str
    started_at: datetime
    ended_at: datetime
    main_entities: list[str] = field(default_factory=list)


class _UnionFind:
    """Union-find over text indexes; each root also keeps its cluster's earliest time."""

    def __init__(self, n: int, times: Sequence[datetime]) -> None:
        self.parent = list(range(n))
        self.start = list(times)

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            root, child = min(ra, rb), max(ra, rb)
            self.parent[child] = root
            self.start[root] = min(self.start[root], self.start[child])

    def cluster_start(self, i: int) -> datetime:
        """Earliest time of the cluster holding ``i``."""
        return self.start[self.find(i)]


def _first_sentence(text: str | None) -> str | None:
    if not text:
        return None
    line = next((ln.strip() for ln in text.splitlines() if len(ln.strip()) > 15), text.strip())
    sentence = re.split(r"(?<=[.!?])\s", line, maxsplit=1)[0].strip()
    if len(sentence) > TITLE_MAX:
        sentence = sentence[:TITLE_MAX].rsplit(" ", 1)[0] + "…"
    return sentence or None


def event_title(event_type: str, members: Sequence[EventInput], names: Sequence[str]) -> str:
    """A readable title: the earliest news headline, else the first sentence of the earliest post,
    else '<Type>: <main entities>'."""
    ordered = sorted(members, key=lambda m: (m.published_at, m.text_uid))
    news = [m.title for m in ordered if m.kind == "news" and m.title]
    if news:
        return news[0]
    for m in ordered:
        s = _first_sentence(m.title) or _first_sentence(m.body_text)
        if s:
            return s
    label = EVENT_TYPE_LABELS.get(event_type, event_type.replace("_", " ").capitalize())
    return f"{label}: {', '.join(names[:3])}" if names else label


def cluster_events(
    items: Sequence[EventInput],
    key_entities: set[str] | frozenset[str],
    entity_names: dict[str, str] | None = None,
    window: timedelta = WINDOW,
) -> list[EventItem]:
    """Cluster texts into events; one :class:`EventItem` per text that belongs to an event."""
    names = entity_names or {}
    return [
        item
        for members in cluster_members(items, key_entities, window)
        for item in event_items(items, members, key_entities, names)
    ]


ThreadKey = tuple[str, str | None]


@dataclass
class SweepState:
    """Where a linking pass stopped: what a later pass over later texts needs to continue it exactly.

    ``threads`` maps (event type, key entity or None) to (anchor, thread start, last time), the anchor
    being an opaque reference to a cluster (e.g. its event id); ``starts`` holds each anchor
    cluster's earliest time; ``last`` is the greatest (published_at, text_uid) swept."""

    threads: dict[ThreadKey, tuple[str, datetime, datetime]] = field(default_factory=dict)
    starts: dict[str, datetime] = field(default_factory=dict)
    last: tuple[datetime, str] | None = None


class Sweep(NamedTuple):
    """Result of :func:`sweep`.

    ``clusters``: indexes of the swept items per cluster (time order); ``merged``: for each cluster,
    the references of the earlier (state) clusters it absorbed; ``starts``: each cluster's earliest time
    (earlier members included); ``threads``: the open threads at the end, anchored at a cluster
    position in ``clusters`` (int) or at an earlier cluster no new item joined (its str reference);
    ``last``: the greatest (published_at, text_uid) swept so far."""

    clusters: list[list[int]]
    merged: list[list[str]]
    starts: list[datetime]
    threads: dict[ThreadKey, tuple[int | str, datetime, datetime]]
    last: tuple[datetime, str] | None


def _gap(key: ThreadKey, window: timedelta) -> timedelta:
    return window if key[1] is not None else NO_ENTITY_WINDOW


def cluster_members(
    items: Sequence[EventInput], key_entities: set[str] | frozenset[str], window: timedelta = WINDOW
) -> list[list[int]]:
    """The clusters of ``items`` as lists of their indexes (in time order): the linking pass alone.

    Reads only text_uid, published_at, event_type, event_types and entity_ids of each item."""
    return sweep(items, key_entities, window).clusters


def sweep(
    items: Sequence[EventInput],
    key_entities: set[str] | frozenset[str],
    window: timedelta = WINDOW,
    state: SweepState | None = None,
) -> Sweep:
    """The linking pass over ``items``, continuing from ``state`` (a pass over earlier texts) if given.

    With a state, every item must sort after ``state.last`` in (published_at, text_uid) order; the
    unions made are then exactly those a single pass over the earlier texts and ``items`` makes: the
    pass is causal and its whole state is the open threads and the clusters they are anchored at
    (membership and earliest time). Threads that no later text can extend are dropped at the end."""
    order = sorted(
        (i for i, it in enumerate(items) if it.event_type),
        key=lambda i: (items[i].published_at, items[i].text_uid),
    )
    n = len(items)
    refs = sorted({a for a, _, _ in state.threads.values()}) if state else []
    node_of = {ref: n + k for k, ref in enumerate(refs)}
    if state and order:
        first = (items[order[0]].published_at, items[order[0]].text_uid)
        if state.last is not None and first <= state.last:
            raise ValueError(f"sweep: item {first} does not sort after the state's last item {state.last}")
    uf = _UnionFind(n + len(refs), [it.published_at for it in items] + [state.starts[r] for r in refs])
    threads: dict[ThreadKey, tuple[int, datetime, datetime]] = (
        {key: (node_of[a], t0, t1) for key, (a, t0, t1) in state.threads.items()} if state else {}
    )
    for i in order:
        it = items[i]
        keys = [e for e in dict.fromkeys(it.entity_ids) if e in key_entities]
        for etype in it.event_types or [it.event_type]:
            for ent in keys or [None]:
                key = (etype, ent)
                gap = window if ent is not None else NO_ENTITY_WINDOW
                opened = threads.get(key)
                t = it.published_at
                # texts come in time order, so t is the merged event's end: its span is t - earliest start
                if (
                    opened
                    and t - opened[2] <= gap
                    and t - opened[1] <= MAX_SPAN
                    and t - min(uf.cluster_start(i), uf.cluster_start(opened[0])) <= MAX_SPAN
                ):
                    uf.union(i, opened[0])
                    threads[key] = (opened[0], opened[1], t)
                else:
                    threads[key] = (i, t, t)
    clusters: dict[int, list[int]] = {}
    for i in order:
        clusters.setdefault(uf.find(i), []).append(i)
    position = {root: k for k, root in enumerate(clusters)}
    merged: list[list[str]] = [[] for _ in clusters]
    for ref in refs:
        k = position.get(uf.find(node_of[ref]))
        if k is not None:
            merged[k].append(ref)
    last = (items[order[-1]].published_at, items[order[-1]].text_uid) if order else (state.last if state else None)
    out: dict[ThreadKey, tuple[int | str, datetime, datetime]] = {}
    for key, (anchor, t0, t1) in threads.items():
        if last is not None and last[0] - t1 > _gap(key, window):
            continue  # no later text can extend it (later texts are at or after last)
        root = uf.find(anchor)
        out[key] = (position[root], t0, t1) if root in position else (refs[root - n], t0, t1)
    starts = [uf.start[root] for root in clusters]
    return Sweep(list(clusters.values()), merged, starts, out, last)


def event_items(
    items: Sequence[EventInput], members: list[int], key_entities: set[str] | frozenset[str], names: dict[str, str]
) -> list[EventItem]:
    """The :class:`EventItem` rows of one cluster (its id, type, title, span and main entities)."""
    return _event(items, members, key_entities, names)


def _event(
    items: Sequence[EventInput], members: list[int], key_entities: set[str] | frozenset[str], names: dict[str, str]
) -> list[EventItem]:
    event_id, etype, title, started, ended, main = event_attributes(items, members, key_entities, names)
    return [EventItem(event_id, items[i].text_uid, items[i].kind, etype, title, started, ended, main) for i in members]


def event_attributes(
    items: Sequence[EventInput], members: list[int], key_entities: set[str] | frozenset[str], names: dict[str, str]
) -> tuple[str, str, str, datetime, datetime, list[str]]:
    """Id, type, title, first and last appearance and main entities of the event of ``members``."""
    its = [items[i] for i in members]
    first = min(its, key=lambda m: (m.published_at, m.text_uid))
    types = Counter(m.event_type for m in its if m.event_type)
    etype = max(types, key=lambda t: (types[t], t == first.event_type)) if types else "event"
    counts = Counter(e for m in its for e in dict.fromkeys(m.entity_ids))
    ranked = sorted(counts, key=lambda e: (-counts[e], e not in key_entities, names.get(e, e)))
    main = [names.get(e, e) for e in ranked[:3]]
    event_id = "ev_" + hashlib.md5(f"{etype}|{first.text_uid}".encode()).hexdigest()[:16]
    title = event_title(etype, its, main)
    started = min(m.published_at for m in its)
    ended = max(m.published_at for m in its)
    return event_id, etype, title, started, ended, main


def pairs_of(assignments: dict[str, str | None]) -> set[frozenset[str]]:
    """Unordered pairs of ids that share a (non-empty) cluster key: the unit of pairwise scores."""
    groups: dict[str, list[str]] = {}
    for uid, key in assignments.items():
        if key:
            groups.setdefault(key, []).append(uid)
    return {frozenset((a, b)) for ids in groups.values() for k, a in enumerate(ids) for b in ids[k + 1 :]}
