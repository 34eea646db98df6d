"""Keyword and alias patterns compiled to RE2 regexes, matched vectorised with pyarrow.

One regex engine (RE2, through ``pyarrow.compute``) serves the dbt models and the
evaluation, so the figures the evaluation reports are the figures of the models.

RE2 has no look-arounds and its ``\\b`` only knows ASCII, so word boundaries are
spelt ``(?:^|[^\\p{L}\\p{N}])`` … ``(?:[^\\p{L}\\p{N}]|$)``, which work for Cyrillic.

Term syntax (themes.csv keyword columns, ``|``-separated):
  ``meeting``        the whole word (case-insensitive);
  ``negotiat*``      a word starting with the stem (``negotiations``, ``negotiated``);
  ``trade fair*``    a phrase: words separated by spaces or hyphens;
  Korean terms match as substrings (particles are glued to nouns: 평양에서).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

WORD_START = r"(?:^|[^\p{L}\p{N}])"
WORD_END = r"(?:[^\p{L}\p{N}]|$)"
WORD_SEP = r"[\s\-‐–]+"
NAME_SEP = r"[\s\-‐–]*"

# Russian inflectional endings (nouns, adjectives, surnames), longest first so the
# alternation prefers the full ending.
RU_ENDINGS = sorted(
    [
        "а",
        "я",
        "ы",
        "и",
        "е",
        "у",
        "ю",
        "о",
        "й",
        "ь",
        "ой",
        "ей",
        "ом",
        "ем",
        "ою",
        "ею",
        "ам",
        "ям",
        "ах",
        "ях",
        "ым",
        "им",
        "ых",
        "их",
        "ую",
        "юю",
        "ая",
        "яя",
        "ое",
        "ее",
        "ые",
        "ие",
        "ий",
        "ый",
        "ами",
        "ями",
        "ого",
        "его",
        "ому",
        "ему",
        "ыми",
        "ими",
    ],
    key=len,
    reverse=True,
)
RU_ENDING_RE = "(?:" + "|".join(RU_ENDINGS) + ")?"

# RE2 gives its DFA a fixed memory budget; a regex of many alternatives (a theme with a hundred
# keywords) overflows it and RE2 falls back to its NFA, 10-50x slower. Matching is therefore done
# with several regexes of at most this many terms each, OR-ed (see :func:`keywords_regexes`).
MAX_TERMS_PER_REGEX = 16
# Threads for matching many regexes over one column (pyarrow releases the GIL while RE2 runs).
MATCH_THREADS = max(1, min(4, os.cpu_count() or 1))
_RU_ADJ_ENDINGS = ("ого", "его", "ый", "ий", "ой", "ая", "яя", "ое", "ее", "ые", "ие")

_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def script_of(term: str) -> str:
    """'hangul', 'cyrillic' or 'latin' (the script that decides how a term is matched)."""
    if _HANGUL.search(term):
        return "hangul"
    if _CYRILLIC.search(term):
        return "cyrillic"
    return "latin"


def normalise_text(texts: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Lower-case and fold ё to е (Russian writes both). Patterns are compiled lower-case, so RE2
    runs without its (slow, Unicode) case-insensitive mode."""
    return pc.replace_substring(pc.utf8_lower(texts), "ё", "е")


def _norm(term: str) -> str:
    return term.lower().replace("ё", "е").strip()


def split_terms(cell: str | None, sep: str = "|") -> list[str]:
    """Terms of a seed cell: ``a | b* | c d`` -> ['a', 'b*', 'c d'] (blank cells give [])."""
    if not cell:
        return []
    return [t.strip() for t in str(cell).split(sep) if t.strip()]


def _keyword_part(term: str) -> tuple[str, str]:
    """('sub'|'stem'|'word', regex body without boundaries) of one keyword term."""
    term = _norm(term)
    if not term:
        raise ValueError("empty keyword term")
    if script_of(term) == "hangul":
        return "sub", r"\s*".join(re.escape(w.rstrip("*")) for w in term.split())
    words = term.split()
    parts = [re.escape(w[:-1]) + r"[\p{L}\p{N}]*" if w.endswith("*") else re.escape(w) for w in words]
    if words[-1].endswith("*"):  # the trailing letters of a final stem do not change whether it matches
        parts[-1] = re.escape(words[-1][:-1])
        return "stem", WORD_SEP.join(parts)
    return "word", WORD_SEP.join(parts)


def _grouped(parts: Iterable[tuple[str, str]]) -> str:
    """One regex from (kind, body) parts, sharing the word-boundary groups (much faster in RE2)."""
    by_kind: dict[str, list[str]] = {"stem": [], "word": [], "sub": []}
    for kind, body in parts:
        by_kind[kind].append(body)
    out = []
    if by_kind["stem"]:
        out.append(WORD_START + "(?:" + "|".join(by_kind["stem"]) + ")")
    if by_kind["word"]:
        out.append(WORD_START + "(?:" + "|".join(by_kind["word"]) + ")" + WORD_END)
    if by_kind["sub"]:
        out.append("(?:" + "|".join(by_kind["sub"]) + ")")
    return "|".join(out)


def keyword_regex(term: str) -> str:
    """RE2 regex of one keyword term (see the module docstring for the syntax), for lower-cased text."""
    return _grouped([_keyword_part(term)])


def keywords_regex(terms: Iterable[str]) -> str:
    """RE2 regex matching any of ``terms`` (empty string for no terms)."""
    return _grouped(_keyword_part(t) for t in terms)


