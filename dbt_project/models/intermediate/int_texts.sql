-- Every text the enrichment reads: social posts and news items in one shape.
-- text_hash changes when a text is edited or re-fetched with new content, so the
-- incremental enrichment models redo exactly those texts.
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
        post_url as url,
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
        canonical_url as url,
    from {{ ref('stg_news__items') }}
),

unioned as (
    select * from posts
    union all by name
    select * from news
),

hashed as (
    select
        *,
        md5(coalesce(title, '') || chr(10) || coalesce(body_text, '')) as text_hash,
    from unioned
)

select * from hashed
