-- One row per text and entity found in it (gazetteer seeds/entities.csv).
with tagged as (
    select
        text_uid,
        entity_ids,
    from {{ ref('int_texts_tagged') }}
),

unnested as (
    select
        text_uid,
        unnest(entity_ids) as entity_id,
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
    from unnested
    inner join entities on unnested.entity_id = entities.entity_id
)

select * from joined
