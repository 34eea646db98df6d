"""The fast paths of the parsers (issue 9) give exactly what the straightforward code gives.

Covered: ``generic_import`` (JSONL scanner fast path, inline field conversion, integer time cache,
reaction-column skipping), ``canonical_url`` (cache, quote/unquote skipped for safe paths, ``/amp``
pre-check), ``Parsed.into`` (raw_ref set in place) and ``x.parse_archive_time`` (strptime skipped for
the usual UTC form). Each is checked against the plain library call it replaces, or a hand-worked value.
"""

from __future__ import annotations

import json
import string
from datetime import UTC, datetime
from urllib.parse import quote, unquote

import pytest
from diplowatch.landing import Batch
from diplowatch.news import canonical
from diplowatch.sources import generic_import as gi
from diplowatch.sources import x
from diplowatch.sources.ratelimits import Parsed

OBS = datetime(2026, 1, 1, tzinfo=UTC)


def _json_reference(line: str) -> tuple[object, str | None]:
    """What ``read_rows`` must give for one JSONL line: ``json.loads`` and its own error message."""
    try:
        obj = json.loads(line)
    except ValueError as exc:
        return None, f"not valid JSON: {exc}"
    if not isinstance(obj, dict):
        return None, f"expected a JSON object, got {type(obj).__name__}"
    return obj, None


LINES = [
    '{"a": 1}',
    '{"a": 1}   ',
    '{"a": 1}\t',
    '  {"a": 1}',
    '{"a": 1} x',
    '{"a": 1}{"b": 2}',
    '{"a": 1}, {"b": 2}',
    '{"a": }',
    '{"a": 1',
    "{",
    "{}",
    '{"a": NaN, "b": Infinity}',
    '{"a": "\\u00e9", "b": [1, 2.5, null, true]}',
    '{"a": 1}\ufeff',
    "\ufeff{}",
    "[1, 2]",
    '"text"',
    "3",
    "nul",
]


@pytest.mark.parametrize("line", LINES)
def test_jsonl_fast_path_matches_json_loads(line: str) -> None:
    [(n, row, error)] = list(gi.read_rows(f"\n{line}\n".encode(), "f.jsonl"))
    obj, reason = _json_reference(line)
    assert n == 2
    assert row == obj and (row is None) == (obj is None)
    assert error == (None if reason is None else f"line 2: {reason}")


def _one(rows: list[dict], kind: str = "posts") -> Parsed:
    return gi.parse_import("\n".join(json.dumps(r) for r in rows).encode(), "f.jsonl", kind, OBS, columnar=False)


BASE = {"platform": " Telegram ", "account": " @RusEmb ", "native_id": 7, "published_at": 1705254965}


def test_post_row_fields_as_before() -> None:
    row = {**BASE, "text": "  hello ", "url": " ", "mission_id": 5, "media_url": "m.jpg", "likes": 3, "views": "1,200"}
    out = _one([row])
    post, metrics, account = (r for _, r in out.records)
    assert post["post_uid"] == "telegram:rusemb:7" and post["account_uid"] == "telegram:rusemb"
    assert post["native_id"] == "7" and post["mission_id"] == "5"
    assert post["text"] == "hello" and post["url"] is None  # stripped; blank -> None
    assert post["media"] == [{"type": "media", "url": "m.jpg"}]
    assert post["published_at"] == datetime.fromtimestamp(1705254965, UTC)
    assert metrics["likes"] == 3 and metrics["views"] == 1200 and metrics["shares"] is None
    assert metrics["observed_at"] == OBS and metrics["reactions"] is None
    assert account == {
        "account_uid": "telegram:rusemb",
        "platform": "telegram",
        "mission_id": "5",
        "handle": "RusEmb",
        "display_name": None,
        "source_format": "import",
    }


