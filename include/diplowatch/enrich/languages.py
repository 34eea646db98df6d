"""Language(s) of a text at paragraph level, and whether a post says the same thing in two languages.

Script decides what it can on its own (Hangul -> ko, kana -> ja, Han -> zh, Cyrillic ->
ru, or uk when it has і/ї/є/ґ); lingua decides between the Latin-script languages.
The lingua detector is restricted to :data:`LANGUAGES` and built once per process.

A text is *bilingual* when it carries two blocks in different languages of
comparable size (letters ratio ≥ :data:`BILINGUAL_MIN_RATIO`) that agree on their
numbers: the embassy's habit of a Russian paragraph followed by its English
translation. A foreign name or word inside a paragraph does not make a language.
"""

from __future__ import annotations

import functools
import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

logger = logging.getLogger(__name__)

LANGUAGES: tuple[str, ...] = ("ru", "en", "ko", "zh", "ja", "fr", "de", "es", "uk")
LATIN_LANGUAGES: tuple[str, ...] = ("en", "fr", "de", "es")
MIN_PARAGRAPH_LETTERS = 12  # shorter paragraphs (a signature, a place name, a hashtag line) carry no language
MIN_LANGUAGE_LETTERS = 15  # a language must hold this many letters of the text…
MIN_LANGUAGE_SHARE = 0.12  # …and this share of them, to count
BILINGUAL_MIN_RATIO = 0.35  # letters of the smaller language block / the larger one
MIN_LATIN_MINORITY_LETTERS = 60  # a shorter Latin block in another Latin language than the text's is folded into it

_STRIP = re.compile(r"https?://\S+|www\.\S+|[#@][\w.]+|\S+@\S+")
_PARA_SPLIT = re.compile(r"\n\s*\n|\n")
_SENT_SPLIT = re.compile(r"(?<=[.!?。])\s+")
_DIGITS = re.compile(r"\d+")
_SCRIPTS = {
    "hangul": re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]"),
    "kana": re.compile(r"[\u3040-\u30ff]"),
    "han": re.compile(r"[\u4e00-\u9fff]"),
    "cyrillic": re.compile(r"[\u0400-\u04ff]"),
    "latin": re.compile(r"[A-Za-z\u00c0-\u024f]"),
}
_UKRAINIAN = re.compile(r"[іїєґІЇЄҐ]")


@dataclass(frozen=True)
class LanguageResult:
    """Languages of one text, most letters first."""

    languages: list[str]
    primary_language: str | None
    is_bilingual: bool


@functools.lru_cache(maxsize=1)
def detector():
    """The lingua detector over the Latin-script languages, built once per process."""
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, c.upper()) for c in LATIN_LANGUAGES]
    logger.info("building lingua detector for %s", LATIN_LANGUAGES)
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).with_preloaded_language_models().build()


def _script_counts(text: str) -> Counter[str]:
    return Counter({name: len(rx.findall(text)) for name, rx in _SCRIPTS.items()})


def _by_script(text: str, counts: Counter[str]) -> str | None:
    """Language decided by script alone, 'latin' when lingua must decide, None without letters."""
    if not counts or counts.most_common(1)[0][1] == 0:
        return None
    if counts["hangul"] and counts["hangul"] >= max(counts["cyrillic"], counts["latin"]) * 0.5:
        return "ko"
    if counts["kana"]:
        return "ja"
    top = max(("han", "cyrillic", "latin"), key=lambda s: counts[s])
    if top == "han":
        return "zh"
    if top == "cyrillic":
        return "uk" if len(_UKRAINIAN.findall(text)) >= 2 else "ru"
    return "latin"


def split_segments(text: str | None) -> list[str]:
    """Paragraphs of a text, URLs/hashtags/mentions removed; a paragraph mixing Cyrillic and Latin
    in comparable amounts ("С Днём Победы! Happy Victory Day!") is split into sentences."""
    if not text:
        return []
    segments: list[str] = []
    for para in _PARA_SPLIT.split(_STRIP.sub(" ", text)):
        para = para.strip()
        if not para:
            continue
        counts = _script_counts(para)
        minor = min(counts["cyrillic"], counts["latin"])
        if minor >= MIN_PARAGRAPH_LETTERS and minor >= 0.3 * max(counts["cyrillic"], counts["latin"]):
            segments.extend(s for s in _SENT_SPLIT.split(para) if s.strip())
        else:
            segments.append(para)
    return segments


