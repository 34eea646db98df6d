"""Language(s) of each text at paragraph level and whether it is bilingual (lingua; incremental)."""

from diplowatch.enrich.dbt_models import languages_model


def model(dbt, session):
    dbt.config(
        materialized="incremental",
        unique_key="text_uid",
        incremental_strategy="delete+insert",
        on_schema_change="append_new_columns",
    )
    return languages_model(dbt, session, dbt.ref("int_texts"))
