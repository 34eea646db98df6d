"""Measured accuracy of the enrichment: ``python -m diplowatch.eval --labels eval/labelled.jsonl [--check]``.

Reads labelled JSONL (one object a line)::

    {"id", "kind": "post"|"news", "platform", "url", "published_at", "title", "text",
     "labels": {"languages": [...], "themes": [...], "register": "...",
                "entities": [canonical names], "event": "key shared by items of one event" | null,
                "bilingual": optional, defaults to len(languages) > 1}}

runs the items through the same functions the dbt intermediate models call
(:mod:`diplowatch.enrich.pipeline`, with the seeds in ``dbt_project/seeds``) and prints
precision, recall and F1 per language, theme (top-level themes: sub-themes roll up to
their parent), register and entity type, and pairwise precision/recall/F1 for events.
With ``--check`` it exits 1 when a figure is below its floor (:data:`FLOORS`).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pyarrow as pa

from diplowatch import paths
from diplowatch.enrich import pipeline
from diplowatch.enrich.entities import load_entities_csv
from diplowatch.enrich.events import pairs_of
from diplowatch.enrich.themes import load_themes_csv, top_level

logger = logging.getLogger(__name__)

FLOORS = {
    "themes_macro_f1": 0.80,
    "entities_f1": 0.90,
    "language_accuracy": 0.97,
    "events_pairwise_f1": 0.75,
}
KINDS = ("post", "news")
SEEDS = paths.DBT_PROJECT / "seeds"


class LabelError(ValueError):
    """A labelled item that does not follow the label format, with its file and line."""


@dataclass
class Item:
    id: str
    kind: str
    platform: str | None
    published_at: datetime
    title: str | None
    text: str | None
    languages: list[str]
    themes: list[str]
    register: str
    entities: list[str]
    event: str | None
    bilingual: bool = False


@dataclass
class Score:
    """Counts and derived precision, recall and F1 of one label."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else (1.0 if not self.fn else 0.0)

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    def add(self, gold: set, pred: set) -> None:
        self.tp += len(gold & pred)
        self.fp += len(pred - gold)
        self.fn += len(gold - pred)

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "support": self.support,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass
class Report:
    """Every figure of one evaluation run."""

    n_items: int
    languages: dict[str, Score] = field(default_factory=dict)
    bilingual: Score = field(default_factory=Score)
    language_accuracy: float = 0.0
    primary_language_accuracy: float = 0.0
    themes: dict[str, Score] = field(default_factory=dict)
    themes_macro_f1: float = 0.0
    register: dict[str, Score] = field(default_factory=dict)
    register_accuracy: float = 0.0
    entity_types: dict[str, Score] = field(default_factory=dict)
    entities: Score = field(default_factory=Score)
    events: Score = field(default_factory=Score)
    errors: list[dict] = field(default_factory=list)

    def headline(self) -> dict[str, float]:
        return {
            "themes_macro_f1": self.themes_macro_f1,
            "entities_f1": self.entities.f1,
            "language_accuracy": self.language_accuracy,
            "events_pairwise_f1": self.events.f1,
        }

    def failures(self, floors: dict[str, float] = FLOORS) -> list[str]:
        got = self.headline()
        return [f"{k} = {got[k]:.3f} < floor {v:.2f}" for k, v in floors.items() if got[k] < v]

    def as_dict(self) -> dict:
        def scores(d: dict[str, Score]) -> dict:
            return {k: v.as_dict() for k, v in sorted(d.items())}

        return {
            "n_items": self.n_items,
            "headline": {k: round(v, 4) for k, v in self.headline().items()},
            "floors": FLOORS,
            "languages": scores(self.languages),
            "bilingual": self.bilingual.as_dict(),
            "language_accuracy": round(self.language_accuracy, 4),
            "primary_language_accuracy": round(self.primary_language_accuracy, 4),
            "themes": scores(self.themes),
            "themes_macro_f1": round(self.themes_macro_f1, 4),
            "register": scores(self.register),
            "register_accuracy": round(self.register_accuracy, 4),
            "entity_types": scores(self.entity_types),
            "entities": self.entities.as_dict(),
            "events_pairwise": self.events.as_dict(),
        }


def _parse_ts(value: object, where: str) -> datetime:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise LabelError(f"{where}: published_at {value!r} is not an ISO 8601 timestamp") from None


