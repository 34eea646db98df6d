-- One row per text and theme (a text can have several; a sub-theme brings its parent).
with tagged as (
    select
        text_uid,
        theme_ids,
    from {{ ref('int_texts_tagged') }}
),

unnested as (
    select
        text_uid,
        unnest(theme_ids) as theme_id,
    from tagged
)

select * from unnested