def test_repeated_integer_times_are_parsed_once_and_equal() -> None:
    out = _one([{**BASE, "native_id": 1, "views": 1}, {**BASE, "native_id": 1, "views": 2}])
    first, second = out.of("post_metrics")[0]["post_uid"], out.of("post_metrics")[1]["post_uid"]
    a, b = (p["published_at"] for p in out.of("posts"))
    assert first == second and a == b == datetime.fromtimestamp(1705254965, UTC) and a.tzinfo is UTC


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        ({"likes": -1}, "likes: -1 is not a non-negative integer"),
        ({"views": True}, "views: True is not a non-negative integer"),
        ({"shares": "1.5"}, "shares: '1.5' is not a non-negative integer"),
        ({"published_at": True}, "published_at: 'True' is not an ISO 8601 date-time or unix seconds"),
        ({"published_at": "2017-09-12T08:30:00"}, "has no time zone"),
        ({"account": "  "}, "missing required field(s) ['account']"),
        ({"platform": "myspace"}, "platform: 'myspace' is not one of"),
        # the first bad field in the original order is the one named: published_at before edited_at before likes
        ({"published_at": "x", "edited_at": "y", "likes": -1}, "published_at: 'x'"),
        ({"edited_at": "y", "likes": -1}, "edited_at: 'y'"),
        ({"observed_at": "z", "likes": -1}, "observed_at: 'z'"),
        ({"likes": -1, "views": -2}, "likes: -1"),
        ({"reactions_total": -1, "reactions": "bad"}, "reactions_total: -1"),
        ({"reactions": "bad", "shares": -1}, 'reactions: expected a JSON object like {"like": 3}'),
    ],
)
def test_post_row_rejects_name_the_first_bad_field(extra: dict, reason: str) -> None:
    out = _one([{**BASE, **extra}])
    assert out.records == []
    [(entity, message, excerpt)] = out.rejects
    assert entity == "posts" and message.startswith("f.jsonl line 1: ") and reason in message
    assert excerpt == json.loads(json.dumps({**BASE, **extra}))


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({}, None),  # no counts at all: no snapshot
        ({"likes": "  ", "views": None}, None),  # blank counts are no counts
        ({"reactions_total": 4}, {"reactions_total": 4, "reactions": None}),
        ({"reactions": {"like": 2}}, {"reactions_total": None, "reactions": {"like": 2}}),
        ({"reactions_heart": "3"}, {"reactions_total": None, "reactions": {"heart": 3}}),
        (
            {"reactions": '{"like": 1}', "reactions_heart": 2},
            {"reactions_total": None, "reactions": {"like": 1, "heart": 2}},
        ),
    ],
)
def test_snapshot_only_with_counts_and_reaction_columns(extra: dict, expected: dict | None) -> None:
    out = _one([{**BASE, **extra}])
    metrics = out.of("post_metrics")
    if expected is None:
        assert metrics == []
    else:
        [m] = metrics
        assert {k: m[k] for k in expected} == expected


def test_reaction_columns_of_other_rows_are_read_per_row() -> None:
    out = _one([{**BASE, "native_id": 1, "reactions_like": 2}, {**BASE, "native_id": 2, "views": 5}])
    first, second = out.of("post_metrics")
    assert first["reactions"] == {"like": 2} and second["reactions"] is None and second["views"] == 5


def test_news_row_uses_one_canonical_form() -> None:
    url = "https://www.TASS.com/politics/966532/?utm_source=x&b=2&a=1#top"
    out = _one(
        [{"url": f" {url} ", "published_at": "2018-05-09T10:00:00Z", "title": " T ", "authors": "A; B;"}], "news"
    )
    [(_, item)] = out.records
    assert item["url"] == url and item["canonical_url"] == "https://tass.com/politics/966532?a=1&b=2"
    assert item["item_uid"] == canonical.item_uid(url) and item["source_domain"] == canonical.source_domain(url)
    assert item["title"] == "T" and item["authors"] == ["A", "B"]
    given = _one([{"url": url, "published_at": 0, "source_domain": " ria.ru "}], "news").records[0][1]
    assert given["source_domain"] == "ria.ru"
    bad = _one([{"url": "ftp://x.org/a", "published_at": 0}], "news")
    assert bad.records == [] and "url: not an absolute http(s) URL: 'ftp://x.org/a'" in bad.rejects[0][1]


# --- canonical_url ------------------------------------------------------------------------------------


def test_safe_path_characters_survive_unquote_and_quote() -> None:
    """The premise of skipping ``quote(unquote(path))``: every character the fast path accepts is kept as is."""
    accepted = [c for c in string.printable + "é/" if canonical._SAFE_PATH.fullmatch(c)]
    assert set("az09/:@!$&'()*+,;=._~-") <= set(accepted) and "%" not in accepted and "é" not in accepted
    for c in accepted:
        assert quote(unquote(c), safe=canonical._PATH_SAFE) == c


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://e.com/a%20b/%7Ex", "https://e.com/a%20b/~x"),
        ("https://e.com/путь/ё", "https://e.com/%D0%BF%D1%83%D1%82%D1%8C/%D1%91"),
        ("https://e.com/a b", "https://e.com/a%20b"),
        ("https://e.com//a///b//", "https://e.com/a/b"),
        ("https://e.com/x/AMP", "https://e.com/x"),
        ("https://e.com/x/amp.html", "https://e.com/x"),
        ("https://e.com/x.amp", "https://e.com/x"),
        ("https://e.com/amp.amp", "https://e.com/amp"),
        ("https://e.com/example", "https://e.com/example"),
        ("https://e.com/camp", "https://e.com/camp"),
        ("https://e.com/?", "https://e.com/"),
        ("https://e.com/a?utm_source=x", "https://e.com/a"),
        ("http://M.E.com:80/a", "https://e.com/a"),
        ("https://e.com:8443/a", "https://e.com:8443/a"),
    ],
)
def test_canonical_url_paths(url: str, expected: str) -> None:
    assert canonical.canonical_url(url) == expected
    assert canonical.canonical_url(url) == expected  # again, from the cache


