{{
    config(
        materialized='incremental',
        unique_key='text_uid',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}

-- Register of each text (people_centred | official | mixed | none), derived from its themes
-- through the register column of seeds/themes.csv (diplowatch.enrich.themes.derive_register).
-- Incremental: the texts tagged since the last build (macros/retagged_texts.sql).
with tagged as (
    select
        text_uid,
        register,
        built_at,
    from {{ ref('int_texts_tagged') }}
    where {{ built_since_last_build() }}
)

select * from tagged
