-- PLACEHOLDER written by the dbt/marts helper until the enrichment helper delivers int_events.
-- One event per (person or place entity, ISO week) mentioned by at least one post and one news item.
with items as (
    select * from {{ ref('int_event_items') }}
),

texts as (
    select * from {{ ref('int_texts') }}
),

final as (
    select
        items.event_id,
        'mention' as event_type,
        any_value(split_part(items.event_id, '@', 1)) || ' (week of ' || any_value(split_part(items.event_id, '@', 2))
        || ')' as title,
        min(texts.published_at) as started_at,
        max(texts.published_at) as ended_at,
        [any_value(split_part(items.event_id, '@', 1))] as main_entities
    from items
    inner join texts
        on items.text_uid = texts.text_uid
    group by items.event_id
)

select * from final
