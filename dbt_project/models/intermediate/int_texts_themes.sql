{{
    config(
        materialized='incremental',
        unique_key='text_uid',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
        pre_hook="{{ delete_retagged_texts(ref('int_texts_tagged')) }}",
    )
}}

-- One row per text and theme (a text can have several; a sub-theme brings its parent).
-- Incremental: the texts tagged since the last build (macros/retagged_texts.sql).
with tagged as (
    select
        text_uid,
        theme_ids,
        built_at,
    from {{ ref('int_texts_tagged') }}
    where {{ built_since_last_build() }}
),

unnested as (
    select
        text_uid,
        unnest(list_distinct(theme_ids)) as theme_id,
        built_at,
    from tagged
)

select * from unnested