def load_labels(path: Path | str) -> list[Item]:
    """Labelled items of a JSONL file; raises :class:`LabelError` naming the line of a bad item."""
    items: list[Item] = []
    seen: set[str] = set()
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            where = f"{path}:{n}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise LabelError(f"{where}: not JSON ({exc})") from None
            labels = obj.get("labels")
            if not isinstance(labels, dict):
                raise LabelError(f"{where}: 'labels' must be an object")
            if obj.get("kind") not in KINDS:
                raise LabelError(f"{where}: kind {obj.get('kind')!r} is not one of {KINDS}")
            uid = str(obj.get("id") or "")
            if not uid or uid in seen:
                raise LabelError(f"{where}: id {uid!r} is empty or repeated")
            seen.add(uid)
            items.append(
                Item(
                    id=uid,
                    kind=obj["kind"],
                    platform=obj.get("platform"),
                    published_at=_parse_ts(obj.get("published_at"), where),
                    title=obj.get("title"),
                    text=obj.get("text"),
                    languages=list(labels.get("languages") or []),
                    themes=list(labels.get("themes") or []),
                    register=str(labels.get("register") or "none"),
                    entities=list(labels.get("entities") or []),
                    event=labels.get("event") or None,
                    bilingual=bool(labels.get("bilingual", len(labels.get("languages") or []) > 1)),
                )
            )
    return items


def texts_table(items: Sequence[Item]) -> pa.Table:
    """The labelled items shaped like ``int_texts`` (what the models read)."""
    return pa.table(
        {
            "text_uid": [i.id for i in items],
            "kind": [i.kind for i in items],
            "platform": [i.platform for i in items],
            "published_at": pa.array([i.published_at for i in items], type=pa.timestamp("us", tz="UTC")),
            "title": pa.array([i.title for i in items], type=pa.string()),
            "body_text": pa.array([i.text for i in items], type=pa.string()),
        }
    )


def _score_sets(golds: Iterable[set], preds: Iterable[set]) -> dict[str, Score]:
    out: dict[str, Score] = {}
    for gold, pred in zip(golds, preds, strict=True):
        for label in gold | pred:
            out.setdefault(label, Score()).add(gold & {label}, pred & {label})
    return out


def evaluate(labels: Path | str, seeds: Path | str = SEEDS) -> Report:
    """Run the labelled items through the enrichment and score every output."""
    seeds = Path(seeds)
    items = load_labels(labels)
    themes = load_themes_csv(seeds / "themes.csv")
    entities = load_entities_csv(seeds / "entities.csv")
    texts = texts_table(items)
    langs = pipeline.languages_table(texts).to_pylist()
    tagged = pipeline.tagged_table(texts, themes, entities, "eval")
    tags = tagged.to_pylist()
    candidates = texts
    for col in ("entity_ids", "event_type", "event_types"):
        candidates = candidates.append_column(col, tagged.column(col))
    clusters = pipeline.event_clusters_table(candidates, entities).to_pylist()

    report = Report(n_items=len(items))
    by_name = {e.canonical_name: e for e in entities}
    by_id = {e.entity_id: e for e in entities}
    theme_ids = {t.theme_id for t in themes}
    for i in items:
        unknown = [n for n in i.entities if n not in by_name] + [t for t in i.themes if t not in theme_ids]
        if unknown:
            raise LabelError(f"{labels}: item {i.id}: unknown entity or theme {unknown}")

    # languages
    gold_l = [set(i.languages) for i in items]
    pred_l = [set(r["languages"]) for r in langs]
    report.languages = _score_sets(gold_l, pred_l)
    report.language_accuracy = sum(g == p for g, p in zip(gold_l, pred_l, strict=True)) / len(items)
    report.primary_language_accuracy = sum(
        (i.languages[0] if i.languages else None) == r["primary_language"] for i, r in zip(items, langs, strict=True)
    ) / len(items)
    for i, r in zip(items, langs, strict=True):
        report.bilingual.add({1} if i.bilingual else set(), {1} if r["is_bilingual"] else set())

    # themes (top level) and register
    pred_t = [{top_level(t, themes) for t in r["theme_ids"]} for r in tags]
    gold_t = [set(i.themes) for i in items]
    report.themes = _score_sets(gold_t, pred_t)
    report.themes_macro_f1 = sum(s.f1 for s in report.themes.values()) / max(len(report.themes), 1)
    report.register = _score_sets([{i.register} for i in items], [{r["register"]} for r in tags])
    report.register_accuracy = sum(i.register == r["register"] for i, r in zip(items, tags, strict=True)) / len(items)

    # entities, per type and overall (micro)
    for i, r in zip(items, tags, strict=True):
        gold = {by_name[n].entity_id for n in i.entities}
        pred = set(r["entity_ids"])
        report.entities.add(gold, pred)
        for etype in ("person", "place", "organisation"):
            report.entity_types.setdefault(etype, Score()).add(
                {e for e in gold if by_id[e].type == etype}, {e for e in pred if by_id[e].type == etype}
            )

    # events, pairwise
    gold_pairs = pairs_of({i.id: i.event for i in items})
    pred_pairs = pairs_of({c["text_uid"]: c["event_id"] for c in clusters})
    report.events.add(gold_pairs, pred_pairs)

    report.errors = _errors(items, langs, tags, pred_t, by_id, gold_pairs, pred_pairs)
    return report


