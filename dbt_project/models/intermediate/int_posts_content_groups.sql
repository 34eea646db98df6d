{{
    config(
        materialized='incremental',
        unique_key='post_uid',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}

-- Cross-posted content: the same text on several platforms of one mission within a day is linked
-- (one content_group), not merged. Texts are compared after folding case, links, hashtags,
-- punctuation and spacing. Every post has a group; most groups have one post.
-- Incremental: posts fetched since the last build get their text key; every post of a text key
-- they have (or had) is regrouped, the rest stay as they are.
{%- set incremental = is_incremental_with('text_key') %}
with all_posts as (
    select
        post_uid,
        platform,
        mission_id,
        account_uid,
        published_at,
        post_text,
        fetched_at,
    from {{ ref('stg_posts') }}
),

fresh as (
    select * from all_posts
    {%- if incremental %}
        where {{ after_watermark('fetched_at', ['post_uid'], source=ref('stg_posts')) }}
    {%- endif %}
),

normalised as (
    select
        *,
        regexp_replace(
            regexp_replace(
                lower(regexp_replace(coalesce(post_text, ''), '(https?://\S+|[#@]\S+)', ' ', 'g')),
                '[^\p{L}\p{N}]+', ' ', 'g'
            ),
            '^ +| +$', '', 'g'
        ) as norm_text,
    from fresh
),

keyed_fresh as (
    select
        post_uid,
        platform,
        published_at,
        fetched_at,
        -- posts too short to tell a copy from a coincidence stay on their own
        case
            when length(norm_text) >= 20 then md5(coalesce(mission_id, account_uid) || '|' || norm_text)
            else md5(post_uid)
        end as text_key,
    from normalised
),

{% if incremental %}
    affected_keys as (
        select text_key from keyed_fresh
        union
        select existing.text_key
        from {{ this }} as existing
        semi join keyed_fresh
            on existing.post_uid = keyed_fresh.post_uid
    ),

    keyed as (
        select * from keyed_fresh
        union all by name
        select
            existing.post_uid,
            existing.platform,
            existing.published_at,
            existing.fetched_at,
            existing.text_key,
        from {{ this }} as existing
        semi join affected_keys
            on existing.text_key = affected_keys.text_key
        anti join keyed_fresh
            on existing.post_uid = keyed_fresh.post_uid
    ),
{% else %}
    keyed as (
        select * from keyed_fresh
    ),
{% endif %}

gaps as (
    select
        *,
        case
            when lag(published_at) over (partition by text_key order by published_at, post_uid) is null then 1
            when published_at - lag(published_at) over (partition by text_key order by published_at, post_uid)
                > interval 1 day then 1
            else 0
        end as starts_group,
    from keyed
),

numbered as (
    select
        *,
        sum(starts_group) over (
            partition by text_key order by published_at, post_uid rows unbounded preceding
        ) as group_no,
    from gaps
),

grouped as (
    select
        post_uid,
        'cg_' || left(md5(text_key || '|' || group_no::varchar), 16) as content_group,
        count(*) over (partition by text_key, group_no) as group_size,
        count(distinct platform) over (partition by text_key, group_no) as group_platforms,
        text_key,
        platform,
        published_at,
        fetched_at,
        now()::timestamp as built_at,
    from numbered
)

select * from grouped
