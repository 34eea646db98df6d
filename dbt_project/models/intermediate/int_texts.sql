-- PLACEHOLDER written by the dbt/marts helper until the enrichment helper delivers int_texts.
with posts as (
    select
        post_uid as text_uid,
        'post' as kind,
        platform,
        mission_id,
        account_uid,
        published_at,
        cast(null as varchar) as title,
        post_text as body_text,
        post_url as url
    from {{ ref('stg_posts') }}
),

news as (
    select
        item_uid as text_uid,
        'news' as kind,
        'news' as platform,
        cast(null as varchar) as mission_id,
        cast(null as varchar) as account_uid,
        published_at,
        title,
        coalesce(body, summary) as body_text,
        canonical_url as url
    from {{ ref('stg_news__items') }}
),

unioned as (
    select * from posts
    union all
    select * from news
)

select * from unioned
