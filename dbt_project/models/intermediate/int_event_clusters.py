"""Posts and news items about the same happening clustered into events (one row per member text)."""

from diplowatch.enrich.dbt_models import event_clusters_model


def model(dbt, session):
    dbt.config(materialized="table")
    return event_clusters_model(dbt, session)
