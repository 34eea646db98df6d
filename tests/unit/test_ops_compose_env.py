"""``.env`` generation for docker-compose: every required secret filled, nothing overwritten by surprise."""

from __future__ import annotations

import base64
import stat
from pathlib import Path

import pytest
from diplowatch.ops import compose_env

EXAMPLE = "# comment\nPOSTGRES_USER=airflow\nPOSTGRES_PASSWORD=\nAIRFLOW_FERNET_KEY=\nFLOWER_BASIC_AUTH=\n"


def test_fills_empty_values_keeps_set_ones(tmp_path: Path) -> None:
    example = tmp_path / ".env.example"
    example.write_text(EXAMPLE)
    out = compose_env.write_env(example, tmp_path / ".env")
    values = compose_env.parse_env(out.read_text())
    assert values["POSTGRES_USER"] == "airflow"
    assert len(values["POSTGRES_PASSWORD"]) == 32 and values["POSTGRES_PASSWORD"].isalnum()
    assert len(base64.urlsafe_b64decode(values["AIRFLOW_FERNET_KEY"])) == 32
    assert values["FLOWER_BASIC_AUTH"].startswith("flower:")
    assert out.read_text().startswith("# comment\n")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_refuses_to_overwrite_and_force_keeps_existing_secrets(tmp_path: Path) -> None:
    example = tmp_path / ".env.example"
    example.write_text(EXAMPLE)
    out = tmp_path / ".env"
    out.write_text("POSTGRES_PASSWORD=keepme\n")
    with pytest.raises(FileExistsError, match="--force"):
        compose_env.write_env(example, out)
    compose_env.write_env(example, out, force=True)
    values = compose_env.parse_env(out.read_text())
    assert values["POSTGRES_PASSWORD"] == "keepme"
    assert values["AIRFLOW_FERNET_KEY"]


def test_two_runs_give_different_secrets(tmp_path: Path) -> None:
    example = tmp_path / ".env.example"
    example.write_text(EXAMPLE)
    a = compose_env.parse_env(compose_env.write_env(example, tmp_path / "a.env").read_text())
    b = compose_env.parse_env(compose_env.write_env(example, tmp_path / "b.env").read_text())
    assert a["POSTGRES_PASSWORD"] != b["POSTGRES_PASSWORD"]
