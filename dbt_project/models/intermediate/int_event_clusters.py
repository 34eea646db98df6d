"""Posts and news items about the same happening clustered into events (one row per member text)."""

from diplowatch.enrich.dbt_models import event_clusters_model


def model(dbt, session):
    dbt.config(materialized="table")
    return event_clusters_model(session, dbt.ref("int_texts"), dbt.ref("int_texts_tagged"), dbt.ref("entities"))
