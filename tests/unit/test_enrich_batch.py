"""Unit tests of the batch (fast) paths of diplowatch.enrich: they must give what the per-text paths give."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pyarrow as pa
import pytest
from diplowatch.enrich import pipeline
from diplowatch.enrich.entities import load_entities_csv
from diplowatch.enrich.languages import _SCRIPTS, _UKRAINIAN, _counts, detect_language, detect_languages
from diplowatch.enrich.patterns import (
    MAX_TERMS_PER_REGEX,
    keywords_regex,
    keywords_regexes,
    match_any_mask,
    match_mask,
    match_masks,
    normalise_text,
)
from diplowatch.enrich.relevance import cites_mission_posts, cites_mission_posts_many
from diplowatch.enrich.themes import load_themes_csv, tag_themes

TEXTS = [
    "Посол встретился с заместителем министра иностранных дел КНДР. Состоялись переговоры.",
    "The ambassador met the Deputy Foreign Minister of the DPRK for talks in Pyongyang.",
    "대사는 평양에서 외무상과 회담했다.",
    "С Днём Победы! Happy Victory Day! 9 мая / May 9",
    "Посольство сообщило в своём Telegram-канале о приёме по случаю Дня России.",
    "The embassy said on its Facebook page that a reception was held.",
    "Tax reform: the box office and a complex fox.",
    "Привіт, це українська мова: їжак, євро, ґанок.",
    "日本語のテキストです。東京で会議。",
    "中文文本 北京会议",
    "",
    None,
    "Emoji 😀 and 𝐌𝐚𝐭𝐡 letters, ² and ⅻ.",
]


@pytest.fixture(scope="module")
def themes():
    return load_themes_csv()


@pytest.fixture(scope="module")
def entities():
    return load_entities_csv()


def test_keyword_regex_pieces_match_what_the_whole_regex_matches():
    terms = [f"term{i}*" for i in range(40)] + ["переговор*", "meeting", "회담", "trade fair*"]
    pieces = keywords_regexes(terms)
    assert len(pieces) == -(-len(terms) // MAX_TERMS_PER_REGEX)
    texts = normalise_text(pa.array(["a term7x here", "Переговоры", "the meetings", "회담했다", "trade-fairs", "none"]))
    assert match_any_mask(texts, pieces).tolist() == match_mask(texts, keywords_regex(terms)).tolist()
    assert match_any_mask(texts, pieces).tolist() == [True, True, False, True, True, False]


def test_match_masks_gives_one_mask_per_pattern_list():
    texts = normalise_text(pa.array(["alpha beta", "gamma", None]))
    masks = match_masks(
        texts, [(keywords_regex(["alpha"]), keywords_regex(["gamma"])), (), (keywords_regex(["beta"]),)]
    )
    assert [m.tolist() for m in masks] == [[True, True, False], [False, False, False], [True, False, False]]


def test_character_counts_equal_python_counts():
    segments = [t for t in TEXTS if t]
    counts = _counts(segments)
    for k, seg in enumerate(segments):
        assert counts["letters"][k] == sum(ch.isalpha() for ch in seg), seg
        for name, rx in _SCRIPTS.items():
            assert counts[name][k] == len(rx.findall(seg)), (name, seg)
        assert counts["ukrainian"][k] == len(_UKRAINIAN.findall(seg)), seg


def test_batch_languages_equal_one_by_one():
    batch = detect_languages(TEXTS + TEXTS[:4])
    assert batch == [detect_language(t) for t in TEXTS + TEXTS[:4]]
    assert batch[0].primary_language == "ru"
    assert batch[7].primary_language == "uk"
    assert batch[8].primary_language == "ja"


def _texts_table(texts: list[str | None]) -> pa.Table:
    n = len(texts)
    return pa.table(
        {
            "text_uid": [f"t{i}" for i in range(n)],
            "kind": ["post"] * n,
            "published_at": pa.array([datetime(2024, 5, 9, 12)] * n, type=pa.timestamp("us")),
            "title": pa.array([None] * n, type=pa.string()),
            "body_text": pa.array(texts, type=pa.string()),
        }
    )


def test_tables_tag_duplicates_once_and_keep_row_order(themes, entities):
    texts = TEXTS + list(reversed(TEXTS))  # every text twice
    table = _texts_table(texts)
    langs = pipeline.languages_table(table)
    tagged = pipeline.tagged_table(table, themes, entities, "v1")
    assert langs.column("text_uid").to_pylist() == table.column("text_uid").to_pylist()
    assert tagged.column("text_uid").to_pylist() == table.column("text_uid").to_pylist()
    single = pipeline.tagged_table(_texts_table([texts[1]]), themes, entities, "v1")
    assert tagged.slice(1, 1).drop_columns(["text_uid"]).equals(single.drop_columns(["text_uid"]))
    expected = detect_languages([pipeline.matching_text(table.slice(i, 1))[0].as_py() for i in range(len(texts))])
    assert langs.column("primary_language").to_pylist() == [r.primary_language for r in expected]
    themes_per_text = tag_themes(pipeline.matching_text(table), themes)
    assert tagged.column("theme_ids").to_pylist() == themes_per_text
    assert "official_diplomacy" in tagged.column("theme_ids")[0].as_py()


CITING = [
    "The embassy said on its Facebook page that the talks went well.",
    "the ambassador wrote on Twitter about it",
    "the Embassy's Telegram channel reported",
    "in a tweet, the mission thanked",
    "Посольство сообщило в своём Telegram-канале о встрече.",
    "как говорится на странице посольства в Facebook",
    "посол написал в твиттере",
    "the embassy posted on its X account",
    "the mission noted on itsx page",
]
NOT_CITING = ["Tax talks at the box office.", "Встреча в посольстве.", "", "x", "Экс-посол"]


def test_cites_mission_posts_many_equals_the_per_text_function():
    texts = CITING + NOT_CITING + CITING[:2]
    got = cites_mission_posts_many(pa.array(texts, type=pa.string())).tolist()
    assert got == [cites_mission_posts(t) for t in texts]
    assert got[: len(CITING) - 1] == [True] * (len(CITING) - 1)  # the last one depends on the news patterns
    assert not any(got[len(CITING) : len(CITING) + len(NOT_CITING)])


def test_screen_regex_is_a_superset_of_the_news_patterns():
    """Every phrase the news helper's patterns accept passes the RE2 screen (else a citation is missed)."""
    from diplowatch.news import amplification

    words = ["said", "wrote", "posted", "сообщило", "написал", "в", "на", "in", "a", "its", "embassy's", "своём"]
    platforms = ["facebook", "Twitter", "TELEGRAM", "vk", "instagram", "x", "X", "фейсбуке", "твиттере", "Телеграм"]
    phrases = [f"{w} on {p} page" for w in words for p in platforms] + [f"{w} в {p}" for w in words for p in platforms]
    accepted = [p for p in phrases if any(rx.search(p) for rx in amplification._PATTERNS)]
    assert accepted, "the news patterns accept none of the probe phrases"
    assert cites_mission_posts_many(pa.array(accepted)).all()


