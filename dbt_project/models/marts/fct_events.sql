-- One row per event: when it first appeared in the mission's posts and in the news,
-- which came first and by how many hours, and how much it was engaged with.

with events as (
    select * from {{ ref('int_events') }}
),

bridge as (
    select * from {{ ref('bridge_event_items') }}
),

posts as (
    select * from {{ ref('fct_posts') }}
),

news as (
    select * from {{ ref('fct_news_items') }}
),

items as (
    select
        bridge.event_id,
        bridge.kind,
        bridge.platform,
        bridge.published_at,
        coalesce(posts.primary_language, news.language) as language,
        posts.engagement
    from bridge
    left join posts
        on bridge.post_uid = posts.post_uid
    left join news
        on bridge.item_uid = news.item_uid
),

per_event as (
    select
        event_id,
        min(published_at) filter (where kind = 'post') as post_first_at,
        min(published_at) filter (where kind = 'news') as news_first_at,
        count(*) filter (where kind = 'post') as n_posts,
        count(*) filter (where kind = 'news') as n_news,
        list_sort(list(distinct platform) filter (where kind = 'post')) as platforms,
        list_sort(list(distinct language) filter (where language is not null)) as languages,
        coalesce(sum(engagement), 0) as total_engagement
    from items
    group by event_id
),

final as (
    select
        events.event_id,
        events.event_type,
        events.title,
        events.started_at,
        events.ended_at,
        events.main_entities,
        per_event.post_first_at,
        per_event.news_first_at,
        case
            when per_event.post_first_at is null or per_event.news_first_at is null then null
            when per_event.post_first_at < per_event.news_first_at then 'posts'
            when per_event.news_first_at < per_event.post_first_at then 'news'
            else 'same_time'
        end as first_seen_in,
        round(date_diff('second', per_event.post_first_at, per_event.news_first_at) / 3600.0, 2) as lag_hours,
        coalesce(per_event.n_posts, 0) as n_posts,
        coalesce(per_event.n_news, 0) as n_news,
        coalesce(per_event.n_posts, 0) > 0 and coalesce(per_event.n_news, 0) > 0 as in_posts_and_news,
        coalesce(per_event.platforms, []::varchar[]) as platforms,
        coalesce(per_event.languages, []::varchar[]) as languages,
        coalesce(per_event.total_engagement, 0) as total_engagement
    from events
    left join per_event
        on events.event_id = per_event.event_id
)

select * from final
