"""Does a news item cite the mission's own social-media posts? (the amplification cue)

Patterns in English and Russian for "the embassy said on its Facebook page",
"wrote on Twitter", "в своём Telegram-канале", "на странице посольства в
Facebook". A pure function: the enrichment layer decides which items it runs on.
"""

from __future__ import annotations

import re

_PLATFORMS_EN = r"(?:facebook|twitter|telegram|vk|vkontakte|instagram|x)"
_PLATFORMS_RU = r"(?:facebook|фейсбук\w*|twitter|твиттер\w*|telegram|телеграм\w*|вконтакте|vk|instagram|инстаграм\w*)"

_PATTERNS = [
    # "said on its Facebook page", "wrote on Twitter", "posted on its Telegram channel"
    re.compile(
        r"\b(?:said|says|wrote|writes|posted|posts|reported|reports|announced|announces|shared|shares|tweeted"
        r"|published|publishes|noted|notes|stated|states)\b[^.]{0,40}?\b(?:on|in|via)\s+(?:its|their|his|her|the)?\s*"
        r"(?:official\s+)?" + _PLATFORMS_EN + r"\b",
        re.IGNORECASE,
    ),
    # "the embassy's Facebook page", "the embassy's Telegram channel", "embassy's Twitter account"
    re.compile(
        r"\b(?:embassy|mission|ambassador|consulate)(?:'s|’s)?\s+(?:official\s+)?"
        + _PLATFORMS_EN
        + r"\s+(?:page|account|channel|feed|post)",
        re.IGNORECASE,
    ),
    # "in a Facebook post", "in a tweet", "according to a post on the embassy's page"
    re.compile(r"\bin\s+an?\s+(?:" + _PLATFORMS_EN + r"\s+post|tweet|telegram\s+message)\b", re.IGNORECASE),
    # Russian: "в своём Telegram-канале", "на своей странице в Facebook", "в своём твиттере"
    re.compile(
        r"\b(?:в|на)\s+(?:сво[её]м|своей|официальном|официальной)\s+(?:(?:telegram|телеграм)[- ]?канал\w*"
        r"|странице\s+в\s+" + _PLATFORMS_RU + r"|аккаунте\s+в\s+" + _PLATFORMS_RU + r"|" + _PLATFORMS_RU + r")",
        re.IGNORECASE,
    ),
    # Russian: "посольство сообщило в Facebook", "написали в Twitter", "в Telegram-канале посольства"
    re.compile(
        r"\b(?:сообщил\w*|написал\w*|опубликовал\w*|заявил\w*|отметил\w*|говорится)\b[^.]{0,40}?\b(?:в|на)\s+"
        r"(?:странице\s+(?:посольства\s+)?(?:в\s+)?)?" + _PLATFORMS_RU + r"\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:в|на)\s+(?:telegram|телеграм)[- ]?канале\s+(?:посольства|дипмиссии|посла)|\b(?:на\s+)?странице\s+"
        r"(?:посольства|дипмиссии|посла)\s+в\s+" + _PLATFORMS_RU,
        re.IGNORECASE,
    ),
]


def cites_mission_posts(text: str | None) -> bool:
    """True when the text says it quotes a social-media post ("said on its Facebook page", "в Telegram-канале")."""
    if not text:
        return False
    return any(p.search(text) for p in _PATTERNS)
