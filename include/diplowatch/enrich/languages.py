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


def _letters(text: str) -> int:
    return sum(1 for ch in text if ch.isalpha())


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


def _resolve(per_segment: list[tuple[str, str | None]]) -> LanguageResult:
    blocks: dict[str, list[str]] = {}
    letters: Counter[str] = Counter()
    for seg, lang in per_segment:
        if lang is None:
            continue
        blocks.setdefault(lang, []).append(seg)
        letters[lang] += _letters(seg)
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


def detect_languages(texts: Sequence[str | None]) -> list[LanguageResult]:
    """Languages of many texts at once: script first, then lingua in one parallel batch for Latin paragraphs."""
    per_text: list[list[tuple[str, str | None]]] = []
    latin: list[tuple[int, int, str]] = []
    for i, text in enumerate(texts):
        segs: list[tuple[str, str | None]] = []
        for seg in split_segments(text):
            if _letters(seg) < MIN_PARAGRAPH_LETTERS:
                continue
            lang = _by_script(seg, _script_counts(seg))
            if lang == "latin":
                latin.append((i, len(segs), seg))
            segs.append((seg, lang))
        per_text.append(segs)
    if latin:
        found = detector().detect_languages_in_parallel_of([seg for _, _, seg in latin])
        for (i, j, seg), lang in zip(latin, found, strict=True):
            code = lang.iso_code_639_1.name.lower() if lang is not None else None
            per_text[i][j] = (seg, code)
    return [_resolve(segs) for segs in per_text]


def detect_language(text: str | None) -> LanguageResult:
    """Languages of one text (see :func:`detect_languages`)."""
    return detect_languages([text])[0]
