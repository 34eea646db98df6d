"""Themes, entities, register and event type of each text, from the themes and entities seeds (incremental).

A text is re-tagged when it is new, when its text changed, or when either seed changed.
"""

from diplowatch.enrich.dbt_models import tagged_model


def model(dbt, session):
    dbt.config(
        materialized="incremental",
        unique_key="text_uid",
        incremental_strategy="delete+insert",
        on_schema_change="append_new_columns",
    )
    return tagged_model(dbt, session, dbt.ref("int_texts"), dbt.ref("themes"), dbt.ref("entities"))
