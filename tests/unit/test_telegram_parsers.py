"""Telegram parsers on recorded-format fixtures: web preview pages and Desktop exports."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from diplowatch.landing import Batch
from diplowatch.raw import RawPage
from diplowatch.sources import telegram as tg

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "telegram"
FETCHED = datetime(2018, 1, 13, 9, 30, tzinfo=UTC)
EXPORTED = datetime(2018, 5, 2, 7, 30, tzinfo=UTC)


def page(name: str, url: str = "https://t.me/s/TchanTest") -> RawPage:
    return RawPage(url=url, body=(FIXTURES / name).read_bytes(), fetched_at=FETCHED, raw_ref=f"raw/{name}#1")


@pytest.fixture(scope="module")
def features() -> tg.ParsedPage:
    return tg.parse_channel_page(page("page_features.html"))


def by_id(parsed: tg.ParsedPage, msg_id: int) -> dict:
    return next(p for p in parsed.posts if p["native_id"] == str(msg_id))


def metrics_of(parsed: tg.ParsedPage, msg_id: int) -> dict:
    return next(m for m in parsed.post_metrics if m["post_uid"] == f"telegram:tchantest:{msg_id}")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("2", 2), ("874", 874), ("1.2K", 1200), ("436.6K", 436600), ("2.32K", 2320), ("3.1M", 3100000), ("x", None)],
)
def test_parse_count_reads_abbreviated_counts(raw, expected):
    assert tg.parse_count(raw) == expected


def test_post_keys_text_and_date(features):
    post = by_id(features, 56)
    assert post["post_uid"] == "telegram:tchantest:56"
    assert post["account_uid"] == "telegram:tchantest"
    assert post["published_at"] == datetime(2018, 1, 10, 8, 1, 26, tzinfo=UTC)
    assert post["url"] == "https://t.me/TchanTest/56"
    assert post["source_format"] == "web"
    assert post["raw_ref"] == "raw/page_features.html#1"
    assert post["text"] == (
        "Посол встретился с\u00a0делегацией.\n\nThe Ambassador met the delegation & guests 👍\n#Pyongyang mid.ru"
    )
    assert "<b>Посол</b>" in post["text_raw"] and "<" not in post["text"]
    assert post["author"] == "А. Мацегора"
    assert post["media"] == [{"type": "photo", "url": "https://cdn4.telesco.pe/file/photo56.jpg"}]


def test_views_abbreviated_kept_raw_and_reactions_by_kind(features):
    m = metrics_of(features, 56)
    assert m["views"] == 1200 and m["views_raw"] == "1.2K"
    assert m["observed_at"] == FETCHED
    assert m["reactions"] == {
        "👍": 1500,
        "❤": 12,
        "paid": 7,
        "custom_emoji:5368324170671202286": 3,
        "unknown:gift": 2,
    }
    assert m["reactions_total"] == 1500 + 12 + 3 + 2  # paid stars are not people reacting


def test_forwarded_post(features):
    post = by_id(features, 57)
    assert post["forwarded_from"] == "МИД России"
    assert metrics_of(features, 57)["views"] == 3_100_000


def test_album_lists_every_item(features):
    post = by_id(features, 58)
    assert post["media"] == [
        {"type": "photo", "url": "https://cdn4.telesco.pe/file/a1.jpg"},
        {"type": "photo", "url": "https://cdn4.telesco.pe/file/a2.jpg"},
        {"type": "video", "url": "https://cdn4.telesco.pe/file/v3.mp4"},
    ]
    assert post["text"] == "Чхусок 추석"
    assert metrics_of(features, 58)["views"] == 874


def test_voice_poll_link_preview_and_reply(features):
    post = by_id(features, 61)
    assert [m["type"] for m in post["media"]] == ["voice", "poll", "link_preview"]
    assert post["media"][2]["url"] == "https://example.org/story"
    assert post["reply_to"] == "telegram:tchantest:57"
    assert post["text"] == "Голосование"
    assert all(m["post_uid"] != post["post_uid"] for m in features.post_metrics)  # no views, no reactions


def test_service_message_is_skipped_but_counted(features):
    assert features.service_ids == [55]
    assert "55" not in {p["native_id"] for p in features.posts}
    assert 55 in features.message_ids and features.min_id == 55
    assert features.before == 55


def test_post_without_date_becomes_reject(features):
    assert "62" not in {p["native_id"] for p in features.posts}
    [reject] = features.rejects
    assert reject["entity"] == "posts"
    assert "TchanTest/62" in reject["reason"] and "no time[datetime]" in reject["reason"]
    assert reject["raw_ref"] == "raw/page_features.html#1"
    assert "lost its date" in reject["excerpt"]


def test_channel_header(features):
    assert features.account["display_name"] == "Test & Channel 🇷🇺"
    assert features.account["description"] == "First line\nSecond line"
    assert features.account_metrics["followers"] == 2320
    assert features.account_metrics["followers_raw"] == "2.32K"


def test_records_pass_the_landing_contract(features):
    batch = Batch(run_id="t", source="telegram")
    for post in features.posts:
        batch.add("posts", {**post, "mission_id": "m"})
    for row in features.post_metrics:
        batch.add("post_metrics", row)
    batch.add("accounts", features.account)
    batch.add("account_metrics", features.account_metrics)
    assert batch.rejects == []
    assert batch.counts() == {"posts": 4, "post_metrics": 3, "accounts": 1, "account_metrics": 1, "rejects": 0}


def test_empty_channel_parses_to_nothing():
    parsed = tg.parse_channel_page(page("page_empty.html", "https://t.me/s/EmptyChan"))
    assert parsed.channel == "emptychan"
    assert parsed.posts == [] and parsed.rejects == [] and parsed.min_id is None
    assert parsed.account_metrics["followers"] == 3


def test_changed_layout_raises_naming_the_url():
    with pytest.raises(tg.LayoutChanged, match=r"https://t.me/s/TchanTest\?before=9: expected div.tgme_widget_message"):
        tg.parse_channel_page(page("page_layout_changed.html", "https://t.me/s/TchanTest?before=9"))


def test_channel_card_instead_of_preview_is_a_clear_error():
    with pytest.raises(tg.LayoutChanged, match="no public web preview"):
        tg.parse_channel_page(page("page_no_preview.html"))


# ------------------------------------------------------------------ Desktop export


@pytest.fixture(scope="module")
def export() -> tg.ParsedPage:
    data = (FIXTURES / "export_single.json").read_bytes()
    return tg.parse_export(data, "TchanTest", "raw/export#1", fetched_at=EXPORTED)


def test_export_text_as_string_and_as_entities(export):
    assert by_id(export, 2)["text"] == "Простой текст одной строкой."
    assert by_id(export, 3)["text"] == "Внимание! Консульский отдел закрыт. #консульство подробнее"
    assert by_id(export, 9)["text"] == "Старый формат: только text, без text_entities"  # fallback to `text` list


def test_export_dates_come_from_unixtime_in_utc(export):
    post = by_id(export, 2)
    assert post["published_at"] == datetime(2017, 9, 1, 1, 10, tzinfo=UTC)  # `date` says 04:10 local time
    assert by_id(export, 3)["edited_at"] == datetime(2017, 9, 2, 3, 40, tzinfo=UTC)
    assert post["source_format"] == "export" and post["url"] == "https://t.me/tchantest/2"


def test_export_media_placeholders_album_forward_and_reply(export):
    assert by_id(export, 3)["media"][0] == {"type": "photo", "url": None}
    assert {"type": "link", "url": "https://example.org/notice"} in by_id(export, 3)["media"]
    album = by_id(export, 4)
    assert album["forwarded_from"] == "МИД России"
    assert album["media"] == [
        {"type": "photo", "url": "photos/photo_4@03-09-2017_10-00-00.jpg"},
        {"type": "photo", "url": None},
    ]
    assert "5" not in {p["native_id"] for p in export.posts}  # the album part is folded in
    video = by_id(export, 7)
    assert video["media"][0] == {"type": "video_file", "url": None}
    assert video["reply_to"] == "telegram:tchantest:2"
    assert by_id(export, 9)["media"] == [{"type": "poll", "url": None}]
    assert by_id(export, 3)["author"] == "А. Мацегора"


def test_export_reactions_only_where_present_and_no_views(export):
    [m] = export.post_metrics
    assert m["post_uid"] == "telegram:tchantest:3"
    assert m["observed_at"] == EXPORTED and "views" not in m
    assert m["reactions"] == {"👍": 5, "custom_emoji:5368324170671202286": 2, "paid": 9, "unknown:sparkle": 1}


def test_export_service_unsupported_and_dateless(export):
    assert export.service_ids == [1]
    reasons = {r["reason"] for r in export.rejects}
    assert any(r.startswith("message 6: no date_unixtime") for r in reasons)
    assert any(r.startswith("message 8: type 'unsupported'") for r in reasons)
    assert {p["native_id"] for p in export.posts} == {"2", "3", "4", "7", "9"}
    assert export.account["native_id"] == "1487851422"
    assert export.account["display_name"] == "Test Channel 🇷🇺"


def test_export_full_account_shape():
    data = (FIXTURES / "export_full_account.json").read_bytes()
    parsed = tg.parse_export(data, "rusembdprk", fetched_at=EXPORTED)
    assert [p["post_uid"] for p in parsed.posts] == ["telegram:rusembdprk:10", "telegram:rusembdprk:11"]
    assert parsed.posts[1]["text"] == "Ли Ён Хо в Москве"


def test_truncated_export_is_a_clear_error():
    data = (FIXTURES / "export_truncated.json").read_bytes()
    with pytest.raises(tg.ExportError, match=r"result.json \(raw/x#1\): not valid JSON \(truncated file\?\)"):
        tg.parse_export(data, "tchantest", "raw/x#1")


def test_export_of_unknown_shape_is_refused():
    with pytest.raises(tg.ExportError, match="expected a single-chat export"):
        tg.parse_export(b'{"hello": []}', "tchantest")
