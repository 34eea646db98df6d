"""Per news item: does it mention the watch-list, does it cite the mission's own posts."""

from diplowatch.enrich.dbt_models import news_relevance_model


def model(dbt, session):
    dbt.config(materialized="table")
    return news_relevance_model(session, dbt.ref("int_texts"), dbt.ref("int_texts_tagged"), dbt.ref("entities"))
