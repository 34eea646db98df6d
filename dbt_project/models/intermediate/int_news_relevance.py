"""Per news item: does it mention the watch-list, does it cite the mission's own posts (incremental)."""

from diplowatch.enrich.dbt_models import news_relevance_model


def model(dbt, session):
    dbt.config(
        materialized="incremental",
        unique_key="item_uid",
        incremental_strategy="delete+insert",
        on_schema_change="append_new_columns",
    )
    return news_relevance_model(dbt, session, dbt.ref("int_texts"), dbt.ref("int_texts_tagged"), dbt.ref("entities"))
