"""Syndication grouping and the amplification cue (pure helpers of diplowatch.news)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from diplowatch.news.amplification import cites_mission_posts
from diplowatch.news.canonical import item_uid
from diplowatch.news.dedupe import group_syndicated

T0 = datetime(2017, 10, 20, 10, 30, tzinfo=UTC)


def _item(url: str, title: str, hours: float) -> dict:
    return {"item_uid": item_uid(url), "title": title, "published_at": T0 + timedelta(hours=hours)}


def test_syndicated_copies_share_a_story_and_others_do_not() -> None:
    reuters = _item(
        "https://www.reuters.com/a",
        "North Korea says nuclear weapons not up for negotiation, diplomat tells Moscow conference",
        0,
    )
    yahoo = _item(
        "https://www.yahoo.com/news/b",
        "North Korea says nuclear weapons not up for negotiation , diplomat tells Moscow conference",
        0.75,
    )
    cna = _item(
        "https://www.channelnewsasia.com/c", "North Korea says nuclear weapons not up for negotiation: diplomat", 1
    )
    uk = _item(
        "https://uk.reuters.com/d",
        "North Korea says nuclear weapons not up for negotiation, diplomat tells Moscow conference - Reuters UK",
        2,
    )
    other = _item(
        "https://tass.com/world/971610", "Ryabkov meets North Korean delegation on sidelines of Moscow conference", 3
    )
    late = _item(
        "https://example.org/e",
        "North Korea says nuclear weapons not up for negotiation, diplomat tells Moscow conference",
        49,
    )
    groups = group_syndicated([uk, cna, reuters, yahoo, other, late])
    assert groups[reuters["item_uid"]] == reuters["item_uid"], "the earliest item names the story"
    assert groups[yahoo["item_uid"]] == groups[cna["item_uid"]] == groups[uk["item_uid"]] == reuters["item_uid"]
    assert groups[other["item_uid"]] == other["item_uid"]
    assert groups[late["item_uid"]] == late["item_uid"], "copies more than a day apart are separate stories"


def test_short_titles_about_one_event_are_not_syndication() -> None:
    kcna = _item("https://kcnawatch.org/x", "Russian State Duma Delegation Arrives", 0)
    tass = _item("https://tass.com/politics/977201", "Russian State Duma delegation arrives in Pyongyang", 2)
    groups = group_syndicated([kcna, tass])
    assert groups[kcna["item_uid"]] != groups[tass["item_uid"]]


def test_same_uid_twice_is_one_item() -> None:
    a = _item("https://tass.com/world/1?utm_source=rss", "Same article found in a feed and in GDELT", 0)
    b = _item("https://m.tass.com/world/1", "Same article found in a feed and in GDELT", 1)
    assert group_syndicated([a, b]) == {a["item_uid"]: a["item_uid"]}


@pytest.mark.parametrize(
    "text",
    [
        "Ambassador Alexander Matsegora hosted officials, the embassy said on its Facebook page.",
        "the Russian Embassy in the DPRK wrote on Twitter, posting photos",
        "the embassy said in a post on its Telegram channel",
        "The embassy's Facebook page showed diplomats at the fair.",
        "Russian Embassy staff among runners, embassy says on Telegram",
        "сообщило посольство России в КНДР в своём Telegram-канале",
        "написало посольство на своей странице в Facebook",
        "сообщается в Telegram-канале посольства",
        "Посольство опубликовало в своём Telegram-канале фотографии",
        "сообщило посольство в Telegram",
    ],
)
def test_cites_mission_posts(text: str) -> None:
    assert cites_mission_posts(text)


@pytest.mark.parametrize(
    "text",
    [
        "Lavrov said on Tuesday that the talks were useful.",
        "The ministry said in a statement that consultations took place.",
        "Facebook shares fell 3% on Friday.",
        "Посол России в КНДР Александр Мацегора в интервью РИА Новости заявил",
        "Telegram was blocked in Russia in April 2018.",
        "",
        None,
    ],
)
def test_does_not_cite_mission_posts(text: str | None) -> None:
    assert not cites_mission_posts(text)
