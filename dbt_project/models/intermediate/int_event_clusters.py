"""Posts and news items about the same happening clustered into events (one row per member text).

Every run links all candidates again (exact); events whose members and their inputs are unchanged
keep their previous rows, so only changed events are described again (dbt_models.event_clusters_model).
"""

from diplowatch.enrich.dbt_models import event_clusters_model


def model(dbt, session):
    dbt.config(materialized="table")
    return event_clusters_model(
        session, dbt.ref("int_texts"), dbt.ref("int_texts_tagged"), dbt.ref("entities"), dbt=dbt
    )
