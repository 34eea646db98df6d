"""Themes from the editable taxonomy seed (``dbt_project/seeds/themes.csv``) and the register they imply.

Seed columns: ``theme_id, parent_id, label, register, event_type, keywords_ru,
keywords_en, keywords_ko, description``. Keywords use the term syntax of
:mod:`diplowatch.enrich.patterns`. A matched sub-theme implies its parent theme.

Register of a text: the registers of its most specific themes (a parent whose
sub-theme matched is left out), ``people_centred`` or ``official`` when they
agree, ``mixed`` when they do not, ``none`` without themes.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from diplowatch import paths
from diplowatch.enrich.patterns import (
    as_text_array,
    keywords_regex,
    keywords_regexes,
    match_masks,
    normalise_text,
    split_terms,
)

REGISTERS = ("people_centred", "official")
KEYWORD_COLUMNS = ("keywords_ru", "keywords_en", "keywords_ko")
THEMES_CSV = paths.DBT_PROJECT / "seeds" / "themes.csv"


class SeedError(ValueError):
    """A seed row that cannot be used, with the file and row that hold it."""


@dataclass(frozen=True)
class Theme:
    theme_id: str
    parent_id: str | None
    label: str
    register: str
    event_type: str | None
    regex: str
    parts: tuple[str, ...] = ()  # ``regex`` in pieces RE2 matches fast (what tagging runs)

    @property
    def pieces(self) -> tuple[str, ...]:
        """The regexes to match: :attr:`parts`, else the single :attr:`regex`."""
        return self.parts or ((self.regex,) if self.regex else ())


def load_themes(rows: Iterable[Mapping[str, object]], where: str = "themes.csv") -> list[Theme]:
    """Themes from seed rows (dicts with the seed's columns); regexes compiled from the keyword columns."""
    themes: list[Theme] = []
    for n, row in enumerate(rows, start=2):
        tid = str(row.get("theme_id") or "").strip()
        if not tid:
            raise SeedError(f"{where}: row {n}: theme_id is empty")
        register = str(row.get("register") or "").strip()
        if register not in REGISTERS:
            raise SeedError(f"{where}: row {n} ({tid}): register {register!r} is not one of {REGISTERS}")
        terms = [t for col in KEYWORD_COLUMNS for t in split_terms(row.get(col))]  # type: ignore[arg-type]
        try:
            regex = keywords_regex(terms)
            parts = keywords_regexes(terms)
        except ValueError as exc:
            raise SeedError(f"{where}: row {n} ({tid}): {exc}") from exc
        themes.append(
            Theme(
                theme_id=tid,
                parent_id=(str(row.get("parent_id") or "").strip() or None),
                label=str(row.get("label") or tid),
                register=register,
                event_type=(str(row.get("event_type") or "").strip() or None),
                regex=regex,
                parts=parts,
            )
        )
    ids = {t.theme_id for t in themes}
    for t in themes:
        if t.parent_id and t.parent_id not in ids:
            raise SeedError(f"{where}: theme {t.theme_id}: parent_id {t.parent_id!r} is not a theme_id")
    return themes


def load_themes_csv(path: Path | str = THEMES_CSV) -> list[Theme]:
    """Themes from a CSV file shaped like ``seeds/themes.csv``."""
    with open(path, encoding="utf-8", newline="") as fh:
        return load_themes(csv.DictReader(fh), where=str(path))


def tag_themes(texts: Sequence[str | None] | pa.Array | pa.ChunkedArray, themes: Sequence[Theme]) -> list[list[str]]:
    """Theme ids of each text, in seed order; a sub-theme brings its parent.

    Vectorised: RE2 passes a theme (its regex pieces), on threads."""
    arr = normalise_text(as_text_array(texts))
    n = len(arr)
    hits = dict(zip((t.theme_id for t in themes), match_masks(arr, [t.pieces for t in themes]), strict=True))
    parent = {t.theme_id: t.parent_id for t in themes}
    for tid in list(hits):  # propagate sub-theme hits to parents (any depth)
        p = parent[tid]
        while p:
            hits[p] = hits[p] | hits[tid]
            p = parent[p]
    out: list[list[str]] = [[] for _ in range(n)]
    for t in themes:
        for i in np.flatnonzero(hits[t.theme_id]):
            out[i].append(t.theme_id)
    return out


def derive_register(theme_ids: Iterable[str], themes: Sequence[Theme]) -> str:
    """people_centred | official | mixed | none, from the most specific of ``theme_ids``."""
    by_id = {t.theme_id: t for t in themes}
    ids = {i for i in theme_ids if i in by_id}
    parents = {by_id[i].parent_id for i in ids if by_id[i].parent_id}
    registers = {by_id[i].register for i in ids - parents}
    if not registers:
        return "none"
    if len(registers) == 1:
        return registers.pop()
    return "mixed"


def _effective_event_type(theme_id: str, by_id: dict[str, Theme]) -> str | None:
    t: Theme | None = by_id[theme_id]
    while t is not None:
        if t.event_type:
            return t.event_type
        t = by_id.get(t.parent_id) if t.parent_id else None
    return None


def event_types_of(theme_ids: Sequence[str], themes: Sequence[Theme]) -> list[str]:
    """Event types of a text: those of its themes (a sub-theme without one takes its parent's), seed order."""
    by_id = {t.theme_id: t for t in themes}
    wanted = set(theme_ids)
    found = [_effective_event_type(t.theme_id, by_id) for t in themes if t.theme_id in wanted]
    return list(dict.fromkeys(e for e in found if e))


def event_type_of(theme_ids: Sequence[str], themes: Sequence[Theme]) -> str | None:
    """The main event type of a text: that of its most specific theme first, in seed order."""
    by_id = {t.theme_id: t for t in themes}
    ids = [t.theme_id for t in themes if t.theme_id in set(theme_ids)]
    leaves = [i for i in ids if not any(by_id[j].parent_id == i for j in ids)]
    for i in leaves + ids:
        found = _effective_event_type(i, by_id)
        if found:
            return found
    return None


def top_level(theme_id: str, themes: Sequence[Theme]) -> str:
    """The root theme of ``theme_id`` (itself when it has no parent)."""
    by_id = {t.theme_id: t for t in themes}
    t = by_id[theme_id]
    while t.parent_id:
        t = by_id[t.parent_id]
    return t.theme_id
