"""Does a news item cite the mission's own social-media posts?

Uses the news helper's :func:`diplowatch.news.amplification.cites_mission_posts` when it is
installed, else a small fallback with the same contract (pure function of the text).
"""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

try:  # the news package owns the canonical patterns
    from diplowatch.news.amplification import cites_mission_posts as _cites
except ImportError:  # pragma: no cover - only without the news package
    _cites = None

_FALLBACK = re.compile(
    r"\b(?:on|in|via)\s+(?:its|their|the)?\s*(?:official\s+)?(?:facebook|twitter|telegram|vk|x)\s*"
    r"(?:page|account|channel|feed)?\b"
    r"|(?:в|на)\s+(?:сво[её]м|своей)\s+(?:telegram|телеграм)[- ]?канал\w*"
    r"|написал\w*\s+в\s+(?:twitter|твиттере|telegram|facebook)",
    re.IGNORECASE,
)


def cites_mission_posts(text: str | None) -> bool:
    """True when the text says it quotes a social-media post ("said on its Facebook page", "в своём Telegram")."""
    if not text:
        return False
    if _cites is not None:
        return bool(_cites(text))
    return bool(_FALLBACK.search(text))


# Every pattern of the news helper (and of the fallback) needs one of these words, so a text without
# any of them cannot cite a post; RE2 screens a whole column for them at once and the (slower, Python)
# patterns run only on the texts that pass. ``x`` counts when no ASCII letter, digit or ``_`` follows it
# (a superset of the patterns' ``x\b``). Keep in step with diplowatch.news.amplification.
SCREEN_REGEX = (
    r"(?i)facebook|twitter|telegram|vk|instagram|tweet|фейсбук|твиттер|телеграм|вконтакте|инстаграм"
    r"|x(?:[^a-z0-9_]|$)"
)


def cites_mission_posts_many(texts: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """:func:`cites_mission_posts` of each text (boolean numpy mask): screened with :data:`SCREEN_REGEX`,
    then each distinct screened text checked once."""
    if _cites is None:  # pragma: no cover - the fallback's patterns are not screened
        screened = np.ones(len(texts), dtype=bool)
    else:
        screened = pc.fill_null(pc.match_substring_regex(texts, SCREEN_REGEX), False).to_numpy(zero_copy_only=False)
    out = np.zeros(len(texts), dtype=bool)
    idx = np.flatnonzero(screened)
    if len(idx):
        candidates = pc.take(texts, pa.array(idx)).to_pylist()
        verdict = {t: cites_mission_posts(t) for t in set(candidates)}
        out[idx] = [verdict[t] for t in candidates]
    return out
