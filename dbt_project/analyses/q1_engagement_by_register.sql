-- Q1. How does engagement differ between people-centred posts (music, food, sport, marathons,
-- language contests, holidays such as Chuseok, trips to Paektu) and official ones (receptions,
-- delegations, consultations)? One row per platform and register.

with posts as (
    select * from {{ ref('fct_posts') }}
),

final as (
    select
        platform,
        register,
        count(*) as n_posts,
        round(avg(engagement), 2) as engagement_avg,
        round(median(engagement), 2) as engagement_median,
        round(avg(engagement_per_1k_followers), 4) as engagement_per_1k_followers_avg,
        round(avg(engagement_24h), 2) as engagement_24h_avg,
        round(avg(views), 2) as views_avg
    from posts
    where register in ('people_centred', 'official', 'mixed')
    group by platform, register
)

select * from final
order by platform, register
