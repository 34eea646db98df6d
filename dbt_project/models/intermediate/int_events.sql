-- One row per event: type, readable title, first and last appearance, main entities.
with clusters as (
    select * from {{ ref('int_event_clusters') }}
),

events as (
    select
        event_id,
        any_value(event_type) as event_type,
        any_value(title) as title,
        min(started_at) as started_at,
        max(ended_at) as ended_at,
        any_value(main_entities) as main_entities,
        count(*) as n_texts,
        count(*) filter (where kind = 'post') as n_posts,
        count(*) filter (where kind = 'news') as n_news,
    from clusters
    group by event_id
)

select * from events
