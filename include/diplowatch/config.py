"""The watch-list: missions, their accounts per platform, news feeds and queries (one YAML file).

Validated with pydantic; a wrong key or value raises ``ConfigError`` naming the
file, the key path and what was expected.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from diplowatch import paths

Platform = Literal["telegram", "x", "facebook", "instagram", "vk"]


class ConfigError(ValueError):
    """The watch-list file is invalid; the message says where and what was expected."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Account(_Strict):
    platform: Platform
    handle: str = Field(min_length=1, description="channel name, screen name, page id or VK domain")
    native_id: str | None = Field(None, description="platform id where known (VK owner id, X user id, page id)")
    conn_id: str | None = Field(None, description="Airflow Connection holding the API token")
    schedule: str | None = Field(None, description="cron or preset overriding the platform's default schedule")
    enabled: bool = True


class Mission(_Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    country: str = Field(min_length=2, max_length=2, description="ISO 3166-1 alpha-2 of the sending state")
    host_country: str = Field(min_length=2, max_length=2)
    city: str | None = None
    aliases: list[str] = []
    accounts: list[Account] = []


class Feed(_Strict):
    name: str
    url: str = Field(pattern=r"^https?://")
    language: str | None = None
    enabled: bool = True


class NewsQuery(_Strict):
    name: str
    query: str = Field(min_length=1)
    mission: str | None = None
    enabled: bool = True


class News(_Strict):
    feeds: list[Feed] = []
    gdelt_queries: list[NewsQuery] = []
    fetch_article_text: bool = False


class Schedules(_Strict):
    telegram: str = "@hourly"
    x: str = "@hourly"
    facebook: str = "@hourly"
    vk: str = "@hourly"
    instagram: str = "@daily"
    news: str = "*/30 * * * *"


class Settings(_Strict):
    metrics_refresh_days: int = Field(30, ge=0, description="refresh metrics of posts younger than this")
    max_pages_per_run: int = Field(50, ge=1)
    start_date: str = "2017-09-01"


class Watchlist(_Strict):
    version: Literal[1] = 1
    missions: list[Mission] = Field(min_length=1)
    news: News = News()
    schedules: Schedules = Schedules()
    settings: Settings = Settings()

    @field_validator("missions")
    @classmethod
    def _unique_ids(cls, missions: list[Mission]) -> list[Mission]:
        ids = [m.id for m in missions]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"mission ids must be unique, repeated: {dupes}")
        return missions

    def accounts(self, platform: str | None = None) -> list[tuple[Mission, Account]]:
        return [
            (m, a)
            for m in self.missions
            for a in m.accounts
            if a.enabled and (platform is None or a.platform == platform)
        ]


def _where(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def load_watchlist(path: Path | str | None = None) -> Watchlist:
    """Read and validate a watch-list file; ``ConfigError`` says file, key and what was expected.

    Default: ``$DIPLOWATCH_WATCHLIST`` if set, else ``watchlist.yaml`` in the repository.
    """
    path = Path(path or os.environ.get("DIPLOWATCH_WATCHLIST") or paths.DEFAULT_WATCHLIST)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    try:
        return Watchlist.model_validate(data if data is not None else {})
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            msg = err["msg"]
            if err["type"] == "extra_forbidden":
                msg = "unknown key"
            elif err["type"] == "literal_error":
                msg = f"{err['input']!r} is not one of {err['ctx']['expected']}"
            problems.append(f"{path}: {_where(err['loc'])}: {msg}")
        raise ConfigError("\n".join(problems)) from None