def test_canonical_url_errors_are_not_cached_and_non_strings_behave_as_before() -> None:
    for _ in range(2):
        with pytest.raises(ValueError, match="not an absolute"):
            canonical.canonical_url("mailto:a@b.c")
    with pytest.raises(ValueError, match="not an absolute"):
        canonical.canonical_url(None)  # type: ignore[arg-type]
    with pytest.raises(AttributeError):
        canonical.canonical_url(["https://e.com"])  # type: ignore[arg-type]


def test_uid_and_domain_of_a_canonical_url() -> None:
    url = "https://m.ria.ru/20180510/1520.html?in=feed&x=1"
    canon = canonical.canonical_url(url)
    assert canonical.canonical_uid(canon) == canonical.item_uid(url) == canonical.item_uid(canon)
    assert canonical.canonical_domain(canon) == canonical.source_domain(url) == "ria.ru"


# --- Parsed.into -----------------------------------------------------------------------------------------


def test_into_sets_raw_ref_in_place_and_keeps_a_records_own() -> None:
    out = Parsed()
    own = {"account_uid": "x:a", "platform": "x", "handle": "a", "source_format": "api", "raw_ref": "own.gz"}
    blank = {"account_uid": "x:b", "platform": "x", "handle": "b", "source_format": "api", "raw_ref": ""}
    bare = {"account_uid": "x:c", "platform": "x", "handle": "c", "source_format": "api"}
    for r in (own, blank, bare):
        out.add("accounts", r)
    out.reject("posts", "bad", {"id": 1})
    batch = out.into(Batch(run_id="t", source="x", fetched_at=OBS), "page.gz")
    assert own["raw_ref"] == "own.gz" and blank["raw_ref"] == "page.gz" and bare["raw_ref"] == "page.gz"
    assert [r["raw_ref"] for r in batch.records["accounts"]] == ["own.gz", "page.gz", "page.gz"]
    assert batch.rejects[0]["raw_ref"] == "page.gz" and batch.rejects[0]["reason"] == "bad"
    none = Parsed()
    none.add("accounts", {"account_uid": "x:d", "platform": "x", "handle": "d", "source_format": "api"})
    assert none.into(Batch(run_id="t", source="x", fetched_at=OBS)).records["accounts"][0]["raw_ref"] is None


# --- X archive time ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "Wed Oct 10 20:19:24 +0000 2018",
        "Mon Jul 03 04:12:36 +0000 2017",
        "Thu Feb 29 23:59:59 +0000 2024",
        "Fri Feb 29 10:00:00 +0000 2019",  # no such day
        "Sat Jan 01 24:00:00 +0000 2000",  # no such hour
        "Sat Jan 01 00:00:60 +0000 2000",  # leap second: strptime matches, datetime refuses
        "Sun Jan 00 00:00:00 +0000 2000",
        "Tue Mar 05 10:00:00 +0300 2019",  # not UTC: strptime path
        "wed oct 10 20:19:24 +0000 2018",  # lower case: strptime path
        "Wed Oct 10  20:19:24 +0000 2018",  # two spaces: strptime path
        "Wed Oct 1 20:19:24 +0000 2018",
        "Wed Oct 10 20:19:24 +0000 2018 ",
        "Wed Oct 10 20:19:24 +0000 0000",
        "2018-10-10T20:19:24Z",
    ],
)
def test_archive_time_matches_strptime(value: str) -> None:
    def reference() -> datetime:
        return datetime.strptime(value, x.ARCHIVE_TIME).astimezone(UTC)

    try:
        expected = reference()
    except ValueError as exc:
        with pytest.raises(ValueError) as got:
            x.parse_archive_time(value)
        assert str(got.value) == str(exc)
        return
    got = x.parse_archive_time(value)
    assert got == expected and got.utcoffset() == expected.utcoffset() and got.tzinfo is UTC