def _errors(items, langs, tags, pred_t, by_id, gold_pairs, pred_pairs) -> list[dict]:
    """Per item, what the enrichment got wrong (for reading, not for scoring)."""
    out = []
    for i, lang, tag, themes in zip(items, langs, tags, pred_t, strict=True):
        err: dict = {}
        if set(i.languages) != set(lang["languages"]):
            err["languages"] = {"gold": i.languages, "pred": lang["languages"]}
        if set(i.themes) != themes:
            err["themes"] = {"missed": sorted(set(i.themes) - themes), "extra": sorted(themes - set(i.themes))}
        if i.register != tag["register"]:
            err["register"] = {"gold": i.register, "pred": tag["register"]}
        gold_e = {n for n in i.entities}
        pred_e = {by_id[e].canonical_name for e in tag["entity_ids"]}
        if gold_e != pred_e:
            err["entities"] = {"missed": sorted(gold_e - pred_e), "extra": sorted(pred_e - gold_e)}
        if err:
            out.append({"id": i.id, **err})
    for kind, pairs in (("missed_pair", gold_pairs - pred_pairs), ("extra_pair", pred_pairs - gold_pairs)):
        out.extend({"id": "events", kind: sorted(p)} for p in sorted(pairs, key=sorted))
    return out


def format_report(report: Report) -> str:
    """The report as aligned plain-text tables."""
    lines = [f"diplowatch enrichment evaluation: {report.n_items} labelled items", ""]

    def table(title: str, scores: dict[str, Score]) -> None:
        lines.append(f"{title:<28}{'precision':>10}{'recall':>10}{'f1':>8}{'support':>9}")
        for name, s in sorted(scores.items()):
            lines.append(f"  {name:<26}{s.precision:>10.3f}{s.recall:>10.3f}{s.f1:>8.3f}{s.support:>9}")
        lines.append("")

    table("language", report.languages)
    table("bilingual", {"is_bilingual": report.bilingual})
    lines.append(f"language accuracy (exact set)  {report.language_accuracy:.3f}")
    lines.append(f"primary language accuracy      {report.primary_language_accuracy:.3f}")
    lines.append("")
    table("theme", report.themes)
    lines.append(f"themes macro-F1                {report.themes_macro_f1:.3f}")
    lines.append("")
    table("register", report.register)
    lines.append(f"register accuracy              {report.register_accuracy:.3f}")
    lines.append("")
    table("entity type", {**report.entity_types, "ALL (micro)": report.entities})
    table("events (pairwise)", {"pairs": report.events})
    lines.append("floors:")
    got = report.headline()
    for k, v in FLOORS.items():
        lines.append(f"  {k:<26}{got[k]:>8.3f}  floor {v:.2f}  {'ok' if got[k] >= v else 'BELOW'}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m diplowatch.eval", description=__doc__.split("\n")[0])
    parser.add_argument("--labels", required=True, type=Path, help="labelled JSONL file")
    parser.add_argument("--seeds", type=Path, default=SEEDS, help="folder holding themes.csv and entities.csv")
    parser.add_argument("--check", action="store_true", help="exit 1 when a figure is below its floor")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON to this file")
    parser.add_argument("--errors", action="store_true", help="print the items the enrichment got wrong")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    try:
        report = evaluate(args.labels, args.seeds)
    except (LabelError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(format_report(report))
    if args.errors:
        for err in report.errors:
            print(json.dumps(err, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(report.as_dict(), indent=2, ensure_ascii=False), encoding="utf-8")
    failures = report.failures()
    if args.check and failures:
        print("below floor: " + "; ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
