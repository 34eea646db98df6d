-- PLACEHOLDER written by the dbt/marts helper until the enrichment helper delivers int_posts_content_groups.
with posts as (
    select * from {{ ref('stg_posts') }}
),

final as (
    select
        post_uid,
        case
            when repost_of is not null or forwarded_from is not null then 'share'
            when media_count > 1 then 'album'
            when list_contains(list_transform(media, m -> m.type), 'video') then 'video'
            when media_count = 1 then 'photo'
            else 'text'
        end as content_group
    from posts
)

select * from final