def _chunks(items: Sequence[str], size: int = MAX_TERMS_PER_REGEX) -> list[Sequence[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def keywords_regexes(terms: Iterable[str]) -> tuple[str, ...]:
    """The regex of :func:`keywords_regex` cut into pieces of at most :data:`MAX_TERMS_PER_REGEX` terms
    (a text matches the terms when it matches any piece); RE2 keeps each piece in its fast DFA."""
    return tuple(keywords_regex(chunk) for chunk in _chunks(list(terms)))


def _ru_word(word: str) -> str:
    """Regex of one Cyrillic word of a name, allowing Russian case endings (Мацегора -> Мацегоры, Мацегорой)."""
    if len(word) <= 1 or (word.isupper() and len(word) > 1 and not word.endswith(".")):
        return re.escape(word)  # initials, abbreviations (КНДР, МИД, ТАСС) do not decline
    if word.endswith("."):
        return re.escape(word)
    stem = word
    lower = word.lower()
    adj = next((e for e in _RU_ADJ_ENDINGS if lower.endswith(e)), None)
    if adj and len(word) - len(adj) >= 4:
        stem = word[: -len(adj)]
    elif lower[-1] in "аяоеыиуюйь" and len(word) >= 4:
        stem = word[:-1]
    return re.escape(stem) + RU_ENDING_RE


def _alias_part(alias: str) -> tuple[str, str]:
    alias = _norm(alias)
    if not alias:
        raise ValueError("empty alias")
    script = script_of(alias)
    tokens = [t for t in re.findall(r"[^\s\-‐–.]+\.?|\.", alias) if t != "."]
    if script == "hangul":
        return "sub", r"\s*".join(re.escape(t) for t in tokens)
    if script == "cyrillic":
        parts = [_ru_word(t) if _CYRILLIC.search(t) else re.escape(t) for t in tokens]
    else:
        parts = [re.escape(t) for t in tokens]
    body = ""
    for i, part in enumerate(parts):
        if i:
            # initials ("А.И. Мацегора", "A. Matsegora") may or may not be followed by a space
            body += r"\s*" if tokens[i - 1].endswith(".") else NAME_SEP
        body += part
    return ("stem" if tokens[-1].endswith(".") else "word"), body


def alias_regex(alias: str) -> str:
    """RE2 regex of one name alias (for lower-cased text), tolerant of case endings, hyphens and spacing.

    ``Choe Son Hui`` matches ``choe son-hui`` and ``choe sonhui``; ``Мацегора`` matches
    ``мацегоры``; ``Пхеньян`` matches ``пхеньяне``; ``최선희`` matches ``최선희는``.
    """
    return _grouped([_alias_part(alias)])


def aliases_regex(aliases: Iterable[str]) -> str:
    """RE2 regex matching any of ``aliases``."""
    return _grouped(_alias_part(a) for a in aliases)


def aliases_regexes(aliases: Iterable[str]) -> tuple[str, ...]:
    """:func:`aliases_regex` cut into pieces of at most :data:`MAX_TERMS_PER_REGEX` aliases."""
    return tuple(aliases_regex(chunk) for chunk in _chunks(list(aliases)))


def any_of(regexes: Iterable[str]) -> str:
    """One regex matching any of ``regexes``."""
    return "|".join(f"(?:{r})" for r in regexes)


def as_text_array(texts: Sequence[str | None] | pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """A pyarrow string array from a list or an arrow array (large strings cast down)."""
    if isinstance(texts, (pa.Array, pa.ChunkedArray)):
        if pa.types.is_large_string(texts.type) or pa.types.is_string_view(texts.type):
            return texts.cast(pa.string())
        return texts
    return pa.array(list(texts), type=pa.string())


def match_mask(texts: pa.Array | pa.ChunkedArray, regex: str) -> np.ndarray:
    """Boolean numpy mask: does ``regex`` occur in each text (null -> False). Texts must have been
    through :func:`normalise_text`."""
    if not regex:
        return np.zeros(len(texts), dtype=bool)
    mask = pc.match_substring_regex(texts, regex)
    return pc.fill_null(mask, False).to_numpy(zero_copy_only=False)


def match_any_mask(texts: pa.Array | pa.ChunkedArray, regexes: Sequence[str]) -> np.ndarray:
    """Boolean numpy mask: does any of ``regexes`` occur in each text (normalised texts, null -> False)."""
    mask = np.zeros(len(texts), dtype=bool)
    for regex in regexes:
        mask |= match_mask(texts, regex)
    return mask


def match_masks(texts: pa.Array | pa.ChunkedArray, patterns: Sequence[Sequence[str]]) -> list[np.ndarray]:
    """One :func:`match_any_mask` per entry of ``patterns`` (each a list of regex pieces), the regexes
    run on :data:`MATCH_THREADS` threads."""
    flat = [(k, rx) for k, pieces in enumerate(patterns) for rx in pieces if rx]
    masks = [np.zeros(len(texts), dtype=bool) for _ in patterns]
    if MATCH_THREADS > 1 and len(flat) > 1:
        with ThreadPoolExecutor(MATCH_THREADS) as pool:
            found = list(pool.map(lambda item: match_mask(texts, item[1]), flat))
    else:
        found = [match_mask(texts, rx) for _, rx in flat]
    for (k, _), mask in zip(flat, found, strict=True):
        masks[k] |= mask
    return masks
