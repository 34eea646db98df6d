"""Expectation suites, stored as versioned JSON under ``expectations/<checkpoint>/<table>.json``.

A suite file names one table and lists expectations in GX's own shape
(``type``, ``kwargs``, ``meta``) plus a few conventions of ours:

- ``meta.severity`` is ``critical`` (fails the run) or ``warning`` (reported only);
- ``meta.name`` (optional) is a readable name used in messages and history, e.g.
  ``foreign_key(account_uid -> dim_accounts)``; defaults to the GX type;
- ``meta.requires_tables`` / ``meta.requires_columns``: the expectation is skipped
  with a warning when the warehouse lacks them (the marts are built elsewhere and
  grow over time); columns named in ``kwargs`` are required implicitly;
- a kwarg value ``{"$param": "<name>"}`` is replaced at run time by a parameter of
  the run (``max_ts``, ``languages``...); the suite's ``params`` give defaults.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from diplowatch import paths

log = logging.getLogger(__name__)

SEVERITIES = ("critical", "warning")
_COLUMN_KWARGS = ("column", "column_A", "column_B")
_COLUMN_LIST_KWARGS = ("column_list",)


class SuiteError(ValueError):
    """A suite file is malformed; the message names the file and the expectation."""


@dataclass(frozen=True)
class ExpectationSpec:
    type: str
    kwargs: dict[str, Any]
    meta: dict[str, Any]

    @property
    def severity(self) -> str:
        return self.meta["severity"]

    @property
    def name(self) -> str:
        return self.meta.get("name") or self.type

    @property
    def column(self) -> str | None:
        if "column" in self.kwargs:
            return self.kwargs["column"]
        if "column_list" in self.kwargs:
            return ",".join(self.kwargs["column_list"])
        if "column_A" in self.kwargs:
            return f"{self.kwargs['column_A']},{self.kwargs['column_B']}"
        return self.meta.get("column")

    def required_columns(self) -> set[str]:
        cols = {self.kwargs[k] for k in _COLUMN_KWARGS if k in self.kwargs}
        for k in _COLUMN_LIST_KWARGS:
            cols.update(self.kwargs.get(k, []))
        cols.update(self.meta.get("requires_columns", []))
        return cols

    def required_tables(self) -> set[str]:
        return set(self.meta.get("requires_tables", []))


@dataclass(frozen=True)
class SuiteSpec:
    name: str
    table: str
    version: int
    description: str
    expectations: tuple[ExpectationSpec, ...]
    params: dict[str, Any] = field(default_factory=dict)
    source: Path | None = None


def suites_dir(checkpoint: str, root: Path | None = None) -> Path:
    return (root or paths.EXPECTATIONS) / checkpoint


def load_suite(path: Path) -> SuiteSpec:
    """Read and check one suite file."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SuiteError(f"{path}: not valid JSON ({exc})") from exc
    for key in ("name", "table", "version", "expectations"):
        if key not in doc:
            raise SuiteError(f"{path}: missing key {key!r}")
    specs = []
    for i, exp in enumerate(doc["expectations"]):
        where = f"{path}: expectations[{i}]"
        if "type" not in exp:
            raise SuiteError(f"{where}: missing 'type'")
        meta = dict(exp.get("meta") or {})
        if meta.get("severity") not in SEVERITIES:
            raise SuiteError(
                f"{where} ({exp['type']}): meta.severity must be one of {SEVERITIES}, got {meta.get('severity')!r}"
            )
        specs.append(ExpectationSpec(type=exp["type"], kwargs=dict(exp.get("kwargs") or {}), meta=meta))
    return SuiteSpec(
        name=doc["name"],
        table=doc["table"],
        version=int(doc["version"]),
        description=doc.get("description", ""),
        expectations=tuple(specs),
        params=dict(doc.get("params") or {}),
        source=path,
    )


