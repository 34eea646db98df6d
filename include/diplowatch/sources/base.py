"""What every source module gets and gives.

A source module (``sources/<platform>.py``) keeps fetching (HTTP, through
``diplowatch.http.HttpClient``) apart from parsing (pure functions of bytes),
and exposes::

    def extract(ctx: RunContext, mission: Mission, account: Account) -> Batch

which fetches (or, offline, replays bundled sample responses from
``ctx.sample_dir``), keeps every response in the raw zone through ``ctx.raw``,
parses, and returns a ``landing.Batch`` of records and rejects. It never writes
landing files itself: ``diplowatch.ingest`` lands the batch, and only then is
the cursor (derived from landed data, ``diplowatch.state``) able to move.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from diplowatch.landing import Batch
from diplowatch.raw import RawWriter


@dataclass
class RunContext:
    run_id: str
    source: str
    dt: date
    raw: RawWriter
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    sample_dir: Path | None = None
    """Offline mode: read bundled responses from here instead of the network."""
    max_pages: int = 50
    metrics_refresh_days: int = 30
    secrets: dict[str, str] = field(default_factory=dict)
    """Tokens by conn_id, resolved from Airflow Connections or the environment; never logged."""
    base_urls: dict[str, str] = field(default_factory=dict)
    """Overrides of API base URLs (tests point them at 127.0.0.1)."""

    def new_batch(self) -> Batch:
        return Batch(run_id=self.run_id, source=self.source, fetched_at=self.fetched_at)

    @property
    def refresh_since(self) -> datetime:
        """Posts published after this get their metrics refreshed on a scheduled run."""
        return self.fetched_at - timedelta(days=self.metrics_refresh_days)
