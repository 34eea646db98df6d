-- Cross-posted content: the same text on several platforms of one mission within a day is linked
-- (one content_group), not merged. Texts are compared after folding case, links, hashtags,
-- punctuation and spacing. Every post has a group; most groups have one post.
with posts as (
    select
        post_uid,
        platform,
        mission_id,
        account_uid,
        published_at,
        post_text,
    from {{ ref('stg_posts') }}
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
    from posts
),

keyed as (
    select
        *,
        -- posts too short to tell a copy from a coincidence stay on their own
        case
            when length(norm_text) >= 20 then md5(coalesce(mission_id, account_uid) || '|' || norm_text)
            else md5(post_uid)
        end as text_key,
    from normalised
),

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
    from numbered
)

select * from grouped
