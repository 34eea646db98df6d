"""The intermediate enrichment models built by dbt on a tiny landing zone (a tmp DIPLOWATCH_HOME)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import duckdb
import pytest
from diplowatch import landing, warehouse

pytestmark = pytest.mark.timeout(600)

FETCHED = datetime(2024, 6, 21, 12, tzinfo=UTC)
MODELS = (
    "+int_texts_languages +int_texts_themes +int_texts_register +int_texts_entities "
    "+int_posts_content_groups +int_news_relevance +int_events +int_event_items"
)


def _post(native: str, platform: str, ts: datetime, text: str) -> dict:
    return {
        "post_uid": f"{platform}:rusembdprk:{native}",
        "platform": platform,
        "account_uid": f"{platform}:rusembdprk",
        "native_id": native,
        "mission_id": "ru_emb_dprk",
        "published_at": ts,
        "text": text,
        "url": f"https://example.org/{platform}/{native}",
        "source_format": "api",
        "run_id": "r1",
        "fetched_at": FETCHED,
    }


def _news(uid: str, ts: datetime, title: str, body: str) -> dict:
    return {
        "item_uid": uid,
        "url": f"https://news.example.org/{uid}",
        "canonical_url": f"https://news.example.org/{uid}",
        "title": title,
        "summary": body,
        "published_at": ts,
        "source_domain": "news.example.org",
        "found_via": "feed",
        "source_format": "feed",
        "run_id": "r1",
        "fetched_at": FETCHED,
    }


SUMMIT = (
    "Президент России В.В.Путин прибыл в Пхеньян с государственным визитом. "
    "В аэропорту его встретил Ким Чен Ын.\n\n"
    "President Vladimir Putin arrived in Pyongyang on a state visit. Kim Jong Un met him at the airport."
)


def _land(rows: dict[str, list[dict]], key: str) -> None:
    for entity, items in rows.items():
        by_platform: dict[str, list[dict]] = {}
        for row in items:
            by_platform.setdefault(row.get("platform", "news"), []).append(row)
        for platform, prows in by_platform.items():
            target = landing.partition_path(entity, platform, date(2024, 6, 21), key)
            landing.write_parquet_atomic(landing.to_table(entity, prows), target)


def _query(sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse.build_file()), read_only=True) as con:
        return con.sql(sql).fetchall()


def test_enrichment_models_build_and_grow_incrementally(diplowatch_home):
    landing.ensure_schema_files()
    t0 = datetime(2024, 6, 19, 3, tzinfo=UTC)
    _land(
        {
            "posts": [
                _post("1", "telegram", t0, SUMMIT),
                _post("2", "facebook", t0.replace(minute=30), SUMMIT),
                _post("3", "telegram", t0.replace(day=20), "Сотрудники посольства поздравляют с Чхусоком!"),
            ],
            "news_items": [
                _news(
                    "n1",
                    t0.replace(hour=9),
                    "Putin lands in Pyongyang for talks with Kim Jong Un",
                    "Vladimir Putin arrived in Pyongyang. The Russian Embassy in the DPRK said on its Telegram "
                    "channel that Ambassador Alexander Matsegora met him.",
                ),
                _news("n2", t0, "Weather in Seoul", "Rain is expected in Seoul on Friday."),
            ],
        },
        "k1",
    )
    warehouse.run_dbt("build", "--select", MODELS)

    langs = dict(_query("select text_uid, is_bilingual from intermediate.int_texts_languages"))
    assert langs["telegram:rusembdprk:1"] is True and langs["n2"] is False
    themes = {r[0] for r in _query("select theme_id from intermediate.int_texts_themes where text_uid = 'n1'")}
    assert "official_diplomacy" in themes
    assert _query("select register from intermediate.int_texts_register where text_uid = 'n1'") == [("official",)]
    ents = {r[0] for r in _query("select entity_id from intermediate.int_texts_entities where text_uid = 'n1'")}
    assert {"vladimir_putin", "kim_jong_un", "ru_embassy_dprk", "alexander_matsegora"} <= ents
    groups = dict(_query("select post_uid, group_platforms from intermediate.int_posts_content_groups"))
    assert groups["telegram:rusembdprk:1"] == 2 and groups["telegram:rusembdprk:3"] == 1
    rel = {r[0]: r[1:4] for r in _query("select * from intermediate.int_news_relevance")}
    assert rel["n1"] == (True, True, ["ru_emb_dprk"]) and rel["n2"] == (False, False, [])
    members = _query(
        "select event_id, list(text_uid order by text_uid) from intermediate.int_event_items group by 1 "
        "having count(*) > 1"
    )
    assert [m[1] for m in members] == [["facebook:rusembdprk:2", "n1", "telegram:rusembdprk:1"]]
    (title,) = _query(f"select title from intermediate.int_events where event_id = '{members[0][0]}'")[0]
    assert title == "Putin lands in Pyongyang for talks with Kim Jong Un"

    # a second run enriches only the new text; the old rows stay as they were
    _land({"posts": [_post("4", "vk", t0.replace(day=22), "Встреча Посла А.И.Мацегоры с Чхве Сон Хи.")]}, "k2")
    warehouse.run_dbt("build", "--select", MODELS)
    assert _query("select count(*) from intermediate.int_texts_languages") == [(6,)]
    ents = {r[0] for r in _query("select entity_id from intermediate.int_texts_entities where text_uid like 'vk:%'")}
    assert ents == {"alexander_matsegora", "choe_son_hui"}
