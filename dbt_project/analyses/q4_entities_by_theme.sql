-- Q4. Who (people, places, organisations, in any spelling: Choe Son Hui, Чхве Сон Хи, 최선희)
-- appears most, and in which themes? One row per entity and theme, most mentioned entities first.

with post_mentions as (
    select
        post_uid as text_uid,
        'post' as kind,
        unnest(entity_ids) as entity_id,
        themes
    from {{ ref('fct_posts') }}
),

news_mentions as (
    select
        item_uid as text_uid,
        'news' as kind,
        unnest(entity_ids) as entity_id,
        themes
    from {{ ref('fct_news_items') }}
),

mentions as (
    select * from post_mentions
    union all
    select * from news_mentions
),

by_theme as (
    select
        text_uid,
        kind,
        entity_id,
        unnest(if(len(themes) = 0, ['unclassified'], themes)) as theme_id
    from mentions
),

entity_totals as (
    select
        entity_id,
        count(distinct text_uid) as n_texts_total
    from mentions
    group by entity_id
),

final as (
    select
        entities.canonical_name,
        entities.entity_type,
        entity_totals.n_texts_total,
        by_theme.theme_id,
        count(distinct by_theme.text_uid) filter (where by_theme.kind = 'post') as n_posts,
        count(distinct by_theme.text_uid) filter (where by_theme.kind = 'news') as n_news_items
    from by_theme
    inner join entity_totals
        on by_theme.entity_id = entity_totals.entity_id
    inner join {{ ref('dim_entities') }} as entities
        on by_theme.entity_id = entities.entity_id
    group by all
)

select * from final
order by n_texts_total desc, canonical_name asc, n_posts + n_news_items desc, theme_id asc
