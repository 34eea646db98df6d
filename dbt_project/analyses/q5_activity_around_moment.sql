-- Q5. How did posting and engagement change around a political moment (a summit, a visit, a crisis)?
-- Weekly posts and engagement per platform, from var moment_weeks weeks before to after var
-- moment_at (default: Donald Trump's East Asia trip, 2017-11-05), with the before/after means.

{% set moment_at = var('moment_at', '2017-11-05') %}
{% set weeks = var('moment_weeks', 8) %}

with posts as (
    select * from {{ ref('fct_posts') }}
    where published_at >= timestamp '{{ moment_at }}' - to_weeks({{ weeks }})
        and published_at < timestamp '{{ moment_at }}' + to_weeks({{ weeks }})
),

weekly as (
    select
        platform,
        cast(floor(date_diff('day', timestamp '{{ moment_at }}', published_at) / 7) as integer) as week_offset,
        count(*) as n_posts,
        coalesce(sum(engagement), 0) as engagement_total,
        round(avg(engagement), 2) as engagement_avg,
        round(avg(engagement_per_1k_followers), 4) as engagement_per_1k_followers_avg,
        count(*) filter (where register = 'official') as n_official,
        count(*) filter (where register = 'people_centred') as n_people_centred
    from posts
    group by all
),

final as (
    select
        platform,
        week_offset,
        if(week_offset < 0, 'before', 'after') as period,
        n_posts,
        engagement_total,
        engagement_avg,
        engagement_per_1k_followers_avg,
        n_official,
        n_people_centred,
        round(avg(n_posts) over (partition by platform, week_offset < 0), 2) as period_posts_per_week,
        round(avg(engagement_avg) over (partition by platform, week_offset < 0), 2) as period_engagement_avg
    from weekly
)

select * from final
order by platform, week_offset