def test_event_clusters_table_takes_tz_aware_timestamps(entities):
    moscow = timezone(timedelta(hours=3))
    times = [datetime(2024, 5, 9, 10, tzinfo=moscow), datetime(2024, 5, 9, 20, tzinfo=moscow)]
    candidates = pa.table(
        {
            "text_uid": ["a", "b"],
            "kind": ["post", "news"],
            "published_at": pa.array(times, type=pa.timestamp("us", tz="UTC")),
            "title": [None, "Victory Day reception in Pyongyang"],
            "body_text": ["Reception for Victory Day", "Reception"],
            "entity_ids": pa.array([[], []], type=pa.list_(pa.string())),
            "event_type": ["holiday", "holiday"],
            "event_types": pa.array([["holiday"], ["holiday"]], type=pa.list_(pa.string())),
        }
    )
    out = pipeline.event_clusters_table(candidates, entities).to_pylist()
    assert {r["text_uid"] for r in out} == {"a", "b"}
    assert len({r["event_id"] for r in out}) == 1
    assert out[0]["started_at"] == datetime(2024, 5, 9, 7)  # naive UTC
    assert out[0]["title"] == "Victory Day reception in Pyongyang"
    assert re.fullmatch(r"ev_[0-9a-f]{16}", out[0]["event_id"])
    assert datetime(2024, 5, 9, 17, tzinfo=UTC).replace(tzinfo=None) == out[0]["ended_at"]
