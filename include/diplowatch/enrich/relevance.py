"""Does a news item cite the mission's own social-media posts?

Uses the news helper's :func:`diplowatch.news.amplification.cites_mission_posts` when it is
installed, else a small fallback with the same contract (pure function of the text).
"""

from __future__ import annotations

import re

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
