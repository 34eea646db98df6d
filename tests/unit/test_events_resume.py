"""Resuming the event linking pass from a saved state gives the same clusters as one full pass."""

from __future__ import annotations

import itertools
import random
from datetime import datetime, timedelta

import pytest
from diplowatch.enrich.events import MAX_SPAN, NO_ENTITY_WINDOW, WINDOW, EventInput, SweepState, sweep

KEYS = frozenset({"p1", "p2", "p3"})
T0 = datetime(2026, 1, 1)
STEPS = [timedelta(hours=6), timedelta(days=1), WINDOW, MAX_SPAN, NO_ENTITY_WINDOW, timedelta(hours=13)]


def _items(rng: random.Random, n: int) -> list[EventInput]:
    out = []
    t = T0
    for k in range(n):
        t += rng.choice([timedelta(0), timedelta(0), *STEPS[: rng.randint(1, len(STEPS))]]) * rng.randint(0, 1)
        types = rng.sample(["visit", "holiday", "trade"], rng.randint(0, 2))
        ents = rng.sample(["p1", "p2", "p3", "x"], rng.randint(0, 2))
        out.append(
            EventInput(
                f"u{rng.randrange(10**6):06d}_{k}", "post", t, types[0] if types else None, ents, None, None, types
            )
        )
    rng.shuffle(out)
    return out


def _clusters_of(items: list[EventInput], clusters: list[list[int]]) -> set[frozenset[str]]:
    return {frozenset(items[i].text_uid for i in c) for c in clusters}


def _resumed(parts: list[list[EventInput]]) -> set[frozenset[str]]:
    """Sweep part by part, each from the previous part's state; clusters as sets of text_uid."""
    members: dict[str, frozenset[str]] = {}  # cluster ref -> its text_uids
    state: SweepState | None = None
    serial = 0
    for part in parts:
        result = sweep(part, KEYS, state=state)
        refs = []
        for new, merged in zip(result.clusters, result.merged, strict=True):
            uids = frozenset(part[i].text_uid for i in new).union(*(members.pop(r) for r in merged))
            serial += 1
            refs.append(f"c{serial}")
            members[refs[-1]] = uids
        starts = {r: s for r, s in zip(refs, result.starts, strict=True)}
        threads = {}
        for key, (anchor, t0, t1) in result.threads.items():
            ref = refs[anchor] if isinstance(anchor, int) else anchor
            threads[key] = (ref, t0, t1)
            if isinstance(anchor, str):
                starts[ref] = state.starts[ref]
        state = SweepState(threads, starts, result.last)
    return set(members.values())


@pytest.mark.parametrize("seed", range(400))
def test_resumed_sweep_equals_full_sweep(seed: int) -> None:
    rng = random.Random(seed)
    items = _items(rng, rng.randint(0, 60))
    ordered = sorted((it for it in items), key=lambda it: (it.published_at, it.text_uid))
    cuts = sorted(rng.sample(range(len(ordered) + 1), min(len(ordered) + 1, rng.randint(1, 3))))
    bounds = [0, *cuts, len(ordered)]
    parts = [ordered[a:b] for a, b in itertools.pairwise(bounds)]
    for part in parts:
        rng.shuffle(part)
    assert _resumed(parts) == _clusters_of(items, sweep(items, KEYS).clusters)


def test_one_new_item_merges_two_old_clusters() -> None:
    a = EventInput("a", "post", T0, "visit", ["p1"], event_types=["visit"])
    b = EventInput("b", "post", T0 + timedelta(hours=1), "visit", ["p2"], event_types=["visit"])
    c = EventInput("c", "post", T0 + WINDOW, "visit", ["p1", "p2"], event_types=["visit"])
    full = _clusters_of([a, b, c], sweep([a, b, c], KEYS).clusters)
    assert full == {frozenset({"a", "b", "c"})}
    assert _resumed([[a, b], [c]]) == full


def test_resume_rejects_items_before_the_state() -> None:
    a = EventInput("b", "post", T0, "visit", ["p1"], event_types=["visit"])
    first = sweep([a], KEYS)
    state = SweepState({k: ("c1", t0, t1) for k, (_, t0, t1) in first.threads.items()}, {"c1": T0}, first.last)
    with pytest.raises(ValueError, match="does not sort after"):
        sweep([a._replace(text_uid="a")], KEYS, state=state)