def load_suites(checkpoint: str, root: Path | None = None) -> list[SuiteSpec]:
    """Every suite of a checkpoint, sorted by file name."""
    folder = suites_dir(checkpoint, root)
    files = sorted(folder.glob("*.json"))
    if not files:
        raise SuiteError(f"no suites found in {folder} for checkpoint {checkpoint!r}")
    return [load_suite(f) for f in files]


def substitute(value: Any, params: dict[str, Any], where: str) -> Any:
    """Replace ``{"$param": name}`` placeholders (recursively) by run parameters."""
    if isinstance(value, dict):
        if set(value) == {"$param"}:
            name = value["$param"]
            if name not in params:
                raise SuiteError(f"{where}: unknown parameter {name!r} (known: {sorted(params)})")
            return params[name]
        return {k: substitute(v, params, where) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, params, where) for v in value]
    return value


def parameterize(value: Any, params: dict[str, Any], prefix: str, out: dict[str, Any], where: str) -> Any:
    """Like ``substitute``, but turn each placeholder into a GX suite parameter ``{"$PARAMETER": prefix + name}``.

    The values go to ``out`` (passed to the checkpoint run as ``expectation_parameters``), so the
    GX suite stays the same from run to run even when a value (``max_ts``) changes every run.
    """
    if isinstance(value, dict):
        if set(value) == {"$param"}:
            name = value["$param"]
            if name not in params:
                raise SuiteError(f"{where}: unknown parameter {name!r} (known: {sorted(params)})")
            out[prefix + name] = params[name]
            return {"$PARAMETER": prefix + name}
        return {k: parameterize(v, params, prefix, out, where) for k, v in value.items()}
    if isinstance(value, list):
        return [parameterize(v, params, prefix, out, where) for v in value]
    return value


_REF = re.compile(r"\bref\((\w+)\)")


def qualify_refs(query: str, qualified: dict[str, str]) -> str:
    """Replace ``ref(table)`` in a SQL query by the table's qualified name in the database."""
    return _REF.sub(lambda m: qualified.get(m.group(1), m.group(1)), query)


def resolve(
    suite: SuiteSpec,
    columns: dict[str, set[str]],
    params: dict[str, Any],
    qualified: dict[str, str] | None = None,
    gx_parameters: dict[str, Any] | None = None,
) -> tuple[list[ExpectationSpec], list[str]]:
    """The expectations of a suite that can run on the tables present, with parameters filled in.

    ``columns`` maps every present table to its columns; ``qualified`` maps a table to the name
    that ``ref(table)`` in an SQL expectation becomes. Returns (runnable, skipped messages).
    With ``gx_parameters`` (a dict to fill), placeholders become GX suite parameters named
    ``<suite>__<param>`` instead of values, and their values are put in that dict.
    """
    merged = {**suite.params, **params}
    runnable: list[ExpectationSpec] = []
    skipped: list[str] = []
    present = columns.get(suite.table, set())
    for spec in suite.expectations:
        missing_tables = sorted(spec.required_tables() - set(columns))
        missing_cols = sorted(spec.required_columns() - present)
        if missing_tables or missing_cols:
            what = ", ".join(
                [f"table {t}" for t in missing_tables] + [f"column {suite.table}.{c}" for c in missing_cols]
            )
            skipped.append(f"{suite.name}: {spec.name} skipped, missing {what}")
            continue
        where = f"{suite.source}: {spec.name}"
        if gx_parameters is None:
            kwargs = substitute(spec.kwargs, merged, where)
        else:
            kwargs = parameterize(spec.kwargs, merged, f"{suite.name}__", gx_parameters, where)
        if isinstance(kwargs.get("unexpected_rows_query"), str):
            kwargs["unexpected_rows_query"] = qualify_refs(kwargs["unexpected_rows_query"], qualified or {})
        runnable.append(ExpectationSpec(type=spec.type, kwargs=kwargs, meta=spec.meta))
    return runnable, skipped
