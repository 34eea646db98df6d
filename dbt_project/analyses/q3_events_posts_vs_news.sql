-- Q3. Which events (visits, conferences, receptions, fairs) appeared both in the embassy's posts
-- and in the news, and which came first, by how many hours? (lag_hours > 0: the posts came first.)

with events as (
    select * from {{ ref('fct_events') }}
),

final as (
    select
        event_id,
        event_type,
        title,
        post_first_at,
        news_first_at,
        first_seen_in,
        lag_hours,
        n_posts,
        n_news,
        platforms,
        total_engagement
    from events
    where in_posts_and_news
)

select * from final
order by post_first_at
