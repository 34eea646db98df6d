"""Airflow Assets that connect the ingest DAGs to the warehouse DAG."""

from __future__ import annotations

from airflow.sdk import Asset


def landing_asset(source: str) -> Asset:
    """Published by ``<source>_ingest`` after its landing files passed validation."""
    return Asset(name=f"landing_{source}", uri=f"file:///diplowatch/landing/{source}")
