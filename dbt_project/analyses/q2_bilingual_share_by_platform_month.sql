-- Q2. What share of posts is bilingual (Russian + English), per platform, per month?

with posts as (
    select * from {{ ref('fct_posts') }}
),

final as (
    select
        platform,
        published_month as month,
        count(*) as n_posts,
        count(*) filter (where is_bilingual) as n_bilingual,
        count(*) filter (
            where is_bilingual and list_has_all(languages, ['ru', 'en'])
        ) as n_bilingual_ru_en,
        round(count(*) filter (where is_bilingual and list_has_all(languages, ['ru', 'en'])) / count(*), 4)
            as share_bilingual_ru_en,
        round(count(*) filter (where is_bilingual) / count(*), 4) as share_bilingual
    from posts
    group by platform, published_month
)

select * from final
order by platform, month
