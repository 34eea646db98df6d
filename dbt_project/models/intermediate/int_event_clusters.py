"""Posts and news items about the same happening clustered into events (one row per member text).

Each build saves where its linking pass stopped (``int_event_clusters__threads``, ``__sweep``). When the
texts rebuilt since then leave the previous candidates unchanged and the new ones all come after them,
the pass resumes over the new ones only and the build writes just the events they form or join
(delete+insert on text_uid); otherwise every candidate is linked again, every row is replaced, and
events whose members and their inputs are unchanged keep their previous rows. Both equal a full build
(dbt_models.event_clusters_model).
"""

from diplowatch.enrich.dbt_models import event_clusters_model


def model(dbt, session):
    dbt.config(
        materialized="incremental",
        unique_key="text_uid",
        incremental_strategy="delete+insert",
        on_schema_change="append_new_columns",
    )
    return event_clusters_model(
        session, dbt.ref("int_texts"), dbt.ref("int_texts_tagged"), dbt.ref("entities"), dbt=dbt
    )
