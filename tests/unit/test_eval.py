"""The evaluation command on the shipped labelled set, and its floors."""

from __future__ import annotations

import json

import pytest
from diplowatch import eval as dweval
from diplowatch import paths

LABELS = paths.REPO / "eval" / "labelled.jsonl"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """The evaluation command, run once on the shipped set with --check and --json."""
    out = tmp_path_factory.mktemp("eval") / "figures.json"
    code = dweval.main(["--labels", str(LABELS), "--check", "--json", str(out)])
    return code, json.loads(out.read_text(encoding="utf-8"))


def test_shipped_set_is_large_and_varied():
    items = dweval.load_labels(LABELS)
    assert len(items) >= 160
    assert {i.kind for i in items} == {"post", "news"}
    assert sum(len(i.languages) > 1 for i in items) >= 15
    assert any("ko" in i.languages for i in items)


def test_shipped_set_meets_the_floors(run):
    code, d = run
    assert code == 0
    assert d["headline"]["themes_macro_f1"] >= 0.80
    assert d["headline"]["entities_f1"] >= 0.90
    assert d["headline"]["language_accuracy"] >= 0.97
    assert d["headline"]["events_pairwise_f1"] >= 0.75


def test_report_has_every_breakdown(run):
    d = run[1]
    assert {"en", "ru", "ko"} <= set(d["languages"])
    assert {"official_diplomacy", "culture", "sport", "consular"} <= set(d["themes"])
    assert {"people_centred", "official", "mixed"} <= set(d["register"])
    assert set(d["entity_types"]) == {"person", "place", "organisation"}
    assert d["events_pairwise"]["support"] > 50


def _write(tmp_path, items):
    path = tmp_path / "labels.jsonl"
    path.write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in items), encoding="utf-8")
    return path


def _item(uid, text, **labels):
    base = {"languages": ["en"], "themes": [], "register": "none", "entities": [], "event": None}
    return {
        "id": uid,
        "kind": "post",
        "platform": "x",
        "url": "https://x.com/a",
        "published_at": "2024-01-01T00:00:00Z",
        "title": None,
        "text": text,
        "labels": {**base, **labels},
    }


def test_check_fails_below_the_floors(tmp_path, capsys):
    wrong = _write(tmp_path, [_item("a", "A concert of Russian music in the park.", themes=["security"])])
    assert dweval.main(["--labels", str(wrong), "--check"]) == 1
    assert "themes_macro_f1" in capsys.readouterr().err
    assert dweval.main(["--labels", str(wrong)]) == 0


def test_bad_label_file_names_the_line(tmp_path, capsys):
    bad = _write(tmp_path, [_item("a", "x"), {"id": "b", "kind": "tweet", "labels": {}}])
    assert dweval.main(["--labels", str(bad)]) == 2
    assert "labels.jsonl:2: kind 'tweet'" in capsys.readouterr().err
