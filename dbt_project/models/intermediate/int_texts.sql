{{
    config(
        materialized='incremental',
        unique_key='text_uid',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}

-- Every text the enrichment reads: social posts and news items in one shape.
-- text_hash changes when a text is edited or re-fetched with new content, so the
-- incremental enrichment models redo exactly those texts. built_at (when a build wrote the row, UTC)
-- tells int_event_clusters which texts were rewritten since its last build.
-- Incremental on fetched_at (a watermark per kind): a run reads only the posts and news items
-- fetched since the last build, and those of the last fetch time not in the model yet.
{%- set incremental = is_incremental_with('fetched_at') %}

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
        fetched_at,
    from {{ ref('stg_posts') }}
    {%- if incremental %}
        where {{ after_watermark(
            'fetched_at', ['post_uid'], model_keys=['text_uid'], model_where="kind = 'post'", source=ref('stg_posts')
        ) }}
    {%- endif %}
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
        fetched_at,
    from {{ ref('stg_news__items') }}
    {%- if incremental %}
        where {{ after_watermark(
            'fetched_at', ['item_uid'], model_keys=['text_uid'], model_where="kind = 'news'",
            source=ref('stg_news__items')
        ) }}
    {%- endif %}
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
        now()::timestamp as built_at,
    from unioned
)

select * from hashed
