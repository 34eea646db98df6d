"""The column-wise JSONL import lands exactly what the per-row import lands, and steps aside when in doubt."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pytest
from diplowatch import landing
from diplowatch.sources import generic_import, import_columnar

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # bench/ lives at the repo root, not installed
from bench.generate import Plan, generate

OBSERVED = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
REPO = Path(__file__).resolve().parents[2]


def _jsonl(rows: list[dict]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")


def _landed(body: bytes, name: str, *, columnar: bool) -> tuple[dict[str, pa.Table], list[tuple[str, str]]]:
    parsed = generic_import.parse_import(body, name, observed_at=OBSERVED, columnar=columnar)
    batch = parsed.into(landing.Batch(run_id="r1", source="import", fetched_at=OBSERVED), raw_ref="raw/f.jsonl")
    tables = {entity: batch.table(entity) for entity in batch.entities()}
    return tables, [(r["entity"], r["reason"]) for r in batch.rejects]


def _assert_same(body: bytes, name: str = "f.jsonl") -> bool:
    """Both paths land equal tables and rejects; True when the column-wise path took the file."""
    fast, fast_rejects = _landed(body, name, columnar=True)
    slow, slow_rejects = _landed(body, name, columnar=False)
    assert sorted(fast) == sorted(slow)
    for entity in slow:
        assert fast[entity].to_pylist() == slow[entity].to_pylist(), entity
    assert fast_rejects == slow_rejects
    return bool(generic_import.parse_import(body, name, observed_at=OBSERVED).tables)


POSTS = [
    {"platform": "Telegram", "account": "@RusEmb_DPRK", "native_id": 17, "published_at": 1505203200,
     "text": "  Встреча в посольстве \u00a0", "views": 120, "likes": 3, "observed_at": 1505289600},
    {"platform": "x", "account": "rusembdprk", "native_id": 900, "published_at": 1505203300,
     "text": "", "media_url": "https://example.org/a.jpg", "likes": 0},
    {"platform": "vk", "account": "rusembdprk", "native_id": 5, "published_at": 1505203400,
     "media_url": "https://example.org/b.mp4", "media_type": "video", "mission_id": "ru_emb_dprk",
     "display_name": "Посольство", "reply_to": 4, "label_theme": "culture"},
    {"platform": "facebook", "account": "RusEmbDPRK", "native_id": 6, "published_at": 1505203500},
]  # fmt: skip


def test_posts_with_counts_media_and_labels_are_landed_alike_column_wise():
    assert _assert_same(_jsonl(POSTS))


def test_text_ids_and_padded_values_are_landed_alike():
    rows = [{**row, "native_id": f" {row['native_id']} ", "reply_to": None} for row in POSTS]
    assert _assert_same(_jsonl(rows))


def test_zoned_iso_times_are_read_alike():
    rows = [
        {**POSTS[0], "published_at": "2017-09-12T08:30:00+09:00", "observed_at": "2017-09-13 00:00:00.5Z",
         "edited_at": "2017-09-12T09:00:00.123456-01:30"},
        {**POSTS[1], "published_at": "2017-09-12T08:30:00Z", "observed_at": " 2017-09-14T00:00:00Z "},
    ]  # fmt: skip
    assert _assert_same(_jsonl(rows))


NEWS = [
    {"url": "https://www.tass.com/politics/1?utm_source=rss", "published_at": "2017-09-15T10:20:00Z",
     "title": " A title ", "authors": ["Choe Son Hui", " ", "Ivan "], "seen_at": 1505470000},
    {"url": "http://m.ria.ru/a/2/", "published_at": "2017-09-15T10:20:00.25+03:00", "authors": ["  A ", ""],
     "source_domain": "ria.ru", "language": "ru"},
    {"url": " https://kcna.kp/x ", "published_at": "2017-09-15 10:20:00+09:00", "authors": []},
    {"url": "https://reader@News.Example.org:8443/p?b=2&a=1#top", "published_at": "2017-09-15T10:20:00Z",
     "authors": ["B"]},
]  # fmt: skip


def test_news_with_author_lists_domains_and_tracking_urls_are_landed_alike():
    assert _assert_same(_jsonl(NEWS))


def test_news_with_author_strings_are_landed_alike():
    rows = [{**row, "authors": "; ".join(row["authors"])} for row in NEWS]
    assert _assert_same(_jsonl(rows))


def test_news_with_text_and_unix_times_mixed_go_row_by_row_alike():
    rows = [NEWS[0], {**NEWS[1], "published_at": 1505470000}]
    assert not _assert_same(_jsonl(rows))


@pytest.mark.parametrize(
    "change",
    [
        {"published_at": "2017-09-12T08:30:00"},  # no zone: a reject
        {"likes": -1},  # a reject
        {"likes": "12"},  # a count as text: accepted, by the per-row path
        {"platform": "myspace"},  # a reject
        {"account": "  "},  # a reject
        {"account": "Пасольства"},  # non-ASCII lower-casing
        {"reactions": {"like": 3}},
        {"observed_at": -5},  # a reject
        {"published_at": 10**13},  # beyond year 9999: a reject
    ],
)
def test_doubtful_files_go_row_by_row_with_the_same_result(change):
    rows = [POSTS[0], {**POSTS[2], **change}]
    assert not _assert_same(_jsonl(rows))


@pytest.mark.parametrize("space", ["\x1f", "\x85", "\u3000", "\u200b", "\ufeff"])
def test_unusual_white_space_lands_alike_whichever_path_takes_it(space):
    rows = [{**POSTS[0], "text": f"{space}text{space}", "author": space}, POSTS[1]]
    _assert_same(_jsonl(rows))


def test_a_bad_line_goes_row_by_row_and_is_rejected_with_its_line():
    body = _jsonl(POSTS[:2]) + b"{not json\n" + _jsonl(POSTS[2:])
    assert not _assert_same(body)
    _, rejects = _landed(body, "f.jsonl", columnar=True)
    assert any("line 3" in reason for _, reason in rejects)


def test_bundled_and_generated_imports_are_landed_alike_and_column_wise(tmp_path):
    assert _assert_same((REPO / "sample_data" / "import" / "news_items.jsonl").read_bytes(), "news_items.jsonl")
    generate(tmp_path, Plan.of("tiny"))
    files = sorted(tmp_path.rglob("*.jsonl"))
    assert files
    for path in files:
        assert _assert_same(path.read_bytes(), path.name), path


def test_add_table_rejects_contract_breaks_with_the_per_record_reason():
    batch = landing.Batch(run_id="r", source="import", fetched_at=OBSERVED)
    table = pa.table(
        {"account_uid": ["x:a", ""], "platform": ["x", "x"], "handle": ["a", "b"], "source_format": ["import"] * 2}
    )
    batch.add_table("accounts", table)
    assert batch.counts() == {"accounts": 1, "rejects": 1}
    assert batch.rejects[0]["reason"] == "account_uid is required"
    assert batch.records["accounts"][0]["run_id"] == "r"
    with pytest.raises(landing.ContractError, match="unknown field"):
        batch.add_table("accounts", table.append_column("nope", pa.array([1, 2])))


def test_columnar_parser_declines_csv_like_bodies():
    assert import_columnar.parse_jsonl(b"platform,account\n", "f.jsonl", None, OBSERVED) is None
