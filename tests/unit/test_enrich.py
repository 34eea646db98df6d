"""Unit tests of the enrichment functions (diplowatch.enrich): real seeds, real regexes, real lingua."""

from __future__ import annotations

from datetime import datetime, timedelta

import pyarrow as pa
import pytest
from diplowatch.enrich.entities import load_entities, load_entities_csv, tag_entities
from diplowatch.enrich.events import EventInput, cluster_events, pairs_of
from diplowatch.enrich.languages import detect_language, detect_languages
from diplowatch.enrich.patterns import alias_regex, keyword_regex, match_mask, normalise_text
from diplowatch.enrich.relevance import cites_mission_posts
from diplowatch.enrich.themes import (
    SeedError,
    derive_register,
    event_types_of,
    load_themes,
    load_themes_csv,
    tag_themes,
)


@pytest.fixture(scope="module")
def entities():
    return load_entities_csv()


@pytest.fixture(scope="module")
def themes():
    return load_themes_csv()


def _ents(text: str, entities) -> list[str]:
    return tag_entities([text], entities)[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Встреча с Послом А.И.Мацегорой", "alexander_matsegora"),
        ("визит Мацегоры в Вонсан", "alexander_matsegora"),
        ("В Пхеньяне прошёл концерт", "pyongyang"),
        ("делегация прибыла в Москву", "moscow"),
        ("переговоры в Москве", "moscow"),
        ("Choe Son-hui said", "choe_son_hui"),
        ("Choe Sonhui said", "choe_son_hui"),
        ("KIM JONG-UN visited", "kim_jong_un"),
        ("встреча с Ким Чен Ыном", "kim_jong_un"),
        ("Сергея Лаврова встретили", "sergey_lavrov"),
        ("최선희는 말했다", "choe_son_hui"),
        ("마체고라 대사", "alexander_matsegora"),
        ("Lavrov's visit", "sergey_lavrov"),
        ("в Министерстве иностранных дел КНДР", "dprk_mfa"),
    ],
)
def test_entity_aliases_match_inflections_hyphens_and_hangul(text, expected, entities):
    assert expected in _ents(text, entities)


def test_entity_boundaries_and_longest_match(entities):
    assert _ents("Kim Il Sung University students", entities) == ["kim_il_sung_university"]
    assert _ents("Московская конференция по нераспространению", entities) == ["moscow_npc"]
    assert _ents("Putinism and Lavrovsky", entities) == []  # a name inside a longer word is no mention
    assert _ents("Москвич", entities) == []


def test_alias_regex_handles_initials_without_space():
    rx = alias_regex("А.И. Мацегора")
    arr = pa.array(["Посол А.И.Мацегора", "А. И. Мацегоры", "Мацегора"])
    assert match_mask(normalise_text(arr), rx).tolist() == [True, True, False]


def test_keyword_stems_and_whole_words():
    arr = pa.array(["переговорах", "meetings", "meet", "перег"])
    assert match_mask(normalise_text(arr), keyword_regex("переговор*")).tolist() == [True, False, False, False]
    assert match_mask(normalise_text(arr), keyword_regex("meeting")).tolist() == [False, False, False, False]
    assert match_mask(normalise_text(arr), keyword_regex("meetings")).tolist() == [False, True, False, False]


def test_entity_seed_errors_name_the_row():
    with pytest.raises(SeedError, match=r"row 2 .*type 'city'"):
        load_entities([{"entity_id": "x", "canonical_name": "X", "type": "city", "aliases": ""}])


def test_languages_bilingual_post():
    r = detect_language(
        "18 октября Министр иностранных дел России С.В.Лавров прибыл в Пхеньян с официальным визитом.\n\n"
        "On October 18, Russian Foreign Minister Sergey Lavrov arrived in Pyongyang on an official visit."
    )
    assert set(r.languages) == {"ru", "en"} and r.is_bilingual and r.primary_language in {"ru", "en"}


def test_languages_foreign_name_is_not_a_language():
    r = detect_language("Посол встретился с Choe Son Hui и Kim Jong Un в Пхеньяне, обсудили сотрудничество.")
    assert r.languages == ["ru"] and not r.is_bilingual


def test_languages_two_languages_of_different_content_are_not_bilingual():
    r = detect_language(
        "Поездка на гору Пэкту.\n\nEmbassy staff made a trip to Mount Paektu. Lake Chon in the crater greeted us "
        "with sunshine and a strong wind, and we walked for hours along the rim of the volcano."
    )
    assert set(r.languages) == {"ru", "en"} and not r.is_bilingual


def test_languages_hangul_and_korean_word_inside_russian():
    assert detect_language("김정은 국무위원장이 평양을 방문한 외무상을 접견했다.").languages == ["ko"]
    assert detect_language("По-корейски «спасибо» — 감사합니다. Продолжаем рубрику о языке.").languages == ["ru"]


