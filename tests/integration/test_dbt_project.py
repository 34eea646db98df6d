"""Static checks of the dbt project: watch-list seeds in sync, SQL lint clean (no dbt run needed)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from diplowatch import paths
from diplowatch.config import load_watchlist

LINTED = ["models", "analyses", "tests"]


def _seeds_script() -> ModuleType:
    path = paths.DBT_PROJECT / "scripts" / "watchlist_seeds.py"
    spec = importlib.util.spec_from_file_location("watchlist_seeds", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_watchlist_seeds_match_watchlist_yaml() -> None:
    seeds = _seeds_script()
    stale = seeds.stale_seeds(load_watchlist(paths.DEFAULT_WATCHLIST))
    assert stale == [], f"{stale} stale: run python dbt_project/scripts/watchlist_seeds.py"


def test_watchlist_seeds_follow_an_edited_watchlist(tmp_path: Path) -> None:
    seeds = _seeds_script()
    text = paths.DEFAULT_WATCHLIST.read_text(encoding="utf-8").replace("handle: rusembdprk", "handle: newhandle", 1)
    edited = tmp_path / "watchlist.yaml"
    edited.write_text(text, encoding="utf-8")
    watchlist = load_watchlist(edited)
    assert seeds.stale_seeds(watchlist) == ["mission_accounts.csv"]
    assert seeds.main(["--watchlist", str(edited), "--seeds-dir", str(tmp_path)]) == 0
    assert "telegram:newhandle,ru_emb_dprk,telegram,newhandle" in (tmp_path / "mission_accounts.csv").read_text()
    assert seeds.main(["--watchlist", str(edited), "--seeds-dir", str(tmp_path), "--check"]) == 0


@pytest.mark.slow
def test_sql_passes_sqlfluff() -> None:
    proc = subprocess.run(
        [str(Path(sys.executable).with_name("sqlfluff")), "lint", *(f"dbt_project/{p}" for p in LINTED)],
        cwd=paths.REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
