{{
    config(
        materialized='incremental',
        unique_key='text_uid',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
        pre_hook="{{ delete_rows_rebuilt_or_gone(ref('int_event_items'), 'text_uid') }}",
    )
}}

-- One row per event and text (post or news item) that belongs to it.
-- Incremental: the texts whose event membership was written since the last build (built_at of
-- int_event_clusters); the rows of texts that left their event or every event go first.
with event_items as (
    select * from {{ ref('int_event_items') }}
    where {{ built_since_last_build() }}
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
        texts.published_at,
        event_items.built_at
    from event_items
    inner join texts
        on event_items.text_uid = texts.text_uid
)

select * from final
