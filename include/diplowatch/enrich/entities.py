"""People, places and organisations from the gazetteer seed (``dbt_project/seeds/entities.csv``).

Seed columns: ``entity_id, canonical_name, type, aliases, mission_id, event_key``.
``aliases`` holds spellings in Latin, Cyrillic and Hangul separated by ``|``; each
is matched with Russian case endings, hyphen/spacing variants and Korean particles
(:func:`diplowatch.enrich.patterns.alias_regex`). ``mission_id`` ties an entity to a
watch-list mission (its embassy, its ambassador). ``event_key`` (true/false) says
whether sharing the entity can tie two texts into one event (false for the
ubiquitous: Pyongyang, Moscow, the mission itself).

Longest match wins: an entity whose alias contains another entity's name
("Kim Il Sung University" holds "Kim Il Sung") is matched first and blanked out,
so the university does not also count as the person.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from diplowatch import paths
from diplowatch.enrich.patterns import (
    aliases_regex,
    aliases_regexes,
    as_text_array,
    match_any_mask,
    match_mask,
    match_masks,
    normalise_text,
    split_terms,
)
from diplowatch.enrich.themes import SeedError

ENTITY_TYPES = ("person", "place", "organisation")
ENTITIES_CSV = paths.DBT_PROJECT / "seeds" / "entities.csv"
_BLANK = " \u2063 "  # what a matched container name is replaced with


@dataclass(frozen=True)
class Entity:
    entity_id: str
    canonical_name: str
    type: str
    aliases: tuple[str, ...]
    mission_id: str | None
    event_key: bool
    regex: str
    parts: tuple[str, ...] = ()  # ``regex`` in pieces RE2 matches fast (what tagging runs)

    @property
    def pieces(self) -> tuple[str, ...]:
        """The regexes to match: :attr:`parts`, else the single :attr:`regex`."""
        return self.parts or ((self.regex,) if self.regex else ())


def _truthy(value: object, default: bool = True) -> bool:
    if value is None or str(value).strip() == "":
        return default
    return str(value).strip().lower() in {"true", "1", "yes", "y", "t"}


def load_entities(rows: Iterable[Mapping[str, object]], where: str = "entities.csv") -> list[Entity]:
    """Entities from seed rows; each alias compiled to a regex."""
    out: list[Entity] = []
    seen: set[str] = set()
    for n, row in enumerate(rows, start=2):
        eid = str(row.get("entity_id") or "").strip()
        etype = str(row.get("type") or "").strip()
        if not eid:
            raise SeedError(f"{where}: row {n}: entity_id is empty")
        if eid in seen:
            raise SeedError(f"{where}: row {n}: entity_id {eid!r} repeated")
        seen.add(eid)
        if etype not in ENTITY_TYPES:
            raise SeedError(f"{where}: row {n} ({eid}): type {etype!r} is not one of {ENTITY_TYPES}")
        name = str(row.get("canonical_name") or "").strip()
        aliases = tuple(dict.fromkeys([name, *split_terms(row.get("aliases"))]))  # type: ignore[arg-type]
        try:
            regex = aliases_regex(aliases)
            parts = aliases_regexes(aliases)
        except ValueError as exc:
            raise SeedError(f"{where}: row {n} ({eid}): {exc}") from exc
        out.append(
            Entity(
                entity_id=eid,
                canonical_name=name,
                type=etype,
                aliases=aliases,
                mission_id=(str(row.get("mission_id") or "").strip() or None),
                event_key=_truthy(row.get("event_key")),
                regex=regex,
                parts=parts,
            )
        )
    return out


def load_entities_csv(path: Path | str = ENTITIES_CSV) -> list[Entity]:
    """Entities from a CSV file shaped like ``seeds/entities.csv``."""
    with open(path, encoding="utf-8", newline="") as fh:
        return load_entities(csv.DictReader(fh), where=str(path))


def _matching_order(entities: Sequence[Entity]) -> tuple[list[Entity], set[str]]:
    """Entities ordered containers-first (cached: the seed does not change within a run)."""
    return _matching_order_cached(tuple(entities))


@functools.lru_cache(maxsize=8)
def _matching_order_cached(entities: tuple[Entity, ...]) -> tuple[list[Entity], set[str]]:
    """Entities ordered containers-first, and the ids of containers (whose alias holds another entity's name)."""
    owners = [e.entity_id for e in entities for _ in e.aliases]
    alias_arr = normalise_text(pa.array([a for e in entities for a in e.aliases], type=pa.string()))
    containers: set[str] = set()
    for other in entities:  # one pass an entity over every alias of the gazetteer
        for i in np.flatnonzero(match_mask(alias_arr, other.regex)):
            if owners[i] != other.entity_id:
                containers.add(owners[i])
    ordered = sorted(entities, key=lambda e: (e.entity_id not in containers, -max(len(a) for a in e.aliases)))
    return ordered, containers


def tag_entities(
    texts: Sequence[str | None] | pa.Array | pa.ChunkedArray, entities: Sequence[Entity]
) -> list[list[str]]:
    """Entity ids found in each text, in seed order. Vectorised: RE2 passes an entity (containers first, in
    turn; the other entities in parallel threads)."""
    arr = normalise_text(as_text_array(texts))
    n = len(arr)
    ordered, containers = _matching_order(entities)
    hits: dict[str, np.ndarray] = {}
    rest = [e for e in ordered if e.entity_id not in containers]
    for e in ordered:  # containers (they come first) in turn: each blanks its matches out of the text
        if e.entity_id not in containers:
            continue
        mask = match_any_mask(arr, e.pieces)
        hits[e.entity_id] = mask
        if mask.any():
            arr = pc.replace_substring_regex(arr, e.regex, _BLANK)
    hits.update(zip((e.entity_id for e in rest), match_masks(arr, [e.pieces for e in rest]), strict=True))
    out: list[list[str]] = [[] for _ in range(n)]
    for e in entities:
        for i in np.flatnonzero(hits[e.entity_id]):
            out[i].append(e.entity_id)
    return out


def missions_of(entity_ids: Iterable[str], entities: Sequence[Entity]) -> list[str]:
    """Watch-list missions that the given entities belong to, sorted."""
    by_id = {e.entity_id: e for e in entities}
    return sorted({by_id[i].mission_id for i in entity_ids if i in by_id and by_id[i].mission_id})
