{{
    config(
        materialized='incremental',
        unique_key='text_uid',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
        pre_hook="{{ delete_retagged_texts(ref('int_texts_tagged')) }}",
    )
}}

-- One row per text and entity found in it (gazetteer seeds/entities.csv).
-- Incremental: the texts tagged since the last build (macros/retagged_texts.sql).
with tagged as (
    select
        text_uid,
        entity_ids,
        built_at,
    from {{ ref('int_texts_tagged') }}
    where {{ built_since_last_build() }}
),

unnested as (
    select
        text_uid,
        unnest(list_distinct(entity_ids)) as entity_id,
        built_at,
    from tagged
),

entities as (
    select
        entity_id,
        canonical_name,
        type as entity_type,
    from {{ ref('entities') }}
),

joined as (
    select
        unnested.text_uid,
        unnested.entity_id,
        entities.entity_type,
        entities.canonical_name,
        unnested.built_at,
    from unnested
    inner join entities on unnested.entity_id = entities.entity_id
)

select * from joined
