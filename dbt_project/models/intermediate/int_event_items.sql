-- PLACEHOLDER written by the dbt/marts helper until the enrichment helper delivers int_event_items.
with mentions as (
    select
        entities.entity_id,
        texts.text_uid,
        texts.kind,
        entities.entity_id || '@' || strftime(date_trunc('week', texts.published_at), '%Y-%m-%d') as event_id
    from {{ ref('int_texts_entities') }} as entities
    inner join {{ ref('int_texts') }} as texts
        on entities.text_uid = texts.text_uid
),

events as (
    select event_id
    from mentions
    group by event_id
    having count(distinct kind) = 2
),

final as (
    select distinct
        mentions.event_id,
        mentions.text_uid,
        mentions.kind
    from mentions
    inner join events
        on mentions.event_id = events.event_id
)

select * from final