def _bilingual(blocks: dict[str, list[str]], letters: dict[str, int], ranked: list[str]) -> bool:
    if len(ranked) < 2:
        return False
    a, b = ranked[0], ranked[1]
    if letters[b] / letters[a] < BILINGUAL_MIN_RATIO:
        return False
    nums_a = set(_DIGITS.findall(" ".join(blocks[a])))
    nums_b = set(_DIGITS.findall(" ".join(blocks[b])))
    if nums_a and nums_b:
        return len(nums_a & nums_b) / len(nums_a | nums_b) >= 0.4
    return not (nums_a or nums_b) or letters[b] / letters[a] >= 0.5


def _resolve(per_segment: list[tuple[str, str | None, int]]) -> LanguageResult:
    """Languages of a text from its (segment, language, letters) triples."""
    blocks: dict[str, list[str]] = {}
    letters: Counter[str] = Counter()
    for seg, lang, n in per_segment:
        if lang is None:
            continue
        blocks.setdefault(lang, []).append(seg)
        letters[lang] += n
    latin = sorted((lang for lang in letters if lang in LATIN_LANGUAGES), key=lambda x: -letters[x])
    for lang in latin[1:]:  # lingua is unreliable on a short headline: fold it into the main Latin language
        if letters[lang] < MIN_LATIN_MINORITY_LETTERS:
            letters[latin[0]] += letters.pop(lang)
            blocks[latin[0]].extend(blocks.pop(lang))
    total = sum(letters.values())
    if not total:
        return LanguageResult([], None, False)
    ranked = [lang for lang, _ in letters.most_common()]
    kept = [ranked[0]] + [
        lang
        for lang in ranked[1:]
        if letters[lang] >= MIN_LANGUAGE_LETTERS and letters[lang] / total >= MIN_LANGUAGE_SHARE
    ]
    return LanguageResult(kept, kept[0], _bilingual(blocks, letters, kept))


# Character classes counted per segment, as bits of a code-point table (see :func:`_class_table`).
_CLASS_BITS = {"letters": 1, "hangul": 2, "kana": 4, "han": 8, "cyrillic": 16, "latin": 32, "ukrainian": 64}


_BMP = 0x10000


def _char_ranges(rx: re.Pattern[str]) -> list[tuple[int, int]]:
    """Code-point ranges of a one-character-class regex such as ``[\\u0400-\\u04ff]``."""
    from re import _parser  # the parsed form of the pattern: exactly what ``rx`` matches

    ranges: list[tuple[int, int]] = []
    for op, arg in _parser.parse(rx.pattern):
        items = arg if op is _parser.IN else [(op, arg)]
        for kind, value in items:
            if kind is _parser.RANGE:
                ranges.append(value)
            elif kind is _parser.LITERAL:
                ranges.append((value, value))
            else:
                raise ValueError(f"unexpected {kind} in the character class {rx.pattern!r}")
    return ranges


@functools.lru_cache(maxsize=1)
def _class_table() -> np.ndarray:
    """For every code point of the BMP, the bits of :data:`_CLASS_BITS` it has (``letters`` = ``str.isalpha``)."""
    table = np.zeros(_BMP, dtype=np.uint8)
    table[[i for i in range(_BMP) if chr(i).isalpha()]] |= _CLASS_BITS["letters"]
    for name, rx in {**_SCRIPTS, "ukrainian": _UKRAINIAN}.items():
        for lo, hi in _char_ranges(rx):
            table[lo : hi + 1] |= _CLASS_BITS[name]
    if table[_BMP - 1]:
        raise ValueError("U+FFFF must have no class (astral code points are looked up as U+FFFF)")
    return table


