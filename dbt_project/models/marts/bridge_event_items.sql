-- One row per event and text (post or news item) that belongs to it.

with event_items as (
    select * from {{ ref('int_event_items') }}
),

texts as (
    select * from {{ ref('int_texts') }}
),

final as (
    select
        event_items.event_id,
        event_items.text_uid,
        event_items.kind,
        case when event_items.kind = 'post' then event_items.text_uid end as post_uid,
        case when event_items.kind = 'news' then event_items.text_uid end as item_uid,
        texts.platform,
        texts.published_at
    from event_items
    inner join texts
        on event_items.text_uid = texts.text_uid
)

select * from final