def test_languages_batch_and_empty():
    out = detect_languages([None, "", "Happy New Year to all our friends in Korea!"])
    assert out[0].languages == [] and out[0].primary_language is None
    assert out[2].languages == ["en"]


def test_themes_multi_label_and_sub_theme_brings_parent(themes):
    got = tag_themes(
        [
            "Торжественный приём по случаю Дня России с концертом корейского ансамбля",
            "Пхеньянская международная торговая ярмарка открылась",
            "Quarterly report",
        ],
        themes,
    )
    assert {"official_diplomacy", "reception", "tradition_holidays", "culture"} <= set(got[0])
    assert {"economy_trade", "trade_fair"} <= set(got[1])
    assert got[2] == []


def test_register_from_most_specific_themes(themes):
    assert derive_register(["economy_trade", "trade_fair"], themes) == "people_centred"  # the sub-theme decides
    assert derive_register(["economy_trade"], themes) == "official"
    assert derive_register(["official_diplomacy", "culture"], themes) == "mixed"
    assert derive_register(["sport", "daily_life"], themes) == "people_centred"
    assert derive_register([], themes) == "none"


def test_event_types_inherit_from_parent(themes):
    assert event_types_of(["official_diplomacy", "talks"], themes) == ["diplomatic"]
    assert event_types_of(["daily_life"], themes) == []


def test_theme_seed_rejects_unknown_register():
    with pytest.raises(SeedError, match="register 'soft'"):
        load_themes([{"theme_id": "x", "register": "soft", "keywords_en": "a"}])


T0 = datetime(2024, 6, 19, 3)


def _ev(uid, hours, etype, ents, kind="post", title=None):
    return EventInput(uid, kind, T0 + timedelta(hours=hours), etype, ents, title=title, event_types=[etype])


def test_event_clustering_links_same_type_shared_entity_close_in_time():
    items = [
        _ev("p1", 0, "diplomatic", ["putin", "pyongyang"]),
        _ev("n1", 6, "diplomatic", ["putin"], kind="news", title="Putin lands in Pyongyang"),
        _ev("p2", 40, "diplomatic", ["kim", "putin"]),
        _ev("p3", 24 * 10, "diplomatic", ["putin"]),  # ten days later: another event
        _ev("p4", 1, "cultural", ["putin"]),  # another type
        _ev("p5", 2, "diplomatic", ["pyongyang"]),  # only a non-key entity: not linked to p1
    ]
    out = cluster_events(items, key_entities={"putin", "kim"}, entity_names={"putin": "Vladimir Putin"})
    events = {i.text_uid: i.event_id for i in out}
    assert pairs_of(events) == {frozenset(p) for p in [("p1", "n1"), ("p1", "p2"), ("n1", "p2")]}
    first = next(i for i in out if i.text_uid == "p1")
    assert first.title == "Putin lands in Pyongyang" and first.main_entities[0] == "Vladimir Putin"
    assert first.started_at == T0 and first.ended_at == T0 + timedelta(hours=40)


def test_event_clustering_without_entities_links_within_a_day_only():
    items = [_ev("a", 0, "holiday", []), _ev("b", 5, "holiday", []), _ev("c", 60, "holiday", [])]
    events = {i.text_uid: i.event_id for i in cluster_events(items, key_entities=set())}
    assert events["a"] == events["b"] != events["c"]


def test_event_never_spans_more_than_seven_days_even_when_entity_threads_chain():
    # a, b, c, d alternate entities, each within 3 days of the last: every thread alone is short,
    # but chained through union-find they would make one event of 9 days.
    items = [
        _ev("a", 0, "diplomatic", ["putin"]),
        _ev("b", 48, "diplomatic", ["putin", "kim"]),
        _ev("c", 96, "diplomatic", ["kim", "lavrov"]),
        _ev("d", 144, "diplomatic", ["lavrov", "shoigu"]),
        _ev("e", 192, "diplomatic", ["shoigu"]),
        _ev("f", 216, "diplomatic", ["shoigu"]),
    ]
    out = cluster_events(items, key_entities={"putin", "kim", "lavrov", "shoigu"})
    assert all(i.ended_at - i.started_at <= timedelta(days=7) for i in out)
    events = {i.text_uid: i.event_id for i in out}
    assert events["a"] == events["b"] == events["c"] == events["d"]  # 6 days: one event
    assert events["e"] == events["f"] != events["a"]  # 8 days after a: a new event


def test_text_without_event_type_is_in_no_event():
    items = [EventInput("x", "post", T0, None, ["putin"])]
    assert cluster_events(items, key_entities={"putin"}) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The embassy said on its Facebook page that the ambassador met the minister.", True),
        ("Посольство в своём Telegram-канале сообщило о концерте.", True),
        ("The ambassador met the minister on Tuesday.", False),
        (None, False),
    ],
)
def test_cites_mission_posts(text, expected):
    assert cites_mission_posts(text) is expected
