"""Shared fixtures: every test gets its own data home; nothing writes into ./data."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def diplowatch_home(tmp_path, monkeypatch):
    home = tmp_path / "dwhome"
    monkeypatch.setenv("DIPLOWATCH_HOME", str(home))
    monkeypatch.delenv("DIPLOWATCH_SAMPLE_DIR", raising=False)
    return home
