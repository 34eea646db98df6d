-- Posts and engagement by month x mission x platform x theme x primary language.
-- A post with several themes counts once in each of its themes; a post without one counts under
-- 'unclassified'. For totals across themes, use fct_posts.

with posts as (
    select * from {{ ref('fct_posts') }}
),

by_theme as (
    select
        *,
        unnest(if(len(themes) = 0, ['unclassified'], themes)) as theme_id
    from posts
),

final as (
    select
        published_month as month,
        coalesce(mission_id, 'unknown') as mission_id,
        platform,
        theme_id,
        primary_language as language,
        count(*) as n_posts,
        count(*) filter (where is_bilingual) as n_bilingual_posts,
        round(count(*) filter (where is_bilingual) / count(*), 4) as bilingual_share,
        coalesce(sum(engagement), 0) as engagement_total,
        round(avg(engagement), 2) as engagement_avg,
        round(median(engagement), 2) as engagement_median,
        round(avg(cast(engagement_per_1k_followers as decimal(18, 4))), 4) as engagement_per_1k_followers_avg,
        sum(views) as views_total
    from by_theme
    group by all
)

select * from final