def _counts(segments: list[str]) -> dict[str, np.ndarray]:
    """Characters of each class of :data:`_CLASS_BITS` in each segment, vectorised over code points."""
    lengths = np.fromiter((len(s) for s in segments), dtype=np.int64, count=len(segments))
    points = np.frombuffer("".join(segments).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    classes = _class_table()[np.minimum(points, _BMP - 1)]
    astral = np.flatnonzero(points >= _BMP)  # rare: emoji, historic scripts; only letters can apply
    if len(astral):
        classes = classes.copy()
        classes[astral] = [_CLASS_BITS["letters"] if chr(p).isalpha() else 0 for p in points[astral].tolist()]
    owner = np.repeat(np.arange(len(segments)), lengths)
    return {
        name: np.bincount(owner[(classes & bit) != 0], minlength=len(segments)).astype(np.int64)
        for name, bit in _CLASS_BITS.items()
    }


def _segments_of(texts: Sequence[str | None]) -> tuple[list[str], list[int]]:
    """Every segment (see :func:`split_segments`) of every text, and the index of the text it comes from."""
    paras: list[str] = []
    owners: list[int] = []
    for i, text in enumerate(texts):
        if not text:
            continue
        for para in _PARA_SPLIT.split(_STRIP.sub(" ", text)):
            para = para.strip()
            if para:
                paras.append(para)
                owners.append(i)
    if not paras:
        return [], []
    counts = _counts(paras)
    cyr, lat = counts["cyrillic"], counts["latin"]
    minor, major = np.minimum(cyr, lat), np.maximum(cyr, lat)
    mixed = (minor >= MIN_PARAGRAPH_LETTERS) & (minor >= 0.3 * major)
    if not mixed.any():
        return paras, owners
    segments: list[str] = []
    seg_owners: list[int] = []
    for para, owner, mix in zip(paras, owners, mixed.tolist(), strict=True):
        if mix:
            parts = [s for s in _SENT_SPLIT.split(para) if s.strip()]
            segments.extend(parts)
            seg_owners.extend([owner] * len(parts))
        else:
            segments.append(para)
            seg_owners.append(owner)
    return segments, seg_owners


def _scripts_of(segments: list[str]) -> tuple[list[str | None], np.ndarray]:
    """:func:`_by_script` of each segment (vectorised), and its letter count."""
    c = _counts(segments)
    any_script = (c["hangul"] + c["kana"] + c["han"] + c["cyrillic"] + c["latin"]) > 0
    ko = (c["hangul"] > 0) & (c["hangul"] >= np.maximum(c["cyrillic"], c["latin"]) * 0.5)
    # max() over (han, cyrillic, latin) keeps the first on ties
    top_han = (c["han"] >= c["cyrillic"]) & (c["han"] >= c["latin"])
    top_cyr = ~top_han & (c["cyrillic"] >= c["latin"])
    out = np.full(len(segments), "latin", dtype=object)
    out[top_cyr] = np.where(c["ukrainian"][top_cyr] >= 2, "uk", "ru")
    out[top_han] = "zh"
    out[c["kana"] > 0] = "ja"
    out[ko] = "ko"
    out[~any_script] = None
    return out.tolist(), c["letters"]


def detect_languages(texts: Sequence[str | None]) -> list[LanguageResult]:
    """Languages of many texts at once: segments split in Python, scripts counted with RE2 over all
    segments at once, then lingua in one parallel batch over the distinct Latin-script segments."""
    segments, owners = _segments_of(texts)
    langs, letters = _scripts_of(segments) if segments else ([], np.zeros(0, dtype=np.int64))
    keep = (letters >= MIN_PARAGRAPH_LETTERS).tolist()
    latin = sorted({seg for seg, lang, k in zip(segments, langs, keep, strict=True) if k and lang == "latin"})
    if latin:
        found = detector().detect_languages_in_parallel_of(latin)
        code = {
            seg: (lang.iso_code_639_1.name.lower() if lang is not None else None)
            for seg, lang in zip(latin, found, strict=True)
        }
        langs = [
            code[seg] if lang == "latin" and k else lang for seg, lang, k in zip(segments, langs, keep, strict=True)
        ]
    per_text: list[list[tuple[str, str | None, int]]] = [[] for _ in texts]
    for seg, owner, lang, n, k in zip(segments, owners, langs, letters.tolist(), keep, strict=True):
        if k:
            per_text[owner].append((seg, lang, n))
    return [_resolve(segs) for segs in per_text]


def detect_language(text: str | None) -> LanguageResult:
    """Languages of one text (see :func:`detect_languages`)."""
    return detect_languages([text])[0]
