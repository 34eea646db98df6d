"""Where everything lives: one home folder, ``./data`` by default, ``$DIPLOWATCH_HOME`` otherwise."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SAMPLE_DATA = REPO / "sample_data"
DBT_PROJECT = REPO / "dbt_project"
EXPECTATIONS = REPO / "expectations"
DEFAULT_WATCHLIST = REPO / "watchlist.yaml"


def home() -> Path:
    return Path(os.environ.get("DIPLOWATCH_HOME") or REPO / "data").resolve()


def lake() -> Path:
    return home() / "lake"


def raw() -> Path:
    return lake() / "raw"


def landing() -> Path:
    return lake() / "landing"


def warehouse() -> Path:
    return home() / "warehouse.duckdb"


def marts_export() -> Path:
    return home() / "marts"


def state() -> Path:
    return home() / "state"
